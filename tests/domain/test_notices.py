"""The notice board: announcements by scope and validity, withdrawal, links to requests, the published report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.db.models import Grid, Household
from app.domain import clock, grid_planning, notices, requests
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import BUTLER, FRONT_DESK, SUPERVISOR

TODAY = date(2031, 1, 5)


@pytest.fixture
def morning():
    clock.freeze(datetime(2031, 1, 5, 9, 0, tzinfo=clock.ZONE).astimezone(UTC))
    yield
    clock.reset()


@pytest.fixture
def grids(db, community_id) -> list[Grid]:
    return list(db.exec(select(Grid).where(Grid.community_id == community_id).order_by(Grid.id)))[:2]


def _post(db, actor, title, grid_id=None, start=TODAY, days=6):
    row = notices.create(db, actor, title=title, body=f"{title}的内容", grid_id=grid_id,
                         valid_from=start, valid_until=start + timedelta(days=days))
    clock.advance(timedelta(minutes=1))
    return row


def test_board_shows_community_and_own_grid_valid_today_newest_first(db, actor_of, grids, morning, entries):
    desk = actor_of(FRONT_DESK)
    a, b = grids
    _post(db, desk, "全小区停水通知")
    _post(db, desk, "A网格电梯检修", a.id)
    _post(db, desk, "B网格消防演练", b.id)
    _post(db, desk, "明天才开始", start=TODAY + timedelta(days=1))
    gone = _post(db, desk, "发错了")
    notices.withdraw(db, desk, gone.id)
    assert [i.title for i in notices.board(db, a.community_id, a.id)] == ["A网格电梯检修", "全小区停水通知"]
    assert [i.title for i in notices.board(db, b.community_id, b.id)] == ["B网格消防演练", "全小区停水通知"]
    first = notices.board(db, a.community_id, a.id)[1]
    assert first.community_wide and first.kind == "manual" and first.body == "全小区停水通知的内容"
    # after its last day it is gone
    clock.freeze(datetime(2031, 1, 12, 0, 5, tzinfo=clock.ZONE).astimezone(UTC))
    assert [i.title for i in notices.board(db, a.community_id, a.id)] == ["明天才开始"]
    states = {r.title: r.state for r in notices.listing(db, desk, include_old=True)}
    assert states["发错了"] == "withdrawn" and states["全小区停水通知"] == "expired"
    assert states["明天才开始"] == "active"
    assert [r.title for r in notices.listing(db, desk)] == ["明天才开始"]
    assert len(entries("notice.created")) == 5 and len(entries("notice.withdrawn")) == 1
    with pytest.raises(DomainError) as err:
        notices.withdraw(db, desk, gone.id)
    assert err.value.key == "notice.already_withdrawn"


def test_validation_and_permission(db, actor_of, grids, morning):
    desk = actor_of(FRONT_DESK)

    def make(**kw):
        args = dict(title="标题", body="内容", grid_id=None, valid_from=TODAY, valid_until=TODAY)
        args.update(kw)
        with pytest.raises(DomainError) as err:
            notices.create(db, desk, **args)
        return err.value.key

    assert make(valid_until=TODAY - timedelta(days=1)) == "notice.until_before_from"
    assert make(valid_from=TODAY - timedelta(days=1)) == "notice.in_past"
    assert make(valid_until=TODAY + timedelta(days=400)) == "notice.too_long"
    assert make(title="长" * 61) == "form.too_long"
    assert make(body="") == "form.required"
    assert make(body="字" * 2001) == "form.too_long"
    assert make(grid_id=999_999) == "notice.grid_unknown"
    with pytest.raises(Refused):
        notices.create(db, actor_of(BUTLER), title="t", body="b", grid_id=None,
                       valid_from=TODAY, valid_until=TODAY)
    # a one-day notice is fine; script stays text
    row = notices.create(db, desk, title="<b>x</b>", body="<script>1</script>", grid_id=grids[0].id,
                         valid_from=TODAY, valid_until=TODAY)
    assert row.title == "<b>x</b>"


def test_links_to_requests_of_the_same_community(db, actor_of, community_id, morning, entries):
    desk = actor_of(FRONT_DESK)
    home = db.exec(select(Household).where(Household.community_id == community_id)).first()
    reqs = [requests.intake(db, desk, channel=requests.PHONE, content=f"停水{i}", household_id=home.id).request
            for i in range(2)]
    ann = _post(db, desk, "停水原因说明")
    assert notices.link_requests(db, desk, ann.id, [reqs[0].id, reqs[1].id, reqs[0].id]) == 2
    assert notices.link_requests(db, desk, ann.id, [reqs[0].id]) == 0
    assert notices.listing(db, desk)[0].request_ids == (reqs[0].id, reqs[1].id)
    assert notices.linked_to(db, reqs[1].id) == [ann.id]
    with pytest.raises(DomainError) as err:
        notices.link_requests(db, desk, ann.id, [987_654])
    assert err.value.key == "notice.request_unknown" and err.value.params == {"id": 987_654}
    notices.unlink_request(db, desk, ann.id, reqs[1].id)
    assert notices.listing(db, desk)[0].request_ids == (reqs[0].id,)
    assert len(entries("notice.linked")) == 2


def test_published_quarterly_report_on_the_board(db, actor_of, grids, morning):
    boss = actor_of(SUPERVISOR)
    with pytest.raises(Refused):
        notices.publish_report(db, actor_of(FRONT_DESK), "2030-Q4", title="t", body="b")
    with pytest.raises(DomainError) as err:
        notices.publish_report(db, boss, "2030-Q9", title="t", body="b")
    assert err.value.key == "report.bad_period"
    row = notices.publish_report(db, boss, "2030-Q4", title="2030年第4季度管理报告", body="请查看报告")
    assert notices.is_published(db, row.community_id, "2030-Q4")
    assert not notices.is_published(db, row.community_id, "2030-Q3")
    item = notices.board(db, grids[0].community_id, grids[0].id)[0]
    assert (item.kind, item.report_period, item.community_wide) == ("quarterly_report", "2030-Q4", True)
    with pytest.raises(DomainError) as err:
        notices.publish_report(db, boss, "2030-Q4", title="again", body="b")
    assert err.value.key == "notice.report_already_published"
    # the resident page's token finds the board; a bad token finds nothing
    token = grid_planning.poster_token(db, grids[0])
    cid, items = notices.board_for_token(db, token)
    assert cid == grids[0].community_id and [i.report_period for i in items] == ["2030-Q4"]
    assert notices.board_for_token(db, "nonsense") == (0, [])
    notices.withdraw(db, boss, row.id)
    assert not notices.is_published(db, row.community_id, "2030-Q4")

"""The resident closes the loop on the private link /q/<link> (390x844).

A repair is filed, dispatched and resolved through the domain on the served app's database; the
resident opens the link, says 没修好 (first offline: not sent, nothing recorded; then a double tap
online: recorded once), the technician's /repairs lists the job again; resolved again, the resident
confirms 已修好 with a rating (double tap: one follow-up) and the request closes. The contacts card
calls today's butler and the front desk and files a new problem on the grid's poster page; a bad
/r/ and /q/ show the front desk's phone.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.db.models import Community, Grid, Household, Staff
from app.db.session import session_scope
from app.domain import auth, requests
from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e

FRONT_DESK = "13800000004"
TECHNICIAN = "13800000032"  # 徐师傅


def _sql(app, query: str, *args):
    with sqlite3.connect(app.db_url.removeprefix("sqlite:///")) as con:
        return con.execute(query, args).fetchall()


def _actor(db, phone: str) -> auth.Actor:
    return auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == phone)).one())


def _file_and_resolve(app) -> tuple[int, str, str, str]:
    """A resident's repair in 2号网格, dispatched to 徐师傅 and resolved: (id, link, butler phone, desk phone)."""
    with session_scope(app.db_url) as db:
        grid = db.exec(select(Grid).where(Grid.name == "2号网格")).one()
        home = db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()
        filed = requests.public_intake(db, community_id=grid.community_id, household_id=home.id, kind="repair",
                                       content="卫生间地漏反水", contact_phone="13912340000",
                                       client_key="e2e-resident-loop")
        req = filed.request
        desk, tech = _actor(db, FRONT_DESK), _actor(db, TECHNICIAN)
        requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
        requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
        requests.arrive(db, tech, req.id)
        requests.resolve(db, tech, req.id, "疏通了地漏")
        butler = db.get(Staff, grid.butler_id)
        community = db.get(Community, grid.community_id)
        return req.id, filed.link, butler.phone, community.front_desk_phone


def _resolve_again(app, request_id: int) -> None:
    with session_scope(app.db_url) as db:
        tech = _actor(db, TECHNICIAN)
        requests.arrive(db, tech, request_id)
        requests.resolve(db, tech, request_id, "更换了地漏芯")


def _events(app, request_id: int, kind: str) -> list[tuple]:
    return _sql(app, "select note, client_id, actor_id from requestevent where request_id = ? and kind = ?",
                request_id, kind)


def test_resident_says_not_fixed_then_confirms_fixed(served_app, phone, another):
    number, link, butler_phone, desk_phone = _file_and_resolve(served_app)
    assert desk_phone
    phone.goto(f"/q/{link}")
    expect(phone.locator("#rq-number")).to_have_text(f"#{number}")
    expect(phone.locator("#rq-status")).to_have_text("已处理")
    expect(phone.locator("#rq-answer")).to_be_visible()
    # the contacts card: today's butler, the desk, a new problem on the grid's poster page
    expect(phone.locator("#rq-call-butler")).to_have_attribute("href", f"tel:{butler_phone}")
    expect(phone.locator("#rq-call-butler")).to_contain_text("王芳")
    expect(phone.locator("#rq-call-desk")).to_have_attribute("href", f"tel:{desk_phone}")
    assert phone.locator("#rq-new-request").get_attribute("href").startswith("/r/")
    shot(phone, "resident-loop-1-resolved")

    # offline: 没修好 is not sent, the page says so, nothing is recorded (nor queued for later)
    phone.locator("#rq-not-fixed-note").fill("还是反水，卫生间有异味")
    phone.context.set_offline(True)
    expect(phone.locator("#reconnecting")).to_be_visible(timeout=30_000)
    phone.locator("#rq-not-fixed").click()
    expect(phone.locator("#rq-answer-offline")).to_contain_text("网络未连接，没有发送")
    shot(phone, "resident-loop-2-offline")
    phone.context.set_offline(False)
    expect(phone.locator("#reconnecting")).to_have_count(0, timeout=30_000)
    time.sleep(2)
    assert _events(served_app, number, "not_fixed") == []
    # online again: a double tap records once
    phone.locator("#rq-not-fixed").dblclick()
    expect(phone.locator("#rq-answer-ok")).to_have_text("已转回维修师傅重新处理，管家已收到通知")
    expect(phone.locator("#rq-answer-offline")).to_have_count(0)
    expect(phone.locator("#rq-status")).to_have_text("已派单")
    expect(phone.locator(".rq-event[data-kind='not_fixed']")).to_contain_text("还是反水")
    time.sleep(1)
    events = _events(served_app, number, "not_fixed")
    assert len(events) == 1 and events[0][0] == "还是反水，卫生间有异味" and events[0][1] and events[0][2] is None
    (status, assignee, reopened), = _sql(served_app, "select r.status, s.phone, r.reopened from servicerequest r "
                                         "join staff s on s.id = r.assignee_id where r.id = ?", number)
    assert (status, assignee, reopened) == ("dispatched", TECHNICIAN, 1)
    told = {p for (p,) in _sql(served_app, "select s.phone from staffalert a join staff s on s.id = a.staff_id "
                                            "where a.kind = 'not_fixed' and a.request_id = ?", number)}
    assert told == {TECHNICIAN, butler_phone}
    shot(phone, "resident-loop-3-not-fixed")

    # the technician's phone lists the job again
    tech = another()
    sign_in(tech, TECHNICIAN)
    tech.wait_for_url("**/repairs")
    expect(tech.locator(f".request-card[data-request='{number}']")).to_contain_text("卫生间地漏反水")
    shot(tech, "resident-loop-4-technician")

    # resolved again: 已修好 with a rating; a double tap records one follow-up; the request closes
    _resolve_again(served_app, number)
    phone.reload()
    expect(phone.locator("#rq-answer")).to_be_visible()
    expect(phone.locator("#rq-answer-ok")).to_have_count(0)
    phone.locator("#rq-fixed").click()
    expect(phone.locator("#rq-answer-error")).to_have_text("请选择满意、基本满意或不满意")
    phone.locator("label[for='rq-rating-satisfied']").click()
    phone.locator("#rq-fixed").dblclick()
    expect(phone.locator("#rq-answer-ok")).to_have_text("谢谢，已记录您的确认")
    expect(phone.locator("#rq-status")).to_have_text("已结案")
    expect(phone.locator("#rq-answer")).to_have_count(0)
    expect(phone.locator("#rq-follow-up")).to_have_text("您的确认：满意")
    time.sleep(1)
    assert _sql(served_app, "select method, by_id, satisfaction, satisfied from followup where request_id = ?",
                number) == [("resident", None, 5, 1)]
    assert _sql(served_app, "select status, is_open from servicerequest where id = ?", number) == [("closed", 0)]
    shot(phone, "resident-loop-5-confirmed")

    # 提交新问题 opens the grid's poster page with its form
    phone.locator("#rq-new-request").click()
    phone.wait_for_url("**/r/**")
    expect(phone.locator("#res-butler-name")).to_have_text("王芳")
    expect(phone.locator("#rr-card")).to_be_visible()
    # with the same household filled in and checked
    expect(phone.locator("#rr-household")).to_have_value(re.compile(r"^\d+-\d+-\d+$"))
    expect(phone.locator("#rr-household-note")).to_contain_text("2号网格")


def test_bad_poster_and_link_pages_show_the_front_desk(served_app, phone):
    (desk_phone,), = _sql(served_app, "select front_desk_phone from community where front_desk_phone != '' "
                                      "order by id limit 1")
    phone.goto("/r/not-a-real-token")
    expect(phone.locator("#res-invalid")).to_be_visible()
    expect(phone.locator("#res-call-desk")).to_have_attribute("href", f"tel:{desk_phone}")
    shot(phone, "resident-loop-bad-poster")
    phone.goto("/q/not-a-real-link")
    expect(phone.locator("#rq-invalid")).to_be_visible()
    expect(phone.locator("#rq-call-desk")).to_have_attribute("href", f"tel:{desk_phone}")
    expect(phone.locator("#rq-call-desk")).to_contain_text(desk_phone)
    shot(phone, "resident-loop-bad-link")


def test_an_answer_before_the_technician_has_finished_is_refused(served_app, phone):
    """No answer card while the request is open; a tampered browser sending 没修好 anyway is refused."""
    from app.state.base import AppState
    from app.state.resident import RequestLinkState
    from tests.e2e.conftest import forge_next_event

    with session_scope(served_app.db_url) as db:
        grid = db.exec(select(Grid).where(Grid.name == "2号网格")).one()
        home = db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()
        filed = requests.public_intake(db, community_id=grid.community_id, household_id=home.id, kind="repair",
                                       content="阳台灯不亮", contact_phone="13912340001",
                                       client_key="e2e-resident-loop-early")
        number, link = filed.request.id, filed.link
    forged = forge_next_event(phone, f"{AppState.get_full_name()}.toggle_language",
                              f"{RequestLinkState.get_full_name()}.report_not_fixed",
                              {"form": {"note": "没修好", "answer_id": "forged-early-1"}})
    phone.goto(f"/q/{link}")
    expect(phone.locator("#rq-status")).to_have_text("已受理")
    expect(phone.locator("#rq-answer")).to_have_count(0)
    expect(phone.locator("#rq-contacts")).to_be_visible()
    phone.locator("#lang-switch").click()
    expect(phone.locator("#rq-answer-error")).to_have_text("技师处理完成后才能确认")
    assert forged
    assert _events(served_app, number, "not_fixed") == []
    assert _sql(served_app, "select status from servicerequest where id = ?", number) == [("received",)]

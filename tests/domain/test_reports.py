"""Reports: the half-monthly summary of management-caused complaints and the quarterly report.

A known set of requests is built through app.domain.requests with a frozen clock
in 2031-Q1 (no other test writes there) and the exact figures are asserted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.db.models import Grid, Household
from app.domain import clock, reports, requests
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import BUTLER, FRONT_DESK, SUPERVISOR, TECHNICIAN


def _at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=clock.ZONE).astimezone(UTC)


@pytest.fixture
def home(db, community_id) -> Household:
    return db.exec(
        select(Household).where(Household.community_id == community_id, Household.grid_id.is_not(None))
        .order_by(Household.id)
    ).first()


@pytest.fixture
def world(db, actor_of, community_id, home):
    """Seven requests in and around 2031-Q1 (see the figures asserted below)."""
    desk, tech, butler = actor_of(FRONT_DESK), actor_of(TECHNICIAN), actor_of(BUTLER)

    def new(text):
        return requests.intake(db, desk, channel=requests.PHONE, content=text, household_id=home.id,
                               contact_phone="13912345678").request

    try:
        # Jan: a complaint handled on time, followed up satisfied, closed
        clock.freeze(_at(2031, 1, 5))
        r1 = new("楼下噪音扰民")
        requests.classify(db, desk, r1.id, category=requests.COMPLAINT)
        requests.dispatch(db, desk, r1.id, department="service", assignee_id=None)
        requests.resolve(db, desk, r1.id, "已劝导")
        requests.follow_up(db, butler, r1.id, method="phone", satisfaction=5)
        requests.close(db, butler, r1.id)
        # Jan: a repair that missed the arrival limit, unsatisfied once, then satisfied
        clock.advance(timedelta(hours=1))
        r2 = new("厨房水管漏水")
        requests.classify(db, desk, r2.id, category=requests.REPAIR_MINOR)
        requests.dispatch(db, desk, r2.id, department="technician", assignee_id=tech.id)
        clock.advance(timedelta(minutes=10))
        assert requests.sweep_overdue(db, community_id) == 1
        requests.arrive(db, tech, r2.id)
        requests.resolve(db, tech, r2.id, "换阀门")
        requests.follow_up(db, butler, r2.id, method="phone", satisfaction=2)
        requests.arrive(db, tech, r2.id)
        requests.resolve(db, tech, r2.id, "再次维修")
        requests.follow_up(db, butler, r2.id, method="visit", satisfaction=4)
        # Feb: an inquiry answered; a complaint that is not ours (referred, closed)
        clock.freeze(_at(2031, 2, 10))
        r3 = new("快递柜怎么用")
        requests.classify(db, desk, r3.id, category=requests.INQUIRY)
        requests.dispatch(db, desk, r3.id, department="service", assignee_id=None)
        requests.resolve(db, desk, r3.id, "已答复")
        r4 = new("燃气费太贵")
        requests.classify(db, desk, r4.id, category=requests.COMPLAINT, ours=False,
                          referral_note="燃气公司定价", referral_channel="燃气公司客服")
        # Mar: a complaint still open; an unclassified one at 23:30 on the last day
        clock.freeze(_at(2031, 3, 20))
        r5 = new("绿化带无人修剪")
        requests.classify(db, desk, r5.id, category=requests.COMPLAINT)
        clock.freeze(_at(2031, 3, 31, 23, 30))
        r6 = new("建议增加充电桩")
        # Apr (local), still Mar 31 in UTC: the next quarter
        clock.freeze(_at(2031, 4, 1, 0, 10))
        r7 = new("电梯异响")
        requests.classify(db, desk, r7.id, category=requests.REPAIR_URGENT)
        clock.freeze(_at(2031, 4, 2))
        yield [r1, r2, r3, r4, r5, r6, r7]
    finally:
        clock.reset()


def _fig(f: reports.Figures) -> tuple:
    return (f.received, f.handled, f.on_time, f.valid_resolved, f.followed_up, f.follow_ups,
            f.satisfaction_sum, f.satisfied)


def test_quarterly_figures(db, actor_of, world):
    rep = reports.quarterly(db, actor_of(SUPERVISOR), "2031-Q1")
    assert _fig(rep.total) == (6, 4, 3, 2, 2, 3, 11, 2)
    assert [(m, _fig(f)) for m, f in rep.by_month] == [
        (date(2031, 1, 1), (2, 2, 1, 2, 2, 3, 11, 2)),
        (date(2031, 2, 1), (2, 2, 2, 0, 0, 0, 0, 0)),
        (date(2031, 3, 1), (2, 0, 0, 0, 0, 0, 0, 0)),
    ]
    assert [(c, _fig(f)) for c, f in rep.by_category] == [
        ("repair_minor", (1, 1, 0, 1, 1, 2, 6, 1)),
        ("complaint", (3, 2, 2, 1, 1, 1, 5, 1)),
        ("inquiry", (1, 1, 1, 0, 0, 0, 0, 0)),
        ("", (1, 0, 0, 0, 0, 0, 0, 0)),
    ]
    t = rep.total
    assert reports.percent(t.on_time_rate) == "75%"
    assert reports.percent(t.follow_up_rate) == "100%"
    assert reports.mean(t.satisfaction) == "3.7"
    assert reports.percent(t.satisfied_rate) == "67%"
    # the request received at 00:10 local on Apr 1 is in Q2
    q2 = reports.quarterly(db, actor_of(SUPERVISOR), "2031-Q2")
    assert _fig(q2.total) == (1, 0, 0, 0, 0, 0, 0, 0)
    assert q2.by_category[0][0] == "repair_urgent"
    assert reports.percent(q2.total.on_time_rate) == "—"


def test_half_month_summary_counts_management_caused_complaints(db, actor_of, world, home):
    grid_name = db.get(Grid, home.grid_id).name
    boss = actor_of(SUPERVISOR)
    s = reports.half_month_summary(db, boss, "2031-01-01")
    assert (s.period.start, s.period.end) == (date(2031, 1, 1), date(2031, 1, 15))
    assert (s.total, s.overdue, s.unsatisfied) == (2, 1, 1)
    assert [(x.key, x.total, x.overdue, x.unsatisfied) for x in s.by_category] == [
        ("complaint", 1, 0, 0), ("repair_minor", 1, 1, 1)]
    assert [(x.key, x.total, x.overdue, x.unsatisfied) for x in s.by_grid] == [(grid_name, 2, 1, 1)]
    # Feb 1-15: an inquiry and a complaint that is not ours: nothing management-caused
    assert reports.half_month_summary(db, boss, "2031-02-01").total == 0
    # Mar 16-31: the open complaint; the unclassified request does not count
    late = reports.half_month_summary(db, boss, "2031-03-16")
    assert late.period.end == date(2031, 3, 31)
    assert [(x.key, x.total) for x in late.by_category] == [("complaint", 1)]


def test_improvement_actions_written_and_rewritten(db, actor_of, world, entries):
    boss = actor_of(SUPERVISOR)
    reports.write_plan(db, boss, "2031-01-01", "维修到场超时：增加夜班维修人员")
    reports.write_plan(db, boss, "2031-01-01", "  维修到场超时：调整排班  ")
    s = reports.half_month_summary(db, boss, "2031-01-01")
    assert s.actions == "维修到场超时：调整排班"
    assert s.actions_by == "周敏"
    written = entries("report.plan_written")
    assert len(written) == 2 and '"维修到场超时：增加夜班维修人员"' in (written[-1].before or "")
    with pytest.raises(DomainError) as err:
        reports.write_plan(db, boss, "2031-01-01", "   ")
    assert err.value.key == "form.required"
    with pytest.raises(DomainError) as err:
        reports.write_plan(db, boss, "2031-05-01", "未来")
    assert err.value.key == "report.future_period"
    with pytest.raises(Refused):
        reports.write_plan(db, actor_of("03"), "2031-01-01", "组长不能写")


def test_permissions_and_periods(db, actor_of, world):
    with pytest.raises(Refused):
        reports.quarterly(db, actor_of(FRONT_DESK), "2031-Q1")
    with pytest.raises(Refused):
        reports.half_month_summary(db, actor_of(BUTLER), "2031-01-01")
    for bad in ("2031-Q5", "2031Q1", "", "1999-Q1"):
        with pytest.raises(DomainError) as err:
            reports.parse_quarter(bad)
        assert err.value.key == "report.bad_period"
    for bad in ("2031-01-02", "x", ""):
        with pytest.raises(DomainError):
            reports.parse_half_month(bad)
    assert [h.key for h in reports.recent_half_months(3, date(2031, 3, 1))] == [
        "2031-03-01", "2031-02-16", "2031-02-01"]
    assert reports.half_month_of(date(2031, 2, 20)).end == date(2031, 2, 28)
    assert [q.key for q in reports.recent_quarters(3, date(2031, 2, 1))] == ["2031-Q1", "2030-Q4", "2030-Q3"]


def test_printed_reports_are_one_a4_page(db, actor_of, world):
    from app.pdf import reports as pdf

    boss = actor_of(SUPERVISOR)
    reports.write_plan(db, boss, "2031-01-01", "一、维修到场超时：调整排班\n二、加强回访")
    head = pdf.Header("阳光花园", clock.now())
    for doc in (pdf.render_quarterly(head, reports.quarterly(db, boss, "2031-Q1")),
                pdf.render_half_month(head, reports.half_month_summary(db, boss, "2031-01-01"))):
        assert doc.pdf.startswith(b"%PDF-")
        assert pdf.page_count(doc.pdf) == doc.pages == 1
        assert doc.pdf.count(b"/MediaBox [0 0 595.28 841.89]") == 1  # A4 in points

"""The renovation desk's second look, end to end at phone size (390x844).

A returned application is resubmitted from the desk with other dates, daily hours, scope and site
manager (the form comes prefilled; the domain checks it as at application); after sign-off a pass is
reissued with days picked within the permit's dates; the supervisor's KPI page switches between this
month, last month, this quarter and a custom range. The engineering manager, who holds neither the
desk's paperwork nor resubmission, is shown none of those forms, and a forged deposit from his
browser is refused and audited by the server.

The test makes its own application through the domain on a household without one.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.state.base import AppState
from app.state.renovations import RenovationsState
from tests.e2e.conftest import forge_next_event, shot, sign_in, sqlite_db

pytestmark = pytest.mark.e2e

FRONT_DESK = "13800000005"
SUPERVISOR = "13800000002"
ENGINEERING = "13800000041"
GENERAL_MANAGER = "13800000042"


def _actors(db):
    from sqlmodel import select

    from app.db.models import Staff
    from app.domain import auth

    def actor(phone: str):
        return auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == phone)).one())

    return actor


def _returned_application(served_app) -> int:
    """An application of a free tower household with one worker, returned by the supervisor."""
    from app.db.session import session_scope
    from app.domain import clock, renovation_passes, renovations

    with sqlite_db(served_app) as con:
        (household_id,) = con.execute(
            "select h.id from household h join building b on b.id = h.building_id where b.name = '13栋' "
            "and h.id not in (select household_id from renovationapplication) order by h.id desc limit 1"
        ).fetchone()
    with session_scope(served_app.db_url) as db:
        actor = _actors(db)
        today = clock.today()
        app = renovations.apply(
            db, actor(FRONT_DESK), household_id=household_id, owner_name="潘丽", owner_phone="13912348888",
            contractor_company="美家装饰", contractor_contact="卢工", contractor_phone="13700008888",
            planned_start=today, planned_end=today + timedelta(days=30), scope=["walls", "electrical"],
            client_id="e2e-desk-resubmit",
        )
        renovation_passes.add_worker(db, actor(FRONT_DESK), app.id or 0, name="蒋小兵", phone="13600008888",
                                     trade="general")
        renovations.decide(db, actor(SUPERVISOR), app.id or 0, level=renovations.FIRST_REVIEW,
                           decision=renovations.RETURN, reasons="工期与施工时间请与物业协调后再报")
        db.commit()
        return app.id or 0


def _approve(served_app, rid: int) -> None:
    from app.db.session import session_scope
    from app.domain import renovations

    with session_scope(served_app.db_url) as db:
        actor = _actors(db)
        for level, who in ((renovations.FIRST_REVIEW, SUPERVISOR), (renovations.SECOND_REVIEW, ENGINEERING),
                           (renovations.SIGN_OFF, GENERAL_MANAGER)):
            renovations.decide(db, actor(who), rid, level=level, decision=renovations.APPROVE)
        db.commit()


def _open(page, rid: int) -> None:
    page.goto(f"/desk/renovations/{rid}")
    expect(page.locator("#reno-status")).to_be_visible()


def test_fuller_resubmit_reissue_with_picked_days_kpi_periods_and_forms_by_role(served_app, phone, another):
    from app.domain import clock

    rid = _returned_application(served_app)
    today = clock.today()  # the community's day (Shanghai), as the app counts it
    start, end = today + timedelta(days=2), today + timedelta(days=40)

    # ---- the engineering manager sees the returned application but no resubmit form
    eng = another()
    sign_in(eng, ENGINEERING)
    eng.wait_for_url("**/desk**")
    _open(eng, rid)
    expect(eng.locator("#reno-status")).to_have_attribute("data-status", "returned")
    expect(eng.locator("#resubmit-form")).to_have_count(0)

    # ---- the desk resubmits with other dates, hours, scope and site manager (the form comes prefilled)
    desk = phone
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    _open(desk, rid)
    form = desk.locator("#resubmit-form")
    expect(form).to_be_visible()
    expect(form.locator("input[name=contractor_contact]")).to_have_value("卢工")
    expect(form.locator("input[name=planned_end]")).to_have_value((today + timedelta(days=30)).isoformat())
    expect(form.locator("#scope_walls")).to_be_checked()
    expect(form.locator("#scope_floors")).not_to_be_checked()
    # a finish before the start is refused as at application, and nothing moves
    form.locator("input[name=planned_end]").fill((today - timedelta(days=1)).isoformat())
    form.locator("#reno-resubmit").click()
    expect(desk.get_by_text("日期不正确")).to_be_visible()
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "returned")
    form.locator("input[name=planned_start]").fill(start.isoformat())
    form.locator("input[name=planned_end]").fill(end.isoformat())
    form.locator("input[name=hours_start]").fill("09:00")
    form.locator("input[name=hours_end]").fill("17:00")
    form.locator("#scope_walls").uncheck()
    form.locator("#scope_floors").check()
    form.locator("#area_kitchen").check()
    form.locator("input[name=contractor_contact]").fill("邹工")
    form.locator("input[name=contractor_phone]").fill("13700001111")
    shot(desk, "reno-desk-1-resubmit-form")
    form.locator("#reno-resubmit").click()
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "first_review")
    with sqlite_db(served_app) as con:
        row = con.execute(
            "select planned_start, planned_end, hours_start, hours_end, scope_walls, scope_floors, "
            "scope_electrical, waterproofing_areas, contractor_contact, contractor_phone, round, owner_name "
            "from renovationapplication where id = ?", (rid,)).fetchone()
    assert row == (start.isoformat(), end.isoformat(), "09:00", "17:00", 0, 1, 1, "kitchen", "邹工",
                   "13700001111", 2, "潘丽"), row
    expect(desk.locator("#reno-approval")).not_to_contain_text("修改后重新提交")

    # ---- after sign-off the pass is reissued with days picked within the permit's dates
    _approve(served_app, rid)
    _open(desk, rid)
    worker = desk.locator(".reno-worker").first
    expect(worker).to_contain_text(f"{start} ~ {end} · v1")
    since, until = worker.locator("input[name=valid_from]"), worker.locator("input[name=valid_until]")
    expect(since).to_have_value(start.isoformat())
    expect(until).to_have_value(end.isoformat())
    assert (since.get_attribute("min"), until.get_attribute("max")) == (start.isoformat(), end.isoformat())
    since.fill((start + timedelta(days=3)).isoformat())
    until.fill((start + timedelta(days=17)).isoformat())
    worker.locator(".reissue-pass").click()
    expect(worker).to_contain_text(f"{start + timedelta(days=3)} ~ {start + timedelta(days=17)} · v2")
    shot(desk, "reno-desk-2-reissued")
    with sqlite_db(served_app) as con:
        assert con.execute("select valid_from, valid_until, version from workerpass where application_id = ? "
                           "and revoked_at is null", (rid,)).fetchone() == (
            (start + timedelta(days=3)).isoformat(), (start + timedelta(days=17)).isoformat(), 2)

    # ---- the engineering manager: no deposit, letter, worker or reissue forms, and the server refuses a forged one
    _open(eng, rid)
    expect(eng.locator(".reno-worker").first).to_contain_text("v2")
    for hidden in ("#deposit-yuan", "#letter-signed-on", "#letter-photo", "#worker-add", ".reissue-pass",
                   ".revoke-pass", "#resubmit-form"):
        expect(eng.locator(hidden)).to_have_count(0)
    forged = forge_next_event(eng, f"{AppState.get_full_name()}.toggle_language",
                              f"{RenovationsState.get_full_name()}.record_deposit",
                              {"form": {"deposit_yuan": "1", "receipt_no": "FORGED"}})
    eng.reload()
    expect(eng.locator("#reno-status")).to_be_visible()
    eng.locator("#lang-switch").click()
    expect(eng.get_by_text("您没有权限执行此操作")).to_be_visible()
    assert forged and "FORGED" in forged[0], forged
    with sqlite_db(served_app) as con:
        assert con.execute("select deposit_paid_at, deposit_receipt_no from renovationapplication where id = ?",
                           (rid,)).fetchone() == (None, "")
        refused = con.execute("select count(*) from auditentry a join staff s on s.id = a.actor_id "
                              "where s.phone = ? and a.action = 'auth.refused' "
                              "and a.subject = 'renovation.documents'", (ENGINEERING,)).fetchone()[0]
    assert refused >= 1

    # ---- the supervisor's KPIs over this month, last month, this quarter and a custom range
    sup = another()
    sign_in(sup, SUPERVISOR)
    sup.wait_for_url("**/desk**")
    sup.goto("/desk/renovation-kpis")
    days = sup.locator("#kpi-period-days")
    expect(days).to_have_text(f"{today.replace(day=1)} ~ {today}")
    last_end = today.replace(day=1) - timedelta(days=1)
    sup.locator("#kpi-period").select_option("last_month")
    expect(days).to_have_text(f"{last_end.replace(day=1)} ~ {last_end}")
    sup.locator("#kpi-period").select_option("this_quarter")
    expect(days).to_have_text(f"{date(today.year, (today.month - 1) // 3 * 3 + 1, 1)} ~ {today}")
    sup.locator("#kpi-period").select_option("custom")
    sup.locator("input[name=kpi_from]").fill((today - timedelta(days=60)).isoformat())
    sup.locator("input[name=kpi_to]").fill((today - timedelta(days=30)).isoformat())
    sup.locator("#kpi-apply").click()
    expect(days).to_have_text(f"{today - timedelta(days=60)} ~ {today - timedelta(days=30)}")
    shot(sup, "reno-desk-3-kpi-custom")
    # a range that ends before it starts is refused; the figures stay
    sup.locator("input[name=kpi_from]").fill((today - timedelta(days=10)).isoformat())
    sup.locator("input[name=kpi_to]").fill((today - timedelta(days=20)).isoformat())
    sup.locator("#kpi-apply").click()
    expect(sup.get_by_text("日期不正确")).to_be_visible()
    expect(days).to_have_text(f"{today - timedelta(days=60)} ~ {today - timedelta(days=30)}")

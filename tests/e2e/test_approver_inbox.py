"""The approvers' inbox (待我审批) on the desk home, end to end.

The front desk registers a renovation application; the supervisor's /desk (phone size, 390x844)
lists it in 待我审批 with the sidebar's count up by one; she taps it, lands on its approval page and
approves; it leaves her inbox and is in the engineering manager's (desktop width), who was told of
it. The front desk (a desk role deciding no level), a butler and a guard have no inbox. The test makes
its own application on a household without one.

Last, the served app's clock moves past the deadline of the demo's open rectification: the periodic
sweep tells the grid's butler once, and her phone home lists the alert (the clock is put back).
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import advance_clock, shot, sign_in

pytestmark = pytest.mark.e2e

FRONT_DESK = "13800000004"
SUPERVISOR = "13800000002"
ENGINEERING = "13800000041"
BUTLER = "13800000011"
GUARD = "13800000021"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def _db(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _free_household(served_app) -> str:
    """"11-1-3304"-style text of a tower household with no renovation application."""
    with _db(served_app) as con:
        b, e, room = con.execute(
            "select b.name, en.number, h.room from household h join building b on b.id = h.building_id "
            "join entrance en on en.id = h.entrance_id where b.name = '11栋' "
            "and h.id not in (select household_id from renovationapplication) order by h.id desc limit 1"
        ).fetchone()
    return f"{b.removesuffix('栋')}-{e}-{room}"


def _count(page) -> int:
    badge = page.locator("#nav-inbox-count")
    expect(badge).to_have_text(re.compile(r"^\d+$"))
    return int(badge.inner_text())


def _register(desk, household: str) -> str:
    today = date.today()
    desk.goto("/desk/renovations/new")
    desk.locator("#household").fill(household)
    desk.locator("#owner_name").fill("沈佳怡")
    desk.locator("#owner_phone").fill("13912340011")
    desk.locator("#contractor_contact").fill("贺师傅")
    desk.locator("#contractor_phone").fill("13712340012")
    desk.locator("#scope_floors").check()
    desk.locator("#planned_start").fill(today.isoformat())
    desk.locator("#planned_end").fill((today + timedelta(days=30)).isoformat())
    desk.locator("#reno-submit").click()
    desk.wait_for_url(re.compile(r".*/desk/renovations/\d+$"))
    return desk.url.rsplit("/", 1)[1]


def test_a_submitted_application_waits_in_each_levels_inbox_in_turn(served_app, browser, phone, another):
    # ---- the supervisor's desk before: her inbox and its count
    sup = phone
    sign_in(sup, SUPERVISOR)
    sup.wait_for_url("**/desk")
    expect(sup.locator("#inbox")).to_be_visible()
    before = _count(sup)
    assert sup.locator(".inbox-row").count() == before

    # ---- the front desk registers an application; it is no approver: no inbox, no count
    desk = another()
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    expect(desk.locator("#nav-desk")).to_be_visible()
    expect(desk.locator("#inbox")).to_have_count(0)
    expect(desk.locator("#nav-inbox-count")).to_have_count(0)
    household = _free_household(served_app)
    rid = _register(desk, household)
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "first_review")

    # ---- the supervisor's desk: the application in 待我审批, the count one up
    sup.goto("/desk")
    row = sup.locator(f"#inbox .inbox-row[data-application='{rid}']")
    expect(row).to_be_visible()
    with _db(served_app) as con:
        label = con.execute("select household_label from renovationapplication where id = ?", (int(rid),)).fetchone()[0]
    assert label.startswith("11栋")
    expect(row.locator(".inbox-household")).to_have_text(label)
    expect(row.locator(".inbox-level")).to_contain_text("初审")
    expect(row.locator(".inbox-waited")).to_contain_text("已等")
    expect(sup.locator("#nav-inbox-count")).to_have_text(str(before + 1))
    expect(sup.locator("#inbox-count")).to_have_text(str(before + 1))
    # oldest first: the new one is last
    expect(sup.locator("#inbox .inbox-row").last).to_have_attribute("data-application", rid)
    # at phone width the list stays inside the screen
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
    # she was told of it as well
    with _db(served_app) as con:
        told = con.execute(
            "select s.phone, a.read_at from staffalert a join staff s on s.id = a.staff_id "
            "where a.kind = 'renovation_waiting' and a.subject = ?", (f"renovation:{rid}",)).fetchall()
    assert [p for p, _ in told] == [SUPERVISOR], told
    shot(sup, "approver-inbox-1-supervisor")

    # ---- a tap opens its approval page; she approves
    row.click()
    sup.wait_for_url(f"**/desk/renovations/{rid}")
    sup.locator("#decide-approve").click()
    expect(sup.locator("#reno-status")).to_have_attribute("data-status", "second_review")

    # ---- it has left her inbox
    sup.goto("/desk")
    expect(sup.locator("#inbox")).to_be_visible()
    expect(sup.locator(f"#inbox .inbox-row[data-application='{rid}']")).to_have_count(0)
    expect(sup.locator("#nav-inbox-count")).to_have_text(str(before))

    # ---- and is in the engineering manager's, at desktop width; the count is in the sidebar on every desk page
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", service_workers="block", **DESKTOP)
    try:
        eng = ctx.new_page()
        eng.set_default_timeout(15_000)
        sign_in(eng, ENGINEERING)
        eng.wait_for_url("**/desk")
        row = eng.locator(f"#inbox .inbox-row[data-application='{rid}']")
        expect(row).to_be_visible()
        expect(row.locator(".inbox-level")).to_contain_text("复审")
        n = _count(eng)
        assert n == eng.locator("#inbox .inbox-row").count() and n >= 1
        shot(eng, "approver-inbox-2-engineering-desktop")
        eng.locator("#nav-renovations").click()
        eng.wait_for_url("**/desk/renovations")
        expect(eng.locator("#nav-inbox-count")).to_have_text(str(n))
        # in English too
        eng.locator("#lang-switch").click()
        eng.locator("#nav-inbox").click()
        eng.wait_for_url("**/desk**")
        expect(eng.locator("#inbox")).to_contain_text("Waiting for my approval")
        expect(eng.locator(f"#inbox .inbox-row[data-application='{rid}'] .inbox-waited")).to_contain_text("waiting")
        # back to Chinese: the served app is shared, and his language is remembered for him
        eng.locator("#lang-switch").click()
        expect(eng.locator("#inbox")).to_contain_text("待我审批")
    finally:
        ctx.close()
    with _db(served_app) as con:
        told = dict(con.execute(
            "select s.phone, a.read_at is not null from staffalert a join staff s on s.id = a.staff_id "
            "where a.kind = 'renovation_waiting' and a.subject = ?", (f"renovation:{rid}",)).fetchall())
    # the supervisor's alert settled by her decision; the engineering manager's waiting for him
    assert told == {SUPERVISOR: 1, ENGINEERING: 0}, told


@pytest.mark.parametrize("who,home", [(BUTLER, "**/grid"), (GUARD, "**/gate")])
def test_a_butler_or_guard_has_no_inbox(phone, who, home):
    sign_in(phone, who)
    phone.wait_for_url(home)
    expect(phone.locator("#page-title")).to_be_visible()
    expect(phone.locator("#nav-inbox-count")).to_have_count(0)
    expect(phone.locator("#inbox")).to_have_count(0)
    # and the desk home itself is refused to them
    phone.goto("/desk")
    expect(phone.locator("#refused")).to_be_visible()
    expect(phone.locator("#inbox")).to_have_count(0)
    expect(phone.locator("#nav-inbox-count")).to_have_count(0)


def test_a_rectification_past_its_deadline_reaches_the_grids_butler_once(served_app, phone):
    with _db(served_app) as con:
        rect_id, = con.execute("select id from rectification where status = 'open' and overdue_noticed_for is null "
                               "order by due_at limit 1").fetchone()
    subject = f"rectification:{rect_id}"

    def told() -> list[tuple[str, str]]:
        with _db(served_app) as con:
            return con.execute(
                "select s.phone, r.role from staffalert a join staff s on s.id = a.staff_id "
                "join staffrole r on r.staff_id = s.id where a.kind = 'rectification_overdue' and a.subject = ?",
                (subject,)).fetchall()

    assert told() == []
    advance_clock(served_app, 3 * 24 * 60)  # the demo's notice gives two days
    try:
        deadline = time.monotonic() + 90  # the sweep runs every 30 s
        while not told() and time.monotonic() < deadline:
            time.sleep(1)
        rows = told()
        assert len(rows) == 1 and rows[0][1] == "butler", rows
        sign_in(phone, rows[0][0])
        phone.wait_for_url("**/grid")
        expect(phone.locator(".staff-alert[data-kind='rectification_overdue']").first).to_be_visible()
        expect(phone.locator(".staff-alert[data-kind='rectification_overdue']").first).to_contain_text("整改已逾期")
        shot(phone, "approver-inbox-3-butler-rectification-overdue")
        # a later sweep does not tell her again
        time.sleep(35)
        assert len(told()) == 1
    finally:
        advance_clock(served_app, 0, reset=True)

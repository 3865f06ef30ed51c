"""Live alerts at phone size: the technician has his job list open; the desk dispatches a job to
him (the domain on the served app's database, as another process would) and within 5 s, without a
reload, his badge counts it, a banner in his language names it, a beep is asked for and the job
list shows the job. The badge opens /alerts, which lists it; opening it reads it (badge 0). A
reload keeps the count right; a job dispatched while his phone is offline is counted once it is
back online.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e

TECHNICIAN = "13800000032"  # 徐师傅
FRONT_DESK = "13800000005"
HOUSEHOLD_ROOM = "302"
PUSH_S = 5.0


def _dispatch(served_app, content: str) -> int:
    """The desk registers a phone repair and dispatches it to the technician; committed."""
    from sqlmodel import select

    from app.db.models import Household, Staff
    from app.db.session import session_scope
    from app.domain import auth, requests

    with session_scope(served_app.db_url) as db:
        desk = auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == FRONT_DESK)).one())
        tech = db.exec(select(Staff).where(Staff.phone == TECHNICIAN)).one()
        home = db.exec(select(Household).where(Household.community_id == desk.community_id)
                       .order_by(Household.id)).first()
        req = requests.intake(db, desk, channel=requests.PHONE, content=content, household_id=home.id,
                              contact_phone="13900001234").request
        requests.classify(db, desk, req.id, category="repair_minor")
        requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
        return req.id


def _read_all(served_app) -> None:
    from sqlmodel import select

    from app.db.models import Staff
    from app.db.session import session_scope
    from app.domain import alerts, auth

    with session_scope(served_app.db_url) as db:
        alerts.mark_all_read(db, auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == TECHNICIAN)).one()))


def _count(page) -> str:
    return page.locator("#alert-badge").get_attribute("data-count") or ""


def test_a_dispatched_job_reaches_the_open_phone_within_five_seconds(served_app, phone, browser):
    tech = phone
    _read_all(served_app)
    sign_in(tech, TECHNICIAN)
    tech.wait_for_url("**/repairs")
    badge = tech.locator("#alert-badge")
    expect(badge).to_have_attribute("data-count", "0")
    expect(tech.locator("#alert-banner")).to_have_count(0)
    tech.locator("#page-title").click()  # a first tap: the browser lets the page play sound from now on
    loads = tech.evaluate("performance.getEntriesByType('navigation').length")

    rid = _dispatch(served_app, "卫生间地漏堵塞，需要疏通")
    told = time.monotonic()
    expect(badge).to_have_attribute("data-count", "1", timeout=PUSH_S * 1000)
    took = time.monotonic() - told
    banner = tech.locator("#alert-banner")
    expect(banner).to_be_visible(timeout=1000)
    expect(banner).to_contain_text("新派单")
    expect(banner).to_contain_text("卫生间地漏堵塞")
    expect(tech.locator(f"#my-jobs .request-card[data-request='{rid}']")).to_be_visible(timeout=PUSH_S * 1000)
    assert tech.evaluate("window.gbAlertBeeps") >= 1
    # no reload happened: the same document got it
    assert tech.evaluate("performance.getEntriesByType('navigation').length") == loads
    assert tech.evaluate("window.gbAlertBeeps") >= 1
    print(f"pushed in {took:.2f} s")
    shot(tech, "live-1-banner")

    # the badge opens the list; the alert is there, unread and bold; opening it reads it
    tech.locator("#alert-banner-close").click()
    expect(banner).to_have_count(0)
    badge.click()
    tech.wait_for_url("**/alerts")
    row = tech.locator(f"#alert-list .alert-row[data-request='{rid}']")
    expect(row).to_have_attribute("data-read", "0")
    expect(row).to_contain_text("新派单")
    expect(row.locator(".alert-kind")).to_have_css("font-weight", "700")
    shot(tech, "live-2-list")
    row.click()
    tech.wait_for_url(f"**/m/requests/{rid}")
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "0")

    # a reload keeps the count right
    _dispatch(served_app, "阳台灯不亮")
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "1", timeout=PUSH_S * 1000)
    tech.reload()
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "1")
    tech.goto("/alerts")
    expect(tech.locator("#alert-list .alert-row[data-read='0']")).to_have_count(1)
    tech.locator("#alerts-mark-all").click()
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "0")
    expect(tech.locator("#alert-list .alert-row[data-read='0']")).to_have_count(0)

    # offline, a job is dispatched; back online the count catches up without a reload
    tech.goto("/repairs")
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "0")
    tech.context.set_offline(True)
    expect(tech.locator("#reconnecting")).to_be_visible(timeout=15_000)
    away = _dispatch(served_app, "厨房插座没电")
    time.sleep(2)
    assert _count(tech) == "0"
    tech.context.set_offline(False)
    expect(tech.locator("#alert-badge")).to_have_attribute("data-count", "1", timeout=20_000)
    expect(tech.locator(f"#my-jobs .request-card[data-request='{away}']")).to_be_visible(timeout=10_000)
    shot(tech, "live-3-after-offline")


def test_the_banner_speaks_english_and_opens_the_desk_request(served_app, phone):
    """The desk is told of a resident's new request on its own page: banner in English, tap opens it."""
    from sqlmodel import select

    from app.db.models import Staff
    from app.db.session import session_scope
    from app.domain import alerts, auth, notify

    desk = phone
    with session_scope(served_app.db_url) as db:
        person = db.exec(select(Staff).where(Staff.phone == FRONT_DESK)).one()
        alerts.mark_all_read(db, auth.actor_for(db, person))
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    desk.locator("#lang-switch").click()
    expect(desk.locator("#alert-badge")).to_have_attribute("data-count", "0")
    rid = _dispatch(served_app, "楼道灯坏了")  # the desk's own dispatch: she is not told of it
    with session_scope(served_app.db_url) as db:
        person = db.exec(select(Staff).where(Staff.phone == FRONT_DESK)).one()
        notify.tell(db, "handed_to_desk", community_id=person.community_id, request_id=rid,
                    summary="5-1-302 · 楼道灯坏了", urgent=True)
    expect(desk.locator("#alert-badge")).to_have_attribute("data-count", "1", timeout=PUSH_S * 1000)
    banner = desk.locator("#alert-banner")
    expect(banner).to_contain_text("Handed to the desk for dispatch")
    expect(banner).to_contain_text("楼道灯坏了")
    expect(banner).to_contain_text("Urgent")
    desk.locator("#alert-banner-open").click()
    desk.wait_for_url(f"**/desk/requests/{rid}")
    expect(desk.locator("#alert-badge")).to_have_attribute("data-count", "0")
    desk.locator("#lang-switch").click()  # back to Chinese for the tests after


def _listening(served_app) -> int:
    import json
    import urllib.request

    from tests.e2e.conftest import TEST_SECRET_KEY

    req = urllib.request.Request(f"{served_app.url}/api/test/live", headers={"X-Test-Key": TEST_SECRET_KEY})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["listening"]


def _until(served_app, expected: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        n = _listening(served_app)
        if n == expected or time.monotonic() > deadline:
            return n
        time.sleep(0.5)


def test_one_listener_per_tab_and_none_once_the_tab_is_gone_or_signed_out(served_app, browser):
    from tests.e2e.conftest import PHONE

    # the tabs of the tests before have gone: their listeners end within the grace period
    assert _until(served_app, 0, 40) == 0
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", service_workers="block", **PHONE)
    try:
        page = ctx.new_page()
        sign_in(page, TECHNICIAN)
        page.wait_for_url("**/repairs")
        expect(page.locator("#alert-badge")).to_be_visible()
        assert _until(served_app, 1, 10) == 1
        # other screens of the same tab, and a reload, keep the one listener
        page.locator("#alert-badge").click()
        page.wait_for_url("**/alerts")
        page.locator("#tab-home").click()
        page.wait_for_url("**/repairs")
        page.reload()
        expect(page.locator("#alert-badge")).to_be_visible()
        time.sleep(2)
        assert _listening(served_app) == 1
        # a second tab has its own; closing it ends that one
        second = ctx.new_page()
        second.goto("/repairs")
        expect(second.locator("#alert-badge")).to_be_visible()
        assert _until(served_app, 2, 10) == 2
        second.close()
        assert _until(served_app, 1, 25) == 1
        # signing out ends the last one
        page.goto("/account")
        page.locator("#sign-out").click()
        page.wait_for_url("**/login")
        assert _until(served_app, 0, 20) == 0
    finally:
        ctx.close()

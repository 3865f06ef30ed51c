"""Issue 12's acceptance at 390x844: the butler answers for her grid, and people are told.

A resident files a repair from the grid's poster; the butler's phone, open on /grid, shows it in her
queue with the badge up, without a reload, within 5 s; she calls (tel:) and adds a note; the front
desk dispatches it; the technician's open phone shows the job without a reload; the technician
finishes; the resident confirms 已修好 and rates it, and the request closes. On a cover day the
deputy is told and sees it in her queue, not the absent butler.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.db.models import Grid, Staff
from app.db.session import session_scope
from app.domain import auth, clock, grid_planning, requests
from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_resident_requests import _sql, fill_form, poster_url, typed_household

pytestmark = pytest.mark.e2e

BUTLER = "13800000011"  # 王芳, 2号网格
ABSENT = "13800000013"  # 张伟, 4号网格
SUPERVISOR = "13800000002"
FRONT_DESK = "13800000005"
TECHNICIAN = "13800000032"  # 徐师傅
PUSH_MS = 5_000


def _badge(page) -> int:
    return int(page.locator("#alert-badge").get_attribute("data-count") or "0")


def _mark_loaded(page) -> None:
    """A mark on the window: if the page were reloaded, it would be gone."""
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


def _file_from_poster(page, app, grid: str, content: str, phone: str, offset: int) -> tuple[int, str]:
    page.goto(poster_url(app, grid))
    expect(page.locator("#rr-card")).to_be_visible()
    fill_form(page, content, typed_household(app, grid, offset), phone)
    page.locator("#rr-submit").click()
    expect(page.locator("#rr-number")).to_contain_text("#", timeout=20_000)
    number = int(re.search(r"#(\d+)", page.locator("#rr-number").inner_text()).group(1))
    link = page.locator("#rr-link").inner_text().strip()
    return number, link


def _unread(app, phone: str) -> int:
    return _sql(app, "select count(*) from staffalert a join staff s on s.id = a.staff_id "
                     "where s.phone = ? and a.read_at is null", phone)[0][0]


def _told(app, request_id: int, kind: str) -> set[str]:
    return {p for (p,) in _sql(app, "select s.phone from staffalert a join staff s on s.id = a.staff_id "
                                    "where a.kind = ? and a.request_id = ?", kind, request_id)}


def test_a_residents_request_reaches_the_open_phone_and_the_loop_closes(served_app, phone, another):
    butler = phone
    sign_in(butler, BUTLER)
    butler.wait_for_url("**/grid")
    expect(butler.locator("#alert-badge")).to_be_visible(timeout=30_000)
    expect(butler.locator(".queue-row").first).to_be_visible(timeout=30_000)
    time.sleep(1.5)  # the listener is up
    before = _badge(butler)
    _mark_loaded(butler)

    tech = another()
    sign_in(tech, TECHNICIAN)
    tech.wait_for_url("**/repairs")
    expect(tech.locator("#alert-badge")).to_be_visible(timeout=30_000)
    _mark_loaded(tech)

    # the resident files from the poster
    resident = another()
    number, link = _file_from_poster(resident, served_app, "2号网格", "客厅顶灯不亮，开关没反应", "13912345601", 3)
    filed_at = time.monotonic()

    # her open phone: the row and the badge, pushed (no reload), within 5 s
    row = butler.locator(f".queue-row[data-request='{number}']")
    expect(row).to_be_visible(timeout=PUSH_MS)
    expect(butler.locator("#alert-badge")).to_have_attribute("data-count", str(before + 1), timeout=PUSH_MS)
    seen_after = time.monotonic() - filed_at
    assert _not_reloaded(butler)
    expect(row).to_have_attribute("data-new", "1")
    expect(row.locator(".queue-call")).to_have_attribute("href", "tel:13912345601")
    assert _told(served_app, number, "new_request") >= {BUTLER}
    shot(butler, "butler-loop-1-queue")

    # she calls (the tel: link above) and adds a note
    row.locator(".queue-open").click()
    butler.locator("#queue-note").fill("已电话联系业主，今天下午在家")
    butler.locator("#queue-add-note").click()
    expect(butler.locator("#queue-message")).to_have_text("已添加备注")
    expect(butler.locator("#queue-history")).to_contain_text("已电话联系业主，今天下午在家")

    # the front desk dispatches it to the technician
    desk = another()
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    desk.goto(f"/desk/requests/{number}")
    expect(desk.locator("#history")).to_contain_text("已电话联系业主，今天下午在家")
    desk.locator("#category").select_option("repair_minor")
    desk.locator("#classify-submit").click()
    expect(desk.locator(".request-status").first).to_contain_text("已分类")
    desk.locator("#assignee").select_option(label="徐师傅")
    desk.locator("#dispatch-submit").click()
    expect(desk.locator(".request-status").first).to_contain_text("已派单")

    # the technician's open phone shows the job, pushed
    expect(tech.locator(f".request-card[data-request='{number}']")).to_be_visible(timeout=PUSH_MS)
    expect(tech.locator("#alert-banner")).to_be_visible(timeout=PUSH_MS)
    assert _not_reloaded(tech)
    shot(tech, "butler-loop-2-technician")

    # he finishes (his own steps are tested in test_requests); the resident confirms and rates it
    with session_scope(served_app.db_url) as db:
        me = auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == TECHNICIAN)).one())
        requests.arrive(db, me, number)
        requests.resolve(db, me, number, "更换了灯座")
    resident.goto(link)
    expect(resident.locator("#rq-answer")).to_be_visible()
    resident.locator("label[for='rq-rating-satisfied']").click()
    resident.locator("#rq-fixed").click()
    expect(resident.locator("#rq-answer-ok")).to_have_text("谢谢，已记录您的确认")
    expect(resident.locator("#rq-status")).to_have_text("已结案")
    assert _sql(served_app, "select method, satisfied from followup where request_id = ?", number) == [
        ("resident", 1)]
    shot(resident, "butler-loop-3-confirmed")
    # closed: off her queue at the next push or look
    butler.reload()
    expect(butler.locator(".queue-row").first).to_be_visible(timeout=30_000)
    expect(butler.locator(f".queue-row[data-request='{number}']")).to_have_count(0)
    print(f"queue row shown {seen_after:.2f} s after filing")


def test_on_a_cover_day_the_deputy_is_told_not_the_absent_butler(served_app, phone, another):
    with session_scope(served_app.db_url) as db:
        boss = auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == SUPERVISOR)).one())
        deputy = db.exec(select(Staff).where(Staff.phone == BUTLER)).one()
        grid = db.exec(select(Grid).where(Grid.name == "4号网格")).one()
        today = clock.today()
        cover = grid_planning.add_cover(db, boss, grid.id, deputy.id, today, today + timedelta(days=1), "年假")
        cover_id = cover.id
    try:
        sign_in(phone, BUTLER)
        phone.wait_for_url("**/grid")
        expect(phone.locator("#alert-badge")).to_be_visible(timeout=30_000)
        time.sleep(1.5)
        _mark_loaded(phone)
        absent = another()
        sign_in(absent, ABSENT)
        absent.wait_for_url("**/grid")
        absent_before = _unread(served_app, ABSENT)
        expect(absent.locator("#alert-badge")).to_have_attribute("data-count", str(absent_before), timeout=30_000)

        resident = another()
        number, _ = _file_from_poster(resident, served_app, "4号网格", "楼道窗户玻璃碎了", "13912345602", 2)
        row = phone.locator(f".queue-row[data-request='{number}']")
        expect(row).to_be_visible(timeout=PUSH_MS)
        assert _not_reloaded(phone)
        expect(row).to_contain_text("代管")
        told = _told(served_app, number, "new_request")
        assert BUTLER in told and ABSENT not in told
        time.sleep(2)
        assert _unread(served_app, ABSENT) == absent_before
        assert _badge(absent) == absent_before
        shot(phone, "butler-loop-cover")
    finally:
        with session_scope(served_app.db_url) as db:
            boss = auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == SUPERVISOR)).one())
            grid_planning.cancel_cover(db, boss, cover_id)

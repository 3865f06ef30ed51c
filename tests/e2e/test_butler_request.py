"""The butler registers a request on her phone (issue 12: /m/requests/new), at phone size.

Online: from her home's 登记报修/投诉 she registers what a resident told her; it lands on the register as
channel butler on her grid. Offline: the submission (and its photo) waits on screen as 待发送, survives a
reload without signal (the service worker serves the page, the queue is the phone's IndexedDB), and after
reconnecting is on the register exactly once, channel butler, with its photo. A household of another
grid is refused with the message next to the field, audited, and nothing is written.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot, sign_in, sqlite_db

pytestmark = [pytest.mark.e2e, pytest.mark.service_worker]

BUTLER = "13800000011"  # 王芳
OTHER_BUTLER = "13800000012"  # 李娜


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "leak.jpg"
    buf = io.BytesIO()
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


def _home_of(app, butler_phone: str) -> str:
    """A household of that butler's own grid, as she would type it (3-1-502)."""
    with sqlite_db(app) as con:
        building, entrance, room = con.execute(
            "select b.name, e.number, h.room from household h join building b on b.id = h.building_id"
            " join entrance e on e.id = h.entrance_id join grid g on g.id = h.grid_id"
            " join staff s on s.id = g.butler_id where s.phone = ? order by h.id limit 1", (butler_phone,)).fetchone()
    return f"{building.removesuffix('栋')}-{entrance}-{room}"


def _requests(app, content: str) -> list[tuple]:
    with sqlite_db(app) as con:
        return con.execute(
            "select r.id, r.channel, r.grid_id, r.category, s.phone from servicerequest r"
            " left join grid g on g.id = r.grid_id left join staff s on s.id = g.butler_id"
            " where r.content = ?", (content,)).fetchall()


def _photos(app, request_id: int) -> int:
    with sqlite_db(app) as con:
        return con.execute("select count(*) from evidencephoto where subject_kind = 'request' and subject_id = ?",
                           (request_id,)).fetchone()[0]


def _waiting(page) -> int:
    return int(page.locator("#breq-net").get_attribute("data-waiting") or "0")


def _phone(browser, served_app):
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    return ctx, page


def _open_form(page) -> None:
    sign_in(page, BUTLER)
    page.wait_for_url("**/grid")
    page.locator("#to-butler-request").click()
    page.wait_for_url("**/m/requests/new")
    page.locator("#breq-submit").wait_for()


def _under_worker(page) -> None:
    """Wait until the service worker controls the page and keeps the form's shell."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=60_000)
    page.wait_for_function("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('gb-shell-'))"
                           ".map(k => caches.open(k).then(c => c.match('/m/requests/new'))))).then(r => r.some(Boolean))",
                           timeout=60_000)


def test_online_offline_reload_then_sent_once_with_its_photo(browser, served_app, photo):
    tag = uuid.uuid4().hex[:6]
    mine = _home_of(served_app, BUTLER)
    ctx, page = _phone(browser, served_app)
    try:
        _open_form(page)
        # online: registered at once, on the register as channel butler on her grid
        online_text = f"业主说厨房水管漏水 {tag}"
        page.locator("#breq-household").fill(mine)
        page.locator("#breq-content").fill(online_text)
        page.locator("#breq-urgent").check()
        page.locator("#breq-submit").dblclick()  # a double tap: one request
        expect(page.locator(".breq-row[data-state='sent']", has_text=online_text)).to_be_visible(timeout=20_000)
        rows = _requests(served_app, online_text)
        assert len(rows) == 1
        rid, channel, grid_id, category, grid_butler = rows[0]
        assert (channel, category, grid_butler) == ("butler", "repair_urgent", BUTLER) and grid_id
        with sqlite_db(served_app) as con:
            told = {r[0] for r in con.execute(
                "select s.phone from staffalert a join staff s on s.id = a.staff_id"
                " where a.request_id = ? and a.kind = 'new_request'", (rid,)).fetchall()}
        assert "13800000004" in told, "the front desk is told"
        assert BUTLER not in told, "she registered it herself"
        shot(page, "butler-request-1-online")

        _under_worker(page)  # as her phone is after its first day

        # offline: kept on the phone with its photo, shown as waiting, never as recorded
        ctx.set_offline(True)
        expect(page.locator("#breq-offline")).to_be_visible()
        offline_text = f"楼道灯不亮 {tag}"
        page.get_by_role("radio", name="投诉").click()
        page.locator("#breq-household").fill(mine)
        page.locator("#breq-content").fill(offline_text)
        page.locator("#breq-photo").set_input_files(str(photo))
        expect(page.locator("#breq-photos img.breq-thumb")).to_have_count(1, timeout=20_000)
        page.locator("#breq-submit").click()
        row = page.locator(".breq-row", has_text=offline_text)
        expect(row).to_have_attribute("data-state", "waiting")
        expect(row.locator(".breq-pending")).to_have_text("待发送")
        assert _waiting(page) == 1
        page.locator("#breq-submit").click()  # a retried tap on the emptied form registers nothing
        assert _waiting(page) == 1
        shot(page, "butler-request-2-offline-waiting")
        # her home counts it in the phone's waiting work, without signal too
        page.locator("#to-grid").click()
        page.wait_for_url("**/grid")
        expect(page.locator("[data-field-status] .field-waiting")).to_have_attribute("data-waiting", "1")

        # closed and reopened without signal: the page opens, the queue is still there
        page.close()
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto("/m/requests/new")
        page.locator("#breq-net").wait_for()
        expect(page.locator("#breq-offline")).to_be_visible()
        expect(page.locator(".breq-row", has_text=offline_text)).to_have_attribute("data-state", "waiting")
        assert _waiting(page) == 1
        assert _requests(served_app, offline_text) == []

        # signal again: sent once, on the register with channel butler and its photo
        ctx.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function("() => document.querySelector('#breq-net')?.dataset.waiting === '0'", timeout=40_000)
        expect(page.locator(".breq-row[data-state='sent']", has_text=offline_text)).to_be_visible()
        page.reload()
        page.locator("#breq-net").wait_for()
        page.evaluate("window.gbButlerRequest.pump()")  # a resend of nothing: still once
        rows = _requests(served_app, offline_text)
        assert len(rows) == 1, "registered exactly once"
        rid, channel, _, category, grid_butler = rows[0]
        assert (channel, category, grid_butler) == ("butler", "complaint", BUTLER)
        assert _photos(served_app, rid) == 1
        shot(page, "butler-request-3-sent")
    finally:
        ctx.close()


def test_another_grids_household_is_refused_next_to_the_field(browser, served_app):
    tag = uuid.uuid4().hex[:6]
    theirs = _home_of(served_app, OTHER_BUTLER)
    ctx, page = _phone(browser, served_app)
    try:
        _open_form(page)
        with sqlite_db(served_app) as con:
            audited = con.execute("select count(*) from auditentry where action = 'request.butler_refused'").fetchone()[0]
        text = f"隔壁网格的噪音 {tag}"
        page.get_by_role("radio", name="投诉").click()
        page.locator("#breq-household").fill(theirs)
        page.locator("#breq-content").fill(text)
        page.locator("#breq-submit").click()
        error = page.locator("#breq-household-box #breq-household-error")
        expect(error).to_contain_text("不在您今天负责的网格")
        # what she typed is still there to correct, and nothing waits or was written
        expect(page.locator("#breq-household")).to_have_value(theirs)
        expect(page.locator("#breq-content")).to_have_value(text)
        assert _waiting(page) == 0
        assert _requests(served_app, text) == []
        with sqlite_db(served_app) as con:
            assert con.execute("select count(*) from auditentry where action = 'request.butler_refused'"
                               ).fetchone()[0] == audited + 1
        shot(page, "butler-request-4-other-grid")

        # typed without signal the phone cannot know: it waits, and the server refuses it at sending,
        # the reason shown on the phone; still nothing written
        page.locator("#breq-household").fill(theirs)
        page.locator("#breq-content").fill(text + " offline")
        _under_worker(page)
        page.context.set_offline(True)
        expect(page.locator("#breq-offline")).to_be_visible()
        page.locator("#breq-submit").click()
        expect(page.locator(".breq-row", has_text=text + " offline")).to_have_attribute("data-state", "waiting")
        page.reload()  # the refusal then belongs to a submission of an earlier visit: kept with its reason
        page.locator("#breq-net").wait_for()
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        row = page.locator(".breq-row", has_text=text + " offline")
        expect(row).to_have_attribute("data-state", "refused", timeout=30_000)
        expect(row.locator(".breq-refused")).to_contain_text("不在您今天负责的网格")
        assert _requests(served_app, text + " offline") == []
        page.locator("#breq-refused-ok").click()
        expect(row).to_have_count(0)
    finally:
        ctx.close()


def test_an_answer_lost_on_the_way_back_is_resent_and_registered_once(browser, served_app):
    """The network drops after the server registered it: the phone still waits, resends, and the client
    id makes the resend the same request."""
    tag = uuid.uuid4().hex[:6]
    mine = _home_of(served_app, BUTLER)
    ctx, page = _phone(browser, served_app)
    lost = []

    def drop_first_answer(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the server gets it and registers it ...
            lost.append(1)
            route.abort("connectionreset")  # ... and the answer never reaches the phone
        else:
            route.continue_()

    try:
        _open_form(page)
        page.route("**/api/field/requests", drop_first_answer)
        text = f"电梯按钮失灵 {tag}"
        page.locator("#breq-household").fill(mine)
        page.locator("#breq-content").fill(text)
        page.locator("#breq-submit").click()
        expect(page.locator(".breq-row[data-state='sent']", has_text=text)).to_be_visible(timeout=30_000)
        assert lost, "the first answer was dropped"
        assert len(_requests(served_app, text)) == 1, "the resend is the same request"
    finally:
        ctx.close()

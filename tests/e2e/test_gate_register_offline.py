"""The gate's registers without signal, at phone size (issue "Field-proof", gate registers).

With the network down, a guard lets goods out by the permit the phone's list shows (with a photo of the
goods), registers goods for a household that does not exist, and a visitor; the page is closed and
reopened without signal (the service worker serves it; the queue comes from the phone's IndexedDB), the
visitor is marked left. Each waits on screen as 待发送, never as recorded. After reconnecting: each record
is on the server exactly once with the phone's time and the server's, marked offline, the photo on its own
goods row; the unknown household is refused at sync with its reason on the phone, and the rest lands.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot, sign_in, sqlite_db

pytestmark = pytest.mark.e2e

GUARD = "13800000022"  # 赵磊: the other register tests use 黄军


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "goods-offline.jpg"
    buf = io.BytesIO()
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture(scope="module")
def permit_home(served_app) -> tuple[str, str]:
    with sqlite_db(served_app) as con:
        hid, permit_no = con.execute("select household_id, permit_no from renovationapplication where status = 'approved'"
                                     " and permit_no != '' order by id limit 1").fetchone()
        building, entrance, room = con.execute(
            "select b.name, e.number, h.room from household h join building b on b.id = h.building_id"
            " join entrance e on e.id = h.entrance_id where h.id = ?", (hid,)).fetchone()
    return f"{building.removesuffix('栋')}-{entrance}-{room}", permit_no


def _waiting(page) -> int:
    return int(page.locator("#reg-net").get_attribute("data-waiting") or "0")


def test_registers_kept_offline_reopened_and_synced_exactly_once(browser, served_app, photo, permit_home):
    tag = uuid.uuid4().hex[:6]
    home, permit_no = permit_home
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, GUARD)
    page.wait_for_url("**/gate")
    page.evaluate("localStorage.setItem('gb_gate', '北门')")
    page.goto("/gate/goods")
    page.locator("#goods-submit").wait_for()
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=60_000)
    page.wait_for_function("() => caches.keys().then(k => k.some(n => n.startsWith('gb-shell-')))")
    page.reload()  # once under the worker, as a guard's phone is after its first day
    page.locator("#goods-submit").wait_for()
    expect(page.locator("#reg-saved-at")).to_be_visible()

    ctx.set_offline(True)
    expect(page.locator("#reg-offline")).to_be_visible()
    # goods out by the permit the phone's list shows
    boards = f"旧木地板 20 块 {tag}"
    page.get_by_role("radio", name="搬出").click()
    page.locator("#goods-household").fill(home)
    page.locator("#goods-household").blur()
    expect(page.locator("#permit-hint")).to_contain_text(permit_no)
    expect(page.get_by_role("radio", name="凭装修许可证")).to_be_checked()
    page.locator("#goods-items").fill(boards)
    page.locator("#goods-carrier-name").fill("装修工人")
    page.locator("#goods-submit").click()
    expect(page.locator("#reg-flash")).to_contain_text("待发送")
    row = page.locator("#goods-today .goods-row", has_text=boards)
    expect(row).to_have_attribute("data-pending", "1")  # waiting, never shown as recorded
    expect(row.locator(".reg-pending")).to_have_text("待发送")
    page.locator("#goods-photo").set_input_files(str(photo))
    expect(page.locator("#last-goods img.reg-thumb-pending")).to_have_count(1, timeout=20_000)
    # goods for a household that does not exist: the phone cannot know offline, the server refuses it
    ghost = f"纸箱 3 个 {tag}"
    page.locator("#goods-household").fill("99-9-9999")
    page.locator("#goods-household").blur()
    page.locator("#goods-items").fill(ghost)
    page.locator("#goods-carrier-name").fill("快递员")
    page.locator("#goods-submit").click()
    expect(page.locator("#goods-today .goods-row[data-pending='1']")).to_have_count(2)
    shot(page, "gate-offline-1-goods-waiting")

    # a visitor, offline too
    visitor = f"访客{tag[:4]}"
    page.locator("#to-visitors").click()  # within the app: no document is fetched
    page.wait_for_url("**/gate/visitors")
    page.locator("#visitor-submit").wait_for()
    page.locator("#visitor-name").fill(visitor)
    page.locator("#visitor-phone").fill("13500003333")
    page.locator("#visitor-purpose").fill("看房")
    page.locator("#visitor-submit").click()
    expect(page.locator(".visitor-row", has_text=visitor)).to_have_attribute("data-pending", "1")
    assert _waiting(page) == 4

    # the phone closes the page; reopened without signal, the queue is still there
    page.close()
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto("/gate/visitors")
    page.locator("#reg-net").wait_for()
    expect(page.locator("#reg-offline")).to_be_visible()
    assert _waiting(page) == 4
    expect(page.locator("#reg-waiting")).to_contain_text("待发送 4 项 · 最早")
    row = page.locator(".visitor-row", has_text=visitor)
    row.locator(".visitor-left").click()
    expect(row.locator(".visitor-leaving")).to_be_visible()
    assert _waiting(page) == 5
    shot(page, "gate-offline-2-reopened-visitor-left")
    with sqlite_db(served_app) as con:
        assert con.execute("select count(*) from goodspass where items in (?, ?)", (boards, ghost)).fetchone()[0] == 0
        assert con.execute("select count(*) from visitor where name = ?", (visitor,)).fetchone()[0] == 0

    ctx.set_offline(False)
    page.wait_for_function("() => document.querySelector('#reg-net')?.dataset.waiting === '0'", timeout=40_000)
    expect(page.locator("#reg-refused")).to_contain_text("找不到该房屋")
    expect(page.locator(".visitor-row", has_text=visitor)).to_have_count(0)  # left: no longer inside
    shot(page, "gate-offline-3-synced-one-refused")

    with sqlite_db(served_app) as con:
        goods = con.execute("select id, direction, confirmed_by, application_id, photo_id, at, phone_at, offline,"
                            " permit_disputed, gate from goodspass where items = ?", (boards,)).fetchall()
        assert len(goods) == 1, "recorded exactly once"
        gid, direction, by, application, photo_id, at, phone_at, offline, disputed, gate = goods[0]
        assert (direction, by, gate) == ("out", "permit", "北门") and application is not None
        assert at and phone_at and offline == 1 and disputed == 0
        photos = con.execute("select id from evidencephoto where subject_kind = 'goods_pass' and subject_id = ?",
                             (gid,)).fetchall()
        assert len(photos) == 1 and photo_id == photos[0][0], "the photo is on its own goods row"
        assert con.execute("select count(*) from goodspass where items = ?", (ghost,)).fetchone()[0] == 0
        visitors = con.execute("select arrived_at, phone_at, left_at, left_phone_at, offline, purpose from visitor"
                               " where name = ?", (visitor,)).fetchall()
        assert len(visitors) == 1
        arrived, v_phone_at, left_at, left_phone_at, v_offline, purpose = visitors[0]
        assert arrived and v_phone_at and left_at and left_phone_at and v_offline == 1 and purpose == "看房"
    # back on the goods screen: the goods are the server's now, with the photo
    page.goto("/gate/goods")
    row = page.locator("#goods-today .goods-row", has_text=boards)
    expect(row).to_have_attribute("data-pending", "0")
    expect(row.locator("img.goods-thumb")).to_be_visible()
    expect(row.locator(".reg-times")).to_contain_text("手机时间")  # made offline: both times shown
    shot(page, "gate-offline-4-goods-recorded")
    ctx.close()

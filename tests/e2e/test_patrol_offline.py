"""The patrol walk without signal, at phone size (issue "Field-proof").

- A patrol walked with the network down from the first check-in to the finish, the browser closed
  and started again offline in between (the service worker serves the app; the walk comes from the
  phone's IndexedDB), then synced: each visit has exactly its own photos and ticks, the phone's
  time and the server's receipt time are both recorded, offline marked.
- The network dropping in the middle of a photo upload (the server stored it, the phone never
  heard): the retry stores nothing twice. A queued check-in of another grid's checkpoint is
  refused at sync with its reason on the phone, and the rest of the queue lands.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    checkpoint_token,
    route_checkpoints,
    shot,
    sign_in,
    sqlite_db,
)

pytestmark = pytest.mark.e2e

WALKER = "13800000011"  # 王芳, 2号网格: no other e2e test walks her patrol
SECOND = "13800000014"  # 陈静, 1号网格
FOREIGN = "13800000013"  # 张伟's grid: his checkpoints are not on 陈静's route


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> list[Path]:
    """Five different phone-like photos (4032x3024 JPEG), one per checkpoint."""
    out = []
    for n in range(5):
        path = tmp_path_factory.mktemp("offline-photos") / f"site-{n}.jpg"
        img = Image.effect_noise((504, 378), 40 + n * 10).convert("RGB").resize((4032, 3024))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=85)
        path.write_bytes(buf.getvalue())
        out.append(path)
    return out


def _scan(page, text: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()


def _waiting(page) -> int:
    return int(page.locator("#walk-net").get_attribute("data-waiting") or "0")


def _open_walk(page, phone_number: str) -> int:
    sign_in(page, phone_number)
    page.wait_for_url("**/grid")
    page.locator(".due-patrol .patrol-start").first.click()
    page.wait_for_url("**/patrol/*")
    page.locator("#patrol-progress").wait_for()
    # the shell is kept for going offline once the service worker controls the page
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=30_000)
    page.wait_for_function("() => caches.keys().then(k => k.some(n => n.startsWith('gb-shell-')))")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _synced(page, timeout: float = 40_000) -> None:
    page.wait_for_function("() => document.querySelector('#walk-net')?.dataset.waiting === '0'", timeout=timeout)


def _phone_browser(browser, served_app, profile: Path):
    """A browser of its own with a profile on disk, as a phone's: closing it ends the browser, and
    what it kept (service worker, cache, IndexedDB) is there when it is started again."""
    ctx = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        base_url=served_app.url, locale="zh-CN", **PHONE)
    page = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.set_default_timeout(15_000)
    return ctx, page


def test_a_patrol_walked_offline_and_reopened_is_recorded_exactly_when_synced(browser, served_app, photos,
                                                                              tmp_path):
    cps = route_checkpoints(served_app, WALKER)
    ctx, page = _phone_browser(browser, served_app, tmp_path / "profile")
    patrol_id = _open_walk(page, WALKER)
    assert page.locator("#patrol-progress").inner_text() == "0/5"

    ctx.set_offline(True)
    expect(page.locator("#walk-offline")).to_be_visible()
    for n, cp in enumerate(cps):
        if n == 2:
            # in the car park the browser is closed (its process ends); started again without signal
            ctx.close()
            ctx, page = _phone_browser(browser, served_app, tmp_path / "profile")
            ctx.set_offline(True)
            page.goto(f"/patrol/{patrol_id}")
            page.locator("#walk-net").wait_for()
            expect(page.locator("#walk-offline")).to_be_visible()
            assert _waiting(page) > 0
            shot(page, "offline-2-reopened-without-signal")
        # the camera hands over the tag's URL; the second is typed from the tag
        _scan(page, cp[3] if n == 1 else f"{served_app.url}/c/{checkpoint_token(cp)}")
        current = page.locator("#current-stop")
        expect(current).to_contain_text(cp[4])
        expect(current).to_have_attribute("data-pending", "1")  # waiting, never shown as recorded
        page.locator("#walk-photo-input").set_input_files(str(photos[n]))
        try:
            # the photo is shrunk on the phone first (a 12-MP JPEG takes a moment on a busy machine)
            expect(current.locator("img.walk-thumb-pending")).to_have_count(1, timeout=20_000)
        except AssertionError:
            shot(page, f"offline-debug-{n}")
            raise
        if n == 0:
            page.locator(".check-item").nth(0).locator(".item-fail").click()
            page.locator("#fail-note").fill("地库入口积水")
            page.locator("#fail-submit").click()
        page.locator("#all-pass").click()
        page.wait_for_function("() => [...document.querySelectorAll('.check-item')].every(e => e.dataset.result)")
        if n == 0:
            shot(page, "offline-1-checkpoint-waiting")
    assert page.locator("#patrol-progress").inner_text() == "0/5"  # nothing is recorded yet
    page.locator("#finish").click()
    page.locator("#finish-confirm").click()
    expect(page.locator("#finished-banner")).to_have_attribute("data-pending", "1")
    waiting = _waiting(page)
    assert waiting >= 5 * 2 + 1
    shot(page, "offline-3-finished-waiting")

    ctx.set_offline(False)
    _synced(page, timeout=60_000)
    expect(page.locator("#finished-banner")).to_have_attribute("data-pending", "0")
    expect(page.locator("#finished-banner")).to_contain_text("漏检 0")
    shot(page, "offline-4-synced")

    with sqlite_db(served_app) as con:
        visits = con.execute(
            "select v.id, v.checkpoint_id, v.photos, v.scanned_at, v.phone_at, v.offline, v.method "
            "from patrolvisit v where v.patrol_id = ? order by v.phone_at", (patrol_id,)).fetchall()
        assert [v[1] for v in visits] == [cp[0] for cp in cps]
        for v in visits:
            assert v[2] == 1, "each visit has exactly its own photo"
            assert v[3] and v[4], "both times recorded"
            assert v[5] == 1, "made offline"
            stored = con.execute("select count(*) from evidencephoto where subject_kind = 'patrol_visit' "
                                 "and subject_id = ?", (v[0],)).fetchone()[0]
            assert stored == 1
        assert visits[1][6] == "typed"
        items = {v[0]: con.execute("select count(*) from checklistitem where checkpoint_id = ?", (v[1],)).fetchone()[0]
                 for v in visits}
        for v in visits:
            ticks = con.execute("select count(*), sum(phone_at is not null) from patrolcheck where visit_id = ?",
                                (v[0],)).fetchone()
            assert ticks[0] == items[v[0]] and ticks[1] == ticks[0], "every item ticked once, phone time kept"
        fail = con.execute("select c.note, c.work_order_id from patrolcheck c where c.visit_id = ? and not c.passed",
                           (visits[0][0],)).fetchall()
        assert fail == [("地库入口积水", fail[0][1])] and fail[0][1]
        patrol = con.execute("select status, missed, offline, finished_phone_at from patrol where id = ?",
                             (patrol_id,)).fetchone()
        assert patrol[:3] == ("finished", 0, 1) and patrol[3]

    # signing out leaves none of her walk on the phone
    assert page.evaluate(f"gbStore.get('walk:{patrol_id}').then(v => !!v)")
    page.goto("/account")
    page.locator("#sign-out").click()
    page.wait_for_url("**/login")
    page.wait_for_function("() => gbStore.get('walk:index').then(v => v === undefined)")
    assert page.evaluate(f"gbStore.get('walk:{patrol_id}').then(v => v === undefined)")
    assert page.evaluate("gbStore.entries('walk').then(e => e.length)") == 0
    ctx.close()


def test_a_dropped_upload_and_a_foreign_checkpoint_leave_the_rest_exact(browser, served_app, photos):
    cps = route_checkpoints(served_app, SECOND)
    foreign = route_checkpoints(served_app, FOREIGN)[0]
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    patrol_id = _open_walk(page, SECOND)

    # the first photo reaches the server, and the connection drops before the answer
    dropped = []

    def drop_answer(route):
        if not dropped:
            route.fetch()  # the server stores it
            dropped.append(route.request.url)
            ctx.set_offline(True)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/evidence", drop_answer)
    _scan(page, cps[0][3])
    page.locator("#current-stop[data-pending='0']").wait_for()
    page.locator("#walk-photo-input").set_input_files(str(photos[0]))
    page.wait_for_function("() => document.querySelector('#walk-net')?.dataset.online === '0'")
    assert dropped
    # offline now: another grid's tag, then the next stop of the route with its photo
    _scan(page, f"{served_app.url}/c/{checkpoint_token(foreign)}")
    expect(page.locator("#walk-unknown")).to_be_visible()
    _scan(page, cps[1][3])
    expect(page.locator("#current-stop")).to_contain_text(cps[1][4])
    page.locator("#walk-photo-input").set_input_files(str(photos[1]))
    expect(page.locator("#current-stop img.walk-thumb-pending")).to_have_count(1, timeout=20_000)
    page.locator("#all-pass").click()
    page.wait_for_function("() => [...document.querySelectorAll('.check-item')].every(e => e.dataset.result)")
    assert _waiting(page) >= 5  # the first photo again, the foreign tag, the check-in, its photo, the ticks

    ctx.set_offline(False)
    _synced(page)
    refused = page.locator("#walk-refused")
    expect(refused).to_contain_text("不在本次巡查路线上")
    shot(page, "offline-5-foreign-refused")
    with sqlite_db(served_app) as con:
        visits = con.execute("select id, checkpoint_id, photos from patrolvisit where patrol_id = ? order by id",
                             (patrol_id,)).fetchall()
        assert [(v[1], v[2]) for v in visits] == [(cps[0][0], 1), (cps[1][0], 1)]
        for v in visits:
            assert con.execute("select count(*) from evidencephoto where subject_kind = 'patrol_visit' "
                               "and subject_id = ?", (v[0],)).fetchone()[0] == 1
        assert con.execute("select count(*) from patrolvisit where checkpoint_id = ?", (foreign[0],)).fetchone()[0] == 0
    assert page.locator("#patrol-progress").inner_text() == "2/5"
    ctx.close()

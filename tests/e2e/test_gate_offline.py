"""The gate without signal, at phone size (`context.set_offline`): the guard's phone keeps the
community's pass list and judges from it; a valid pass gives green labelled offline with the list's
age, a pass revoked before the list was fetched gives red, the gate reopened without signal opens the
app with its list and queue, a list too old never gives green; the
scans wait on the phone (待上传 N) and, back online, are on the server's log exactly once each, marked
offline with the phone's time and the verdict it showed beside the server's own. No scan made
offline is replayed by Reflex as an online scan.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in
from tests.e2e.test_gate import GUARD, _db, _token, live_pass  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

SUPERVISOR = "13800000002"


@pytest.fixture
def revoked_pass(served_app, live_pass):  # noqa: F811
    """Another live pass of the seed, revoked (before the phone fetches its list); restored after."""
    with _db(served_app) as con:
        pid, version, until, community = con.execute(
            "select p.id, p.version, p.valid_until, p.community_id from workerpass p"
            " where p.revoked_at is null and p.id != ? order by p.id limit 1", (live_pass["id"],)).fetchone()
        con.execute("update workerpass set revoked_at = current_timestamp, revoked_reason = 'e2e' where id = ?",
                    (pid,))
    from datetime import date

    yield _token(pid, version, date.fromisoformat(until[:10]), community)
    with _db(served_app) as con:
        con.execute("update workerpass set revoked_at = null, revoked_reason = '' where id = ?", (pid,))


def _type(page, text: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()


def _guard_scans(served_app) -> list[tuple]:
    with _db(served_app) as con:
        return con.execute(
            "select g.client_id, g.offline, g.phone_at, g.at, g.offline_verdict, g.verdict, g.snapshot_age_s"
            " from gatescan g join staff s on s.id = g.guard_id where s.phone = ? order by g.id", (GUARD,)
        ).fetchall()


@pytest.mark.service_worker
def test_the_gate_judges_offline_and_logs_each_scan_once_when_back(served_app, phone, another, live_pass,  # noqa: F811
                                                                   revoked_pass):
    valid = _token(live_pass["id"], live_pass["version"], live_pass["until"], live_pass["community"])
    sign_in(phone, GUARD)
    phone.wait_for_url("**/gate")
    # the pass list is on the phone (fetched at load)
    phone.wait_for_function("() => window.gbGate && window.gbGate.snapshot() && "
                            "window.gbGate.snapshot().passes.length > 0")
    # online: the server's path, unchanged
    _type(phone, valid)
    expect(phone.locator("#verdict[data-verdict=valid]")).to_be_visible()
    before = len(_guard_scans(served_app))
    # the app shell is kept for an offline reload once the service worker controls the page
    phone.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                            timeout=30_000)
    phone.wait_for_function("""() => caches.keys().then((keys) => keys.find((n) => n.startsWith('gb-shell-')))
        .then((name) => name && caches.open(name)).then((c) => c && Promise.all(
          ['/gate', '/js/gate_verdict.js', '/js/gate_offline.js'].map((u) => c.match(u, {ignoreSearch: true}))))
        .then((hits) => !!hits && hits.every(Boolean))""", timeout=30_000)

    phone.context.set_offline(True)
    banner = phone.locator("#offline-banner")
    expect(banner).to_have_attribute("data-state", "fresh")
    expect(banner).to_contain_text("离线核验 · 名单更新于")
    expect(banner).to_contain_text("分钟前")

    _type(phone, valid)
    card = phone.locator("#offline-verdict")
    expect(card).to_have_attribute("data-verdict", "valid")
    expect(phone.locator("#offline-verdict-words")).to_have_text("有效，准予通行")
    expect(phone.locator("#offline-worker-name")).to_have_text(live_pass["name"])
    expect(phone.locator("#offline-verdict-age")).to_contain_text("离线核验 · 名单 0 分钟前")
    expect(phone.locator("#verdict")).to_be_hidden()  # the last online verdict is not shown beside it
    assert card.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(21, 128, 61)"
    shot(phone, "gate-offline-valid")

    _type(phone, revoked_pass)
    expect(card).to_have_attribute("data-verdict", "revoked")
    expect(phone.locator("#offline-verdict-words")).to_have_text("已作废")
    expect(phone.locator("#offline-pending-count")).to_have_text("待上传 2")

    # the page closed and the gate opened again without signal: the app's own screen, the list
    # and the queue from the phone
    ctx = phone.context
    phone.close()
    phone = ctx.new_page()
    phone.set_default_timeout(15_000)
    phone.goto("/gate")
    banner = phone.locator("#offline-banner")
    expect(banner).to_have_attribute("data-state", "fresh")
    expect(phone.locator("#offline-pending-count")).to_have_text("待上传 2")
    _type(phone, valid)
    card = phone.locator("#offline-verdict")
    expect(card).to_have_attribute("data-verdict", "valid")
    expect(phone.locator("#offline-pending-count")).to_have_text("待上传 3")
    shot(phone, "gate-offline-reopened")

    # the list on the phone is 13 hours old: no green, amber and "call the desk"
    phone.evaluate("""() => { const s = JSON.parse(JSON.stringify(window.gbGate.snapshot()));
        s.generated_at -= 13 * 3600 * 1000; return window.gbGate.useSnapshot(s); }""")
    expect(banner).to_have_attribute("data-state", "stale")
    _type(phone, valid)
    expect(card).to_have_attribute("data-verdict", "stale")
    expect(phone.locator("#offline-verdict-words")).to_have_text("名单已过期，请联系前台/主管")
    assert card.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(21, 128, 61)"
    expect(phone.locator("#offline-pending-count")).to_have_text("待上传 4")
    shot(phone, "gate-offline-stale")
    # nothing reached the server meanwhile
    assert len(_guard_scans(served_app)) == before

    ctx.set_offline(False)
    expect(phone.locator("#gate-offline-pending")).to_have_attribute("data-waiting", "0", timeout=30_000)
    expect(banner).to_have_count(0)
    rows = _guard_scans(served_app)
    new = rows[before:]
    assert len(new) == 4, new  # exactly the four offline scans: nothing replayed by Reflex
    assert len({r[0] for r in new}) == 4 and all(r[0] for r in new)
    assert all(r[1] == 1 and r[2] is not None and r[3] is not None for r in new)
    assert [(r[4], r[5]) for r in new] == [("valid", "valid"), ("revoked", "revoked"), ("valid", "valid"),
                                           ("stale", "valid")]
    assert new[0][6] is not None and new[0][6] < 600
    # sending again changes nothing
    phone.evaluate("() => window.gbGate.flush()")
    phone.wait_for_timeout(500)
    assert len(_guard_scans(served_app)) == len(rows)
    # the recent scans reloaded from the server
    expect(phone.locator("#recent-scans .scan-row").first).to_have_attribute("data-verdict", "valid")

    # the supervisor's gate log marks them: offline, the phone's time, what the phone showed
    desk = another()
    sign_in(desk, SUPERVISOR)
    desk.wait_for_url("**/desk")
    desk.goto("/desk/gate-log")
    expect(desk.locator(".gate-log-offline")).to_have_count(4)
    first = desk.locator(".gate-log-row").first  # newest: the scan shown with the list out of date
    expect(first).to_contain_text("离线")
    expect(first).to_contain_text("手机时间")
    expect(first).to_contain_text("离线显示 名单已过期（未放行）")

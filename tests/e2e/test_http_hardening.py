"""The HTTP surface of the served app under an outsider's tries (issue 15, #9 #10 #16 #17 #19).

Its own served app (a throwaway data folder with leftovers of a crash planted
before the start), driven with raw HTTP where a browser would not go, and with
Chromium at 390x844 where a person would.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, TEST_SECRET_KEY, ServedApp, sign_in, start_app, stop_app
from tests.e2e.test_scaleout import scaled_app  # noqa: F401  (fixture: PostgreSQL + Redis, 3 workers)

pytestmark = pytest.mark.e2e

SUPERVISOR = "13800000002"
OLD_TMP = "evidence/1/2026/01/.0123456789abcdef-00000000.jpg.1a2b3c4d.tmp"
OLD_ORPHAN = "evidence/1/2026/01/0123456789abcdef-00000000.jpg"
YOUNG_TMP = "evidence/1/2026/02/.fedcba9876543210-11111111.jpg.5e6f7a8b.tmp"
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[ServedApp]:
    tmp = tmp_path_factory.mktemp("hardening")
    data = tmp / "data"
    past = time.time() - 5 * 3600
    for rel in (OLD_TMP, OLD_ORPHAN, YOUNG_TMP):
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left by a crash")
        if rel != YOUNG_TMP:
            os.utime(path, (past, past))
    proc, served = start_app(tmp)
    yield served
    stop_app(proc)


@pytest.fixture
def page(browser, app):
    ctx = browser.new_context(base_url=app.url, locale="zh-CN", **PHONE)
    p = ctx.new_page()
    p.set_default_timeout(15_000)
    yield p
    ctx.close()


def _conn(app: ServedApp) -> http.client.HTTPConnection:
    u = urlsplit(app.url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)


def _get(app: ServedApp, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    c = _conn(app)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body


def _signed(path: str, ttl: timedelta) -> str:
    """A link signed with the served app's key (as its states sign them)."""
    os.environ["APP_SECRET_KEY"] = TEST_SECRET_KEY
    from app.api import links

    return links.sign(path, ttl)


# --- #17: leftovers of a crash are swept at start ------------------------------------------


def test_old_temp_and_orphan_files_are_swept_at_start(app):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (app.data_dir / OLD_TMP).exists():
        time.sleep(0.5)
    assert not (app.data_dir / OLD_TMP).exists()
    assert not (app.data_dir / OLD_ORPHAN).exists()
    assert (app.data_dir / YOUNG_TMP).exists()  # may belong to an upload in progress


# --- #19: no framing, no foreign origins ----------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/desk", "/ping", "/api/evidence/1/thumb.jpg",
                                  "/no-such-page", "/manifest.webmanifest"])
def test_every_response_forbids_framing(app, path):
    r, _ = _get(app, path)
    assert r.getheader("x-frame-options") == "DENY", (path, r.status)
    assert "frame-ancestors 'none'" in (r.getheader("content-security-policy") or "")
    assert r.getheader("x-content-type-options") == "nosniff"


def test_cors_never_reflects_a_foreign_origin(app):
    r, _ = _get(app, "/login", {"Origin": EVIL})
    # (Starlette always adds allow-credentials; without an allowed origin a browser ignores it)
    assert r.getheader("access-control-allow-origin") is None
    r, _ = _get(app, "/api/evidence", {"Origin": EVIL, "Access-Control-Request-Method": "POST",
                                       "Access-Control-Request-Headers": "authorization"},
                method="OPTIONS")
    assert r.getheader("access-control-allow-origin") not in (EVIL, "*")
    assert r.status >= 400


def _ws_handshake(app: ServedApp, origin: str) -> int:
    """The status of a websocket upgrade to Reflex's event endpoint sent with `origin`."""
    u = urlsplit(app.url)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(
            (f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {u.netloc}\r\n"
             "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
             f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n\r\n").encode()
        )
        head = s.recv(4096).decode("latin-1")
    return int(head.split(" ", 2)[1])


def test_the_websocket_refuses_a_foreign_origin(app):
    assert _ws_handshake(app, app.url) == 101
    assert _ws_handshake(app, EVIL) != 101


# --- #16: Reflex's /_upload ---------------------------------------------------------------------


def _upload_status(app: ServedApp, client_token: str, length: int, send: bytes) -> tuple[int, float]:
    """POST /_upload declaring `length` bytes but sending only `send`; (status, seconds)."""
    c = _conn(app)
    c.putrequest("POST", "/_upload")
    c.putheader("Content-Type", "multipart/form-data; boundary=xyz")
    c.putheader("Content-Length", str(length))
    c.putheader("Reflex-Client-Token", client_token)
    c.putheader("Reflex-Event-Handler",
                "reflex___state____state.app___state___base____app_state"
                ".app___state___grid_planning____grid_planning_state.upload_photo")
    c.endheaders()
    t0 = time.monotonic()
    c.send(send)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, time.monotonic() - t0


def test_anonymous_upload_is_refused_before_the_body_is_read(app):
    head = b"--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\n"
    status, took = _upload_status(app, str(uuid.uuid4()), 64 * 1024 * 1024, head + b"\0" * 1024)
    # answered although 64 MB were announced and 1 KB sent: the body was never waited for
    assert status == 401 and took < 5
    status, _ = _upload_status(app, "", 1000, head)
    assert status == 401
    r, _ = _get(app, "/_upload/anything.jpg")
    assert r.status == 404  # Reflex's public upload folder is not served


def _open_grid_planning(page) -> str:
    """Sign in as the supervisor, open grid planning on 4号网格; the Reflex client token."""
    sign_in(page, SUPERVISOR)
    page.wait_for_url(re.compile(r"/desk/?$"))
    page.locator("#nav-grids").click()
    page.wait_for_url("**/desk/grids")
    page.locator(".gp-grid-row[data-grid='4号网格'] .gp-select").click()
    expect(page.locator("#selected-grid")).to_contain_text("4号网格")
    client_token = page.evaluate("() => window.sessionStorage.getItem('token')")
    assert client_token
    return client_token


def _upload_staff_photo(page, tmp_path) -> None:
    photo = tmp_path / "butler.jpg"
    Image.new("RGB", (800, 800), (30, 120, 90)).save(photo, "JPEG")
    page.locator("#butler-photo input[type=file]").set_input_files(str(photo))
    page.locator("#photo-upload").click()
    expect(page.locator("#note-photo")).to_contain_text("照片已更新")


def test_signed_in_staff_photo_still_uploads_and_big_bodies_are_refused(page, app, tmp_path):
    client_token = _open_grid_planning(page)
    # a signed-in client may not announce more than the limit either: refused before reading
    status, took = _upload_status(app, client_token, 64 * 1024 * 1024, b"--xyz\r\n")
    assert status == 413 and took < 5
    # the real staff-photo upload of the page still works
    _upload_staff_photo(page, tmp_path)


def test_the_upload_gate_reads_the_session_from_redis_on_several_workers(
    browser, scaled_app, tmp_path  # noqa: F811  (the fixture)
):
    """Scale-out (PostgreSQL + Redis, 3 workers): the gate finds the session in the shared state."""
    ctx = browser.new_context(base_url=scaled_app.url, locale="zh-CN", **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    try:
        _open_grid_planning(page)
        _upload_staff_photo(page, tmp_path)
        head = b"--xyz\r\n"
        assert _upload_status(scaled_app, str(uuid.uuid4()), 10_000, head)[0] == 401
    finally:
        ctx.close()


# --- #10: error pages in the user's language -------------------------------------------------


def test_unknown_page_is_404_in_chinese_then_english_with_a_way_home(page, app):
    resp = page.goto("/no-such-page")
    assert resp is not None and resp.status == 404
    expect(page.locator("#error-title")).to_have_text("页面不存在")
    page.locator("#lang-switch").click()
    expect(page.locator("#error-title")).to_have_text("Page not found")
    page.goto("/another-missing-page")
    expect(page.locator("#error-title")).to_have_text("Page not found")  # the language is kept
    page.locator("#error-home").click()
    page.wait_for_url("**/login")


def test_api_errors_are_pages_for_a_browser_and_text_for_the_rest(page, app):
    # an unknown path under /api is the app's 404 page
    resp = page.goto("/api/no-such-route")
    assert resp is not None and resp.status == 404
    expect(page.locator("#error-title")).to_have_text("页面不存在")
    # a route's own 404 (a genuine link to a grid that does not exist): a page for a
    # browser, a short text for anything else
    missing = _signed("/api/grids/999999/poster.pdf", timedelta(minutes=20))
    resp = page.goto(missing)
    assert resp is not None and resp.status == 404
    expect(page.locator("h1:visible")).to_have_text("找不到内容")
    expect(page.locator("#error-home:visible")).to_have_attribute("href", "/")
    r, body = _get(app, missing)
    assert r.status == 404 and body == b"not found"


# --- #9: a link from a page left open ----------------------------------------------------------


def test_an_expired_link_says_so_in_the_users_language_with_a_way_back(page, app):
    sign_in(page, SUPERVISOR)
    page.wait_for_url(re.compile(r"/desk/?$"))
    # (a tag sheet's link is not renewed on the spot: see the next test for one that is)
    expired = _signed("/api/grids/1/tags.pdf", timedelta(hours=-2))
    resp = page.goto(expired)
    assert resp is not None and resp.status == 403
    expect(page.locator("h1:visible")).to_have_text("链接已过期")
    expect(page.locator("p:visible").first).to_contain_text("过期")
    page.locator("#error-back:visible").click()
    page.wait_for_url(re.compile(r"/desk/?$"))  # back on the page, which signs fresh links
    # English chosen in the app: the page follows it
    page.locator("#lang-switch").first.click()
    page.wait_for_function("() => (localStorage.getItem('gb_lang') || '').includes('en')")
    page.goto(expired)
    expect(page.locator("h1:visible")).to_have_text("This link has expired")
    # a cut or tampered link is "not valid", never "expired"
    resp = page.goto(expired.replace("sig=", "sig=A"))
    assert resp is not None and resp.status == 403
    expect(page.locator("h1:visible")).to_have_text("This link cannot be opened")
    # a thumbnail (<img>) whose link expired shows a tile that says so, in both languages
    page.goto("/login")
    shown = page.evaluate("""(src) => new Promise((done) => {
        const img = new Image(); img.onload = () => done(img.naturalWidth);
        img.onerror = () => done(-1); img.src = src; })""", expired)
    assert shown == 320
    r, body = _get(app, expired, {"Accept": "image/avif,image/webp,*/*", "Sec-Fetch-Dest": "image"})
    assert r.status == 403 and r.getheader("content-type").startswith("image/svg+xml")
    assert "链接已过期" in body.decode() and "This link has expired" in body.decode()
    # a script or a fetch still gets a short plain answer, and a forged link never a tile
    r, body = _get(app, expired, {"Accept": "*/*", "Sec-Fetch-Dest": "empty"})
    assert r.status == 403 and body == b"forbidden"
    r, body = _get(app, expired.replace("sig=", "sig=A"), {"Sec-Fetch-Dest": "image"})
    assert r.status == 403 and body == b"forbidden"


def test_an_expired_poster_link_is_renewed_for_someone_who_may_open_it(page, browser, app):
    expired = _signed("/api/grids/1/poster.png", timedelta(hours=-2))
    # nobody signed in: the page says it expired, nothing more
    resp = page.goto(expired)
    assert resp is not None and resp.status == 403
    expect(page.locator("h1:visible")).to_have_text("链接已过期")
    # the supervisor (who plans grids) opening it from a page left open gets the poster
    sign_in(page, SUPERVISOR)
    page.wait_for_url(re.compile(r"/desk/?$"))
    with page.expect_response(lambda r: "poster.png" in r.url and r.status == 200) as fresh:
        page.goto(expired)
    assert fresh.value.headers["content-type"] == "image/png"
    assert fresh.value.url != app.url + expired

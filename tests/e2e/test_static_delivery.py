"""How the frontend's files reach a phone (app.api.static_files): the gate's QR decoder (the app's
biggest file) arrives compressed, content-hashed files are cached for good, pages are revalidated, and
a guard's repeat visit to /gate fetches nothing but the document (and the pass list, which is data).
"""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import brotli
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, sign_in

pytestmark = pytest.mark.e2e

GUARD = "13800000022"


def _get(url: str, encoding: str) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(req, timeout=20) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


def _wasm_path() -> str:
    """The decoder's hashed path in the build the session app serves (the project's `.web`)."""
    found = sorted((ROOT / ".web" / "build" / "client" / "assets").glob("zxing_reader-*.wasm"))
    assert found, "the build holds the decoder"
    return "/assets/" + found[-1].name


def test_decoder_is_served_compressed_and_cached_for_good(served_app):
    path = _wasm_path()
    status, plain_headers, raw = _get(served_app.url + path, "identity")
    assert status == 200 and raw[:4] == b"\0asm" and len(raw) > 500_000
    assert "content-encoding" not in plain_headers
    _, headers, body = _get(served_app.url + path, "gzip, deflate, br")
    assert headers["content-encoding"] == "br"
    assert headers["content-type"] == "application/wasm"
    assert len(body) < 0.5 * len(raw), (len(body), len(raw))
    assert brotli.decompress(body) == raw
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    _, gz_headers, _ = _get(served_app.url + path, "gzip")
    assert gz_headers["content-encoding"] == "gzip"
    # a page is revalidated (a new version is seen at the next load); an api route keeps its own
    _, page_headers, _ = _get(served_app.url + "/login", "gzip, br")
    assert page_headers["cache-control"] == "no-cache"
    assert page_headers["content-encoding"] == "br"


def test_repeat_visit_to_the_gate_fetches_only_the_document_and_the_pass_list(phone):
    page = phone
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    fetched: list[tuple[str, str]] = []  # (url, content-encoding) of what came over the network
    from_cache: set[str] = set()  # request ids the memory or disk cache answered

    def on_response(event):
        r = event["response"]
        if event["requestId"] in from_cache or r.get("fromDiskCache") or r.get("fromServiceWorker"):
            return
        enc = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("content-encoding", "")
        fetched.append((r["url"], enc))

    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on("Network.responseReceived", on_response)
    sign_in(page, GUARD)
    expect(page).to_have_url(re.compile(r"/gate$"), timeout=30_000)
    page.wait_for_load_state("networkidle")
    first = [u for u, _ in fetched if "/assets/" in u]
    assert first, "the first visit fetched the build's files"
    built = ROOT / ".web" / "build" / "client"
    raw = [u for u, enc in fetched if "/assets/" in u and enc not in ("br", "gzip")
           and (built / u.split("/", 3)[3].split("?")[0]).stat().st_size >= 1024]
    assert not raw, f"sent uncompressed: {raw}"
    fetched.clear()
    page.goto("/gate")
    page.wait_for_load_state("networkidle")
    # the document, and the guard's pass list (data, fetched anew while online): nothing else
    again = [u for u, _ in fetched if urlsplit(u).path not in ("/gate", "/gate/", "/api/gate/snapshot")]
    assert not again, f"the repeat visit fetched files again: {again}"

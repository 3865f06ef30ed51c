"""`./run.sh` as an operator starts it: the first start builds the frontend; a restart with nothing
changed builds nothing and starts the backend alone, which serves the build itself (pages, the
service worker, the compressed decoder), and the app works on it (sign-in, the butler's home).

Runs in a copy of the project's `.web` (as `start_app(own_web=True)` does), so the build the
session app serves is never touched.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PHONE,
    ROOT,
    TEST_SECRET_KEY,
    _own_web_dir,
    free_port,
    sign_in,
    stop_app,
    wait_ready,
)

pytestmark = pytest.mark.e2e

BUILDING = "building the frontend"


def _start(tmp: Path, port: int, web: Path, log: Path) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ)
    env.update({
        "PORT": str(port), "REFLEX_WEB_WORKDIR": str(web),
        "REFLEX_DB_URL": f"sqlite:///{tmp / 'data' / 'app.db'}", "APP_DATA_DIR": str(tmp / "data"),
        "APP_SECRET_KEY": TEST_SECRET_KEY, "REFLEX_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1",
    })
    started = time.monotonic()
    proc = subprocess.Popen(["bash", str(ROOT / "run.sh")], cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", proc, log, timeout=300)
    except Exception:
        stop_app(proc)
        raise
    return proc, time.monotonic() - started


def test_a_restart_with_nothing_changed_builds_nothing_and_serves(tmp_path, browser):
    (tmp_path / "data").mkdir()
    web = _own_web_dir(tmp_path) or tmp_path / "web"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    proc, _ = _start(tmp_path, port, web, first_log)
    stop_app(proc)
    assert BUILDING in first_log.read_text()
    assert (web / "build" / ".gb-version").is_file()

    proc, took = _start(tmp_path, port, web, second_log)
    try:
        log = second_log.read_text()
        assert BUILDING not in log, log[-2000:]
        print(f"restart with nothing changed: /login answered after {took:.1f} s")
        # the backend alone serves the build: a page, the worker, a hashed file compressed
        with urllib.request.urlopen(url + "/sw.js", timeout=10) as r:
            assert r.status == 200
        wasm = sorted((web / "build" / "client" / "assets").glob("zxing_reader-*.wasm"))[-1].name
        req = urllib.request.Request(f"{url}/assets/{wasm}", headers={"Accept-Encoding": "br"})
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.headers["Content-Encoding"] == "br"
            assert "immutable" in r.headers["Cache-Control"]
        # and the app works on it: a butler signs in and gets her home, in her language
        ctx = browser.new_context(base_url=url, locale="zh-CN", service_workers="block", **PHONE)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, "13800000011")
        page.wait_for_url("**/grid")
        expect(page.locator("#page-title")).to_have_text("我的网格 · 今日")
        expect(page.locator("#alert-badge")).to_be_visible()
        page.goto("/q/not-a-real-link")  # a dynamic route, from the build's router
        expect(page.locator("#rq-invalid")).to_be_visible()
        ctx.close()
    finally:
        stop_app(proc)

"""The served app and a phone-sized Chromium, as users meet them.

`served_app` starts the app the way README's run command does
(`reflex run --env prod`, one port) on a throwaway SQLite database that is
migrated and seeded first, and stops it afterwards. Browsers are Debian's
Chromium driven by Playwright at 390x844.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("APP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "demo1234"
# the served app's signing key (never a real one): tests sign QR tokens with it too
TEST_SECRET_KEY = "test-secret-key-not-for-production"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServedApp:
    url: str
    db_url: str
    data_dir: Path
    log: Path


def wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as r:
                if r.status == 200:
                    with urllib.request.urlopen(url + "/login", timeout=5) as page:
                        if page.status == 200:
                            return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"app not ready after {timeout}s:\n{log.read_text()[-4000:]}")


def _own_web_dir(tmp: Path) -> Path | None:
    """A copy of the project's `.web` for an app started beside another one.

    `reflex run --env prod` rebuilds the frontend in its web folder at every start; a
    second app building in the shared `.web` replaces the files the first one is serving
    (the session app then answers 404s for the rest of the run). Before any app has
    built `.web` there is nothing to copy, nor anything to disturb.
    """
    shared = ROOT / ".web"
    if not (shared / "node_modules").is_dir():
        return None
    own = tmp / "web"
    if not own.exists():
        # everything but the last build's output (a package's own `build/` folder is kept)
        shutil.copytree(shared, own, symlinks=True,
                        ignore=lambda folder, names: ["build"] if Path(folder) == shared else [])
    return own


def start_app(tmp: Path, env_extra: dict[str, str] | None = None, *,
              own_web: bool = True) -> tuple[subprocess.Popen, ServedApp]:
    """Migrate + seed a throwaway database, then `reflex run --env prod` on a free port.

    `own_web`: build the frontend in a copy of `.web` (see `_own_web_dir`), so apps
    started by other test modules never rebuild the one the session app serves."""
    port = free_port()
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{data_dir / 'app.db'}"
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_DB_URL": db_url,
            "APP_DATA_DIR": str(data_dir),
            "APP_SECRET_KEY": TEST_SECRET_KEY,
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "PYTHONUNBUFFERED": "1",
            # mounts POST /api/test/clock (app.api.test_hooks) so tests move time
            "APP_TEST_HOOKS": "1",
        }
    )
    env.update(env_extra or {})
    web = _own_web_dir(tmp) if own_web else None
    if web is not None:
        env["REFLEX_WEB_WORKDIR"] = str(web)
    db_url = env["REFLEX_DB_URL"]
    py = sys.executable
    subprocess.run([py, "-m", "reflex", "db", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([py, "-m", "app.seed", "--demo", "--if-empty"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    log = tmp / "app.log"
    proc = subprocess.Popen(
        [py, "-m", "reflex", "run", "--env", "prod", "--frontend-port", str(port),
         "--backend-port", str(port), "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log)
    except Exception:
        stop_app(proc)
        raise
    return proc, ServedApp(url=url, db_url=db_url, data_dir=data_dir, log=log)


def stop_app(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def served_app(tmp_path_factory) -> Iterator[ServedApp]:
    proc, app = start_app(tmp_path_factory.mktemp("served"), own_web=False)
    yield app
    stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _workers(request) -> str:
    """The service worker precaches the field shell (100+ files) at every fresh context's first
    page: a test that does not go offline blocks it, so that ninety contexts do not each fetch the
    shell while the served app answers the test. Tests of the offline shell are marked
    `service_worker` (or open contexts of their own, as the walk's offline test does)."""
    return "allow" if request.node.get_closest_marker("service_worker") else "block"


@pytest.fixture
def phone(browser, served_app, request):
    """A fresh phone-sized browser context (no stored sign-in) and its page."""
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", service_workers=_workers(request), **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    ctx.close()


@pytest.fixture
def another(browser, served_app, request):
    """Open more phones (separate people) in one test: `page = another()`."""
    made = []

    def open_phone():
        ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", service_workers=_workers(request),
                                  **PHONE)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        made.append(ctx)
        return page

    yield open_phone
    for ctx in made:
        ctx.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def sign_in(page, phone_number: str, password: str = DEMO_PASSWORD) -> None:
    """Fill the sign-in form as a person would and submit it."""
    page.goto("/login")
    page.locator("#phone").fill(phone_number)
    page.locator("#password").fill(password)
    page.locator("#sign-in").click()


def sqlite_db(app: ServedApp):
    """A connection to the served app's SQLite database (the tests read what the app wrote)."""
    import sqlite3

    return sqlite3.connect(app.db_url.removeprefix("sqlite:///"))


def forge_events(page, instead_of: str, queue: list[tuple[str, dict]]) -> list[str]:
    """Rewrite each of the page's `instead_of` events on its websocket into the next (event name,
    payload) of `queue`, as a tampered browser could send them; the returned list receives the
    forged messages. Install it before the page (re)loads; then trigger `instead_of` on the page.
    """
    import json
    import re

    forged: list[str] = []

    def forge(ws):
        server = ws.connect_to_server()

        def to_server(message):
            if queue and isinstance(message, str) and f'"name":"{instead_of}"' in message:
                name, payload = queue.pop(0)
                body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
                message = message.replace(f'"name":"{instead_of}"', f'"name":"{name}","payload":{body}', 1)
                forged.append(message)
            server.send(message)

        ws.on_message(to_server)
        server.on_message(lambda message: ws.send(message))

    page.route_web_socket(re.compile(r".*/_event/.*"), forge)
    return forged


def forge_next_event(page, instead_of: str, name: str, payload: dict) -> list[str]:
    """`forge_events` for the page's next `instead_of` event only."""
    return forge_events(page, instead_of, [(name, payload)])


def shot(page, name: str) -> Path:
    """Keep a phone screenshot for people to look at (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def route_checkpoints(app: ServedApp, phone: str) -> list[tuple[int, int, int, str, str]]:
    """(id, version, community, code, name) of a demo butler's daily route, in walking order."""
    import sqlite3

    with sqlite3.connect(app.db_url.removeprefix("sqlite:///")) as con:
        return con.execute(
            "select c.id, c.version, c.community_id, c.code, c.name from checkpoint c "
            "join routestop r on r.checkpoint_id = c.id join patrolroute pr on pr.id = r.route_id "
            "join grid g on g.id = pr.grid_id join staff s on s.id = g.butler_id "
            "where s.phone = ? and pr.name = '日常巡查' order by r.position",
            (phone,),
        ).fetchall()


def advance_clock(app: ServedApp, minutes: float, *, reset: bool = False) -> str:
    """Move the served app's clock forward (app.api.test_hooks); returns its new now (ISO).

    The served app is shared by every e2e test: a test that moves the clock
    puts it back with `reset=True` when it is done.
    """
    import json

    query = "reset=1" if reset else f"advance_minutes={minutes}"
    req = urllib.request.Request(
        f"{app.url}/api/test/clock?{query}",
        method="POST",
        headers={"X-Test-Key": TEST_SECRET_KEY},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["now"]


def checkpoint_token(cp: tuple[int, int, int, str, str]) -> str:
    """The signed token on a checkpoint's tag, as the served app signs it."""
    from app.domain import tokens

    cid, version, community, _code, _name = cp
    return tokens.sign("checkpoint", cid, version=version, community_id=community,
                       key=TEST_SECRET_KEY.encode())

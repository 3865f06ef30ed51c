"""Gate scan -> verdict with many guards scanning at once, on loopback.

Starts the app as users meet it (prod build, throwaway migrated + seeded
SQLite, via tests/e2e/conftest.start_app), then signs in --guards guard
sessions (the demo guards in turn), each its own session and websocket:

- --browsers of them are phone-sized Chromium pages (default 1): the typed-code
  box gets the decoded QR text of a pass (what the camera scanner hands over),
  and the time runs from the tap until the verdict is on screen;
- the rest are protocol sessions: a websocket speaking exactly what the page
  speaks (the connect frame is copied from the first page's own), signed in
  through the same sign-in event, on the gate page, sending the same scan
  event; the time runs until the verdict's state update arrives.

All sessions scan at the same moment, --rounds times, alternately a valid pass
and a forged one so that every scan changes the screen. The figures are
printed per kind and together. One machine runs the server, the browser and
the protocol sessions; with --browsers equal to --guards every session is a
Chromium page, and the browser's own rendering of 50 pages on two cores then
dominates (an upper bound, not a phone's experience).

    python bench/gate_load.py                          # 50 guards: 1 page + 49 protocol sessions
    python bench/gate_load.py --guards 50 --browsers 50  # all 50 as Chromium pages
    python bench/gate_load.py --guards 20 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simple_websocket import Client  # noqa: E402  (python-engineio's websocket client, a Reflex dependency)

from app.domain import clock, tokens  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    PHONE,
    TEST_SECRET_KEY,
    start_app,
    stop_app,
)

GUARDS = ("13800000021", "13800000022", "13800000023")
VERDICTS = ("valid", "unknown_or_forged")


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def pass_texts(db_path: str) -> tuple[str, str]:
    """(valid, forged) QR texts of a seeded live pass; its renovation's hours opened to the whole day."""
    today = datetime.now(clock.ZONE).date().isoformat()
    with sqlite3.connect(db_path) as con:
        pid, version, until, community, app_id = con.execute(
            "select p.id, p.version, p.valid_until, p.community_id, p.application_id from workerpass p"
            " join renovationapplication a on a.id = p.application_id where p.revoked_at is null"
            " and p.valid_from <= ? and p.valid_until >= ? and a.status = 'approved' order by p.id limit 1",
            (today, today),
        ).fetchone()
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '23:59' where id = ?",
                    (app_id,))
    end = datetime.combine(date.fromisoformat(until[:10]), dtime(23, 59, 59), tzinfo=clock.ZONE).astimezone(UTC)
    good = tokens.sign("pass", pid, version=version, expires_at=end, community_id=community,
                       key=TEST_SECRET_KEY.encode())
    return good, good[:-3] + ("AAA" if good[-3:] != "AAA" else "BBB")


# --- protocol sessions ------------------------------------------------------------------


class Templates:
    """The page's own frames, recorded from the first Chromium page: connect, sign-in, page load, scan."""

    def __init__(self) -> None:
        self.connect = ""
        self.events: dict[str, dict] = {}

    def record(self, frame: str) -> None:
        if frame.startswith("40/_event,") and not self.connect:
            self.connect = frame
        elif frame.startswith("42/_event,"):
            body = json.loads(frame[len("42/_event,"):])[1]
            name = body.get("name", "")
            for key in ("sign_in", "on_load_internal", "scan"):
                if name.endswith("." + key) and key not in self.events:
                    self.events[key] = body

    def ready(self) -> bool:
        return bool(self.connect) and len(self.events) == 3


class ProtocolGuard:
    """One guard's session over a raw websocket (Engine.IO 4 / Socket.IO frames, as the page sends)."""

    def __init__(self, ws_url: str, tpl: Templates, phone: str) -> None:
        self.ws = Client.connect(f"{ws_url}/_event/?token={uuid.uuid4()}&EIO=4&transport=websocket")
        self.tpl = tpl
        self.phone = phone

    def _recv_until(self, needle: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(needle)
            frame = self.ws.receive(timeout=left)
            if frame is None:
                continue
            if frame == "2":  # Engine.IO ping
                self.ws.send("3")
                continue
            if needle in frame:
                return frame

    def _emit(self, body: dict) -> None:
        self.ws.send("42/_event," + json.dumps(["event", body], ensure_ascii=False))

    def sign_in(self) -> None:
        self._recv_until('"sid"')  # Engine.IO open
        self.ws.send(self.tpl.connect)
        self._recv_until("is_hydrated_rx_state_\":true")
        body = json.loads(json.dumps(self.tpl.events["sign_in"]))
        body["payload"]["form"]["__reflex_form_data__"] = [["phone", self.phone], ["password", DEMO_PASSWORD]]
        self._emit(body)
        self._recv_until('"_redirect"')
        self._emit(self.tpl.events["on_load_internal"])
        self._recv_until("community_rx_state_")

    def scan(self, text: str, verdict: str) -> float:
        body = json.loads(json.dumps(self.tpl.events["scan"]))
        body["payload"]["raw"] = text
        start = time.perf_counter()
        self._emit(body)
        self._recv_until(f'"verdict":"{verdict}"')
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.ws.close()


# --- the run ------------------------------------------------------------------------------


async def run(url: str, texts: tuple[str, str], guards: int, browsers: int, rounds: int
              ) -> tuple[list[float], list[float]]:
    from playwright.async_api import async_playwright

    tpl = Templates()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for i in range(browsers):
            ctx = await browser.new_context(base_url=url, locale="zh-CN", **PHONE)
            page = await ctx.new_page()
            page.set_default_timeout(60_000)
            if i == 0:
                page.on("websocket", lambda ws: ws.on(
                    "framesent", lambda f: tpl.record(f) if isinstance(f, str) else None))
            await page.goto("/login")
            await page.locator("#phone").fill(GUARDS[i % len(GUARDS)])
            await page.locator("#password").fill(DEMO_PASSWORD)
            await page.locator("#sign-in").click()
            await page.wait_for_url("**/gate")
            await page.locator("#scan-code").wait_for()
            pages.append(page)

        async def on_page(page, k: int) -> float:
            await page.locator("#scan-code").fill(texts[k])
            start = time.perf_counter()
            await page.locator("#scan-code-submit").click()
            await page.wait_for_selector(f"#verdict[data-verdict={VERDICTS[k]}]", timeout=60_000)
            return (time.perf_counter() - start) * 1000

        # one scan on the first page records the scan frame for the protocol sessions
        await on_page(pages[0], 1)
        if not tpl.ready():
            raise SystemExit(f"could not record the page's frames: have {sorted(tpl.events)}")

        ws_url = url.replace("http://", "ws://")
        wire: list[ProtocolGuard] = []
        loop = asyncio.get_running_loop()
        for i in range(browsers, guards):
            g = await loop.run_in_executor(None, ProtocolGuard, ws_url, tpl, GUARDS[i % len(GUARDS)])
            await loop.run_in_executor(None, g.sign_in)
            wire.append(g)
        print(f"{browsers} guard page(s) and {len(wire)} protocol session(s) signed in")

        page_times: list[float] = []
        wire_times: list[float] = []
        for r in range(rounds + 1):  # the first round warms up
            k = r % 2
            barrier = threading.Barrier(len(wire) + 1) if wire else None
            results: list[float] = []

            def on_wire(g: ProtocolGuard, k: int = k, barrier=barrier, results=results) -> None:
                barrier.wait()
                results.append(g.scan(texts[k], VERDICTS[k]))

            threads = [threading.Thread(target=on_wire, args=(g,)) for g in wire]
            for t in threads:
                t.start()
            if barrier is not None:
                await loop.run_in_executor(None, barrier.wait)
            got = await asyncio.gather(*(on_page(pg, k) for pg in pages))
            await loop.run_in_executor(None, lambda ts=threads: [t.join() for t in ts])
            if len(results) != len(wire):
                raise SystemExit("a protocol session failed to get its verdict")
            if r:
                page_times += got
                wire_times += results
        for g in wire:
            g.close()
        await browser.close()
        return page_times, wire_times


def line(label: str, times: list[float]) -> str:
    return (f"  {label}: {len(times)} scans, median {statistics.median(times):.0f} ms, "
            f"p95 {pct(times, 95):.0f} ms, min-max {min(times):.0f}-{max(times):.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--guards", type=int, default=50, help="guard sessions scanning at once")
    ap.add_argument("--browsers", type=int, default=1, help="how many of them are Chromium pages (>= 1)")
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    browsers = max(1, min(args.browsers, args.guards))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc, app = start_app(Path(tmp))
        print(f"app ready in {time.perf_counter() - t0:.1f} s at {app.url}")
        try:
            texts = pass_texts(app.db_url.removeprefix("sqlite:///"))
            page_times, wire_times = asyncio.run(run(app.url, texts, args.guards, browsers, args.rounds))
        finally:
            stop_app(proc)
    print(f"\ngate scan -> verdict, {args.guards} guards at once ({browsers} Chromium page(s), "
          f"{args.guards - browsers} protocol sessions), loopback, {args.rounds} rounds")
    print(line("on screen (Chromium page, tap to verdict shown)", page_times))
    if wire_times:
        print(line("protocol sessions (scan event sent to verdict update received)", wire_times))
    print(line("all sessions", page_times + wire_times) + "  (target p95 <= 300 ms)")


if __name__ == "__main__":
    main()

"""Checkpoint scan -> "recorded" on screen, on the real walk page, timed.

Starts the app as users meet it (prod build, throwaway migrated + seeded
SQLite, via tests/e2e/conftest.start_app), signs the demo butler in on a
phone-sized Chromium, starts the day's patrol and then, N times, hands the
scanner's typed-code box the decoded text of a checkpoint QR (the tag URL
with its signed token, exactly what the camera scanner passes on) and waits
until the "recorded" line names that checkpoint. Rounds alternate between
the first two checkpoints of the route, so every round changes the screen;
the first scan of each writes the visit, later ones find it (the server still
verifies the token, checks the route and reloads the walk view each time).

    python bench/patrol_scan.py                 # 50 rounds on loopback
    python bench/patrol_scan.py --rounds 200

`setup(page, app)` is also what `bench/photo_roundtrip.py --setup
bench.patrol_scan:setup` uses to open the walk page at a scanned checkpoint,
so the photo bench measures the real picker on the real page.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain import tokens  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, start_app, stop_app  # noqa: E402

# the served app's APP_SECRET_KEY (tests/e2e/conftest.start_app)
APP_KEY = b"test-secret-key-not-for-production"
BUTLER = "13800000011"


def route_checkpoints(app, phone: str = BUTLER) -> list[tuple[int, int, int, str, str]]:
    """(id, version, community, code, name) of the butler's daily route, in walking order."""
    with sqlite3.connect(app.db_url.removeprefix("sqlite:///")) as con:
        return con.execute(
            "select c.id, c.version, c.community_id, c.code, c.name from checkpoint c "
            "join routestop r on r.checkpoint_id = c.id join patrolroute pr on pr.id = r.route_id "
            "join grid g on g.id = pr.grid_id join staff s on s.id = g.butler_id "
            "where s.phone = ? and pr.name = '日常巡查' order by r.position",
            (phone,),
        ).fetchall()


def qr_text(app, cp) -> str:
    """What the camera scanner decodes from a checkpoint's tag."""
    cid, version, community, _code, _name = cp
    return f"{app.url}/c/" + tokens.sign("checkpoint", cid, version=version, community_id=community, key=APP_KEY)


def scan(page, text: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()


def setup(page, app) -> str:
    """Start the signed-in butler's patrol and scan its first checkpoint; the walk page's path."""
    page.goto("/grid")
    page.locator(".due-patrol .patrol-start").first.click()
    page.wait_for_url("**/patrol/*")
    page.locator("#patrol-progress").wait_for()
    first = route_checkpoints(app)[0]
    scan(page, qr_text(app, first))
    page.locator("#current-stop").wait_for()
    return page.url.removeprefix(app.url)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=4)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc, app = start_app(Path(tmp))
        print(f"app ready in {time.perf_counter() - t0:.1f} s at {app.url}")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ctx = browser.new_context(base_url=app.url, locale="zh-CN", **PHONE)
                page = ctx.new_page()
                page.set_default_timeout(30_000)
                page.goto("/login")
                page.locator("#phone").fill(BUTLER)
                page.locator("#password").fill("demo1234")
                page.locator("#sign-in").click()
                page.wait_for_url("**/grid")
                setup(page, app)
                cps = route_checkpoints(app)[:2]
                texts = [qr_text(app, cp) for cp in cps]
                times = []
                for i in range(args.warmup + args.rounds):
                    k = (i + 1) % 2  # the first checkpoint was scanned by setup()
                    start = time.perf_counter()
                    scan(page, texts[k])
                    page.wait_for_function(
                        "name => (document.querySelector('#scan-recorded')?.innerText || '').includes(name)",
                        arg=cps[k][4],
                        polling=5,
                    )
                    if i >= args.warmup:
                        times.append((time.perf_counter() - start) * 1000)
                browser.close()
        finally:
            stop_app(proc)
    print(f"\ncheckpoint scan -> 'recorded' shown, loopback ({len(times)} rounds)")
    print(f"  median {statistics.median(times):.0f} ms, p95 {pct(times, 95):.0f} ms, "
          f"min-max {min(times):.0f}-{max(times):.0f} ms  (target p95 <= 300 ms)")


if __name__ == "__main__":
    main()

"""Checkpoint scan -> on screen (kept on the phone) -> recorded by the server, on the real walk page.

Starts the app as users meet it (prod build, throwaway migrated + seeded
SQLite, via tests/e2e/conftest.start_app), gives the demo butler a 20-stop
route with one daily plan per patrol (bench/patrol_offline.prepare), signs in on
a phone-sized Chromium and, for each patrol, hands the scanner's typed-code box
the decoded text of each checkpoint's QR (the tag URL with its signed token,
exactly what the camera scanner passes on). Each scan is timed twice: to the
stop shown at hand as waiting (the phone's own store, no server), and to the
same stop shown as recorded (the server applied the check-in and answered).

    python bench/patrol_scan.py                 # 3 patrols x 20 scans, loopback
    python bench/patrol_scan.py --patrols 5

`setup(page, app)` is also what `bench/photo_roundtrip.py --setup
bench.patrol_scan:setup --input '#walk-photo-input' --thumb
'#current-stop img.walk-thumb:not(.walk-thumb-pending)'` uses to open the walk
page at a scanned checkpoint, so the photo bench measures the real picker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    checkpoint_token,
    route_checkpoints,
    start_app,
    stop_app,
)

BUTLER = "13800000011"


def qr_text(app, cp) -> str:
    """What the camera scanner decodes from a checkpoint's tag."""
    return f"{app.url}/c/{checkpoint_token(cp)}"


def scan(page, text: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()


def setup(page, app) -> str:
    """Start the signed-in butler's patrol and scan its first checkpoint; the walk page's path."""
    page.goto("/grid")
    page.locator(".due-patrol .patrol-start").first.click()
    page.wait_for_url("**/patrol/*")
    page.locator("#patrol-progress").wait_for()
    first = route_checkpoints(app, BUTLER)[0]
    scan(page, qr_text(app, first))
    page.locator("#current-stop[data-pending='0']").wait_for()
    return page.url.removeprefix(app.url)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    return (f"{label}: median {statistics.median(values):.0f} ms, p95 {pct(values, 95):.0f} ms, "
            f"min-max {min(values):.0f}-{max(values):.0f} ms ({len(values)} scans)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patrols", type=int, default=3)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    from sqlmodel import Session, create_engine, select

    from app.db.models import Checkpoint, PatrolRoute, RouteStop
    from bench.patrol_offline import prepare

    shown: list[float] = []
    recorded: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc, app = start_app(Path(tmp))
        print(f"app ready in {time.perf_counter() - t0:.1f} s at {app.url}")
        try:
            prepare(app.db_url, args.patrols)
            with Session(create_engine(app.db_url)) as db:
                route = db.exec(select(PatrolRoute).where(PatrolRoute.name == "二十点巡查")).one()
                cps = [(c.id, c.version, c.community_id, c.code, c.name) for c in db.exec(
                    select(Checkpoint).join(RouteStop, RouteStop.checkpoint_id == Checkpoint.id)
                    .where(RouteStop.route_id == route.id).order_by(RouteStop.position))]
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
                for _ in range(args.patrols):
                    page.goto("/grid")
                    page.locator(".due-patrol:has-text('二十点巡查') .patrol-start").first.click()
                    page.wait_for_url("**/patrol/*")
                    page.locator("#patrol-progress").wait_for()
                    for cp in cps:
                        start = time.perf_counter()
                        scan(page, qr_text(app, cp))
                        page.locator(f"#current-stop[data-checkpoint='{cp[0]}']").wait_for()
                        shown.append((time.perf_counter() - start) * 1000)
                        page.locator(f"#current-stop[data-checkpoint='{cp[0]}'][data-pending='0']").wait_for()
                        recorded.append((time.perf_counter() - start) * 1000)
                    page.locator("#finish").click()
                    page.locator("#finish-confirm").click()
                    page.locator("#finished-banner[data-pending='0']").wait_for()
                browser.close()
        finally:
            stop_app(proc)
    print()
    print(line("checkpoint scan -> shown at hand, waiting (loopback)", shown))
    print(line("checkpoint scan -> recorded by the server (loopback)", recorded) + "  (target p95 <= 300 ms)")


if __name__ == "__main__":
    main()

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
                cps = route_checkpoints(app, BUTLER)[:2]
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

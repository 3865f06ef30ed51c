"""What a phone downloads to use a page, and how long it waits, on an emulated phone network.

Starts the served app (production build, throwaway SQLite, via tests/e2e/conftest.start_app) and,
in Debian's Chromium at 390x844 with the network throttled through the DevTools protocol
(default 150 ms latency, 1.6 Mbit/s down, 0.75 Mbit/s up), measures for each page:

- cold (a fresh browser context, nothing cached): bytes over HTTP (encoded, as sent), the number
  of requests, websocket bytes received, and the time until the page is usable;
- warm (the same context, the page opened again): the same figures.

Pages: `/login` (usable: the sign-in button enabled), `/grid` signed in as a butler (usable: the
page title shown) and `/gate` signed in as a guard (usable: the scan field shown; "decoder" is
when the QR decoder's wasm has arrived). The sign-in of a signed-in page is done before the
measured load, in the same context; its own bytes are not counted.

    python bench/page_weight.py                # 5 runs each
    python bench/page_weight.py --runs 7 --latency 150 --down-kbps 1600
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

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, PHONE, start_app, stop_app  # noqa: E402

PAGES = {
    "/login": (None, "#sign-in:not([disabled])"),
    "/grid": ("13800000011", "#page-title"),
    "/gate": ("13800000022", "#scan-code"),
}


class Meter:
    """Counts one page load's traffic from the DevTools protocol's network events."""

    def __init__(self, cdp) -> None:
        self.http_bytes = 0
        self.requests = 0
        self.ws_bytes = 0
        self.wasm_at: float | None = None
        self.started = time.perf_counter()
        self._urls: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def reset(self) -> None:
        self.http_bytes = self.requests = self.ws_bytes = 0
        self.wasm_at = None
        self.started = time.perf_counter()

    def _sent(self, e) -> None:
        self._urls[e["requestId"]] = e["request"]["url"]

    def _finished(self, e) -> None:
        size = int(e.get("encodedDataLength", 0))
        if size <= 0:
            return  # answered by the memory cache
        self.http_bytes += size
        self.requests += 1
        if self._urls.get(e["requestId"], "").endswith(".wasm") and self.wasm_at is None:
            self.wasm_at = time.perf_counter() - self.started

    def _frame(self, e) -> None:
        self.ws_bytes += len(e["response"].get("payloadData", "").encode("utf-8"))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def load(page, meter: Meter, path: str, ready: str) -> dict[str, float]:
    meter.reset()
    page.goto(path)
    page.locator(ready).first.wait_for(timeout=120_000)
    usable = time.perf_counter() - meter.started
    page.wait_for_load_state("networkidle")
    if path == "/gate" and meter.wasm_at is None:
        page.wait_for_timeout(500)
    return {"usable_s": usable, "http_kb": meter.http_bytes / 1024, "requests": meter.requests,
            "ws_kb": meter.ws_bytes / 1024, "decoder_s": meter.wasm_at if meter.wasm_at is not None else -1}


def one_run(browser, url: str, path: str, who: str | None, args) -> tuple[dict, dict]:
    ctx = browser.new_context(base_url=url, locale="zh-CN", service_workers="block", **PHONE)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    if who is not None:  # sign in first (not measured), then forget what that load cached
        page.goto("/login")
        page.locator("#phone").fill(who)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#sign-in:not([disabled])").click()
        page.wait_for_url(f"**{path}")
        cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": args.latency,
        "downloadThroughput": args.down_kbps * 1000 / 8, "uploadThroughput": args.up_kbps * 1000 / 8})
    meter = Meter(cdp)
    _, ready = PAGES[path]
    cold = load(page, meter, path, ready)
    warm = load(page, meter, path, ready)
    ctx.close()
    return cold, warm


def report(name: str, rows: list[dict]) -> None:
    parts = []
    for key in ("usable_s", "http_kb", "requests", "ws_kb", "decoder_s"):
        vals = [r[key] for r in rows if r[key] >= 0]
        if not vals:
            continue
        parts.append(f"{key} {statistics.median(vals):.2f} (p95 {pct(vals, 95):.2f}, "
                     f"{min(vals):.2f}–{max(vals):.2f})")
    print(f"  {name}: " + "; ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--latency", type=float, default=150, help="ms added each way")
    ap.add_argument("--down-kbps", type=float, default=1600)
    ap.add_argument("--up-kbps", type=float, default=750)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        proc, app = start_app(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"{args.runs} runs per page; {args.latency:.0f} ms latency, "
                      f"{args.down_kbps:.0f}/{args.up_kbps:.0f} kbit/s; median (p95, min–max)")
                for path, (who, _) in PAGES.items():
                    results = [one_run(browser, app.url, path, who, args) for _ in range(args.runs)]
                    print(path)
                    report("cold", [c for c, _ in results])
                    report("warm", [w for _, w in results])
                browser.close()
        finally:
            stop_app(proc)


if __name__ == "__main__":
    main()

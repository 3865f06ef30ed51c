"""Photo picked on the phone -> thumbnail shown as recorded: the whole path, timed.

Starts the app as users meet it (`tests/e2e/conftest.start_app`: prod build,
throwaway migrated + seeded SQLite), signs in on a phone-sized Chromium,
opens the page that hosts the photo picker, and times N rounds of:
`set_input_files` on the picker's input -> a new `img.evidence-thumb` shown
and loaded (complete, naturalWidth > 0). On loopback, then with the phone
network emulated over CDP (`Network.emulateNetworkConditions`: 150 ms
latency, 1.5 Mbit/s up, 1.6 Mbit/s down). Prints median, p95, min-max and
the bytes each photo put on the network (the POST body size).

The photo: a noise-textured 4032x3024 JPEG of ~4 MB with EXIF orientation 6
and a DateTimeOriginal, made here.

    python bench/photo_roundtrip.py --path /patrol/walk/1     # a page with the picker
    python bench/photo_roundtrip.py --harness                 # no page needed (see below)

`--path` is any page of the app that renders `photo_picker(...)` for the
signed-in person (its `--input`, default `#photo-input`, and thumbnails
`img.evidence-thumb`). `--setup MODULE:FUNC` may name a function
`f(page, app) -> str` run after sign-in that prepares data (e.g. starts a
patrol) and returns the path to open.

`--harness` measures without such a page: the served app gets a subject
kind "bench" (registered through `bench/_harness/sitecustomize.py`, which
only acts when APP_BENCH_EVIDENCE_KIND is set), and the bench puts a plain
picker (the same DOM contract as photo_picker) on the person's home page;
when `assets/js/photo_upload.js` reports the stored photo, the harness shows
its thumbnail from the returned signed link. What it leaves out is the
Reflex event that reloads the list from the database (a few ms on loopback,
one websocket round trip, ~150-300 ms, on the emulated network).
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bench import phone_photo  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    start_app,
    stop_app,
)

PHONE_NET = {
    "offline": False,
    "latency": 150,
    "uploadThroughput": 1.5e6 / 8,
    "downloadThroughput": 1.6e6 / 8,
}
HARNESS_KIND = "bench"


def make_photo(target_mb: float = 4.0) -> bytes:
    """A textured 12-MP JPEG of about `target_mb` MB, EXIF orientation 6, as a phone sends it."""
    return phone_photo.make_photo(fine_sigma=18, fine_blend=0.45, target_mb=target_mb,
                                  qualities=(95, 92, 90, 88, 85, 82, 80, 75, 70, 60))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


HARNESS_JS = """
([kind, subject]) => {
  if (document.getElementById('photo-input')) return;
  const box = document.createElement('div');
  box.setAttribute('data-evidence-picker', '');
  box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;background:#fff;z-index:9999;padding:8px';
  box.innerHTML = '<input type="file" accept="image/*" multiple id="photo-input">' +
    '<p data-status id="photo-input-status"></p>' +
    '<button id="photo-input-done" type="button" style="display:none"></button>' +
    '<div class="evidence-strip" style="display:flex;flex-wrap:wrap;gap:4px"></div>';
  const input = box.querySelector('input');
  input.setAttribute('data-evidence-kind', kind);
  input.setAttribute('data-evidence-subject', String(subject));
  input.setAttribute('data-done-button', 'photo-input-done');
  input.addEventListener('evidence:uploaded', (ev) => {
    const img = document.createElement('img');
    img.className = 'evidence-thumb';
    img.width = 32; img.height = 32;
    img.src = ev.detail.thumb_url;
    box.querySelector('.evidence-strip').appendChild(img);
  });
  document.body.appendChild(box);
}
"""

# photo_upload.js reports the size of what it sent with each stored photo
SENT_JS = """
() => {
  if (window.__benchSent) return;
  window.__benchSent = [];
  document.addEventListener('evidence:uploaded', (ev) => window.__benchSent.push(ev.detail.sent_bytes));
}
"""

LOADED_THUMBS = """
(sel) => Array.from(document.querySelectorAll(sel))
  .filter((i) => i.complete && i.naturalWidth > 0 && i.offsetParent !== null).length
"""


def sign_in(page, phone: str, password: str) -> None:
    page.goto("/login")
    page.locator("#phone").fill(phone)
    page.locator("#password").fill(password)
    page.locator("#sign-in").click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)


def run_rounds(page, photo_path: Path, args, label: str) -> dict:
    sizes: list[int] = []

    def on_request(req) -> None:
        # the POST body as Chromium reports it (None when it holds a Blob it did not expose)
        if req.method == "POST" and req.url.split("?")[0].endswith("/api/evidence"):
            try:
                body = req.post_data_buffer
            except Exception:  # noqa: BLE001 - undecodable multipart
                body = None
            if body is not None:
                sizes.append(len(body))

    page.evaluate(SENT_JS)
    page.on("request", on_request)
    times: list[float] = []
    statuses: list[str] = []
    try:
        for i in range(args.warmup + args.rounds):
            before = page.evaluate(LOADED_THUMBS, args.thumb)
            t0 = time.perf_counter()
            page.locator(args.input).set_input_files(str(photo_path))
            page.wait_for_function(
                f"(sel) => ({LOADED_THUMBS.strip()})(sel) > {before}",
                arg=args.thumb,
                polling=10,
                timeout=60_000,
            )
            dt = time.perf_counter() - t0
            if i >= args.warmup:
                times.append(dt * 1000)
            status = page.locator("[data-status]").first.text_content() or ""
            statuses.append(status.strip())
            # let the picker settle (status "saved") before the next photo
            page.wait_for_timeout(args.pause_ms)
    finally:
        page.remove_listener("request", on_request)
    sent = page.evaluate("() => window.__benchSent.splice(0)")[args.warmup:]
    uploaded = sizes[args.warmup:] or sent
    return {
        "label": label,
        "times": times,
        "bytes": statistics.median(uploaded) if uploaded else None,
        "last_status": statuses[-1] if statuses else "",
    }


def report(result: dict, original: int) -> None:
    t = result["times"]
    print(f"\n{result['label']}  ({len(t)} rounds)")
    print(
        f"  picked -> thumbnail shown: median {statistics.median(t):.0f} ms, "
        f"p95 {pct(t, 95):.0f} ms, min-max {min(t):.0f}-{max(t):.0f} ms"
    )
    if result["bytes"] is not None:
        print(
            f"  bytes uploaded per photo: {result['bytes'] / 1024:.0f} KiB "
            f"(the photo picked: {original / 1024:.0f} KiB, "
            f"{result['bytes'] / original * 100:.0f}%)"
        )
    print(f"  status line after the last round: {result['last_status']!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--path", help="page that hosts the photo picker (after sign-in)")
    ap.add_argument("--setup", help="MODULE:FUNC, f(page, app) -> path, run after sign-in")
    ap.add_argument("--harness", action="store_true", help="no page needed: a plain picker on the home page")
    ap.add_argument("--phone", default="13800000011", help="who signs in (demo butler)")
    ap.add_argument("--password", default="demo1234")
    ap.add_argument("--input", default="#photo-input")
    ap.add_argument("--thumb", default="img.evidence-thumb")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--pause-ms", type=int, default=300)
    ap.add_argument("--networks", default="loopback,phone", help="loopback, phone, or both")
    ap.add_argument("--photo-mb", type=float, default=4.0)
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (app log, data)")
    args = ap.parse_args()
    if not (args.path or args.setup or args.harness):
        ap.error("give --path (or --setup) of a page with the photo picker, or --harness")

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="photo_roundtrip_"))
    data = make_photo(args.photo_mb)
    photo_path = tmp / "IMG_20261127_093015.jpg"
    photo_path.write_bytes(data)
    with Image.open(io.BytesIO(data)) as im:
        print(f"test photo: {im.size[0]}x{im.size[1]} JPEG, {len(data) / 1024 / 1024:.2f} MB, "
              f"EXIF orientation {im.getexif().get(0x0112)}")

    env_extra: dict[str, str] = {}
    if args.harness:
        env_extra = {
            "APP_BENCH_EVIDENCE_KIND": HARNESS_KIND,
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT / "bench" / "_harness"), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    t0 = time.perf_counter()
    proc, app = start_app(tmp, env_extra)
    print(f"app ready at {app.url} in {time.perf_counter() - t0:.1f} s (prod build)")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            ctx = browser.new_context(base_url=app.url, locale="zh-CN", **PHONE)
            page = ctx.new_page()
            page.set_default_timeout(30_000)
            sign_in(page, args.phone, args.password)
            path = args.path
            if args.setup:
                mod, _, func = args.setup.partition(":")
                path = getattr(importlib.import_module(mod), func)(page, app) or path
            if path:
                page.goto(path)
            page.wait_for_load_state("networkidle")
            if args.harness:
                page.evaluate(HARNESS_JS, [HARNESS_KIND, 1])
            page.wait_for_function("() => window.__gbPhotoUpload === true", timeout=15_000)
            page.locator(args.input).wait_for(state="attached")
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            results = []
            for net in [n.strip() for n in args.networks.split(",") if n.strip()]:
                if net == "phone":
                    cdp.send("Network.emulateNetworkConditions", PHONE_NET)
                    label = "emulated phone network (150 ms, 1.5 Mbit/s up, 1.6 Mbit/s down)"
                else:
                    cdp.send("Network.emulateNetworkConditions", {
                        "offline": False, "latency": 0, "uploadThroughput": -1,
                        "downloadThroughput": -1})
                    label = "loopback"
                results.append(run_rounds(page, photo_path, args, label))
            for r in results:
                report(r, len(data))
            ctx.close()
            browser.close()
    finally:
        stop_app(proc)
        if args.keep:
            print(f"kept {tmp}")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A 20-checkpoint patrol walked fully offline, then synced on a phone network: timed and checked.

Starts the app as users meet it (prod build, throwaway migrated + seeded SQLite, via
tests/e2e/conftest.start_app), gives the demo butler 王芳 a 20-checkpoint route with one
daily plan per run, and for each run on a phone-sized Chromium:

1. online: opens /grid, starts that run's patrol, waits for the service worker and its shell;
2. offline (`context.set_offline`): at each of the 20 checkpoints types the tag's code, picks a
   4 MB 12-MP photo (shrunk on the phone and kept in IndexedDB) and ticks the checklist; finishes;
3. reconnects on an emulated phone network (CDP `Network.emulateNetworkConditions`: 150 ms
   latency, 1.5 Mbit/s up, 1.6 Mbit/s down) and times from the reconnect to "everything
   recorded" on screen (nothing waiting, the finish recorded);
4. checks the database: 20 visits with exactly one photo each (the photo on the visit its
   check-in made), every item ticked once, no duplicate, the patrol finished, offline marked.

Then, with the network down, it opens the walk page in a new tab N times and times the
offline shell's first open from cache to the walk drawn (`#walk-net` shown).

    python bench/patrol_offline.py                # 5 runs, 10 shell opens
    python bench/patrol_offline.py --runs 7 --photo-mb 4

Targets (issue "Field-proof"): synced within 30 s of reconnecting; the shell opens in <= 1 s.
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

from sqlmodel import Session, create_engine, select  # noqa: E402

from bench import phone_photo  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, start_app, stop_app  # noqa: E402

BUTLER = "13800000011"
SUPERVISOR = "13800000002"
STOPS = 20
PHONE_NET = {"offline": False, "latency": 150, "uploadThroughput": 1.5e6 / 8, "downloadThroughput": 1.6e6 / 8}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(label: str, values: list[float], unit: str = "s") -> str:
    scale = 1 if unit == "s" else 1000
    v = [x * scale for x in values]
    fmt = "{:.2f}" if unit == "s" else "{:.0f}"
    return (f"{label}: median {fmt.format(statistics.median(v))} {unit}, p95 {fmt.format(pct(v, 95))} {unit}, "
            f"min-max {fmt.format(min(v))}-{fmt.format(max(v))} {unit} ({len(v)} runs)")


def prepare(db_url: str, runs: int) -> list[tuple[str, str]]:
    """A 20-stop route in 王芳's grid and one daily plan per run; (code, name) of the stops."""
    from app.db.models import Checkpoint, Grid, PatrolRoute, Staff
    from app.domain import auth, patrols

    engine = create_engine(db_url)
    with Session(engine) as db:
        sup = auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == SUPERVISOR)).one())
        butler = db.exec(select(Staff).where(Staff.phone == BUTLER)).one()
        grid = db.exec(select(Grid).where(Grid.butler_id == butler.id)).one()
        have = list(db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id).order_by(Checkpoint.position)))
        for n in range(len(have), STOPS):
            have.append(patrols.add_checkpoint(db, sup, grid_id=grid.id, name=f"巡查点{n + 1}", place=f"位置{n + 1}"))
        route = patrols.save_route(db, sup, grid_id=grid.id, name="二十点巡查",
                                   checkpoint_ids=[c.id for c in have[:STOPS]])
        for _ in range(runs):
            patrols.add_plan(db, sup, route_id=route.id, cadence=patrols.DAILY, due_by="23:59")
        db.commit()
        stops = [(c.code, c.name) for c in have[:STOPS]]
        assert db.exec(select(PatrolRoute).where(PatrolRoute.id == route.id)).one()
    return stops


def check(db_url: str, patrol_id: int) -> str:
    from app.db.models import ChecklistItem, EvidencePhoto, Patrol, PatrolCheck, PatrolVisit

    engine = create_engine(db_url)
    with Session(engine) as db:
        visits = list(db.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol_id)))
        assert len(visits) == STOPS, f"{len(visits)} visits"
        for v in visits:
            photos = db.exec(select(EvidencePhoto).where(EvidencePhoto.subject_kind == "patrol_visit",
                                                         EvidencePhoto.subject_id == v.id)).all()
            assert len(photos) == 1 and v.photos == 1, f"visit {v.id}: {len(photos)} photos"
            items = db.exec(select(ChecklistItem).where(ChecklistItem.checkpoint_id == v.checkpoint_id,
                                                        ChecklistItem.active == True)).all()  # noqa: E712
            ticks = db.exec(select(PatrolCheck).where(PatrolCheck.visit_id == v.id)).all()
            assert len(ticks) == len(items), f"visit {v.id}: {len(ticks)} ticks of {len(items)}"
            assert v.offline and v.phone_at is not None
        p = db.get(Patrol, patrol_id)
        assert p is not None and p.status == "finished" and p.offline and p.missed == 0
    return "20 visits, 1 photo each, every item once, finished, offline marked"


def walk_offline(page, ctx, stops, photo: Path) -> None:
    ctx.set_offline(True)
    page.locator("#walk-offline").wait_for()
    for code, name in stops:
        page.locator("#scan-code").fill(code)
        page.locator("#scan-code-submit").click()
        page.locator(f"#current-stop:has-text('{name}')").wait_for()
        page.locator("#walk-photo-input").set_input_files(str(photo))
        page.locator("#current-stop img.walk-thumb-pending").wait_for(timeout=30_000)
        page.locator("#all-pass").click()
        page.wait_for_function("() => [...document.querySelectorAll('.check-item')].every(e => e.dataset.result)")
    page.locator("#finish").click()
    page.locator("#finish-confirm").click()
    page.locator("#finished-banner[data-pending='1']").wait_for()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shell-opens", type=int, default=10)
    ap.add_argument("--photo-mb", type=float, default=4.0)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    sync_times: list[float] = []
    shell_times: list[float] = []
    sent_bytes: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.jpg"
        photo.write_bytes(phone_photo.make_photo(fine_sigma=18, fine_blend=0.45, target_mb=args.photo_mb,
                                                 qualities=(95, 92, 90, 88, 85, 82, 80, 75, 70, 60)))
        print(f"photo: {photo.stat().st_size / 1e6:.1f} MB")
        t0 = time.perf_counter()
        proc, app = start_app(Path(tmp) / "app")
        print(f"app ready in {time.perf_counter() - t0:.1f} s at {app.url}")
        try:
            stops = prepare(app.db_url, args.runs)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                ctx = browser.new_context(base_url=app.url, locale="zh-CN", **PHONE)
                page = ctx.new_page()
                page.set_default_timeout(60_000)
                page.on("request", lambda r: sent_bytes.append(len(r.post_data_buffer or b""))
                        if r.method == "POST" and "/api/" in r.url else None)
                page.goto("/login")
                page.locator("#phone").fill(BUTLER)
                page.locator("#password").fill("demo1234")
                page.locator("#sign-in").click()
                page.wait_for_url("**/grid")
                cdp = ctx.new_cdp_session(page)
                patrol_id = 0
                for k in range(args.runs):
                    cdp.send("Network.emulateNetworkConditions",
                             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
                    page.goto("/grid")
                    # one plan per run on the same route: the first card not done yet
                    page.locator(".due-patrol:has-text('二十点巡查') .patrol-start").first.click()
                    page.wait_for_url("**/patrol/*")
                    page.locator("#patrol-progress").wait_for()
                    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
                    page.wait_for_function("() => caches.keys().then(k => k.some(n => n.startsWith('gb-shell-')))")
                    patrol_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
                    walk_offline(page, ctx, stops, photo)
                    sent_bytes.clear()
                    cdp.send("Network.emulateNetworkConditions", PHONE_NET)
                    start = time.perf_counter()
                    ctx.set_offline(False)
                    page.wait_for_function(
                        "() => document.querySelector('#walk-net')?.dataset.waiting === '0' && "
                        "document.querySelector('#finished-banner')?.dataset.pending === '0'",
                        timeout=180_000, polling=100)
                    took = time.perf_counter() - start
                    sync_times.append(took)
                    print(f"run {k + 1}: synced in {took:.2f} s, {sum(sent_bytes) / 1024:.0f} KiB sent; "
                          f"{check(app.db_url, patrol_id)}")
                # the offline shell's first open, from cache
                cdp.send("Network.emulateNetworkConditions",
                         {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
                ctx.set_offline(True)
                for _ in range(args.shell_opens):
                    tab = ctx.new_page()
                    start = time.perf_counter()
                    tab.goto(f"/patrol/{patrol_id}")
                    tab.locator("#walk-net").wait_for()
                    shell_times.append(time.perf_counter() - start)
                    tab.close()
                browser.close()
        finally:
            stop_app(proc)
    print()
    print(figures("20-checkpoint offline patrol, reconnect -> all recorded (150 ms, 1.5 Mbit/s up)", sync_times)
          + "  (target <= 30 s)")
    print(figures("offline shell, open -> walk drawn", shell_times, unit="ms") + "  (target <= 1000 ms)")


if __name__ == "__main__":
    main()

"""Time photo-evidence ingest of a 12-megapixel phone JPEG against the plain pipeline.

    python bench/evidence_ingest.py                 # 30 runs each, pinned to one core
    python bench/evidence_ingest.py --reps 60 --no-pin

Makes a textured 4032x3024 JPEG (noise over gradients, ~5 MB, EXIF
orientation 6 and DateTimeOriginal, as a phone held upright sends it), then
times, after a short warm-up:

- `evidence.process`: the module's processing (draft decode at 1/2 scale,
  reduce, rotate the small image, watermark, derivative q82, 320 px thumbnail,
  two SHA-256);
- the plain pipeline: Image.open -> full load -> exif_transpose ->
  thumbnail(1600) -> the same watermark -> save q82 -> 320 px thumbnail ->
  two SHA-256;
- `evidence.ingest` end to end: the above plus two atomic file writes (fsync)
  and the row, committed, in a throwaway SQLite database migrated with
  Alembic (as tests/conftest.py does).

Prints median, p95, min and max in ms, the speed-up, and the peak memory of
one run of each pipeline (how far the RSS peak rises above the RSS before
it, in a fresh subprocess: Pillow's pixel buffers are C allocations that
tracemalloc does not see).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.db.models import Community, Staff  # noqa: E402
from app.db.session import get_engine  # noqa: E402
from app.domain import clock, evidence  # noqa: E402
from bench.phone_photo import make_photo  # noqa: E402

WARMUP = 3
WATERMARK = "2026-11-27 21:07:00  3号楼 东门  王芳"


def plain(data: bytes) -> tuple[bytes, bytes, str, str]:
    """The straightforward pipeline: full decode, rotate the full image, then reduce."""
    img = Image.open(io.BytesIO(data))
    img.load()
    img = ImageOps.exif_transpose(img)
    img.thumbnail((evidence.DERIVATIVE_PX, evidence.DERIVATIVE_PX))
    evidence.burn_watermark(img, WATERMARK, 11)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=evidence.DERIVATIVE_QUALITY)
    derivative = out.getvalue()
    thumb = img.copy()
    thumb.thumbnail((evidence.THUMB_PX, evidence.THUMB_PX))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=evidence.THUMB_QUALITY)
    return (
        derivative,
        out.getvalue(),
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(derivative).hexdigest(),
    )


def optimized(data: bytes) -> evidence.Processed:
    return evidence.process(data, watermark=WATERMARK, author_id=11)


def stats(samples_ns: list[int]) -> tuple[float, float, float, float]:
    """(median, p95, min, max) in milliseconds; p95 by nearest rank."""
    ms = sorted(s / 1e6 for s in samples_ns)
    p95 = ms[max(0, -(-95 * len(ms) // 100) - 1)]
    return statistics.median(ms), p95, ms[0], ms[-1]


def migrate(url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def ingest_runner(data: bytes, tmp: Path) -> tuple[Callable[[], object], Callable[[], None]]:
    """(one ingest + commit in a fresh session, close) on a throwaway SQLite file."""
    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate(url)
    engine = get_engine(url)
    with Session(engine) as session:
        community = Community(name="阳光花园", code="BENCH")
        session.add(community)
        session.flush()
        author = Staff(
            community_id=community.id,
            name="王芳",
            phone="13900000000",
            password_hash="x",
            created_at=clock.now(),
        )
        session.add(author)
        session.commit()
        ids = (community.id, author.id)
    root = tmp / "evidence"

    def one() -> None:
        with Session(engine) as session:
            evidence.ingest(
                session,
                data=data,
                community_id=ids[0],
                author_id=ids[1],
                author_name="王芳",
                place="3号楼 东门",
                subject_kind="patrol",
                subject_id=1,
                root=root,
            )
            session.commit()

    return one, engine.dispose


def timed_round_robin(reps: int, fns: dict[str, Callable[[], object]]) -> dict[str, list[int]]:
    """Each function once per round, `reps` rounds after the warm-up; so load on
    the machine that comes and goes hits all of them alike."""
    out: dict[str, list[int]] = {name: [] for name in fns}
    for i in range(WARMUP + reps):
        for name, fn in fns.items():
            start = time.perf_counter_ns()
            fn()
            if i >= WARMUP:
                out[name].append(time.perf_counter_ns() - start)
    return out


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def child(which: str, path: str) -> None:
    """Run one pipeline once; print how far the RSS peak rose above the RSS before, in KiB.

    The peak (VmHWM) is reset first through /proc/self/clear_refs; ru_maxrss
    would not do, as a child starts with its parent's high-water mark.
    """
    data = Path(path).read_bytes()
    fn = optimized if which == "process" else plain
    evidence._font(44)  # font loading is not part of a photo's cost
    fn(data)  # warm: first-call allocations (codecs, caches) are not per photo
    base = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    fn(data)
    print(_status_kib("VmHWM") - base)


def peak_mib(which: str, path: Path) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        print(f"pinned to CPU {cpu}")

    start = time.perf_counter()
    data = make_photo()
    print(
        f"photo: 4032x3024 JPEG, {len(data) / 1e6:.2f} MB, EXIF orientation 6 "
        f"(made in {time.perf_counter() - start:.1f} s); font: {evidence.cjk_font_path()}"
    )
    result = optimized(data)
    print(
        f"derivative {result.width}x{result.height} {len(result.derivative) / 1024:.0f} KiB, "
        f"thumb {len(result.thumb) / 1024:.0f} KiB, claimed_at {result.claimed_at}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        tmp_path = Path(tmp)
        ingest_one, close = ingest_runner(data, tmp_path)
        samples = timed_round_robin(
            args.reps,
            {
                "evidence.process (draft)": lambda: optimized(data),
                "plain pipeline": lambda: plain(data),
                "evidence.ingest + commit": ingest_one,
            },
        )
        close()
        photo_path = tmp_path / "photo.jpg"
        photo_path.write_bytes(data)
        mem = {which: peak_mib(which, photo_path) for which in ("process", "plain")}
    rows = list(samples.items())

    print(f"\n{args.reps} rounds (one run of each per round) after {WARMUP} warm-up rounds, ms")
    print(f"{'':28s} {'median':>8s} {'p95':>8s} {'min':>8s} {'max':>8s}")
    medians = {}
    for label, samples in rows:
        med, p95, lo, hi = stats(samples)
        medians[label] = med
        print(f"{label:28s} {med:8.1f} {p95:8.1f} {lo:8.1f} {hi:8.1f}")
    ratio = medians["plain pipeline"] / medians["evidence.process (draft)"]
    print(f"\nspeed-up (plain / process, medians): {ratio:.2f}x")
    print(
        f"peak memory of one run (RSS peak above the RSS before): process {mem['process']:.0f} MiB, "
        f"plain {mem['plain']:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

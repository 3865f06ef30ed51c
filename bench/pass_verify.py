"""Time the gate's pass verification with 20,000 passes on record.

    python bench/pass_verify.py                          # SQLite
    python bench/pass_verify.py --postgres               # SQLite, then PostgreSQL
    python bench/pass_verify.py --passes 50000 --scans 5000

A throwaway database is migrated with Alembic (as the tests do), seeded with
the demo community, then given --passes worker passes (bulk inserted: about
13 workers per renovation, 10% of the passes revoked, construction hours
00:00-23:59 so the figures do not depend on the time of day). Then --scans
scans, a fixed mix of valid (60%), revoked (15%), forged or truncated (15%)
pass texts and typed short codes of live passes (10%, printed on the cards: one
index search more), each run as a request handler would: a fresh session,
`gate.verify_pass` (token check, primary-key look-ups, the GateScan row, the
refusal's audit entry), commit. Prints median, p95, min and max in ms, per
verdict too. The throwaway databases are removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# a key of its own: the bench never reads or creates the app's data/secret.key
os.environ.setdefault("APP_SECRET_KEY", secrets.token_urlsafe(32))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app import seed, settings  # noqa: E402
from app.db.models import (  # noqa: E402
    Community,
    Household,
    PrintedCode,
    RenovationApplication,
    RenovationWorker,
    Staff,
    WorkerPass,
)
from app.db.session import get_engine  # noqa: E402
from app.domain import auth, clock, gate, renovation_passes, renovations, short_codes  # noqa: E402

WARMUP = 20
PER_APPLICATION = 13
TRADES = ("mason", "carpenter", "electrician", "plumber", "painter", "tiler")


def migrate(url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def stats(samples_ns: list[int]) -> tuple[float, float, float, float]:
    """(median, p95, min, max) in milliseconds; p95 by nearest rank."""
    ms = sorted(s / 1e6 for s in samples_ns)
    p95 = ms[max(0, -(-95 * len(ms) // 100) - 1)]
    return statistics.median(ms), p95, ms[0], ms[-1]


def populate(session: Session, passes: int) -> tuple[list[WorkerPass], list[WorkerPass], int]:
    """Bulk-insert renovations, workers and passes; (live passes, revoked passes, guard staff id)."""
    cid = session.exec(select(Community.id).where(Community.code == seed.DEMO_CODE)).one()
    staff_id = session.exec(select(Staff.id).where(Staff.phone == seed.DEMO_PHONE_PREFIX + "04")).one()
    guard_id = session.exec(select(Staff.id).where(Staff.phone == seed.DEMO_PHONE_PREFIX + "21")).one()
    homes = session.exec(select(Household.id).where(Household.community_id == cid).order_by(Household.id)).all()
    now, today = clock.now(), clock.today()
    n_apps = -(-passes // PER_APPLICATION)
    rng = random.Random(5)
    apps = [
        dict(id=i + 1, community_id=cid, household_id=homes[i % len(homes)], household_label=f"bench {i}",
             owner_name="业主", owner_phone="13900000000", contractor_contact="工长",
             contractor_phone="13700000000", planned_start=today - timedelta(days=10),
             planned_end=today + timedelta(days=30), hours_start="00:00", hours_end="23:59",
             status=renovations.APPROVED, round=1, stage="concealed", submitted_by=staff_id,
             submitted_at=now, permit_no=f"ZX{i:06d}", permit_version=1, permit_issued_at=now)
        for i in range(n_apps)
    ]
    session.execute(insert(RenovationApplication), apps)
    workers = [
        dict(id=i + 1, community_id=cid, application_id=i // PER_APPLICATION + 1, name=f"工人{i}",
             phone="13600000000", trade=rng.choice(TRADES), id_number_masked="110***********1234",
             added_by=staff_id, added_at=now)
        for i in range(passes)
    ]
    session.execute(insert(RenovationWorker), workers)
    rows = [
        dict(id=i + 1, community_id=cid, application_id=i // PER_APPLICATION + 1, worker_id=i + 1,
             version=1, valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=30),
             issued_by=staff_id, issued_at=now,
             revoked_at=now if i % 10 == 9 else None, revoked_by=staff_id if i % 10 == 9 else None,
             revoked_reason="worker_left" if i % 10 == 9 else "")
        for i in range(passes)
    ]
    session.execute(insert(WorkerPass), rows)
    codes: set[str] = set()
    while len(codes) < passes:  # the short code printed on each card, unique in the community
        codes.add(short_codes.new_code())
    session.execute(insert(PrintedCode), [
        dict(community_id=cid, code=code, kind=short_codes.PASS, subject_id=i + 1, version=1, issued_at=now)
        for i, code in enumerate(sorted(codes))
    ])
    session.commit()
    live = [WorkerPass(**r) for r in rows if r["revoked_at"] is None]
    revoked = [WorkerPass(**r) for r in rows if r["revoked_at"] is not None]
    return live, revoked, guard_id


def forged(token: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return token[: rng.randrange(8, len(token) - 1)]  # truncated
    at = rng.randrange(2, len(token))
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]  # a character changed


def run(label: str, url: str, passes: int, scans: int) -> None:
    print(f"== {label}: {url.split('@')[-1] if '@' in url else url}")
    migrate(url)
    engine = get_engine(url)
    start = time.perf_counter()
    with Session(engine) as session:
        seed.seed_demo(session)
        session.commit()
        live, revoked, guard_id = populate(session, passes)
        guard = auth.actor_for(session, session.get(Staff, guard_id))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    with Session(engine) as session:
        n = session.exec(select(func.count()).select_from(WorkerPass)).one()
    print(f"seeded the demo community and {n:,} passes ({len(revoked):,} revoked) "
          f"in {time.perf_counter() - start:.1f} s")

    rng = random.Random(7)
    texts: list[tuple[str, str]] = []
    for _ in range(WARMUP + scans):
        r = rng.random()
        if r < 0.60:
            texts.append(("valid", renovation_passes.pass_token(rng.choice(live))))
        elif r < 0.70:
            p = rng.choice(live)
            with Session(engine) as session:
                code = renovation_passes.pass_code(session, p)
            texts.append(("typed", short_codes.group(code).lower()))
        elif r < 0.85:
            texts.append(("revoked", renovation_passes.pass_token(rng.choice(revoked))))
        else:
            texts.append(("forged", forged(renovation_passes.pass_token(rng.choice(live)), rng)))

    samples: dict[str, list[int]] = {"valid": [], "typed": [], "revoked": [], "forged": []}
    verify_only: list[int] = []
    wrong = 0
    expect = {"valid": gate.VALID, "typed": gate.VALID, "revoked": gate.REVOKED, "forged": gate.UNKNOWN_OR_FORGED}
    for i, (kind, text) in enumerate(texts):
        t0 = time.perf_counter_ns()
        with Session(engine) as session:
            t1 = time.perf_counter_ns()
            verdict = gate.verify_pass(session, guard, text, gate="东门")
            t2 = time.perf_counter_ns()
            session.commit()
        t3 = time.perf_counter_ns()
        # a QR's text cut to 8 or 9 characters reads like a typed code: "check the code", refused alike
        if verdict.verdict != expect[kind] and not (kind == "forged" and verdict.verdict == gate.BAD_CODE):
            wrong += 1
        if i >= WARMUP:
            samples[kind].append(t3 - t0)
            verify_only.append(t2 - t1)
    every = [s for v in samples.values() for s in v]
    print(f"{'scan':<36}{'median':>9}{'p95':>9}{'min':>9}{'max':>9}   ms")
    rows = [("all, session + verify + commit", every)]
    rows += [(f"  {k} ({len(v)})", v) for k, v in samples.items()]
    rows += [("all, verify_pass alone (no commit)", verify_only)]
    for name, values in rows:
        med, p95, lo, hi = stats(values)
        print(f"{name:<36}{med:>9.2f}{p95:>9.2f}{lo:>9.2f}{hi:>9.2f}")
    print(f"{len(every)} scans after {WARMUP} warm-up; verdicts not as expected: {wrong}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    engine.dispose()
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=20_000, help="passes on record")
    parser.add_argument("--scans", type=int, default=2_000, help="timed scans")
    parser.add_argument("--postgres", nargs="?", const=os.environ.get(
        "APP_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"), default="",
        help="also run on PostgreSQL (a server where the user may create databases)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.passes, args.scans)

    if args.postgres:
        pg = settings.with_driver(args.postgres)
        name = f"app_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.engine.make_url(pg).set(database=name).render_as_string(hide_password=False)
            run("PostgreSQL", url, args.passes, args.scans)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        print("PostgreSQL skipped: add --postgres to run it too")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the queries behind the home screens on a community-sized database.

    python bench/home_queries.py                      # SQLite
    APP_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python bench/home_queries.py                  # SQLite, then PostgreSQL

Each backend gets a throwaway database, migrated with Alembic exactly as the
tests do, seeded with the demo community plus scale communities up to
--households households; then every query runs --reps times (after a short
warm-up), each in a fresh session as a request handler would, and the figures
are printed in milliseconds. The throwaway databases are removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import event, func  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app import seed, settings  # noqa: E402
from app.db.models import Community, Grid, Household, Resident, Staff  # noqa: E402
from app.db.session import get_engine  # noqa: E402
from app.domain import auth, grids, homes, staff  # noqa: E402

WARMUP = 5


def migrate(url: str) -> None:
    """Bring a database to the newest schema, as tests/conftest.py does."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def stats(samples_ns: list[int]) -> tuple[float, float, float, float]:
    """(median, p95, min, max) in milliseconds; p95 by nearest rank."""
    ms = sorted(s / 1e6 for s in samples_ns)
    p95 = ms[max(0, -(-95 * len(ms) // 100) - 1)]
    return statistics.median(ms), p95, ms[0], ms[-1]


def timed(engine: sa.Engine, reps: int, fn: Callable[[Session], object]) -> list[int]:
    """Run `fn` in a fresh session `reps` times (after a warm-up); nanoseconds each."""
    out = []
    for i in range(WARMUP + reps):
        start = time.perf_counter_ns()
        with Session(engine) as session:
            fn(session)
            session.rollback()
        if i >= WARMUP:
            out.append(time.perf_counter_ns() - start)
    return out


def explain_grid_counts(engine: sa.Engine, community_id: int) -> list[str]:
    """The plan of the household count query grids.summaries really sends."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            grids.summaries(session, community_id)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = next(
        (s, p) for s, p in seen if "count(" in s and "FROM household" in s and "JOIN" not in s
    )
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    lines = [" ".join(str(v) for v in row[-1:]) for row in rows]
    return [" ".join(statement.split())] + lines


def run(label: str, url: str, households: int, reps: int, analyze: bool) -> None:
    print(f"== {label}: {url.split('@')[-1] if '@' in url else url}")
    migrate(url)
    engine = get_engine(
        url
    )  # the app's engine: WAL and foreign keys on SQLite, a pool on PostgreSQL

    start = time.perf_counter()
    with Session(engine) as session:
        seed.seed_demo(session)
        seed.seed_scale(session, households)
        session.commit()
    seed_s = time.perf_counter() - start
    if analyze:
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()

    with Session(engine) as session:
        n = {
            name: session.exec(select(func.count()).select_from(model)).one()
            for name, model in (
                ("communities", Community),
                ("grids", Grid),
                ("households", Household),
                ("residents", Resident),
                ("staff", Staff),
            )
        }
        demo = session.exec(select(Community.id).where(Community.code == seed.DEMO_CODE)).one()
        butler = session.exec(
            select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + "11")
        ).one()
        supervisor = session.exec(
            select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + "02")
        ).one()
        butler_actor = auth.actor_for(session, butler)
        supervisor_actor = auth.actor_for(session, supervisor)
        token, _ = auth.sign_in(session, supervisor.phone, seed.DEMO_PASSWORD)
        session.commit()

    print(
        "seeded "
        + ", ".join(f"{v:,} {k}" for k, v in n.items())
        + f" in {seed_s:.2f} s"
        + (
            " (then ANALYZE)"
            if analyze
            else " (no ANALYZE: planner statistics as after a bulk load)"
        )
    )

    def resolve(s: Session) -> None:
        assert auth.resolve(s, token) is not None

    cases: list[tuple[str, Callable[[Session], object]]] = [
        ("grids.summaries (demo, 4 grids)", lambda s: grids.summaries(s, demo)),
        ("homes.community_facts (demo)", lambda s: homes.community_facts(s, demo)),
        ("homes.my_grids (butler)", lambda s: homes.my_grids(s, butler_actor)),
        ("staff.list_staff (supervisor)", lambda s: staff.list_staff(s, supervisor_actor)),
        ("auth.resolve (valid token)", resolve),
    ]
    print(f"{'query':<36}{'median':>9}{'p95':>9}{'min':>9}{'max':>9}   ms, {reps} runs")
    for name, fn in cases:
        med, p95, lo, hi = stats(timed(engine, reps, fn))
        print(f"{name:<36}{med:>9.2f}{p95:>9.2f}{lo:>9.2f}{hi:>9.2f}")

    plan = explain_grid_counts(engine, demo)
    print("plan of the grid-summary household count:")
    print("  " + plan[0])
    for line in plan[1:]:
        print("    " + line)
    used = any("ix_household_grid_id" in line for line in plan[1:])
    print(f"  uses ix_household_grid_id: {'yes' if used else 'NO'}")
    engine.dispose()
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=20_000, help="total households")
    parser.add_argument("--reps", type=int, default=200, help="timed runs per query")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE after seeding")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        run(
            "SQLite",
            f"sqlite:///{Path(tmp) / 'bench.db'}",
            args.households,
            args.reps,
            args.analyze,
        )

    pg = os.environ.get("APP_BENCH_POSTGRES_URL", "")
    if pg:
        pg = settings.with_driver(pg)
        name = f"app_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.engine.make_url(pg).set(database=name).render_as_string(hide_password=False)
            run("PostgreSQL", url, args.households, args.reps, args.analyze)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        print("PostgreSQL skipped: set APP_BENCH_POSTGRES_URL to run it too")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

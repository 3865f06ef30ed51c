"""Time the complaint register's desk panels and searches at 50,000 and 200,000 requests.

    python bench/request_queries.py                               # SQLite, 200,000 requests
    python bench/request_queries.py --sizes 50000,200000          # both sizes, one database grown
    python bench/request_queries.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    python bench/request_queries.py --db /tmp/req.db --keep       # keep (or reuse) a SQLite file

A throwaway database is migrated with Alembic (as the tests do) and seeded
with the demo community, scale communities up to --households households
(`app.seed.seed_scale`) and their requests (`app.seed.requests.
seed_scale_requests`) up to each size in --sizes. Then every dashboard panel
and register search of `app.domain.request_search` runs --reps times (after
a warm-up) for one scale community, each in a fresh session as a request
handler would; median, p95 and min-max are printed in milliseconds, with
the plan (EXPLAIN QUERY PLAN / EXPLAIN) of each statement it sends.
`--index "CREATE INDEX ..."` adds an index before timing (to try a fix).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event, func  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from app import seed, settings  # noqa: E402
from app.db.models import Community, Grid, Household, RequestTerm, ServiceRequest  # noqa: E402
from app.db.session import get_engine  # noqa: E402
from app.domain import clock, request_search  # noqa: E402
from app.seed import requests as seed_requests  # noqa: E402
from bench.home_queries import migrate, stats, timed  # noqa: E402

TARGET_MS = 50.0
Case = tuple[str, Callable[[Session], object]]


def prepare(url: str, households: int) -> None:
    """Migrate and seed the demo community plus scale communities (once)."""
    migrate(url)
    engine = get_engine(url)
    with Session(engine) as session:
        if session.exec(select(Community.id).where(Community.code == seed.DEMO_CODE)).first() is None:
            seed.seed_demo(session)
        seed.seed_scale(session, households)
        session.commit()


def grow(url: str, total: int, analyze: bool) -> float:
    """Bring the scale communities to `total` requests; seconds it took."""
    engine = get_engine(url)
    start = time.perf_counter()
    with Session(engine) as session:
        seed_requests.seed_scale_requests(session, total)
        session.commit()
    took = time.perf_counter() - start
    if analyze:
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    return took


def cases(session: Session) -> tuple[int, list[Case]]:
    """The panels and searches of one scale community, with parameters taken from its data."""
    cid = session.exec(
        select(Community.id).where(Community.code != seed.DEMO_CODE).order_by(col(Community.id))
    ).first()
    assert cid is not None
    grid_id = session.exec(select(Grid.id).where(Grid.community_id == cid).order_by(col(Grid.id))).first()
    # the caller with the most requests (search by phone, by household)
    phone, _n = session.exec(
        select(ServiceRequest.contact_phone, func.count())
        .where(ServiceRequest.community_id == cid, ServiceRequest.contact_phone != "")
        .group_by(col(ServiceRequest.contact_phone))
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    household_id = session.exec(
        select(ServiceRequest.household_id).where(
            ServiceRequest.community_id == cid, ServiceRequest.contact_phone == phone
        )
    ).first()
    assignee = session.exec(
        select(ServiceRequest.assignee_id)
        .where(ServiceRequest.community_id == cid, ServiceRequest.is_open == True,  # noqa: E712
               col(ServiceRequest.assignee_id).is_not(None))
        .group_by(col(ServiceRequest.assignee_id))
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    common = session.exec(
        select(RequestTerm.term)
        .where(RequestTerm.community_id == cid, func.length(RequestTerm.term) == 2)
        .group_by(col(RequestTerm.term))
        .order_by(func.count().desc())
        .limit(1)
    ).one()
    today = clock.today()
    q = request_search.Query

    def search(query: request_search.Query) -> Callable[[Session], object]:
        return lambda s: request_search.search(s, cid, query)

    return cid, [
        ("counts", lambda s: request_search.counts(s, cid)),
        ("today_queue", lambda s: request_search.today_queue(s, cid)),
        ("overdue", lambda s: request_search.overdue(s, cid)),
        ("major_open", lambda s: request_search.major_open(s, cid)),
        ("awaiting_follow_up", lambda s: request_search.awaiting_follow_up(s, cid)),
        ("awaiting_follow_up (grid)", lambda s: request_search.awaiting_follow_up(s, cid, grid_id=grid_id)),
        ("by_grid", lambda s: request_search.by_grid(s, cid)),
        ("assigned_to", lambda s: request_search.assigned_to(s, assignee or 0)),
        (f"text common '{common}'", search(q(text=common))),
        ("text rare '马蜂'", search(q(text="马蜂"))),
        ("text none '游泳'", search(q(text="游泳"))),
        ("text two terms '电梯 困人'", search(q(text="电梯 困人"))),
        ("text 3 bigrams '电梯困人'", search(q(text="电梯困人"))),
        ("phone full", search(q(phone=phone))),
        ("phone last 4", search(q(phone=phone[-4:]))),
        ("household", search(q(household_id=household_id))),
        ("status on_site", search(q(status="on_site"))),
        ("status closed", search(q(status="closed"))),
        ("status open", search(q(status="open"))),
        ("status overdue", search(q(status="overdue"))),
        ("grid", search(q(grid_id=grid_id))),
        ("dates last 7 days", search(q(day_from=today - timedelta(days=7), day_to=today))),
        ("dates a month a year ago", search(q(day_from=today - timedelta(days=395),
                                               day_to=today - timedelta(days=365)))),
        ("text+grid+status+dates", search(q(text="电梯", grid_id=grid_id, status="closed",
                                            day_from=today - timedelta(days=180), day_to=today))),
        ("rare text+grid", search(q(text="马蜂", grid_id=grid_id))),
        ("no filter (page 1)", search(q())),
    ]


def plans(engine: sa.Engine, fn: Callable[[Session], object]) -> list[tuple[str, list[str]]]:
    """Each register statement `fn` sends, with its plan."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            fn(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    out = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            low = statement.lower()
            if "servicerequest" not in low and "requestterm" not in low:
                continue
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            out.append((" ".join(statement.split()), [str(r[-1]) for r in rows]))
    return out


def scans(lines: list[str], sqlite: bool) -> list[str]:
    """Plan lines that read a whole register table instead of a range (small tables are left out)."""
    big = ("servicerequest", "requestterm")
    if sqlite:
        return [ln for ln in lines if ln.startswith("SCAN ") and "USING" not in ln
                and any(t in ln for t in big)]
    return [ln.strip() for ln in lines if "Seq Scan" in ln and any(t in ln for t in big)]


def bench(label: str, url: str, size: int, reps: int, extra: list[str], show_plans: bool) -> list[tuple]:
    engine = get_engine(url)
    with engine.connect() as conn:
        for ddl in extra:
            conn.execute(sa.text(ddl))
        conn.commit()
    with Session(engine) as session:
        cid, todo = cases(session)
        n_req = session.exec(
            select(func.count()).select_from(ServiceRequest).where(ServiceRequest.community_id == cid)
        ).one()
        n_all = session.exec(select(func.count()).select_from(ServiceRequest)).one()
        n_terms = session.exec(select(func.count()).select_from(RequestTerm)).one()
        n_homes = session.exec(select(func.count()).select_from(Household)).one()
    print(f"-- {label}, {n_all:,} requests ({n_terms:,} terms, {n_homes:,} households); "
          f"community {cid} holds {n_req:,}; {reps} runs each")
    print(f"{'query':<32}{'median':>8}{'p95':>8}{'min':>8}{'max':>8}  rows")
    out = []
    sqlite = engine.dialect.name == "sqlite"
    for name, fn in todo:
        with Session(engine) as session:
            got = fn(session)
        rows = len(got) if isinstance(got, list) else 1
        med, p95, lo, hi = stats(timed(engine, reps, fn))
        flag = "" if med <= TARGET_MS else "  > target"
        found = plans(engine, fn)
        full = [ln for _, lines in found for ln in scans(lines, sqlite)]
        print(f"{name:<32}{med:>8.2f}{p95:>8.2f}{lo:>8.2f}{hi:>8.2f}  {rows:>4}{flag}"
              + (f"  SCAN: {'; '.join(full)}" if full else ""))
        out.append((name, med, p95, lo, hi, found))
    if show_plans:
        print("plans:")
        for name, *_rest, found in out:
            print(f"  [{name}]")
            for statement, lines in found:
                print(f"    {statement[:160]}{'...' if len(statement) > 160 else ''}")
                for ln in lines:
                    print(f"      {ln}")
    print()
    return out


def run(label: str, url: str, args: argparse.Namespace) -> dict[int, list[tuple]]:
    print(f"== {label}: {url.split('@')[-1] if '@' in url else url}")
    start = time.perf_counter()
    prepare(url, args.households)
    print(f"households seeded in {time.perf_counter() - start:.1f} s")
    results = {}
    for size in args.sizes:
        took = grow(url, size, args.analyze)
        print(f"requests grown to {size:,} in {took:.1f} s"
              + (" (then ANALYZE)" if args.analyze else " (no ANALYZE)"))
        results[size] = bench(label, url, size, args.reps, args.index, args.plans)
    get_engine(url).dispose()
    return results


def summary(all_results: dict[str, dict[int, list[tuple]]]) -> None:
    cols = [(label, size) for label, by in all_results.items() for size in by]
    names = [r[0] for r in next(iter(next(iter(all_results.values())).values()))]
    print("median ms (p95) per backend and size; target median <= 50 ms")
    print(f"{'query':<32}" + "".join(f"{f'{lb} {sz // 1000}k':>18}" for lb, sz in cols))
    for i, name in enumerate(names):
        cells = []
        for lb, sz in cols:
            _, med, p95, *_ = all_results[lb][sz][i]
            cells.append(f"{med:>9.2f} ({p95:>6.2f})")
        print(f"{name:<32}" + "".join(f"{c:>18}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=20_000, help="total households")
    parser.add_argument("--sizes", default="200000", help="request totals, comma separated, ascending")
    parser.add_argument("--reps", type=int, default=200, help="timed runs per query")
    parser.add_argument("--db", default="", help="SQLite file to create or reuse (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (name printed)")
    parser.add_argument("--postgres", default=os.environ.get("APP_BENCH_POSTGRES_URL", ""),
                        help="PostgreSQL server URL (a database is created there and dropped)")
    parser.add_argument("--pg-db", default="", help="reuse this PostgreSQL database (kept)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE after seeding")
    parser.add_argument("--index", action="append", default=[], help="DDL to run before timing (repeatable)")
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    args = parser.parse_args(argv)
    args.sizes = sorted(int(s) for s in args.sizes.split(","))

    results: dict[str, dict[int, list[tuple]]] = {}
    if not args.no_sqlite:
        if args.db:
            results["SQLite"] = run("SQLite", f"sqlite:///{Path(args.db).resolve()}", args)
        else:
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                results["SQLite"] = run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)

    if args.postgres:
        pg = settings.with_driver(args.postgres)
        name = args.pg_db or f"app_bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        if not args.pg_db:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.engine.make_url(pg).set(database=name).render_as_string(hide_password=False)
            results["PostgreSQL"] = run("PostgreSQL", url, args)
        finally:
            if not (args.keep or args.pg_db):
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                print(f"kept PostgreSQL database {name}")
            admin.dispose()
    else:
        print("PostgreSQL skipped: pass --postgres URL (or set APP_BENCH_POSTGRES_URL)")
    if results:
        summary(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the butler's queue (我的网格·待办, app.domain.requests.grid_queue) on SQLite.

    python bench/grid_queue.py [--households 400] [--open 200] [--noise 2000] [--reps 200]

A throwaway SQLite database, migrated with Alembic as the tests do and seeded with the demo
community; 王芳's grid is topped up to --households households and gets --open open requests, as
many again closed, and the other grids --noise requests; then the queue is read --reps times (after
a warm-up), each in a fresh session as a state handler would, and the figures are printed in
milliseconds with the number of SQL statements one reading sends (the list itself is one).
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

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import event, func  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from app import seed  # noqa: E402
from app.db.models import Grid, Household, Staff  # noqa: E402
from app.domain import auth, requests  # noqa: E402
from app.domain.requests import grid_queue  # noqa: E402

WARMUP = 5
BUTLER = seed.DEMO_PHONE_PREFIX + "11"
DESK = seed.DEMO_PHONE_PREFIX + "04"


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


def fill(engine: sa.Engine, open_n: int, noise_n: int, households_n: int) -> tuple[int, int]:
    """Her grid's open and closed requests, and the other grids' noise; (her households, open)."""
    with Session(engine) as s:
        butler = s.exec(select(Staff).where(Staff.phone == BUTLER)).one()
        desk = auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == DESK)).one())
        grid_id = s.exec(select(Grid.id).where(Grid.butler_id == butler.id)).first()
        mine = s.exec(select(Household.id).where(Household.grid_id == grid_id).order_by(col(Household.id))).all()
        first = s.get(Household, mine[0])
        for n in range(max(0, households_n - len(mine))):  # top her grid up to the bench's size
            s.add(Household(community_id=first.community_id, building_id=first.building_id,
                            entrance_id=first.entrance_id, floor=90, room=f"B{n:03d}", grid_id=grid_id))
        s.flush()
        mine = s.exec(select(Household.id).where(Household.grid_id == grid_id).order_by(col(Household.id))).all()
        others = s.exec(select(Household.id).where(Household.grid_id != grid_id,
                                                   col(Household.grid_id).is_not(None))).all()
        for i in range(open_n * 2):
            req = requests.intake(s, desk, channel=requests.PHONE, content=f"楼道灯不亮 第{i}号",
                                  household_id=mine[i % len(mine)], contact_phone="13912345678").request
            if i % 2:  # half of them closed: not ours, referred
                requests.classify(s, desk, req.id, category=requests.COMPLAINT, ours=False,
                                  referral_note="供电局负责", referral_channel="95598")
        for i in range(noise_n):
            requests.intake(s, desk, channel=requests.PHONE, content=f"别的网格 {i}",
                            household_id=others[i % len(others)])
        s.commit()
        return len(mine), open_n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=200)
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--noise", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate(url)
        engine = sa.create_engine(url)
        with Session(engine) as s:
            seed.seed_demo(s)
            s.commit()
        households, _ = fill(engine, args.open, args.noise, args.households)
        with Session(engine) as s:
            actor = auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == BUTLER)).one())
            listed = len(grid_queue.queue(s, actor).rows)
            total = s.exec(select(func.count()).select_from(sa.table("servicerequest"))).one()

        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        def run(fn) -> list[int]:
            out = []
            for i in range(WARMUP + args.reps):
                start = time.perf_counter_ns()
                with Session(engine) as s:
                    fn(s)
                    s.rollback()
                if i >= WARMUP:
                    out.append(time.perf_counter_ns() - start)
            return out

        event.listen(engine, "before_cursor_execute", count)
        with Session(engine) as s:
            grid_queue.queue(s, actor)
        per_read = len(statements)
        list_queries = sum(1 for q in statements if "FROM servicerequest" in q)
        event.remove(engine, "before_cursor_execute", count)

        print(f"SQLite: her grid {households} households, {listed} open requests listed "
              f"({total} requests in the database); {per_read} statements per reading, "
              f"{list_queries} of them for the list")
        for name, fn in (("queue (refresh)", lambda s: grid_queue.queue(s, actor)),
                         ("open_queue (page open, moves the last look)",
                          lambda s: grid_queue.open_queue(s, actor))):
            med, p95, lo, hi = stats(run(fn))
            print(f"  {name:46s} median {med:6.2f} ms  p95 {p95:6.2f} ms  min–max {lo:.2f}–{hi:.2f} ms"
                  f"  ({args.reps} runs)")
        engine.dispose()


if __name__ == "__main__":
    main()

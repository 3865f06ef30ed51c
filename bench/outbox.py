"""Time the outbox: N queued messages delivered by W worker processes to a local HTTP receiver.

    APP_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/outbox.py
    python bench/outbox.py --postgres postgresql://postgres@127.0.0.1:5432/postgres --messages 1000 \
        --workers 3 --runs 3

A throwaway PostgreSQL database (`app_bench_outbox_<random>`, dropped at the end) is migrated with
Alembic; each run queues --messages SMS rows (distinct phones) due now, starts a local HTTP
receiver standing in for the SMS gateway (tests.receiver, in this process) and --workers separate
processes, each running `app.domain.outbox.delivering.deliver_due` (the served app's worker) until
nothing is left. Printed per run: seconds from the workers' start to the last message sent,
messages received, duplicates (a phone received more than once) and rows not `sent`; then the
median and min-max over the runs. Target: 1,000 messages in <= 20 s with 3 workers, 0 duplicates.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 20.0


def _worker(url: str, name: str, go, batch: int) -> None:
    """One delivery process: claim and send until nothing is due or being sent."""
    import httpx
    from sqlalchemy import func
    from sqlmodel import col, select

    from app.db.models import OutboxMessage
    from app.db.session import session_scope
    from app.domain.outbox import delivering

    with httpx.Client() as client:
        go.wait()
        while True:
            n = delivering.deliver_due(lambda: session_scope(url), name, client=client, batch=batch)
            if n:
                continue
            with session_scope(url) as s:
                left = s.exec(select(func.count()).select_from(OutboxMessage)
                              .where(col(OutboxMessage.status).in_(("pending", "sending")))).one()
            if not left:
                return
            time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", default=os.environ.get("APP_TEST_POSTGRES_URL", ""))
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=20)
    args = ap.parse_args()
    if not args.postgres:
        sys.exit("give --postgres URL or set APP_TEST_POSTGRES_URL (a server where you may create databases)")

    from tests.receiver import Receiver

    receiver = Receiver()
    # the workers are spawned: they read the channels from the environment, as the served app does
    os.environ.update({"APP_SMS_ENABLED": "1", "APP_SMS_GATEWAY_URL": receiver.url + "/sms",
                       "APP_SMS_SIGNATURE": "【阳光花园物业】", "APP_OUTBOX_TIMEOUT_SECONDS": "5"})

    import sqlalchemy as sa
    from sqlalchemy import delete
    from sqlmodel import Session, select

    from app import settings
    from app.db.models import Community, OutboxMessage
    from app.domain import clock
    from bench.home_queries import migrate

    base = settings.with_driver(args.postgres)
    name = f"app_bench_outbox_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    times: list[float] = []
    dup_total = 0
    try:
        migrate(url)
        engine = sa.create_engine(url)
        with Session(engine) as s:
            community = Community(name="基准小区", code="BENCH-OUTBOX")
            s.add(community)
            s.commit()
            cid = community.id
        ctx = mp.get_context("spawn")
        for run in range(1, args.runs + 1):
            with receiver._lock:
                receiver.received.clear()
                receiver.failed.clear()
            now = clock.now()
            with Session(engine) as s:
                s.execute(delete(OutboxMessage))
                s.add_all([OutboxMessage(community_id=cid, channel="sms", target=f"139{i:08d}", kind="new_request",
                                         event_key=f"b{run}-{i}", body=f"3-1-{i:03d} · 厨房漏水",
                                         next_attempt_at=now, created_at=now) for i in range(args.messages)])
                s.commit()
            go = ctx.Event()
            procs = [ctx.Process(target=_worker, args=(url, f"bench-w{w}", go, args.batch))
                     for w in range(args.workers)]
            for p in procs:
                p.start()
            time.sleep(3)  # let the processes import the app before the clock starts
            started = time.perf_counter()
            go.set()
            for p in procs:
                p.join(300)
            elapsed = time.perf_counter() - started
            with Session(engine) as s:
                statuses = Counter(m.status for m in s.exec(select(OutboxMessage)).all())
                by_worker = Counter(m.claimed_by for m in s.exec(select(OutboxMessage)).all())
            phones = Counter(b["phone"] for _, b in list(receiver.received))
            dups = sum(c - 1 for c in phones.values() if c > 1)
            dup_total += dups
            times.append(elapsed)
            print(f"run {run}: {elapsed:.2f} s  received {sum(phones.values())}  distinct {len(phones)}  "
                  f"duplicates {dups}  not sent {args.messages - statuses.get('sent', 0)}  "
                  f"per worker {sorted(by_worker.values())}", flush=True)
        med = statistics.median(times)
        print(f"\n{args.messages} messages, {args.workers} workers, {args.runs} runs: median {med:.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); duplicates {dup_total}; "
              f"target <= {TARGET_S:.0f} s, 0 duplicates: {'met' if med <= TARGET_S and not dup_total else 'MISSED'}")
        engine.dispose()
    finally:
        receiver.close()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

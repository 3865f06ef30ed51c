"""Atomic limits per client or key, shared by every worker through the database.

Three tools, all on the `RateCounter` table, all inside the caller's transaction:

- `hit(session, scope, key, window)`: one more in the current fixed window; returns
  the new count. A single `INSERT ... ON CONFLICT DO UPDATE SET count = count + 1
  ... RETURNING count`, so concurrent attempts (threads, workers) each get their
  own number and at most `most` of them ever see `count <= most`. The row stays
  locked until the caller's transaction ends (PostgreSQL row lock; SQLite takes its
  one write lock), so what the caller does next for that key is serialised too.
- `give_back(...)`: one less (a sign-in that succeeded does not use up the client's tries).
- `lock(session, scope, key)`: serialise the transactions of one key without counting:
  the caller then reads and writes as if alone (the public intake counts its own
  rows in a sliding window after this; the sign-in throttle reads the audit log).
- `first_in_window(...)`: True once per window per key: audit writes of anonymous
  refusals are bounded with it (one entry a minute per client and kind).

The database is the one store every worker shares, and these writes commit or roll
back with the work they guard (a refused or failed filing uses no slot), which a
separate Redis counter could not do; so the limits use it even when Redis holds the
Reflex state.

`client_address` names the client of a connection: the socket peer, or, behind
`APP_TRUSTED_PROXY_HOPS` reverse proxies, the address the outermost trusted proxy
saw (X-Forwarded-For is the client's to write, except for what those proxies append).
"""

from __future__ import annotations

import ipaddress
import math
import random
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from app.db.models import RateCounter
from app.domain import clock

LOCK_BUCKET = 0  # the bucket of `lock` rows: one row per key, kept while used
LOCK_KEEP = timedelta(days=1)
PURGE_CHANCE = 0.01  # share of hits that also delete expired rows of every key


def _epoch() -> int:
    return int(clock.now().timestamp())


def _bucket(window: timedelta) -> tuple[int, int]:
    """(bucket number, seconds left in it) of the current fixed window."""
    size = max(1, int(window.total_seconds()))
    now = _epoch()
    return now // size, size - now % size


def _add(session: Session, scope: str, key: str, bucket: int, expires: int, delta: int) -> int:
    table = RateCounter.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(scope=scope[:40], key=key[:64], bucket=bucket, count=max(delta, 0),
                                expires=expires)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key, table.c.bucket],
        set_={"count": table.c.count + delta, "expires": stmt.excluded.expires},
    ).returning(table.c.count)
    count = int(session.execute(stmt).scalar_one())
    if random.random() < PURGE_CHANCE:
        purge(session)
    return count


def hit(session: Session, scope: str, key: str, window: timedelta) -> int:
    """Count one more for `key` in the current window of `scope`; the new count (1 for the first)."""
    bucket, _ = _bucket(window)
    return _add(session, scope, key, bucket, _epoch() + int(window.total_seconds()) + 1, 1)


def give_back(session: Session, scope: str, key: str, window: timedelta) -> None:
    """One less for `key` in the current window (never below zero in effect: counts compare with `most`)."""
    bucket, _ = _bucket(window)
    _add(session, scope, key, bucket, _epoch() + int(window.total_seconds()) + 1, -1)


def retry_after(window: timedelta) -> int:
    """Seconds until the current window of this length ends (at least 1)."""
    return max(1, _bucket(window)[1])


def retry_minutes(window: timedelta) -> int:
    return max(1, math.ceil(retry_after(window) / 60))


def lock(session: Session, scope: str, key: str) -> None:
    """Hold `key`'s lock in `scope` until the caller's transaction ends (waits for a holder)."""
    _add(session, scope, key, LOCK_BUCKET, _epoch() + int(LOCK_KEEP.total_seconds()), 1)


def first_in_window(session: Session, scope: str, key: str, window: timedelta) -> bool:
    """True for the first call per `key` in each window of `scope` (e.g. one audit entry a minute)."""
    return hit(session, scope, key, window) == 1


def purge(session: Session) -> int:
    """Delete the counters whose window is over. Returns how many."""
    result = session.execute(delete(RateCounter).where(col(RateCounter.expires) < _epoch()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def client_address(peer: str, forwarded_for: str | None, trusted_hops: int) -> str:
    """The client's address: `peer` (the socket's), unless `trusted_hops` proxies stand in front.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For; everything left of those entries was written by the client
    and is ignored. With too few entries, or one that is not an address, the peer
    is used.
    """
    peer = (peer or "").strip()[:64]
    if trusted_hops <= 0 or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for[:2048].split(",")]
    hops = [h for h in hops if h]
    if len(hops) < trusted_hops:
        return peer
    candidate = hops[-trusted_hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer

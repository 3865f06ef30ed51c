"""Claiming due outbox rows so that several workers, in several processes, never send one twice.

A row is due when it is pending and its time has come, or when it is being sent by a worker
whose lease ran out (that worker crashed). `claim` takes a batch with a conditional UPDATE
(the WHERE re-checks the row is still due, so of two racing workers only one gets it; on
PostgreSQL the candidates are first picked `FOR UPDATE SKIP LOCKED`, so workers take different
rows instead of waiting for each other). `finish` records the outcome only while the row is still
this worker's claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from app.db.models import OutboxMessage

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)


def _due(now: datetime):
    return or_(
        and_(col(OutboxMessage.status) == PENDING, col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == SENDING, col(OutboxMessage.lease_until) < now),
    )


def claim(session: Session, worker: str, *, now: datetime, lease: timedelta, limit: int = 20) -> list[int]:
    """Take up to `limit` due rows for `worker` until `now + lease`; their ids (attempts counted).

    The candidates are read first (on PostgreSQL locked `FOR UPDATE SKIP LOCKED` until this
    transaction ends: a LIMIT inside `UPDATE ... WHERE id IN (subquery)` is not kept by the
    planner, seen here claiming 60 rows with a limit of 7), then updated only where still due."""
    pick = select(OutboxMessage.id).where(_due(now)).order_by(col(OutboxMessage.next_attempt_at)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    # on SQLite racing workers read the same candidates and one wins them: the others read again
    for _ in range(5):
        candidates = [i for i in session.exec(pick).all() if i is not None]
        if not candidates:
            return []
        stmt = (
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(candidates), _due(now))
            .values(status=SENDING, claimed_by=worker[:40], lease_until=now + lease,
                    attempts=col(OutboxMessage.attempts) + 1)
            .returning(col(OutboxMessage.id))
            .execution_options(synchronize_session=False)
        )
        claimed = sorted(r[0] for r in session.execute(stmt).all())
        if claimed:
            return claimed
    return []


def finish(session: Session, message_id: int, worker: str, *, now: datetime, error: str = "",
           retry_at: datetime | None = None, title: str = "") -> bool:
    """The outcome of one send by `worker`: sent (no error), to retry at `retry_at`, or failed.

    False when the row is no longer this worker's (its lease ran out and another took it)."""
    if not error:
        values: dict = {"status": SENT, "sent_at": now, "lease_until": None, "last_error": ""}
    elif retry_at is not None:
        values = {"status": PENDING, "next_attempt_at": retry_at, "lease_until": None, "last_error": error[:300]}
    else:
        values = {"status": FAILED, "lease_until": None, "last_error": error[:300]}
    if title:  # the words it went out with, for the supervisor's list
        values["title"] = title[:80]
    result = session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker[:40],
               col(OutboxMessage.status) == SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1

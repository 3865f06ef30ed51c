"""The audit writer: the one way anything is recorded in the append-only log.

`record` appends one entry. `record_bounded` is for refusals an anonymous client
can repeat at will (junk poster tokens, random sign-ins, a rate-limited form): it
writes at most one entry per client and action each `BOUND_EVERY`, so a flood costs
the log one row a minute (`app.domain.rate_limits` counts, atomically).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.db.models import AuditEntry
from app.domain import clock, rate_limits

BOUND_EVERY = timedelta(minutes=1)


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    community_id: int | None = None,
    subject: str = "",
    outcome: str = "ok",
    before: Any = None,
    after: Any = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry. `before`/`after` are stored as JSON."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor_id,
        community_id=community_id,
        action=action,
        subject=subject[:64],
        outcome=outcome,
        before=_dump(before),
        after=_dump(after),
        detail=detail[:200],
    )
    session.add(entry)
    session.flush()
    return entry


def record_bounded(
    session: Session, action: str, *, client: str, every: timedelta = BOUND_EVERY, **fields: Any
) -> AuditEntry | None:
    """`record`, at most once per `client` and `action` each `every`; None when it was left out."""
    if not rate_limits.first_in_window(session, f"audit:{action}"[:40], client or "-", every):
        return None
    return record(session, action, **fields)


def recent(
    session: Session, community_id: int | None, limit: int = 50, offset: int = 0
) -> list[AuditEntry]:
    """The newest entries of a community (all communities when `None`)."""
    stmt = select(AuditEntry)
    if community_id is not None:
        stmt = stmt.where(AuditEntry.community_id == community_id)
    stmt = stmt.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(stmt))

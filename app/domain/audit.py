"""The audit writer: the one way anything is recorded in the append-only log."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from app.db.models import AuditEntry
from app.domain import clock


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


def recent(
    session: Session, community_id: int | None, limit: int = 50, offset: int = 0
) -> list[AuditEntry]:
    """The newest entries of a community (all communities when `None`)."""
    stmt = select(AuditEntry)
    if community_id is not None:
        stmt = stmt.where(AuditEntry.community_id == community_id)
    stmt = stmt.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(stmt))

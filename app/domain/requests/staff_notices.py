"""Notices to staff written by the request steps: listing, unread count, marking read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import (
    StaffNotice,
)
from app.domain import clock
from app.domain.auth import Actor
from app.domain.errors import DomainError

# --- staff notices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    request_id: int | None
    created_at: datetime
    read: bool


def notices(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 30) -> list[NoticeRow]:
    """The actor's in-app notices, newest first."""
    stmt = select(StaffNotice).where(StaffNotice.staff_id == actor.id)
    if unread_only:
        stmt = stmt.where(col(StaffNotice.read_at).is_(None))
    rows = session.exec(stmt.order_by(col(StaffNotice.id).desc()).limit(limit)).all()
    return [
        NoticeRow(n.id or 0, n.kind, n.request_id, n.created_at, n.read_at is not None) for n in rows
    ]


def unread_count(session: Session, actor: Actor) -> int:
    return session.exec(
        select(func.count())
        .select_from(StaffNotice)
        .where(StaffNotice.staff_id == actor.id, col(StaffNotice.read_at).is_(None))
    ).one()


def mark_read(session: Session, actor: Actor, notice_id: int) -> None:
    row = session.get(StaffNotice, notice_id)
    if row is None or row.staff_id != actor.id:
        raise DomainError("request.not_found")
    if row.read_at is None:
        row.read_at = clock.now()
        session.add(row)


def _mark_read(session: Session, staff_id: int, request_id: int | None, kind: str) -> None:
    session.execute(
        update(StaffNotice)
        .where(
            col(StaffNotice.staff_id) == staff_id,
            col(StaffNotice.request_id) == request_id,
            col(StaffNotice.kind) == kind,
            col(StaffNotice.read_at).is_(None),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )

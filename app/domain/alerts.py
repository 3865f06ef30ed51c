"""Alerts to staff (提醒): one row per person told of something that needs them.

An alert is addressed to one member of staff (a new job, an overdue request,
a major complaint, a reopened request, a resident's added information); it is
read or not. The steps that raise them (app.domain.requests) call `send`; a
person reads their own with `listing`. Not the notice board
(app.domain.notices), which is announcements to residents.

Kinds today: overdue, major, dispatched, reopened, resident_note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import StaffAlert
from app.domain import clock
from app.domain.auth import Actor
from app.domain.errors import DomainError

KINDS: tuple[str, ...] = ("overdue", "major", "dispatched", "reopened", "resident_note")


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    request_id: int | None
    created_at: datetime
    read: bool


def send(session: Session, *, community_id: int, staff_ids: Iterable[int], kind: str,
         request_id: int | None = None) -> None:
    """Alert each of `staff_ids` of `kind` (about a request, if any)."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    now = clock.now()
    for staff_id in staff_ids:
        session.add(StaffAlert(community_id=community_id, staff_id=staff_id, kind=kind,
                               request_id=request_id, created_at=now))


def listing(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 30) -> list[AlertRow]:
    """The actor's own alerts, newest first."""
    stmt = select(StaffAlert).where(StaffAlert.staff_id == actor.id)
    if unread_only:
        stmt = stmt.where(col(StaffAlert.read_at).is_(None))
    rows = session.exec(stmt.order_by(col(StaffAlert.id).desc()).limit(limit)).all()
    return [AlertRow(a.id or 0, a.kind, a.request_id, a.created_at, a.read_at is not None) for a in rows]


def unread_count(session: Session, actor: Actor) -> int:
    return session.exec(
        select(func.count())
        .select_from(StaffAlert)
        .where(StaffAlert.staff_id == actor.id, col(StaffAlert.read_at).is_(None))
    ).one()


def mark_read(session: Session, actor: Actor, alert_id: int) -> None:
    """The actor has seen one of her alerts; someone else's reads as absent."""
    row = session.get(StaffAlert, alert_id)
    if row is None or row.staff_id != actor.id:
        raise DomainError("request.not_found")
    if row.read_at is None:
        row.read_at = clock.now()
        session.add(row)


def settle(session: Session, staff_id: int, request_id: int | None, kind: str) -> None:
    """Mark read the person's unread alerts of `kind` about a request: doing what the
    alert asked for (accepting the job, acknowledging the complaint) answers it."""
    session.execute(
        update(StaffAlert)
        .where(
            col(StaffAlert.staff_id) == staff_id,
            col(StaffAlert.request_id) == request_id,
            col(StaffAlert.kind) == kind,
            col(StaffAlert.read_at).is_(None),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )

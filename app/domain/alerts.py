"""Alerts to staff (提醒): one row per person told of something that needs them.

An alert is addressed to one member of staff (a new job, an overdue request,
a major complaint, a reopened request, a resident's added information); it is
read or not. The steps that raise them (app.domain.requests) call `send`; a
person reads their own with `listing`. Not the notice board
(app.domain.notices), which is announcements to residents.

Who is told of which kind is decided in one place, `app.domain.notify` (the
who-is-told table); this module only stores and reads the alerts.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import StaffAlert
from app.domain import clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.outbox import writing as outbox

KINDS: tuple[str, ...] = (
    "new_request",  # a resident's new request, to the grid's butler (or today's cover) and the desk
    "overdue",  # a missed deadline
    "major",  # a major complaint
    "dispatched",  # a job to a technician
    "reopened",  # a request back to its technician
    "resident_note",  # a resident added information on their link
    "not_fixed",  # the resident says the repair did not fix it
    "unsatisfied",  # a follow-up below "satisfied"
    "renovation_waiting",  # a renovation application waiting for a level's decision
    "rectification_overdue",  # a renovation rectification past its deadline
    "handed_to_desk",  # the grid's butler hands a request to the front desk for dispatch
)


@dataclass(frozen=True)
class AlertRow:
    id: int
    kind: str
    request_id: int | None
    created_at: datetime
    read: bool
    subject: str = ""
    summary: str = ""
    urgent: bool = False


def send(session: Session, *, community_id: int, staff_ids: Iterable[int], kind: str,
         request_id: int | None = None, subject: str = "", summary: str = "", urgent: bool = False,
         event_key: str = "", grid_id: int | None = None) -> list[StaffAlert]:
    """Alert each of `staff_ids` (each once) of `kind` about a request or another `subject`.

    Callers decide who through `app.domain.notify.tell`; the rows are flushed, so their ids exist."""
    if kind not in KINDS:
        raise ValueError(f"unknown alert kind {kind!r}")
    now = clock.now()
    key = event_key or secrets.token_hex(8)
    rows = []
    for staff_id in dict.fromkeys(staff_ids):
        row = StaffAlert(community_id=community_id, staff_id=staff_id, kind=kind, request_id=request_id,
                         grid_id=grid_id, subject=subject[:40], summary=summary[:140], urgent=urgent, event_key=key,
                         created_at=now)
        session.add(row)
        rows.append(row)
    if rows:
        session.flush()
        # the messages that leave the app (WeCom, SMS, Web Push), in this same transaction
        outbox.queue(session, rows)
    return rows


def listing(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 30) -> list[AlertRow]:
    """The actor's own alerts, newest first."""
    stmt = select(StaffAlert).where(StaffAlert.staff_id == actor.id)
    if unread_only:
        stmt = stmt.where(col(StaffAlert.read_at).is_(None))
    rows = session.exec(stmt.order_by(col(StaffAlert.id).desc()).limit(limit)).all()
    return [AlertRow(a.id or 0, a.kind, a.request_id, a.created_at, a.read_at is not None, a.subject, a.summary,
                     a.urgent) for a in rows]


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


def settle_subject(session: Session, subject: str, kind: str) -> int:
    """Mark read everyone's unread alerts of `kind` about a `subject` ("renovation:12"): what they
    were told of is done, whoever did it (one holder deciding a level settles the others'). How many."""
    result = session.execute(
        update(StaffAlert)
        .where(
            col(StaffAlert.subject) == subject,
            col(StaffAlert.kind) == kind,
            col(StaffAlert.read_at).is_(None),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def mark_all_read(session: Session, actor: Actor) -> int:
    """The actor has seen all her alerts (全部已读); how many were unread."""
    result = session.execute(
        update(StaffAlert)
        .where(col(StaffAlert.staff_id) == actor.id, col(StaffAlert.read_at).is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def newest_id(session: Session) -> int:
    """The id of the newest alert to anyone (0 when none): the live watcher's one cheap look."""
    return session.exec(select(func.max(StaffAlert.id))).one() or 0


def told_since(session: Session, after_id: int) -> set[int]:
    """The people with an alert newer than `after_id`."""
    return {s for s in session.exec(select(StaffAlert.staff_id).where(col(StaffAlert.id) > after_id).distinct())}


def get_own(session: Session, actor: Actor, alert_id: int) -> AlertRow:
    """One of the actor's alerts; someone else's reads as absent."""
    a = session.get(StaffAlert, alert_id)
    if a is None or a.staff_id != actor.id:
        raise DomainError("request.not_found")
    return AlertRow(a.id or 0, a.kind, a.request_id, a.created_at, a.read_at is not None, a.subject, a.summary,
                    a.urgent)

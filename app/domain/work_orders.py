"""Work orders (工单): a job for a department with a due time, born from a finding.

A failed checklist item on a patrol becomes a work order for cleaning,
security, engineering or a technician; the front desk sees the open ones,
the overdue first. Closing records who and when; nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case
from sqlmodel import Session, col, select

from app.db.models import Grid, WorkOrder
from app.domain import audit, clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.validation import clean_text

CLEANING = "cleaning"
SECURITY = "security"
ENGINEERING = "engineering"
TECHNICIAN = "technician"
DEPARTMENTS: tuple[str, ...] = (CLEANING, SECURITY, ENGINEERING, TECHNICIAN)

# how long each department has, from the finding to done
DUE_IN: dict[str, timedelta] = {
    CLEANING: timedelta(hours=4),
    SECURITY: timedelta(hours=1),
    ENGINEERING: timedelta(hours=24),
    TECHNICIAN: timedelta(hours=24),
}

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"


def check_department(department: str) -> str:
    if department not in DEPARTMENTS:
        raise DomainError("workorder.bad_department")
    return department


def create(
    session: Session,
    actor: Actor,
    *,
    grid_id: int | None,
    department: str,
    title: str,
    detail: str,
    place: str,
    source_kind: str,
    source_id: int | None,
    client_id: str | None = None,
) -> WorkOrder:
    """A new open work order due after its department's time; audited."""
    assert actor.community_id is not None
    department = check_department(department)
    now = clock.now()
    order = WorkOrder(
        community_id=actor.community_id,
        grid_id=grid_id,
        department=department,
        title=clean_text(title, field="title", max_length=80),
        detail=clean_text(detail, field="note", max_length=200, required=False),
        place=clean_text(place, field="place", max_length=120, required=False),
        source_kind=source_kind,
        source_id=source_id,
        created_by=actor.id,
        created_at=now,
        due_at=now + DUE_IN[department],
        client_id=client_id,
    )
    session.add(order)
    session.flush()
    audit.record(
        session,
        "workorder.create",
        actor_id=actor.id,
        community_id=actor.community_id,
        subject=f"workorder:{order.id}",
        after={"department": department, "title": order.title, "due_at": order.due_at},
    )
    return order


def _set_status(session: Session, actor: Actor, order: WorkOrder, status: str, action: str) -> None:
    before = order.status
    order.status = status
    order.closed_at = clock.now()
    order.closed_by = actor.id
    session.add(order)
    audit.record(
        session,
        action,
        actor_id=actor.id,
        community_id=order.community_id,
        subject=f"workorder:{order.id}",
        before={"status": before},
        after={"status": status},
    )


def close(session: Session, actor: Actor, order_id: int) -> WorkOrder:
    """Mark an open work order done (front desk, team lead, supervisor, technician)."""
    order = session.get(WorkOrder, order_id)
    if order is None or order.community_id != actor.community_id:
        raise DomainError("workorder.not_found")
    if order.status != OPEN:
        raise DomainError("workorder.not_open")
    _set_status(session, actor, order, DONE, "workorder.done")
    return order


def cancel(session: Session, actor: Actor, order: WorkOrder) -> None:
    """Withdraw an open order whose finding was corrected (the item re-ticked as passed)."""
    if order.status == OPEN:
        _set_status(session, actor, order, CANCELLED, "workorder.cancel")


@dataclass(frozen=True)
class OrderRow:
    id: int
    department: str
    title: str
    detail: str
    place: str
    grid_name: str
    created_at: datetime
    due_at: datetime
    status: str
    overdue: bool


def listing(
    session: Session, community_id: int, *, status: str = OPEN, limit: int = 100
) -> list[OrderRow]:
    """Work orders of a community with this status: overdue first, then by due time."""
    now = clock.now()
    stmt = (
        select(WorkOrder, Grid.name)
        .join(Grid, col(Grid.id) == col(WorkOrder.grid_id), isouter=True)
        .where(WorkOrder.community_id == community_id, WorkOrder.status == status)
        .order_by(
            case((col(WorkOrder.due_at) < now, 0), else_=1),
            col(WorkOrder.due_at),
            col(WorkOrder.id),
        )
        .limit(limit)
    )
    rows = []
    for order, grid_name in session.exec(stmt).all():
        due = order.due_at
        rows.append(
            OrderRow(
                id=order.id,
                department=order.department,
                title=order.title,
                detail=order.detail,
                place=order.place,
                grid_name=grid_name or "",
                created_at=order.created_at,
                due_at=due,
                status=order.status,
                overdue=order.status == OPEN and due < now,
            )
        )
    return rows

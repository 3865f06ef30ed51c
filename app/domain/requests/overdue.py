"""The overdue sweep: a missed deadline is told to the grid's butler and the supervisors once."""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.db.models import (
    ServiceRequest,
)
from app.domain import audit, clock
from app.domain.requests.register import _event, _tell

# --- overdue -------------------------------------------------------------------------------------


def sweep_overdue(session: Session, community_id: int | None = None) -> int:
    """Tell of every open request past its deadline (its grid's butler or today's cover, and the
    supervisors: app.domain.notify), once per deadline.

    Safe to run from several workers at once: each row is claimed with a
    conditional UPDATE, so only one of them notifies. Returns how many were escalated.
    """
    now = clock.now()
    stmt = select(ServiceRequest).where(
        ServiceRequest.is_open == True,  # noqa: E712
        col(ServiceRequest.due_at) < now,
        or_(
            col(ServiceRequest.overdue_noticed_for).is_(None),
            col(ServiceRequest.overdue_noticed_for) != col(ServiceRequest.due_at),
        ),
    )
    if community_id is not None:
        stmt = stmt.where(ServiceRequest.community_id == community_id)
    n = 0
    for req in session.exec(stmt.limit(500)).all():
        claimed = session.execute(
            update(ServiceRequest)
            .where(
                col(ServiceRequest.id) == req.id,
                col(ServiceRequest.due_at) == req.due_at,
                or_(
                    col(ServiceRequest.overdue_noticed_for).is_(None),
                    col(ServiceRequest.overdue_noticed_for) != req.due_at,
                ),
            )
            .values(overdue_noticed_for=req.due_at)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        _tell(session, req, "overdue")
        _event(session, req, "overdue", None, req.status, req.status)
        audit.record(session, "request.overdue", community_id=req.community_id,
                     subject=f"request:{req.id}", after={"due_at": req.due_at})
        n += 1
    return n

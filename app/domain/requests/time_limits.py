"""The handbook's time limits per stage (`RequestLimits`) and each request's deadline."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from app.db.models import (
    RequestLimits,
    ServiceRequest,
)
from app.domain import audit, clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.requests.vocabulary import (
    ACCEPTED,
    CLASSIFIED,
    DISPATCHED,
    FOLLOWED_UP_CATEGORIES,
    ON_SITE,
    RECEIVED,
    REPAIR_MINOR,
    REPAIR_URGENT,
    REPAIRS,
    RESOLVED,
)

# --- time limits ---------------------------------------------------------------------------


def limits(session: Session, community_id: int) -> RequestLimits:
    """The community's time limits; the handbook's defaults when none were set."""
    row = session.get(RequestLimits, community_id)
    return row if row is not None else RequestLimits(community_id=community_id)


def set_limits(session: Session, actor: Actor, **values: int | bool) -> RequestLimits:
    """Change the community's time limits (supervisor); audited with before and after."""
    actor.community_for("request.limits")
    bounds = {
        "classify_minutes": (1, 24 * 60),
        "arrival_minutes": (1, 24 * 60),
        "minor_resolve_minutes": (1, 7 * 24 * 60),
        "reply_hours": (1, 30 * 24),
        "follow_up_hours": (1, 30 * 24),
    }
    row = session.get(RequestLimits, actor.community_id) or RequestLimits(
        community_id=actor.community_id
    )
    before = row.model_dump(exclude={"updated_by", "updated_at"})
    for name, value in values.items():
        if name == "urgent_same_day":
            row.urgent_same_day = bool(value)
            continue
        if name not in bounds:
            raise DomainError("form.invalid")
        low, high = bounds[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError("request.limit_range", field=name, low=low, high=high)
        setattr(row, name, value)
    row.updated_by = actor.id
    row.updated_at = clock.now()
    session.add(row)
    audit.record(
        session,
        "request.limits",
        actor_id=actor.id,
        community_id=actor.community_id,
        subject=f"community:{actor.community_id}",
        before=before,
        after=row.model_dump(exclude={"updated_by", "updated_at"}),
    )
    return row


def _end_of_local_day(at: datetime) -> datetime:
    local = clock.local(at)
    end = datetime.combine(local.date(), time(23, 59, 59), tzinfo=local.tzinfo)
    return end.astimezone(UTC)


def needs_follow_up(req: ServiceRequest) -> bool:
    return req.ours and req.category in FOLLOWED_UP_CATEGORIES


def deadline(req: ServiceRequest, lim: RequestLimits) -> datetime | None:
    """The deadline of the stage `req` is in; None when no clock runs (closed, or waiting to close)."""
    if req.status in (RECEIVED, CLASSIFIED):
        return req.received_at + timedelta(minutes=lim.classify_minutes)
    if req.status in (DISPATCHED, ACCEPTED, ON_SITE):
        if req.category in REPAIRS:
            due: datetime | None = None
            if req.status != ON_SITE:
                assert req.dispatched_at is not None
                due = req.dispatched_at + timedelta(minutes=lim.arrival_minutes)
            elif req.category == REPAIR_MINOR:
                assert req.arrived_at is not None
                due = req.arrived_at + timedelta(minutes=lim.minor_resolve_minutes)
            if req.category == REPAIR_URGENT and lim.urgent_same_day:
                end = _end_of_local_day(req.received_at)
                due = end if due is None else min(due, end)
            elif req.category == REPAIR_URGENT and due is None:
                assert req.arrived_at is not None
                due = req.arrived_at + timedelta(minutes=lim.minor_resolve_minutes)
            return due
        return req.reply_by or req.received_at + timedelta(hours=lim.reply_hours)
    if req.status == RESOLVED and needs_follow_up(req):
        assert req.resolved_at is not None
        return req.resolved_at + timedelta(hours=lim.follow_up_hours)
    return None


def arrival_minutes(req: ServiceRequest) -> float | None:
    """Minutes from dispatch to the arrival record (None before arrival)."""
    if req.dispatched_at is None or req.arrived_at is None:
        return None
    return (req.arrived_at - req.dispatched_at).total_seconds() / 60

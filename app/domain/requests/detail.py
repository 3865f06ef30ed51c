"""One request as its page shows it: access, allowed actions, history, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.db.models import (
    FollowUp,
    Grid,
    RequestEvent,
    ServiceRequest,
    Staff,
)
from app.domain.auth import Actor
from app.domain.errors import Refused
from app.domain.requests.register import _get
from app.domain.requests.time_limits import needs_follow_up
from app.domain.requests.vocabulary import (
    ACCEPTED,
    CLASSIFIED,
    DISPATCHED,
    FOLLOWED_UP,
    ON_SITE,
    RECEIVED,
    REPAIRS,
    RESOLVED,
)

# --- the detail of one request -------------------------------------------------------------------


def open_for(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    """The request for its page: the register's roles see any of the community, a technician their own."""
    req = _get(session, actor, request_id)
    if actor.can("request.view") or (actor.can("request.work") and req.assignee_id == actor.id):
        return req
    raise Refused("auth.no_permission")


def allowed_actions(req: ServiceRequest, actor: Actor) -> list[str]:
    """What `actor` may do to `req` now: the buttons a screen offers (each is re-checked when done)."""
    mine = req.assignee_id is not None and req.assignee_id == actor.id
    desk = actor.can("request.dispatch")
    repair = req.category in REPAIRS
    out = []
    if desk and req.status in (RECEIVED, CLASSIFIED):
        out.append("classify")
    if desk and req.status == CLASSIFIED:
        out.append("dispatch")
    if actor.can("request.work") and mine and req.status == DISPATCHED:
        out.append("accept")
    if actor.can("request.work") and mine and repair and req.status in (DISPATCHED, ACCEPTED):
        out.append("arrive")
    if repair and actor.can("request.work") and mine and req.status == ON_SITE:
        out.append("resolve")
    if not repair and req.status in (DISPATCHED, ACCEPTED, ON_SITE) and (mine or desk):
        out.append("resolve")
    if actor.can("request.follow_up") and req.status == RESOLVED and needs_follow_up(req):
        out.append("follow_up")
    if actor.can("request.follow_up") and (
        req.status == FOLLOWED_UP or (req.status == RESOLVED and not needs_follow_up(req))
    ):
        out.append("close")
    if actor.can("request.acknowledge") and req.major and req.acknowledged_at is None:
        out.append("acknowledge")
    if req.is_open and (mine or desk or actor.can("request.follow_up")):
        out.append("photo")
    return out


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    actor: str  # staff name, "" for the resident or the system
    from_status: str
    to_status: str
    note: str


@dataclass(frozen=True)
class FollowUpView:
    at: datetime
    by: str
    method: str
    satisfaction: int
    satisfied: bool
    comment: str


def history(session: Session, request_id: int) -> list[EventView]:
    rows = session.exec(
        select(RequestEvent, Staff.name)
        .join(Staff, col(Staff.id) == col(RequestEvent.actor_id), isouter=True)
        .where(RequestEvent.request_id == request_id)
        .order_by(col(RequestEvent.at), col(RequestEvent.id))
    ).all()
    return [EventView(e.at, e.kind, name or "", e.from_status, e.to_status, e.note) for e, name in rows]


def follow_ups(session: Session, request_id: int) -> list[FollowUpView]:
    rows = session.exec(
        select(FollowUp, Staff.name)
        .join(Staff, col(Staff.id) == col(FollowUp.by_id))
        .where(FollowUp.request_id == request_id)
        .order_by(col(FollowUp.at))
    ).all()
    return [FollowUpView(f.at, name, f.method, f.satisfaction, f.satisfied, f.comment) for f, name in rows]


def grid_name(session: Session, grid_id: int | None) -> str:
    if grid_id is None:
        return ""
    grid = session.get(Grid, grid_id)
    return grid.name if grid else ""

"""One request as its page shows it: access, the page's facts, allowed actions, history, follow-ups, choices."""

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
    StaffRole,
)
from app.domain import clock, households
from app.domain.auth import Actor
from app.domain.errors import Refused
from app.domain.requests.register import _get
from app.domain.requests.time_limits import arrival_minutes, limits, needs_follow_up
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
from app.domain.roles import TECHNICIAN

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
        .join(Staff, col(Staff.id) == col(FollowUp.by_id), isouter=True)  # None: the resident's own
        .where(FollowUp.request_id == request_id)
        .order_by(col(FollowUp.at))
    ).all()
    return [FollowUpView(f.at, name or "", f.method, f.satisfaction, f.satisfied, f.comment) for f, name in rows]


def grid_name(session: Session, grid_id: int | None) -> str:
    if grid_id is None:
        return ""
    grid = session.get(Grid, grid_id)
    return grid.name if grid else ""


# --- the page of one request, as facts the screen shows ----------------------------------------


@dataclass(frozen=True)
class RequestPage:
    """One request with what its page tells about it, decided here rather than on the screen."""

    id: int
    community_id: int
    channel: str
    recording_ref: str
    received_at: datetime
    household: str
    grid: str
    contact_name: str
    contact_phone: str
    content: str
    category: str
    status: str
    major: bool
    acknowledged_at: datetime | None
    ours: bool
    referral_note: str
    referral_channel: str
    department: str
    assignee: str
    reply_by: datetime | None
    due_at: datetime | None
    overdue: bool
    arrival_minutes: float | None
    arrival_late: bool
    arrival_limit: int
    resolution: str
    reopened: int
    is_repair: bool
    actions: tuple[str, ...]  # what the viewer may do now (`allowed_actions`)


def page(session: Session, actor: Actor, request_id: int) -> RequestPage:
    """The request behind its page (refused as `open_for` refuses), with its deadlines judged now."""
    req = open_for(session, actor, request_id)
    lim = limits(session, req.community_id)
    arrival = arrival_minutes(req)
    person = session.get(Staff, req.assignee_id) if req.assignee_id is not None else None
    now = clock.now()
    return RequestPage(
        id=req.id or 0,
        community_id=req.community_id,
        channel=req.channel,
        recording_ref=req.recording_ref,
        received_at=req.received_at,
        household=households.label(session, req.household_id),
        grid=grid_name(session, req.grid_id),
        contact_name=req.contact_name,
        contact_phone=req.contact_phone,
        content=req.content,
        category=req.category,
        status=req.status,
        major=req.major,
        acknowledged_at=req.acknowledged_at,
        ours=req.ours,
        referral_note=req.referral_note,
        referral_channel=req.referral_channel,
        department=req.department,
        assignee=person.name if person else "",
        reply_by=req.reply_by,
        due_at=req.due_at,
        overdue=req.is_open and req.due_at is not None and req.due_at < now,
        arrival_minutes=arrival,
        arrival_late=arrival is not None and arrival > lim.arrival_minutes,
        arrival_limit=lim.arrival_minutes,
        resolution=req.resolution,
        reopened=req.reopened,
        is_repair=req.category in REPAIRS,
        actions=tuple(allowed_actions(req, actor)),
    )


@dataclass(frozen=True)
class Person:
    id: int
    name: str


def dispatch_choices(session: Session, community_id: int) -> tuple[list[Person], list[Person]]:
    """(technicians, everyone active) of the community: who a request may be dispatched to."""
    rows = session.exec(
        select(Staff.id, Staff.name, StaffRole.role)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(Staff.community_id == community_id, Staff.active == True)  # noqa: E712
        .order_by(col(Staff.id))
    ).all()
    techs: dict[int, str] = {}
    everyone: dict[int, str] = {}
    for sid, name, role in rows:
        everyone.setdefault(sid, name)
        if role == TECHNICIAN:
            techs[sid] = name
    return ([Person(k, v) for k, v in techs.items()], [Person(k, v) for k, v in everyone.items()])


def grid_choices(session: Session, community_id: int) -> list[Person]:
    """The community's grids (id, name) for the register's grid filter."""
    rows = session.exec(
        select(Grid.id, Grid.name).where(Grid.community_id == community_id).order_by(col(Grid.id))
    ).all()
    return [Person(gid, name) for gid, name in rows if gid is not None]

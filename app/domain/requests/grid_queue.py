"""My grid's queue (我的网格·待办): the open requests of every grid a butler answers for today.

The grids are hers unless a deputy covers one today, and the ones she covers on a colleague's leave
(代管): `grids.grids_answered_for`, the one rule of "my grids". Each row carries what her phone
shows: the kind, a few words, the household, the status, the deadline of the stage it is in
(`ServiceRequest.due_at`, kept by `time_limits.deadline`), whether it is overdue, the resident's
phone, and whether it arrived or changed since her last look (新).

Her last look is one `QueueLook` row per person and grid: opening the queue (`open_queue`) computes
the marks against it, then moves it to now. The whole list is one query (`rows`), so refreshing it
on every live alert stays cheap.

On a row she may add a note (an event in the request's history) or hand the request to the front
desk for dispatch (转前台派单: an event and the desk told through `notify.tell`). Both only for an
open request of a grid she answers for today; anything else is refused and audited. A retried tap
records once: the same note by the same person on the same request within `SAME_NOTE_WINDOW` is
the one already written, and a request already handed over in its current status is not handed
again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, col, select

from app.db.models import (
    Building,
    Entrance,
    Grid,
    Household,
    QueueLook,
    RequestEvent,
    ServiceRequest,
)
from app.domain import audit, clock, grids, notify
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.requests.register import _event, summary

NOTE_KIND = "butler_note"  # a RequestEvent kind: the butler's note
HANDED_KIND = "handed_to_desk"  # a RequestEvent kind and the alert kind the desk is told by
OVERDUE_KIND = "overdue"  # the sweep's escalation (app.domain.requests.overdue)
NOTE_MAX = 300
SUMMARY_MAX = 40
SAME_NOTE_WINDOW = timedelta(minutes=10)
# audit actions
NOTE_ACTION = "request.butler_note"
HAND_ACTION = "request.handed_to_desk"
REFUSED_ACTION = "request.queue_refused"
# who may open the queue and act on it (the grid home's role check)
ACTION = "home.grid"


@dataclass(frozen=True)
class QueueGrid:
    """A grid she answers for today; `covered`: on a colleague's leave (代管)."""

    id: int
    name: str
    covered: bool


@dataclass(frozen=True)
class QueueRow:
    id: int
    grid_id: int
    grid_name: str
    covered: bool
    category: str  # "" until the desk classifies it
    channel: str
    summary: str
    household: str  # "3栋 1单元 502", "" for none
    status: str
    due_at: datetime | None
    overdue: bool
    # minutes to the deadline (negative: overdue by that many), None when no clock runs
    minutes_left: int | None
    phone: str
    new: bool
    handed: bool  # handed to the desk in its current status


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]
    # the last look each grid's marks were computed against (None: never looked)
    since: dict[int, datetime | None]


def answered_grids(session: Session, actor: Actor, day: date | None = None) -> list[QueueGrid]:
    """The grids `actor` answers for on `day` (today), her own first, then the covered ones."""
    if actor.community_id is None:
        return []
    ids = grids.grids_answered_for(session, actor.id, day or clock.today(), community_id=actor.community_id)
    if not ids:
        return []
    found = session.exec(select(Grid.id, Grid.name, Grid.butler_id).where(col(Grid.id).in_(ids))).all()
    out = [QueueGrid(gid, name, butler != actor.id) for gid, name, butler in found if gid is not None]
    return sorted(out, key=lambda g: (g.covered, grids.building_key(g.name)))


def last_looks(session: Session, staff_id: int, grid_ids: list[int]) -> dict[int, datetime | None]:
    """When `staff_id` last opened each grid's queue (None: never)."""
    if not grid_ids:
        return {}
    seen = dict(session.exec(
        select(QueueLook.grid_id, QueueLook.seen_at)
        .where(QueueLook.staff_id == staff_id, col(QueueLook.grid_id).in_(grid_ids))
    ).all())
    return {g: _utc(seen[g]) if seen.get(g) is not None else None for g in grid_ids}


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[:SUMMARY_MAX - 1] + "…"


def rows(session: Session, actor: Actor, queue_grids: list[QueueGrid],
         since: Mapping[int, datetime | None]) -> list[QueueRow]:
    """The open requests of `queue_grids`, next deadline first (overdue first, no clock last), each
    marked new when it arrived or changed (by someone else) after `since[grid]`. One query."""
    if not queue_grids:
        return []
    by_id = {g.id: g for g in queue_grids}
    # a change is someone else's step (the resident's too); the overdue sweep's escalation is not
    # one: the row is red already
    others = or_(col(RequestEvent.actor_id).is_(None), col(RequestEvent.actor_id) != actor.id)
    changed = (
        select(func.max(RequestEvent.at))
        .where(col(RequestEvent.request_id) == col(ServiceRequest.id), others,
               col(RequestEvent.kind) != OVERDUE_KIND)
        .correlate(ServiceRequest)
        .scalar_subquery()
    )
    handed = exists().where(
        col(RequestEvent.request_id) == col(ServiceRequest.id),
        col(RequestEvent.kind) == HANDED_KIND,
        col(RequestEvent.to_status) == col(ServiceRequest.status),
    ).correlate(ServiceRequest)
    stmt = (
        select(ServiceRequest.id, ServiceRequest.grid_id, ServiceRequest.category, ServiceRequest.channel,
               ServiceRequest.content, ServiceRequest.status, ServiceRequest.due_at, ServiceRequest.contact_phone,
               Building.name, Entrance.number, Household.room, changed, handed)
        .join(Household, col(Household.id) == col(ServiceRequest.household_id), isouter=True)
        .join(Building, col(Building.id) == col(Household.building_id), isouter=True)
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id), isouter=True)
        .where(
            col(ServiceRequest.community_id) == actor.community_id,
            col(ServiceRequest.is_open) == True,  # noqa: E712
            col(ServiceRequest.grid_id).in_(list(by_id)),
        )
        .order_by(col(ServiceRequest.due_at).is_(None), col(ServiceRequest.due_at), col(ServiceRequest.id))
    )
    now = clock.now()
    out = []
    for rid, gid, category, channel, content, status, due, phone, building, entrance, room, last, was_handed \
            in session.exec(stmt).all():
        grid = by_id[gid]
        due = _utc(due) if due is not None else None
        last = _utc(last) if isinstance(last, datetime) else None
        seen = since.get(gid)
        home = f"{building} {entrance}单元 {room}" if building is not None else ""
        out.append(QueueRow(
            id=rid, grid_id=gid, grid_name=grid.name, covered=grid.covered, category=category, channel=channel,
            summary=_short(content), household=home, status=status, due_at=due,
            overdue=due is not None and due < now,
            minutes_left=int((due - now).total_seconds() // 60) if due is not None else None,
            phone=phone, new=seen is None or (last is not None and last > seen), handed=bool(was_handed),
        ))
    return out


def queue(session: Session, actor: Actor, since: Mapping[int, datetime | None] | None = None) -> Queue:
    """The queue as it stands, marks against `since` (default: her stored last looks); no write."""
    found = answered_grids(session, actor)
    looks = last_looks(session, actor.id, [g.id for g in found])
    if since:
        looks = {g: since.get(g, looks[g]) for g in looks}
    # a look stamped later than now (the server's clock was set back since) would hide what
    # arrives until the clock caught up: it counts as a look now
    now = clock.now()
    looks = {g: (min(_utc(v), now) if v is not None else None) for g, v in looks.items()}
    return Queue(rows(session, actor, found, looks), looks)


def open_queue(session: Session, actor: Actor, since: Mapping[int, datetime | None] | None = None) -> Queue:
    """She opens her queue: the marks against her last look (or `since`, the look a page kept
    across a reconnect), then her last look becomes now."""
    if not actor.can(ACTION):
        raise Refused("auth.no_permission")
    shown = queue(session, actor, since)
    now = clock.now()
    existing = {
        q.grid_id: q for q in session.exec(
            select(QueueLook).where(QueueLook.staff_id == actor.id, col(QueueLook.grid_id).in_(list(shown.since)))
        ).all()
    }
    for gid in shown.since:
        look = existing.get(gid) or QueueLook(staff_id=actor.id, grid_id=gid, seen_at=now)
        look.seen_at = now
        session.add(look)
    return shown


# --- acting on a row --------------------------------------------------------------------------


def _refuse(actor: Actor, request_id: int, what: str) -> Refused:
    """Not a request of a grid she answers for today: refused, and the refusal audited."""
    def write(session: Session) -> None:
        audit.record(session, REFUSED_ACTION, actor_id=actor.id, community_id=actor.community_id,
                     subject=f"request:{request_id}", outcome="refused", detail=what)
    return Refused("queue.not_yours").keeping(write)


def _answerable(session: Session, actor: Actor, request_id: int, what: str) -> ServiceRequest:
    """The request, when it is open and of a grid `actor` answers for today."""
    if not actor.can(ACTION) or actor.community_id is None:
        raise _refuse(actor, request_id, what)
    req = session.get(ServiceRequest, request_id)
    if req is None or req.community_id != actor.community_id or req.grid_id is None:
        raise _refuse(actor, request_id, what)
    if req.grid_id not in grids.grids_answered_for(session, actor.id, clock.today(),
                                                   community_id=actor.community_id):
        raise _refuse(actor, request_id, what)
    if not req.is_open:
        raise DomainError("queue.closed")
    return req


def add_note(session: Session, actor: Actor, request_id: int, text: str) -> bool:
    """Her note on a request of her queue, as an event in its history. False when the same note was
    just written (a retried tap), True when written now."""
    req = _answerable(session, actor, request_id, NOTE_KIND)
    note = " ".join((text or "").split())
    if not note:
        raise DomainError("queue.note_empty", field="queue_note")
    if len(note) > NOTE_MAX:
        raise DomainError("queue.note_long", field="queue_note", max=NOTE_MAX)
    same = session.exec(
        select(RequestEvent.id).where(
            RequestEvent.request_id == req.id, RequestEvent.kind == NOTE_KIND, RequestEvent.actor_id == actor.id,
            RequestEvent.note == note, col(RequestEvent.at) >= clock.now() - SAME_NOTE_WINDOW,
        )
    ).first()
    if same is not None:
        return False
    _event(session, req, NOTE_KIND, actor.id, req.status, note)
    audit.record(session, NOTE_ACTION, actor_id=actor.id, community_id=req.community_id,
                 subject=f"request:{req.id}", after={"note": note})
    return True


def hand_to_desk(session: Session, actor: Actor, request_id: int) -> bool:
    """She hands a request of her queue to the front desk for dispatch (转前台派单): an event in its
    history and every front desk told. False when already handed over in its current status."""
    req = _answerable(session, actor, request_id, HANDED_KIND)
    already = session.exec(
        select(RequestEvent.id).where(and_(
            RequestEvent.request_id == req.id, RequestEvent.kind == HANDED_KIND,
            RequestEvent.to_status == req.status,
        ))
    ).first()
    if already is not None:
        return False
    _event(session, req, HANDED_KIND, actor.id, req.status)
    audit.record(session, HAND_ACTION, actor_id=actor.id, community_id=req.community_id,
                 subject=f"request:{req.id}", after={"status": req.status})
    notify.tell(session, HANDED_KIND, community_id=req.community_id, grid_id=req.grid_id, request_id=req.id,
                summary=summary(session, req), actor_id=actor.id)
    return True

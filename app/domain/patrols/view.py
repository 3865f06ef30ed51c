"""One patrol as the walk screen and the supervisor's drill-down show it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.db.models import (
    Checkpoint,
    Grid,
    Patrol,
    PatrolCheck,
    PatrolRoute,
    PatrolVisit,
    Staff,
)
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.patrols.setup import checkpoint_token, items_of, stops_of
from app.domain.patrols.walk import _my_patrol

# --- what a patrol looks like -----------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    id: int
    category: str
    text: str
    passed: bool | None
    note: str
    work_order_id: int | None


@dataclass(frozen=True)
class StopView:
    checkpoint_id: int
    name: str
    place: str
    code: str
    visit_id: int | None
    scanned_at: datetime | None
    method: str
    photos: int
    items: list[ItemView] = field(default_factory=list)
    # what the phone needs to recognise the tag without the server: SHA-256 of the QR's token
    tag_hash: str = ""
    visit_client_id: str = ""
    phone_at: datetime | None = None  # the phone's time of the check-in (sent from its outbox)
    offline: bool = False
    clock_off: bool = False

    @property
    def visited(self) -> bool:
        return self.visit_id is not None and self.photos > 0


@dataclass(frozen=True)
class PatrolView:
    id: int
    route_name: str
    grid_name: str
    walker_name: str
    period_start: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    late: bool
    missed: int
    stops: list[StopView]
    walker_id: int = 0
    offline: bool = False
    clock_off: bool = False
    finished_phone_at: datetime | None = None


def view(session: Session, actor: Actor, patrol_id: int, *, as_supervisor: bool = False) -> PatrolView:
    """A patrol with its stops, visits and ticks: the walker's screen or the supervisor's drill-down."""
    if as_supervisor:
        patrol = session.get(Patrol, patrol_id)
        if patrol is None or patrol.community_id != actor.community_id:
            raise DomainError("patrol.not_found")
    else:
        patrol = _my_patrol(session, actor, patrol_id, open_only=False)
    route = session.get(PatrolRoute, patrol.route_id)
    grid = session.get(Grid, patrol.grid_id)
    walker = session.get(Staff, patrol.walker_id)
    visits = {
        v.checkpoint_id: v
        for v in session.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id)).all()
    }
    checks: dict[tuple[int, int], PatrolCheck] = {}
    if visits:
        for c in session.exec(
            select(PatrolCheck).where(col(PatrolCheck.visit_id).in_([v.id for v in visits.values()]))
        ).all():
            checks[(c.visit_id, c.item_id)] = c
    stops = []
    for stop in stops_of(session, patrol.route_id):
        cp = session.get(Checkpoint, stop.checkpoint_id)
        assert cp is not None
        visit = visits.get(cp.id)
        items = []
        for item in items_of(session, cp.id):
            c = checks.get((visit.id, item.id)) if visit else None
            items.append(ItemView(id=item.id, category=item.category, text=item.text,
                                  passed=c.passed if c else None, note=c.note if c else "",
                                  work_order_id=c.work_order_id if c else None))
        stops.append(StopView(
            checkpoint_id=cp.id, name=cp.name, place=cp.place, code=cp.code,
            visit_id=visit.id if visit else None, scanned_at=visit.scanned_at if visit else None,
            method=visit.method if visit else "", photos=visit.photos if visit else 0, items=items,
            tag_hash=hashlib.sha256(checkpoint_token(cp).encode()).hexdigest(),
            visit_client_id=(visit.client_id or "") if visit else "",
            phone_at=visit.phone_at if visit else None, offline=bool(visit and visit.offline),
            clock_off=bool(visit and visit.clock_off),
        ))
    return PatrolView(
        id=patrol.id, route_name=route.name if route else "", grid_name=grid.name if grid else "",
        walker_name=walker.name if walker else "", period_start=patrol.period_start,
        started_at=patrol.started_at, finished_at=patrol.finished_at, status=patrol.status,
        late=patrol.late, missed=patrol.missed, stops=stops, walker_id=patrol.walker_id,
        offline=patrol.offline, clock_off=patrol.clock_off, finished_phone_at=patrol.finished_phone_at,
    )

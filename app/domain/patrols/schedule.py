"""When plans are due, and what a person walks today (her grids and those she covers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.db.models import (
    Grid,
    Patrol,
    PatrolPlan,
    PatrolRoute,
)
from app.domain import clock, grids
from app.domain.auth import Actor
from app.domain.patrols.common import _visited_count
from app.domain.patrols.setup import stops_of
from app.domain.patrols.vocabulary import (
    DAILY,
    DONE,
    DUE,
    FINISHED,
    LATE,
    STARTED,
    WEEKDAYS,
    WEEKLY,
)

# --- when plans are due ---------------------------------------------------------------------


def period_of(plan: PatrolPlan, day: date) -> date | None:
    """The period a plan is due for on `day` (that day, or the week's Monday); None if not due."""
    if plan.cadence == DAILY:
        return day
    if plan.cadence == WEEKLY:
        return day - timedelta(days=day.weekday())
    if plan.cadence == WEEKDAYS and str(day.isoweekday()) in plan.weekdays:
        return day
    return None


def due_at(plan: PatrolPlan, period_start: date) -> datetime:
    """The moment a period's patrol counts as late: `due_by` on its last day, local time."""
    last = period_start + timedelta(days=6) if plan.cadence == WEEKLY else period_start
    hh, mm = (int(x) for x in plan.due_by.split(":"))
    return datetime.combine(last, time(hh, mm), tzinfo=clock.ZONE).astimezone(clock.now().tzinfo)


def walk_grids(session: Session, actor: Actor, day: date) -> list[int]:
    """Grids this person walks on `day`: their own (unless a deputy covers it) and those they cover."""
    return grids.grids_answered_for(session, actor.id, day, community_id=actor.community_id)


@dataclass(frozen=True)
class DueItem:
    plan_id: int
    route_id: int
    route_name: str
    grid_name: str
    period_start: date
    due_at: datetime
    stops: int
    state: str
    patrol_id: int | None
    visited: int


def due_today(session: Session, actor: Actor) -> list[DueItem]:
    """"My grid today": the patrols due now for this person, with their state."""
    day = clock.today()
    grid_ids = walk_grids(session, actor, day)
    if not grid_ids:
        return []
    rows = session.exec(
        select(PatrolPlan, PatrolRoute, Grid)
        .join(PatrolRoute, col(PatrolRoute.id) == col(PatrolPlan.route_id))
        .join(Grid, col(Grid.id) == col(PatrolRoute.grid_id))
        .where(col(PatrolRoute.grid_id).in_(grid_ids), col(PatrolPlan.active).is_(True),
               col(PatrolRoute.active).is_(True))
        .order_by(col(PatrolPlan.due_by), col(PatrolPlan.id))
    ).all()
    now = clock.now()
    out = []
    for plan, route, grid in rows:
        period = period_of(plan, day)
        if period is None:
            continue
        patrol = session.exec(
            select(Patrol)
            .where(Patrol.plan_id == plan.id, Patrol.period_start == period)
            .order_by(col(Patrol.finished_at).is_(None), col(Patrol.id).desc())
        ).first()
        deadline = due_at(plan, period)
        # checkpoints visited so far, and for a finished patrol those it visited (not 0)
        visited = _visited_count(session, patrol.id) if patrol is not None else 0
        if patrol is None:
            state = LATE if now > deadline else DUE
        elif patrol.status == FINISHED:
            state = DONE
        else:
            state = LATE if now > deadline else STARTED
        out.append(DueItem(
            plan_id=plan.id, route_id=route.id, route_name=route.name, grid_name=grid.name,
            period_start=period, due_at=deadline, stops=len(stops_of(session, route.id)),
            state=state, patrol_id=patrol.id if patrol else None, visited=visited,
        ))
    return out

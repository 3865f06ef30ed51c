"""Coverage for the supervisor: due / done / late / not done / missed per grid, and a grid's patrols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    EvidencePhoto,
    Grid,
    Patrol,
    PatrolPlan,
    PatrolRoute,
    PatrolVisit,
    Staff,
    WorkOrder,
)
from app.domain import clock, work_orders
from app.domain.auth import Actor
from app.domain.patrols.common import _grid
from app.domain.patrols.schedule import due_at, period_of
from app.domain.patrols.vocabulary import FINISHED, VISIT_PHOTO_KIND, WEEKLY

# --- coverage for the supervisor ---------------------------------------------------------------


@dataclass
class Coverage:
    grid_id: int
    grid_name: str
    butler_name: str
    due: int = 0
    done: int = 0
    late: int = 0
    not_done: int = 0
    missed_checkpoints: int = 0
    findings_open: int = 0
    patrol_ids: list[int] = field(default_factory=list)


def coverage(session: Session, community_id: int, first: date, last: date) -> list[Coverage]:
    """Per grid over [first, last]: patrols due, done, late, not done, missed checkpoints, open findings.

    A weekly plan's period is counted on the day it falls due (its Sunday).
    A period not finished is "not done" only once its due time has passed.
    """
    now = clock.now()
    grids = session.exec(
        select(Grid, Staff.name)
        .join(Staff, col(Staff.id) == col(Grid.butler_id), isouter=True)
        .where(Grid.community_id == community_id)
        .order_by(col(Grid.id))
    ).all()
    out = {g.id: Coverage(grid_id=g.id, grid_name=g.name, butler_name=name or "") for g, name in grids}
    plans = session.exec(
        select(PatrolPlan, PatrolRoute.grid_id)
        .join(PatrolRoute, col(PatrolRoute.id) == col(PatrolPlan.route_id))
        .where(PatrolPlan.community_id == community_id, col(PatrolPlan.active).is_(True))
    ).all()
    patrols = session.exec(
        select(Patrol).where(
            Patrol.community_id == community_id,
            col(Patrol.period_start) >= first - timedelta(days=6),
            col(Patrol.period_start) <= last,
        )
    ).all()
    by_period = {}
    for p in patrols:
        key = (p.plan_id, p.period_start)
        if key not in by_period or p.status == FINISHED:
            by_period[key] = p
    for plan, grid_id in plans:
        cov = out.get(grid_id)
        if cov is None:
            continue
        created = plan.created_at.astimezone(clock.ZONE).date()
        day = first
        while day <= last:
            period = period_of(plan, day)
            counts_today = period is not None and (
                plan.cadence != WEEKLY or day == period + timedelta(days=6)
            )
            if counts_today and period is not None and day >= created:
                cov.due += 1
                p = by_period.get((plan.id, period))
                if p is not None and p.status == FINISHED:
                    cov.done += 1
                    cov.late += int(p.late)
                    cov.missed_checkpoints += p.missed
                    cov.patrol_ids.append(p.id)
                elif now > due_at(plan, period):
                    cov.not_done += 1
                if p is not None and p.status != FINISHED:
                    cov.patrol_ids.append(p.id)
            day += timedelta(days=1)
    open_counts = session.exec(
        select(WorkOrder.grid_id, func.count())
        .where(WorkOrder.community_id == community_id, WorkOrder.status == work_orders.OPEN,
               WorkOrder.source_kind == "patrol_check")
        .group_by(col(WorkOrder.grid_id))
    ).all()
    for grid_id, n in open_counts:
        if grid_id in out:
            out[grid_id].findings_open = n
    return list(out.values())


@dataclass(frozen=True)
class PatrolRow:
    id: int
    route_name: str
    walker_name: str
    period_start: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    late: bool
    missed: int
    photos: int


def patrols_of_grid(session: Session, actor: Actor, grid_id: int, first: date, last: date) -> list[PatrolRow]:
    """The patrols of a grid over a date range, newest first (supervisor's drill-down)."""
    grid = _grid(session, actor, grid_id)
    rows = session.exec(
        select(Patrol, PatrolRoute.name, Staff.name)
        .join(PatrolRoute, col(PatrolRoute.id) == col(Patrol.route_id))
        .join(Staff, col(Staff.id) == col(Patrol.walker_id))
        .where(Patrol.grid_id == grid.id, col(Patrol.period_start) >= first - timedelta(days=6),
               col(Patrol.period_start) <= last)
        .order_by(col(Patrol.started_at).desc())
    ).all()
    out = []
    for p, route_name, walker in rows:
        photos = session.exec(
            select(func.count()).select_from(EvidencePhoto)
            .join(PatrolVisit, col(PatrolVisit.id) == col(EvidencePhoto.subject_id))
            .where(EvidencePhoto.subject_kind == VISIT_PHOTO_KIND, PatrolVisit.patrol_id == p.id)
        ).one()
        out.append(PatrolRow(id=p.id, route_name=route_name, walker_name=walker,
                             period_start=p.period_start, started_at=p.started_at,
                             finished_at=p.finished_at, status=p.status, late=p.late,
                             missed=p.missed, photos=photos))
    return out

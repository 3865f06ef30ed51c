"""What the patrol set-up screen shows of one grid: its checkpoints with their item
counts, one checkpoint's checklist, the template, routes with their stops, and plans.

Read-only, scoped to the actor's community (a grid or checkpoint of another
community reads as absent); the state turns these rows into what it displays.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import ChecklistItem, Checkpoint, Grid, PatrolPlan, PatrolRoute
from app.domain.auth import Actor
from app.domain.patrols.setup import items_of, stops_of, template


@dataclass(frozen=True)
class GridChoice:
    id: int
    name: str


@dataclass(frozen=True)
class CheckpointRow:
    id: int
    position: int  # 0-based walking order in the grid
    name: str
    place: str
    code: str
    latitude: float | None
    longitude: float | None
    items: int  # active checklist items
    active: bool


@dataclass(frozen=True)
class LineRow:
    """A checklist item of a checkpoint, or a line of the community's template."""

    id: int
    category: str
    text: str
    active: bool


@dataclass(frozen=True)
class RouteRow:
    id: int
    name: str
    stop_ids: tuple[int, ...]
    stop_names: tuple[str, ...]


@dataclass(frozen=True)
class PlanRow:
    id: int
    route_id: int
    route_name: str
    cadence: str
    weekdays: str
    due_by: str
    active: bool


@dataclass(frozen=True)
class SetupView:
    grids: tuple[GridChoice, ...]
    grid_id: int | None  # the grid shown (the one asked for if it is ours, else the first)
    template: tuple[LineRow, ...]
    checkpoints: tuple[CheckpointRow, ...] = ()
    checkpoint_id: int | None = None  # the checkpoint whose checklist is shown
    items: tuple[LineRow, ...] = ()
    routes: tuple[RouteRow, ...] = ()
    plans: tuple[PlanRow, ...] = ()


def setup_view(session: Session, actor: Actor, grid_id: int | None,
               checkpoint_id: int | None = None) -> SetupView:
    """The set-up screen of `grid_id` (else the community's first grid)."""
    cid = actor.community_id
    grids = tuple(GridChoice(g.id, g.name) for g in session.exec(
        select(Grid).where(Grid.community_id == cid).order_by(col(Grid.id))
    ).all())
    lines = tuple(LineRow(ln.id, ln.category, ln.text, ln.active) for ln in template(session, cid))
    if grid_id not in {g.id for g in grids}:
        grid_id = grids[0].id if grids else None
    if grid_id is None:
        return SetupView(grids=grids, grid_id=None, template=lines)
    cps = session.exec(
        select(Checkpoint).where(Checkpoint.grid_id == grid_id)
        .order_by(col(Checkpoint.position), col(Checkpoint.id))
    ).all()
    counts = dict(session.exec(
        select(ChecklistItem.checkpoint_id, func.count())
        .where(col(ChecklistItem.checkpoint_id).in_([c.id for c in cps]),
               col(ChecklistItem.active).is_(True))
        .group_by(col(ChecklistItem.checkpoint_id))
    ).all()) if cps else {}
    checkpoints = tuple(
        CheckpointRow(c.id, c.position, c.name, c.place, c.code, c.latitude, c.longitude,
                      counts.get(c.id, 0), c.active)
        for c in cps
    )
    names = {c.id: c.name for c in cps}
    items: tuple[LineRow, ...] = ()
    if checkpoint_id in names:
        items = tuple(LineRow(i.id, i.category, i.text, i.active)
                      for i in items_of(session, checkpoint_id, active_only=False))
    else:
        checkpoint_id = None
    routes = session.exec(
        select(PatrolRoute).where(PatrolRoute.grid_id == grid_id).order_by(col(PatrolRoute.id))
    ).all()
    route_rows = []
    for r in routes:
        stop_ids = tuple(s.checkpoint_id for s in stops_of(session, r.id))
        route_rows.append(RouteRow(r.id, r.name, stop_ids, tuple(names.get(i, "?") for i in stop_ids)))
    route_names = {r.id: r.name for r in routes}
    plans = session.exec(
        select(PatrolPlan).where(col(PatrolPlan.route_id).in_(list(route_names)))
        .order_by(col(PatrolPlan.route_id), col(PatrolPlan.id))
    ).all() if routes else []
    return SetupView(
        grids=grids, grid_id=grid_id, template=lines, checkpoints=checkpoints,
        checkpoint_id=checkpoint_id, items=items, routes=tuple(route_rows),
        plans=tuple(PlanRow(p.id, p.route_id, route_names.get(p.route_id, ""), p.cadence,
                            p.weekdays, p.due_by, p.active) for p in plans),
    )

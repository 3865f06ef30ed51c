"""Small helpers shared by patrol set-up and the walk: rows scoped to the actor's community, client ids, coordinates."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    ChecklistTemplate,
    Checkpoint,
    Grid,
    PatrolPlan,
    PatrolRoute,
    PatrolVisit,
)
from app.domain import validation
from app.domain.auth import Actor
from app.domain.errors import DomainError

# --- small helpers ----------------------------------------------------------------------


def _client_id(value: str | None) -> str | None:
    """An optional client id (None when the caller sent none)."""
    return None if value is None or value == "" else validation.client_id(value)


M = TypeVar("M", Grid, Checkpoint, PatrolRoute, PatrolPlan, ChecklistTemplate)


def _own(session: Session, actor: Actor, model: type[M], row_id: int, missing_key: str) -> M:
    """A row of the actor's own community; another community's row is as good as missing."""
    row = session.get(model, row_id)
    if row is None or row.community_id is None or row.community_id != actor.community_id:
        raise DomainError(missing_key)
    return row


def _grid(session: Session, actor: Actor, grid_id: int) -> Grid:
    return _own(session, actor, Grid, grid_id, "grid.not_found")


def _checkpoint(session: Session, actor: Actor, checkpoint_id: int) -> Checkpoint:
    return _own(session, actor, Checkpoint, checkpoint_id, "patrol.checkpoint_not_found")


def _route(session: Session, actor: Actor, route_id: int) -> PatrolRoute:
    return _own(session, actor, PatrolRoute, route_id, "patrol.route_not_found")


def _coords(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise DomainError("patrol.bad_gps")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError("patrol.bad_gps")
    return round(latitude, 6), round(longitude, 6)


def _visited_count(session: Session, patrol_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(PatrolVisit)
        .where(PatrolVisit.patrol_id == patrol_id, col(PatrolVisit.photos) > 0)
    ).one()

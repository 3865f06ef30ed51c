"""What every grid-planning step shares: the permission, limits, and lookups inside the actor's community."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    Building,
    Grid,
    Household,
    Staff,
    StaffRole,
)
from app.domain import staff as staff_rules
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused

ACTION = "grid.plan"
TOKEN_KIND = "grid"
MAX_COVER_DAYS = 366
MAX_IDS = 2000  # households moved one by one in one go
PHOTO_PX = 600
PHOTO_QUALITY = 85
PHOTO_DIR = "staff_photos"

# resident card states
CARD_OK = "ok"
CARD_OUTDATED = "outdated"
CARD_INVALID = "invalid"


# --- results ---------------------------------------------------------------------------




def _check(actor: Actor) -> None:
    if not actor.can(ACTION):
        raise Refused("auth.no_permission")
    if actor.community_id is None:
        raise Refused("auth.no_permission")


def _grid(session: Session, actor: Actor, grid_id: int) -> Grid:
    _check(actor)
    grid = session.get(Grid, grid_id) if isinstance(grid_id, int) else None
    if grid is None or grid.community_id != actor.community_id:
        raise DomainError("grid.not_found")
    return grid


def _building(session: Session, actor: Actor, building_id: int) -> Building:
    building = session.get(Building, building_id) if isinstance(building_id, int) else None
    if building is None or building.community_id != actor.community_id:
        raise DomainError("grid.building_not_found")
    return building


def _held_roles(session: Session, staff_id: int) -> set[str]:
    return set(session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id)).all())


def _grid_staff(session: Session, actor: Actor, staff_id: int, *, missing: str) -> Staff:
    """An active butler or team lead of the actor's community."""
    staff = session.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if staff is None or staff.community_id != actor.community_id:
        raise DomainError(missing)
    if not staff.active:
        raise DomainError("grid.staff_inactive", name=staff.name)
    if not staff_rules.GRID_ROLES & _held_roles(session, staff_id):
        raise DomainError("grid.staff_not_butler", name=staff.name)
    return staff


def _sizes(session: Session, grid_ids: list[int | None]) -> dict[int | None, int]:
    real = [g for g in grid_ids if g is not None]
    out: dict[int | None, int] = {g: 0 for g in grid_ids}
    if real:
        for gid, n in session.exec(
            select(Household.grid_id, func.count())
            .where(col(Household.grid_id).in_(real))
            .group_by(Household.grid_id)
        ).all():
            out[gid] = n
    return out


def grid_size(session: Session, grid_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Household).where(Household.grid_id == grid_id)
    ).one()


def _is_gold(session: Session, grid: Grid) -> bool:
    if grid.butler_id is None:
        return False
    butler = session.get(Staff, grid.butler_id)
    return bool(butler and butler.active and butler.is_gold_butler)


# --- assigning households --------------------------------------------------------------

"""The grid's butler and leave cover: who answers for a grid on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.db.models import (
    Grid,
    GridCover,
    Staff,
    StaffRole,
)
from app.domain import audit, clock, grids
from app.domain import staff as staff_rules
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.grid_planning.common import MAX_COVER_DAYS, _check, _grid, _grid_staff, grid_size
from app.domain.grids import cover_on  # noqa: F401  (re-exported: the package's cover reading)
from app.domain.validation import clean_text


@dataclass(frozen=True)
class CoverRow:
    id: int
    deputy_id: int
    deputy_name: str
    starts_on: date
    ends_on: date
    reason: str
    status: str  # active / upcoming / ended / cancelled

    @property
    def cancellable(self) -> bool:
        """Only a cover that has not ended and is not cancelled yet may be cancelled."""
        return self.status in ("active", "upcoming")


@dataclass(frozen=True)
class Deputy:
    name: str
    phone: str
    until: date


def grid_staff_options(session: Session, actor: Actor) -> list[tuple[int, str, bool, str]]:
    """(id, name, gold, grid name) of active butlers and team leads, for pickers."""
    _check(actor)
    rows = session.exec(
        select(Staff)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(
            Staff.community_id == actor.community_id,
            col(Staff.active).is_(True),
            col(StaffRole.role).in_(sorted(staff_rules.GRID_ROLES)),
        )
        .order_by(Staff.name)
    ).all()
    seen: dict[int, Staff] = {}
    for s in rows:
        seen.setdefault(s.id, s)
    owned = {
        g.butler_id: g.name
        for g in session.exec(select(Grid).where(col(Grid.butler_id).in_(list(seen)))).all()
    }
    return [(s.id, s.name, s.is_gold_butler, owned.get(s.id, "")) for s in seen.values()]


def set_butler(session: Session, actor: Actor, grid_id: int, staff_id: int) -> None:
    """Make an active butler / team lead of the community the grid's butler (one grid per butler)."""
    grid = _grid(session, actor, grid_id)
    staff = _grid_staff(session, actor, staff_id, missing="staff.not_found")
    if grid.butler_id == staff.id:
        raise DomainError("grid.butler_unchanged", name=staff.name)
    other = session.exec(
        select(Grid).where(Grid.butler_id == staff.id, Grid.id != grid.id)
    ).first()
    if other is not None:
        raise DomainError("grid.butler_has_grid", name=staff.name, grid=other.name)
    size = grid_size(session, grid.id)
    if grids.band(size, staff.is_gold_butler) == grids.OVER:
        raise DomainError("grid.over_band_butler", grid=grid.name, n=size, max=grids.BAND_MAX)
    previous = session.get(Staff, grid.butler_id) if grid.butler_id else None
    grid.butler_id = staff.id
    session.add(grid)
    session.flush()
    audit.record(
        session, "grid.butler", actor_id=actor.id, community_id=actor.community_id,
        subject=f"grid:{grid.id}",
        before={"butler": previous.name if previous else None,
                "butler_id": previous.id if previous else None},
        after={"butler": staff.name, "butler_id": staff.id},
    )


# --- leave cover -----------------------------------------------------------------------


def _cover_status(cover: GridCover, day: date) -> str:
    if cover.cancelled_at is not None:
        return "cancelled"
    if cover.ends_on < day:
        return "ended"
    if cover.starts_on > day:
        return "upcoming"
    return "active"


def add_cover(
    session: Session,
    actor: Actor,
    grid_id: int,
    deputy_id: int,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> GridCover:
    """A deputy covers the grid from `starts_on` to `ends_on` (local days, both included)."""
    grid = _grid(session, actor, grid_id)
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise DomainError("cover.dates_required")
    if ends_on < starts_on:
        raise DomainError("cover.ends_before_start")
    if starts_on < clock.today():
        raise DomainError("cover.in_past")
    if (ends_on - starts_on).days + 1 > MAX_COVER_DAYS:
        raise DomainError("cover.too_long", max=MAX_COVER_DAYS)
    deputy = _grid_staff(session, actor, deputy_id, missing="cover.deputy_not_found")
    if grid.butler_id == deputy.id:
        raise DomainError("cover.self", name=deputy.name)
    reason = clean_text(reason or "", field="reason", max_length=120, required=False)
    clash = session.exec(
        select(GridCover).where(
            GridCover.grid_id == grid.id,
            col(GridCover.cancelled_at).is_(None),
            GridCover.starts_on <= ends_on,
            GridCover.ends_on >= starts_on,
        )
    ).first()
    if clash is not None:
        other = session.get(Staff, clash.deputy_id)
        raise DomainError(
            "cover.overlap", name=other.name if other else "",
            starts=clash.starts_on.isoformat(), ends=clash.ends_on.isoformat(),
        )
    cover = GridCover(
        grid_id=grid.id, deputy_id=deputy.id, starts_on=starts_on, ends_on=ends_on,
        reason=reason, created_by=actor.id, created_at=clock.now(),
    )
    session.add(cover)
    session.flush()
    audit.record(
        session, "grid.cover.add", actor_id=actor.id, community_id=actor.community_id,
        subject=f"grid:{grid.id}",
        after={"cover": cover.id, "deputy": deputy.name, "starts_on": starts_on,
               "ends_on": ends_on, "reason": reason},
    )
    return cover


def cancel_cover(session: Session, actor: Actor, cover_id: int) -> None:
    """Cancel a cover that has not ended (the row stays, marked cancelled)."""
    _check(actor)
    cover = session.get(GridCover, cover_id) if isinstance(cover_id, int) else None
    grid = session.get(Grid, cover.grid_id) if cover else None
    if cover is None or grid is None or grid.community_id != actor.community_id:
        raise DomainError("cover.not_found")
    status = _cover_status(cover, clock.today())
    if status == "cancelled":
        raise DomainError("cover.already_cancelled")
    if status == "ended":
        raise DomainError("cover.ended")
    cover.cancelled_at = clock.now()
    session.add(cover)
    session.flush()
    audit.record(
        session, "grid.cover.cancel", actor_id=actor.id, community_id=actor.community_id,
        subject=f"grid:{grid.id}", before={"cover": cover.id, "cancelled": False},
        after={"cover": cover.id, "cancelled": True},
    )


def covers_of(session: Session, actor: Actor, grid_id: int, limit: int = 20) -> list[CoverRow]:
    """The grid's covers, newest first (current and coming ones, and recent history)."""
    grid = _grid(session, actor, grid_id)
    day = clock.today()
    rows = session.exec(
        select(GridCover, Staff.name)
        .join(Staff, col(Staff.id) == col(GridCover.deputy_id))
        .where(GridCover.grid_id == grid.id)
        .order_by(col(GridCover.starts_on).desc(), col(GridCover.id).desc())
        .limit(limit)
    ).all()
    return [
        CoverRow(
            id=c.id, deputy_id=c.deputy_id, deputy_name=name, starts_on=c.starts_on,
            ends_on=c.ends_on, reason=c.reason, status=_cover_status(c, day),
        )
        for c, name in rows
    ]


# --- the poster QR ---------------------------------------------------------------------

"""Grid sizing: one butler per 350-400 households (`app.domain.constants`), more only for a gold butler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from app.db.models import Building, Grid, GridCover, Household, Resident, Staff
from app.domain import constants

BAND_MIN = constants.GRID_HOUSEHOLDS_MIN
BAND_MAX = constants.GRID_HOUSEHOLDS_MAX

# band states
UNDER = "under"
OK = "ok"
OVER = "over"
GOLD = "gold"  # above the band, allowed because the butler is a gold butler
NO_BUTLER = "no_butler"


def band(households: int, gold_butler: bool) -> str:
    """Where a grid of `households` stands against the BAND_MIN–BAND_MAX rule."""
    if households < BAND_MIN:
        return UNDER
    if households > BAND_MAX:
        return GOLD if gold_butler else OVER
    return OK


def flagged(state: str) -> bool:
    """Whether the supervisor must look at a grid in this state."""
    return state in (UNDER, OVER, NO_BUTLER)


@dataclass(frozen=True)
class GridSummary:
    id: int
    name: str
    butler_id: int | None
    butler_name: str
    gold_butler: bool
    households: int
    occupied: int
    residents: int
    buildings: tuple[str, ...]
    state: str

    @property
    def flagged(self) -> bool:
        return flagged(self.state)


def summaries(
    session: Session, community_id: int, *, butler_id: int | None = None, grid_ids: list[int] | None = None
) -> list[GridSummary]:
    """Every grid of a community (or of one butler, or these grids) with its size and band state."""
    grid_stmt = (
        select(Grid, Staff)
        .join(Staff, col(Grid.butler_id) == col(Staff.id), isouter=True)
        .where(Grid.community_id == community_id)
        .order_by(Grid.name)
    )
    if butler_id is not None:
        grid_stmt = grid_stmt.where(Grid.butler_id == butler_id)
    if grid_ids is not None:
        if not grid_ids:
            return []
        grid_stmt = grid_stmt.where(col(Grid.id).in_(grid_ids))
    grids = session.exec(grid_stmt).all()
    if not grids:
        return []
    ids = [g.id for g, _ in grids]

    counts = {
        gid: (total, occupied or 0)
        for gid, total, occupied in session.exec(
            select(
                Household.grid_id,
                func.count(),
                func.sum(case((col(Household.occupancy) == "occupied", 1), else_=0)),
            )
            .where(col(Household.grid_id).in_(ids))
            .group_by(Household.grid_id)
        ).all()
    }
    residents = dict(
        session.exec(
            select(Household.grid_id, func.count(col(Resident.id)))
            .join(Resident, col(Resident.household_id) == col(Household.id))
            .where(col(Household.grid_id).in_(ids))
            .group_by(Household.grid_id)
        ).all()
    )
    buildings: dict[int, list[str]] = {}
    for gid, bname in session.exec(
        select(Household.grid_id, Building.name)
        .join(Building, col(Building.id) == col(Household.building_id))
        .where(col(Household.grid_id).in_(ids))
        .group_by(Household.grid_id, Building.name)
    ).all():
        buildings.setdefault(gid, []).append(bname)

    out = []
    for grid, butler in grids:
        total, occupied = counts.get(grid.id, (0, 0))
        gold = bool(butler and butler.is_gold_butler)
        state = band(total, gold) if butler else NO_BUTLER
        out.append(
            GridSummary(
                id=grid.id,
                name=grid.name,
                butler_id=butler.id if butler else None,
                butler_name=butler.name if butler else "",
                gold_butler=gold,
                households=total,
                occupied=int(occupied),
                residents=residents.get(grid.id, 0),
                buildings=tuple(sorted(buildings.get(grid.id, []), key=building_key)),
                state=state,
            )
        )
    return out


def building_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


def grids_of(session: Session, community_id: int) -> list[tuple[int, str, int | None]]:
    """(id, name, butler id) of every grid in a community, for pickers."""
    return [
        (g.id, g.name, g.butler_id)
        for g in session.exec(
            select(Grid).where(Grid.community_id == community_id).order_by(Grid.name)
        ).all()
    ]


def grids_answered_for(session: Session, staff_id: int, day: date, *, community_id: int | None = None) -> list[int]:
    """The grids this person answers for on `day` (local calendar day): those they own, unless a
    deputy covers one that day (leave cover, 代管), and those they cover for someone else.

    One rule for every list that means "my grids": the patrols due, the renovations a butler
    supervises, the requests awaiting their follow-up."""
    own_stmt = select(Grid.id).where(Grid.butler_id == staff_id)
    if community_id is not None:
        own_stmt = own_stmt.where(Grid.community_id == community_id)
    own = set(session.exec(own_stmt).all())
    covers_stmt = (
        select(GridCover.grid_id, GridCover.deputy_id)
        .join(Grid, col(Grid.id) == col(GridCover.grid_id))
        .where(
            col(GridCover.cancelled_at).is_(None),
            col(GridCover.starts_on) <= day,
            col(GridCover.ends_on) >= day,
            or_(col(GridCover.deputy_id) == staff_id, col(GridCover.grid_id).in_(own or {0})),
        )
    )
    if community_id is not None:
        covers_stmt = covers_stmt.where(Grid.community_id == community_id)
    covered_by = dict(session.exec(covers_stmt.order_by(col(GridCover.id))).all())
    mine = {g for g in own if covered_by.get(g, staff_id) == staff_id}
    mine |= {g for g, deputy in covered_by.items() if deputy == staff_id}
    return sorted(mine)


def cover_on(session: Session, grid_id: int, day: date) -> GridCover | None:
    """The cover of a grid in force on `day` (local date), if any (the latest, should two overlap)."""
    return session.exec(
        select(GridCover)
        .where(
            GridCover.grid_id == grid_id,
            col(GridCover.cancelled_at).is_(None),
            col(GridCover.starts_on) <= day,
            col(GridCover.ends_on) >= day,
        )
        .order_by(col(GridCover.id).desc())
    ).first()


def answerer(session: Session, grid_id: int, day: date) -> int | None:
    """Who answers for a grid on `day`: the deputy covering it that day, else its butler; None for a
    grid with neither. The reverse of `grids_answered_for`."""
    cover = cover_on(session, grid_id, day)
    if cover is not None:
        return cover.deputy_id
    grid = session.get(Grid, grid_id)
    return grid.butler_id if grid is not None else None


def households_answered_for(session: Session, staff_id: int, day: date, *,
                            community_id: int | None = None) -> set[int]:
    """The households of the grids this person answers for on `day` (see `grids_answered_for`)."""
    ids = grids_answered_for(session, staff_id, day, community_id=community_id)
    if not ids:
        return set()
    return set(session.exec(select(Household.id).where(col(Household.grid_id).in_(ids))).all())

"""Households to grids: by building, entrance and floor range, or one by one; a grid's breakdown.

A change that takes a grid above 400 households is refused unless its butler is a
gold butler; a grid left under 350 is allowed and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import (
    Building,
    Entrance,
    Grid,
    Household,
)
from app.domain import audit, grids
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.grid_planning.common import MAX_IDS, _building, _check, _grid, _is_gold, _sizes
from app.domain.validation import clean_text


@dataclass(frozen=True)
class GridCount:
    grid_id: int | None
    name: str
    before: int
    after: int
    state: str  # band state after the change


@dataclass(frozen=True)
class MoveResult:
    """What an assignment did: how many moved, and the affected grids' sizes."""

    moved: int
    grids: tuple[GridCount, ...]

    @property
    def flagged(self) -> tuple[str, ...]:
        """Names of affected grids left outside the band (the supervisor must look at them)."""
        return tuple(g.name for g in self.grids if g.grid_id is not None and grids.flagged(g.state))


@dataclass(frozen=True)
class Breakdown:
    """Households of a grid in one building entrance."""

    building_id: int
    building: str
    entrance: int
    households: int
    floors: str  # "1-18"


def _move(session: Session, actor: Actor, grid: Grid, where: list, describe: dict) -> MoveResult:
    """Move the households matching `where` (of the actor's community) into `grid`."""
    base = [Household.community_id == actor.community_id, *where]
    sources = dict(
        session.exec(
            select(Household.grid_id, func.count())
            .where(*base, col(Household.grid_id).is_distinct_from(grid.id))
            .group_by(Household.grid_id)
        ).all()
    )
    moving = sum(sources.values())
    if moving == 0:
        matched = session.exec(select(func.count()).select_from(Household).where(*base)).one()
        raise DomainError("grid.already_in" if matched else "grid.no_households", grid=grid.name)
    affected: list[int | None] = [grid.id, *[g for g in sources if g != grid.id]]
    before = _sizes(session, affected)
    after = dict(before)
    after[grid.id] = before[grid.id] + moving
    for gid, n in sources.items():
        after[gid] = before[gid] - n
    gold = _is_gold(session, grid)
    if grids.band(after[grid.id], gold) == grids.OVER:
        raise DomainError(
            "grid.over_band", grid=grid.name, n=after[grid.id], max=grids.BAND_MAX
        )
    session.execute(
        update(Household)
        .where(*base, col(Household.grid_id).is_distinct_from(grid.id))
        .values(grid_id=grid.id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    names = dict(
        session.exec(
            select(Grid.id, Grid.name).where(col(Grid.id).in_([g for g in affected if g is not None]))
        ).all()
    )
    golds = {gid: _is_gold(session, session.get(Grid, gid)) for gid in names}
    counts = tuple(
        GridCount(
            grid_id=gid,
            name=names.get(gid, ""),
            before=before[gid],
            after=after[gid],
            state=grids.band(after[gid], golds.get(gid, False)) if gid is not None else "",
        )
        for gid in affected
    )
    audit.record(
        session,
        "grid.assign",
        actor_id=actor.id,
        community_id=actor.community_id,
        subject=f"grid:{grid.id}",
        before={(c.name or "unassigned"): c.before for c in counts},
        after={(c.name or "unassigned"): c.after for c in counts},
        detail=" ".join(f"{k}={v}" for k, v in describe.items() if v not in (None, ""))
        + f" moved={moving}",
    )
    return MoveResult(moved=moving, grids=counts)


def assign_range(
    session: Session,
    actor: Actor,
    grid_id: int,
    building_id: int,
    *,
    entrance: int | None = None,
    floor_from: int | None = None,
    floor_to: int | None = None,
) -> MoveResult:
    """Move a building's households (optionally one entrance, optionally floors from–to) into a grid."""
    grid = _grid(session, actor, grid_id)
    building = _building(session, actor, building_id)
    where: list = [Household.building_id == building.id]
    if entrance is not None:
        entrance_id = session.exec(
            select(Entrance.id).where(Entrance.building_id == building.id, Entrance.number == entrance)
        ).first()
        if entrance_id is None:
            raise DomainError("grid.entrance_not_found", building=building.name, entrance=entrance)
        where.append(Household.entrance_id == entrance_id)
    for value in (floor_from, floor_to):
        if value is not None and not 1 <= value <= max(building.floors, 1):
            raise DomainError("grid.floor_out_of_range", building=building.name, max=building.floors)
    if floor_from is not None and floor_to is not None and floor_to < floor_from:
        raise DomainError("grid.floor_order")
    if floor_from is not None:
        where.append(Household.floor >= floor_from)
    if floor_to is not None:
        where.append(Household.floor <= floor_to)
    return _move(
        session, actor, grid, where,
        {"building": building.name, "entrance": entrance, "from": floor_from, "to": floor_to},
    )


def assign_households(session: Session, actor: Actor, grid_id: int, household_ids: list[int]) -> MoveResult:
    """Move households chosen one by one into a grid."""
    grid = _grid(session, actor, grid_id)
    ids = sorted({int(h) for h in household_ids})
    if not ids:
        raise DomainError("grid.no_households", grid=grid.name)
    if len(ids) > MAX_IDS:
        raise DomainError("grid.too_many", max=MAX_IDS)
    found = session.exec(
        select(func.count()).select_from(Household).where(
            col(Household.id).in_(ids), Household.community_id == actor.community_id
        )
    ).one()
    if found != len(ids):
        raise DomainError("grid.household_not_found")
    return _move(session, actor, grid, [col(Household.id).in_(ids)], {"households": len(ids)})


def find_household(
    session: Session, actor: Actor, building_id: int, room: str, entrance: int | None = None
) -> int:
    """The id of the household `room` in a building (entrance needed when the room repeats)."""
    _check(actor)
    building = _building(session, actor, building_id)
    room = clean_text(room, field="room", max_length=10)
    stmt = (
        select(Household.id, Entrance.number)
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(Household.building_id == building.id, Household.room == room)
    )
    if entrance is not None:
        stmt = stmt.where(Entrance.number == entrance)
    rows = session.exec(stmt).all()
    if not rows:
        raise DomainError("grid.room_not_found", building=building.name, room=room)
    if len(rows) > 1:
        raise DomainError(
            "grid.room_ambiguous", building=building.name, room=room,
            entrances="、".join(str(n) for _, n in sorted(rows, key=lambda r: r[1])),
        )
    return rows[0][0]


def move_household(
    session: Session, actor: Actor, grid_id: int, building_id: int, room: str,
    entrance: int | None = None,
) -> MoveResult:
    """Move one household, named by building (+ entrance) and room, into a grid."""
    hid = find_household(session, actor, building_id, room, entrance)
    return assign_households(session, actor, grid_id, [hid])


def breakdown(session: Session, actor: Actor, grid_id: int) -> list[Breakdown]:
    """A grid's households counted per building entrance (with the floors they span)."""
    grid = _grid(session, actor, grid_id)
    rows = session.exec(
        select(
            Building.id, Building.name, Entrance.number, func.count(),
            func.min(Household.floor), func.max(Household.floor),
        )
        .join(Building, col(Building.id) == col(Household.building_id))
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(Household.grid_id == grid.id)
        .group_by(Building.id, Building.name, Entrance.number)
    ).all()
    out = [
        Breakdown(
            building_id=bid, building=bname, entrance=eno, households=n,
            floors=f"{lo}" if lo == hi else f"{lo}-{hi}",
        )
        for bid, bname, eno, n, lo, hi in rows
    ]
    return sorted(out, key=lambda b: (grids.building_key(b.building), b.entrance))


def buildings_of(session: Session, actor: Actor) -> list[tuple[int, str, int, int]]:
    """(id, name, entrances, floors) of the community's buildings, for pickers."""
    _check(actor)
    rows = session.exec(
        select(Building.id, Building.name, func.count(col(Entrance.id)), Building.floors)
        .join(Entrance, col(Entrance.building_id) == col(Building.id), isouter=True)
        .where(Building.community_id == actor.community_id)
        .group_by(Building.id, Building.name, Building.floors)
    ).all()
    return sorted(rows, key=lambda r: grids.building_key(r[1]))


# --- the butler ------------------------------------------------------------------------

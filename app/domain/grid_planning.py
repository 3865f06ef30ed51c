"""Grid planning: households to grids, the grid's butler, leave cover, the poster QR, the butler photo.

Everything here is done by a supervisor or admin (permission "grid.plan") inside
their own community; every change is audited. The resident page (`resident_card`)
is public: it is reached by the signed QR token on the grid poster and shows the
butler's contact, never anything about residents.

Sizing follows `app.domain.grids`: a change that would take a grid above 400
households is refused unless its butler is a gold butler; a grid left under 350
is allowed and flagged.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app import settings
from app.db.models import (
    Building,
    Community,
    Entrance,
    Grid,
    GridCover,
    GridPoster,
    Household,
    Staff,
    StaffRole,
)
from app.domain import audit, clock, evidence, grids, rate_limits, tokens
from app.domain import staff as staff_rules
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text

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


@dataclass(frozen=True)
class CoverRow:
    id: int
    deputy_id: int
    deputy_name: str
    starts_on: date
    ends_on: date
    reason: str
    status: str  # active / upcoming / ended / cancelled


@dataclass(frozen=True)
class Deputy:
    name: str
    phone: str
    until: date


@dataclass(frozen=True)
class ResidentCard:
    """What the public resident page shows. Nothing about residents."""

    state: str  # ok / outdated / invalid
    community_name: str = ""
    front_desk_phone: str = ""
    grid_name: str = ""
    butler_name: str = ""
    butler_phone: str = ""
    butler_gold: bool = False
    butler_photo: bool = False
    # the route of the photo (to be signed by the caller), "" without one
    butler_photo_path: str = ""
    service_hours: str = ""
    buildings: tuple[str, ...] = field(default_factory=tuple)
    deputy: Deputy | None = None


# --- helpers ---------------------------------------------------------------------------


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


def cover_on(session: Session, grid_id: int, day: date) -> GridCover | None:
    """The cover of a grid in force on `day` (local date), if any."""
    return session.exec(
        select(GridCover)
        .where(
            GridCover.grid_id == grid_id,
            col(GridCover.cancelled_at).is_(None),
            GridCover.starts_on <= day,
            GridCover.ends_on >= day,
        )
        .order_by(col(GridCover.id).desc())
    ).first()


# --- the poster QR ---------------------------------------------------------------------


def poster_version(session: Session, grid_id: int) -> int:
    row = session.get(GridPoster, grid_id)
    return row.version if row else 1


def poster_token(session: Session, grid: Grid) -> str:
    """The token the poster's QR carries (no expiry; rotating the version voids it)."""
    return tokens.sign(
        TOKEN_KIND, grid.id, version=poster_version(session, grid.id),
        community_id=grid.community_id,
    )


def resident_path(token: str) -> str:
    return f"/r/{token}"


def resident_url(session: Session, actor: Actor, grid_id: int, base_url: str) -> str:
    """The full address the poster's QR opens."""
    grid = _grid(session, actor, grid_id)
    return base_url.rstrip("/") + resident_path(poster_token(session, grid))


def rotate_poster(session: Session, actor: Actor, grid_id: int) -> int:
    """Issue a new QR version: every poster printed before shows "out of date". Returns it."""
    grid = _grid(session, actor, grid_id)
    row = session.get(GridPoster, grid.id)
    if row is None:
        row = GridPoster(grid_id=grid.id, version=1)
    before = row.version
    row.version = before + 1
    row.rotated_at = clock.now()
    row.rotated_by = actor.id
    session.add(row)
    session.flush()
    audit.record(
        session, "grid.poster.rotate", actor_id=actor.id, community_id=actor.community_id,
        subject=f"grid:{grid.id}", before={"version": before}, after={"version": row.version},
    )
    return row.version


def _buildings_of_grid(session: Session, grid_id: int) -> tuple[str, ...]:
    names = session.exec(
        select(Building.name)
        .join(Household, col(Household.building_id) == col(Building.id))
        .where(Household.grid_id == grid_id)
        .group_by(Building.name)
    ).all()
    return tuple(sorted(names, key=grids.building_key))


def staff_photo_route(staff_id: int) -> str:
    return f"/api/staff/{staff_id}/photo.jpg"


def _log_card_refusal(session: Session, client: str, **fields) -> None:
    """Audit a refused poster token; with a `client`, at most once a minute per client and kind
    of refusal (malformed, forged, out of date, ...), so a flood of junk tokens writes a row or two."""
    key = f"{fields['error'].key}:{client}"
    if client and not rate_limits.first_in_window(session, "audit:token.refused", key, audit.BOUND_EVERY):
        return
    tokens.log_refusal(session, **fields)


def resident_card(session: Session, raw_token: str, client: str = "") -> ResidentCard:
    """The public resident page behind a poster's QR. Refusals are audited (no actor).

    `client` (the hashed address of an anonymous browser) bounds those entries to one a
    minute per client: a tab cycling junk tokens must not flood the log."""
    try:
        claims = tokens.verify(raw_token or "", expect_kind=TOKEN_KIND)
    except tokens.TokenError as err:
        _log_card_refusal(
            session, client, error=err, kind=TOKEN_KIND, actor_id=None, community_id=None,
            raw=(raw_token or "")[:2048],
        )
        return ResidentCard(state=CARD_INVALID)
    grid = session.get(Grid, claims.subject_id)
    if grid is None or grid.community_id != claims.community_id:
        err = tokens.TokenError(tokens.MALFORMED)
        _log_card_refusal(
            session, client, error=err, kind=TOKEN_KIND, actor_id=None,
            community_id=claims.community_id, raw=raw_token,
        )
        return ResidentCard(state=CARD_INVALID)
    community = session.get(Community, grid.community_id)
    assert community is not None
    try:
        tokens.check_version(claims, poster_version(session, grid.id))
    except tokens.TokenError as err:
        _log_card_refusal(
            session, client, error=err, kind=TOKEN_KIND, actor_id=None,
            community_id=grid.community_id, raw=raw_token,
        )
        return ResidentCard(
            state=CARD_OUTDATED, community_name=community.name,
            front_desk_phone=community.front_desk_phone,
        )
    butler = session.get(Staff, grid.butler_id) if grid.butler_id else None
    if butler is not None and not butler.active:
        butler = None
    deputy = None
    cover = cover_on(session, grid.id, clock.today())
    if cover is not None:
        person = session.get(Staff, cover.deputy_id)
        if person is not None and person.active:
            deputy = Deputy(name=person.name, phone=person.phone, until=cover.ends_on)
    has_photo = bool(butler and butler.photo_path)
    return ResidentCard(
        state=CARD_OK,
        community_name=community.name,
        front_desk_phone=community.front_desk_phone,
        grid_name=grid.name,
        butler_name=butler.name if butler else "",
        butler_phone=butler.phone if butler else "",
        butler_gold=bool(butler and butler.is_gold_butler),
        butler_photo=has_photo,
        butler_photo_path=staff_photo_route(butler.id) if butler and has_photo else "",
        service_hours=community.service_hours,
        buildings=_buildings_of_grid(session, grid.id),
        deputy=deputy,
    )


def poster_data_for(session: Session, grid_id: int, base_url: str, *, root: Path | None = None):
    """The poster's content for a grid (no role check: callers check, e.g. by a signed link)."""
    from app.pdf.grid_docs import PosterData

    grid = session.get(Grid, grid_id)
    if grid is None:
        raise DomainError("grid.not_found")
    community = session.get(Community, grid.community_id)
    assert community is not None
    butler = session.get(Staff, grid.butler_id) if grid.butler_id else None
    photo = read_staff_photo(butler, root=root) if butler else None
    day = clock.today()
    cover = cover_on(session, grid.id, day) or session.exec(
        select(GridCover)
        .where(GridCover.grid_id == grid.id, col(GridCover.cancelled_at).is_(None), GridCover.starts_on > day)
        .order_by(GridCover.starts_on)
    ).first()
    note = ""
    if cover is not None:
        deputy = session.get(Staff, cover.deputy_id)
        if deputy is not None:
            from app.i18n import translate

            note = translate(
                "zh", "grid.poster.deputy_note",
                starts=f"{cover.starts_on.month}月{cover.starts_on.day}日",
                ends=f"{cover.ends_on.month}月{cover.ends_on.day}日",
                name=deputy.name, phone=deputy.phone,
            )
    return PosterData(
        community_name=community.name,
        grid_name=grid.name,
        butler_name=butler.name if butler else "",
        butler_phone=butler.phone if butler else "",
        butler_photo=photo,
        is_gold_butler=bool(butler and butler.is_gold_butler),
        service_hours=community.service_hours,
        buildings=list(_buildings_of_grid(session, grid.id)),
        front_desk_phone=community.front_desk_phone,
        resident_url=base_url.rstrip("/") + resident_path(poster_token(session, grid)),
        deputy_note=note,
        generated_at=clock.local(clock.now()).strftime("%Y-%m-%d %H:%M"),
    )


def poster_data(session: Session, actor: Actor, grid_id: int, base_url: str, *, root: Path | None = None):
    """The poster's content (`app.pdf.grid_docs.PosterData`) for a grid of the actor's community."""
    _grid(session, actor, grid_id)
    return poster_data_for(session, grid_id, base_url, root=root)


# --- the butler's photo ----------------------------------------------------------------


def photo_root() -> Path:
    return settings.DATA_DIR


def read_staff_photo(staff: Staff, *, root: Path | None = None) -> bytes | None:
    """The stored photo's bytes, or None without one (or when the file is gone)."""
    if not staff.photo_path:
        return None
    path = (root or photo_root()) / staff.photo_path
    try:
        return path.read_bytes()
    except OSError:
        return None


def staff_photo_file(session: Session, staff_id: int, *, root: Path | None = None) -> Path | None:
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.photo_path:
        return None
    path = (root or photo_root()) / staff.photo_path
    return path if path.is_file() else None


def square_photo(data: bytes) -> bytes:
    """Checked (evidence pipeline's rules), upright, centre-cropped square, 600 px JPEG."""
    if len(data) > evidence.MAX_BYTES:
        raise DomainError("evidence.too_large", max_mb=evidence.MAX_BYTES // (1024 * 1024))
    if not data:
        raise DomainError("evidence.not_image")
    fmt = evidence.sniff(data)
    img, _claimed = evidence._decode(data, fmt)  # upright RGB, ≤1600 px, pixel bombs refused
    img = ImageOps.fit(img, (PHOTO_PX, PHOTO_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def set_staff_photo(
    session: Session, actor: Actor, staff_id: int, data: bytes, *, root: Path | None = None
) -> tuple[str, str]:
    """Store a staff member's photo (for the poster and resident page). Returns (new, previous) paths.

    The file is written atomically before the row changes; the previous file is the
    caller's to delete after the commit (`remove_photo_file`), so a rolled-back
    change never loses the photo still in use.
    """
    _check(actor)
    staff = session.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if staff is None or staff.community_id != actor.community_id:
        raise DomainError("staff.not_found")
    jpeg = square_photo(data)
    digest = hashlib.sha256(jpeg).hexdigest()
    rel = f"{PHOTO_DIR}/{staff.id}-{digest[:20]}.jpg"
    base = root or photo_root()
    evidence.write_atomic(base / rel, jpeg)
    previous = staff.photo_path
    staff.photo_path = rel
    session.add(staff)
    session.flush()
    audit.record(
        session, "staff.photo", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{staff.id}", before={"photo": previous or None},
        after={"photo": rel, "sha256": digest, "bytes_received": len(data)},
    )
    return rel, previous


def remove_photo_file(session: Session, rel: str, *, root: Path | None = None) -> bool:
    """Delete a photo file no staff row points at any more (after the commit). True if removed."""
    if not rel or not rel.startswith(PHOTO_DIR + "/") or ".." in rel:
        return False
    if session.exec(select(Staff.id).where(Staff.photo_path == rel)).first() is not None:
        return False
    path = (root or photo_root()) / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


__all__ = [
    "Breakdown", "CoverRow", "Deputy", "GridCount", "MoveResult", "ResidentCard",
    "add_cover", "assign_households", "assign_range", "breakdown", "buildings_of",
    "cancel_cover", "cover_on", "covers_of", "find_household", "grid_staff_options",
    "move_household", "poster_data", "poster_data_for", "poster_token", "poster_version",
    "remove_photo_file", "resident_card", "resident_url", "rotate_poster", "set_butler",
    "set_staff_photo", "square_photo", "staff_photo_file",
]

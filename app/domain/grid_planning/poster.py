"""The grid poster's QR: its signed token, rotation (old posters then read as outdated) and the public resident card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from app.db.models import (
    Building,
    Community,
    Grid,
    GridCover,
    GridPoster,
    Household,
    Staff,
)
from app.domain import audit, clock, grids, rate_limits, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.grid_planning.common import CARD_INVALID, CARD_OK, CARD_OUTDATED, TOKEN_KIND, _grid
from app.domain.grid_planning.photos import read_staff_photo, staff_photo_route
from app.domain.grid_planning.staffing import Deputy, cover_on


@dataclass(frozen=True)
class PosterData:
    """What the grid poster shows; plain values gathered by the caller."""

    community_name: str
    grid_name: str
    butler_name: str
    butler_phone: str
    butler_photo: bytes | None  # JPEG/PNG bytes; None or unreadable -> a neutral silhouette
    is_gold_butler: bool
    service_hours: str  # e.g. "08:00–20:00"
    buildings: list[str]  # e.g. ["1栋", "2栋"]
    front_desk_phone: str
    resident_url: str  # the full URL the QR encodes
    generated_at: str
    deputy_note: str = ""  # a ready note, e.g. "6月1日–6月7日 由 王芳 代管"; else drawn from `cover`
    cover: PosterCover | None = None  # the leave cover in force or next to come


@dataclass(frozen=True)
class PosterCover:
    """A leave cover the poster announces: who answers for the grid, from when to when."""

    starts_on: date
    ends_on: date
    name: str
    phone: str


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
    announced = None
    if cover is not None:
        deputy = session.get(Staff, cover.deputy_id)
        if deputy is not None:
            announced = PosterCover(cover.starts_on, cover.ends_on, deputy.name, deputy.phone)
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
        cover=announced,
        generated_at=clock.local(clock.now()).strftime("%Y-%m-%d %H:%M"),
    )


def poster_data(session: Session, actor: Actor, grid_id: int, base_url: str, *, root: Path | None = None):
    """The poster's content (`PosterData`, drawn by `app.pdf.grid_docs`) for a grid of the actor's community."""
    _grid(session, actor, grid_id)
    return poster_data_for(session, grid_id, base_url, root=root)


# --- the butler's photo ----------------------------------------------------------------

"""Finding a household from what a person types: "3-1-502", "3栋1单元502", "3栋 502".

The front desk and the resident page name a household by building, entrance
and room; this module turns that into the household row (and its grid) and
back into the label every screen shows.
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from app.db.models import Building, Entrance, Household
from app.domain.errors import DomainError
from app.domain.validation import bounded

# the longest text that names a household ("12号楼 3单元 1502室" with room to spare)
MAX_TEXT = 40

# building [separator] (entrance [separator])? room, on text whose whitespace runs are one
# space: each optional space and separator can match in at most one way, so the match is
# linear (the old `\s*(?:...|\s)\s*` could split one run of spaces in n² ways, n³ with the
# entrance: 4,000 spaces took 1.5 s)
_PATTERN = re.compile(
    r"([0-9]{1,3}) ?(?:栋|号楼|幢|#|-| ) ?(?:([0-9]{1,2}) ?(?:单元|-| ) ?)?([0-9]{3,5}) ?(?:室|号)?"
)
_SPACES = re.compile(r"\s+")


def parse(text: str) -> tuple[int, int | None, str]:
    """(building number, entrance number or None, room) from typed text; DomainError if unreadable.

    The text's length is bounded before anything reads it (`validation.bounded`).
    """
    raw = bounded(text, MAX_TEXT, field="household")
    norm = _SPACES.sub(" ", unicodedata.normalize("NFKC", raw)).strip()
    m = _PATTERN.fullmatch(norm)
    if not m:
        raise DomainError("household.unreadable")
    entrance = int(m.group(2)) if m.group(2) else None
    return int(m.group(1)), entrance, m.group(3)


def find(session: Session, community_id: int, text: str, *, grid_id: int | None = None) -> Household:
    """The household `text` names in this community (and grid, when given).

    Without an entrance number the room must be unique in the building, else
    the person is asked to add it.
    """
    number, entrance, room = parse(text)
    stmt = (
        select(Household)
        .join(Building, col(Building.id) == col(Household.building_id))
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(
            Household.community_id == community_id,
            Building.name == f"{number}栋",
            Household.room == room,
        )
    )
    if entrance is not None:
        stmt = stmt.where(Entrance.number == entrance)
    if grid_id is not None:
        stmt = stmt.where(Household.grid_id == grid_id)
    rows = session.exec(stmt.limit(2)).all()
    if not rows:
        raise DomainError("household.not_found")
    if len(rows) > 1:
        raise DomainError("household.need_entrance")
    return rows[0]


def _address(session: Session, household_id: int | None) -> tuple[str, int, str] | None:
    """(building name, entrance number, room) of a household; None for none."""
    if household_id is None:
        return None
    row = session.exec(
        select(Building.name, Entrance.number, Household.room)
        .join(Building, col(Building.id) == col(Household.building_id))
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(Household.id == household_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def label(session: Session, household_id: int | None) -> str:
    """"3栋 1单元 502" for a household, "" for none."""
    found = _address(session, household_id)
    if found is None:
        return ""
    building, entrance, room = found
    return f"{building} {entrance}单元 {room}"


def typed(session: Session, household_id: int | None) -> str:
    """The household as a resident types it on the poster form ("3-2-1601"), read back by `parse`;
    "" for none, or when it could not be read back."""
    found = _address(session, household_id)
    if found is None:
        return ""
    building, entrance, room = found
    text = f"{building.removesuffix('栋')}-{entrance}-{room}"
    try:
        parse(text)
    except DomainError:
        return ""
    return text


def labels(session: Session, household_ids: set[int]) -> dict[int, str]:
    """Labels of many households in one query."""
    if not household_ids:
        return {}
    rows = session.exec(
        select(Household.id, Household.room, Building.name, Entrance.number)
        .join(Building, col(Building.id) == col(Household.building_id))
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(col(Household.id).in_(household_ids))
    ).all()
    return {hid: f"{b} {e}单元 {room}" for hid, room, b, e in rows if hid is not None}

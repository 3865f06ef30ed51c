"""SQLModel tables of the community and its staff.

Names follow `shared/domain/glossary.md`. Times are aware UTC datetimes from
`app.domain.clock` (SQLModel refuses naive ones). Rules about these rows live in `app.domain`, not here.
Schema changes go through Alembic (`reflex db makemigrations`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Community(SQLModel, table=True):
    """One managed residential estate (项目 / 小区)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    code: str = Field(max_length=20, unique=True)
    address: str = Field(default="", max_length=200)
    front_desk_phone: str = Field(default="", max_length=20)
    service_hours: str = Field(default="", max_length=40)


class Building(SQLModel, table=True):
    """A building (楼栋) of a community."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=20)
    floors: int = 1


class Entrance(SQLModel, table=True):
    """A stairwell / entrance (单元) of a building."""

    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    number: int = 1


class Grid(SQLModel, table=True):
    """A set of households owned by one butler (网格)."""

    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=40)
    butler_id: int | None = Field(default=None, foreign_key="staff.id", index=True)


class Household(SQLModel, table=True):
    """One flat (房屋 / 户): the unit of grid sizing."""

    __table_args__ = (UniqueConstraint("entrance_id", "room"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    entrance_id: int = Field(foreign_key="entrance.id", index=True)
    floor: int
    room: str = Field(max_length=10)
    area_m2: float = 0.0
    # occupied / vacant / renovating (see app.domain.households.OCCUPANCY)
    occupancy: str = Field(default="occupied", max_length=12)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)


class Resident(SQLModel, table=True):
    """A person living in or owning a household (业主 / 住户)."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    name: str = Field(max_length=40)
    phone: str = Field(default="", max_length=20, index=True)
    # owner / tenant
    role: str = Field(default="owner", max_length=10)


class Staff(SQLModel, table=True):
    """A member of the service team; signs in with phone and password."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)
    name: str = Field(max_length=40)
    phone: str = Field(max_length=20, unique=True)
    password_hash: str = Field(max_length=200)
    photo_path: str = Field(default="", max_length=200)
    is_gold_butler: bool = False
    active: bool = True
    must_change_password: bool = False
    language: str = Field(default="zh", max_length=5)
    created_at: datetime


class StaffRole(SQLModel, table=True):
    """One role held by a staff member (a person may hold several)."""

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    role: str = Field(max_length=24, primary_key=True)


class AuthSession(SQLModel, table=True):
    """A signed-in device. Only the SHA-256 of its token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Append-only record of every state change and every refusal.

    `subject` is a short key the entry is about (a phone number for sign-in
    attempts, "staff:12" for a staff row); it is indexed with `action` and
    `at` so throttling and history look-ups stay cheap.
    """

    __table_args__ = (Index("ix_auditentry_action_subject_at", "action", "subject", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    community_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60)
    subject: str = Field(default="", max_length=64)
    # ok / refused / failed
    outcome: str = Field(default="ok", max_length=10)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    detail: str = Field(default="", max_length=200)


class EvidencePhoto(SQLModel, table=True):
    """One photo kept as evidence (patrols, requests, renovations): append-only.

    `subject_kind` + `subject_id` name what the photo is about (e.g. "patrol", 12).
    Files live under the evidence root (never under assets/ or the upload dir);
    the two paths are relative to it. A supervisor may hide a photo, never delete it.
    """

    __table_args__ = (Index("ix_evidencephoto_subject", "subject_kind", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    subject_kind: str = Field(max_length=24)
    subject_id: int
    author_id: int = Field(foreign_key="staff.id", index=True)
    place: str = Field(default="", max_length=120)
    # when the server received the bytes (clock.now())
    received_at: datetime
    # what the phone claims (EXIF DateTimeOriginal; its offset, else the community zone)
    claimed_at: datetime | None = None
    sha256_original: str = Field(max_length=64, index=True)
    sha256_derivative: str = Field(max_length=64)
    # size of the stored derivative (after orientation)
    width: int
    height: int
    bytes_original: int
    path_derivative: str = Field(max_length=200)
    path_thumb: str = Field(max_length=200)
    hidden: bool = False
    hidden_by: int | None = Field(default=None, foreign_key="staff.id")
    hidden_at: datetime | None = None
    hidden_reason: str = Field(default="", max_length=200)

"""SQLModel tables of the community and its staff.

Names follow `shared/domain/glossary.md`. Times are aware UTC datetimes from
`app.domain.clock` (SQLModel refuses naive ones). Rules about these rows live in `app.domain`, not here.
Request and notice-board tables live in `app.db.request_tables` and are
re-exported here. Schema changes go through Alembic (`reflex db makemigrations`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db.notify_tables import (  # noqa: F401  (one registry of tables)
    GridWebhook,
    NotifyPreference,
    OutboxMessage,
    PushSubscription,
)
from app.db.renovation_tables import (  # noqa: F401  (one registry of tables)
    GateScan,
    GoodsPass,
    HotWorkPermission,
    PrintedCode,
    Rectification,
    RenovationApplication,
    RenovationApproval,
    RenovationWorker,
    SiteCheck,
    SiteCheckItem,
    StageGate,
    Visitor,
    WorkerPass,
)
from app.db.request_tables import (  # noqa: F401  (one registry of tables)
    Announcement,
    AnnouncementLink,
    FollowUp,
    ImprovementPlan,
    QueueLook,
    RequestEvent,
    RequestLimits,
    RequestTerm,
    ServiceRequest,
    StaffAlert,
)


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


class RateCounter(SQLModel, table=True):
    """One counter of `app.domain.rate_limits`: how often `key` did `scope` in one time bucket.

    Incremented by one atomic upsert (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`),
    so concurrent workers never both see room for one last attempt; the row also serves
    as the lock that serialises a key's transactions. `bucket` is epoch seconds // the
    window; `expires` (epoch seconds) lets old rows be purged.
    """

    scope: str = Field(primary_key=True, max_length=40)
    key: str = Field(primary_key=True, max_length=64)
    bucket: int = Field(primary_key=True, sa_type=BigInteger)
    count: int = 0
    expires: int = Field(sa_type=BigInteger, index=True)


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
    # None: a resident's photo through the private link of their request
    author_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
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
    # set by the phone, so that a retried upload is stored once
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


# --- grids: leave cover and the poster token ------------------------------------------


class GridCover(SQLModel, table=True):
    """A deputy who covers a grid for a date range (leave cover, 代管).

    Dates are local calendar days, both ends included. A cancelled cover keeps its row.
    """

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    deputy_id: int = Field(foreign_key="staff.id", index=True)
    starts_on: date
    ends_on: date
    reason: str = Field(default="", max_length=120)
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime
    cancelled_at: datetime | None = None


class GridPoster(SQLModel, table=True):
    """The version of a grid's poster QR: rotating it makes old posters out of date."""

    grid_id: int = Field(foreign_key="grid.id", primary_key=True)
    version: int = 1
    rotated_at: datetime | None = None
    rotated_by: int | None = Field(default=None, foreign_key="staff.id")


# --- patrols ---------------------------------------------------------------------------


class ChecklistTemplate(SQLModel, table=True):
    """One line of a community's checklist template (hygiene, public order, facilities).

    New checkpoints copy the active lines; each checkpoint's copy is then its own.
    """

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    # hygiene / order / facilities (app.domain.patrols.CATEGORIES)
    category: str = Field(max_length=12)
    text: str = Field(max_length=80)
    position: int = 0
    active: bool = True


class Checkpoint(SQLModel, table=True):
    """A place on a grid's patrol route, tagged with a QR code (巡查点).

    `code` is the short code printed under the QR (typed when the camera fails);
    `version` is signed into the QR token, so reprinting a tag voids the old one.
    """

    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    name: str = Field(max_length=40)
    place: str = Field(default="", max_length=80)
    latitude: float | None = None
    longitude: float | None = None
    code: str = Field(max_length=8)
    version: int = 1
    position: int = 0
    active: bool = True


class ChecklistItem(SQLModel, table=True):
    """One thing to check at a checkpoint."""

    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    category: str = Field(max_length=12)
    text: str = Field(max_length=80)
    position: int = 0
    active: bool = True


class PatrolRoute(SQLModel, table=True):
    """An ordered walk through some of a grid's checkpoints."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    name: str = Field(max_length=40)
    active: bool = True


class RouteStop(SQLModel, table=True):
    """A checkpoint on a route, in walking order."""

    route_id: int = Field(foreign_key="patrolroute.id", primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", primary_key=True)
    position: int = 0


class PatrolPlan(SQLModel, table=True):
    """When a route is due: daily, weekly (once in the ISO week) or on given weekdays.

    `weekdays` holds ISO weekday digits ("135" = Mon, Wed, Fri) for cadence
    "weekdays". `due_by` is the local time of day by which the patrol counts as on time.
    """

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    route_id: int = Field(foreign_key="patrolroute.id", index=True)
    cadence: str = Field(max_length=10)
    weekdays: str = Field(default="", max_length=7)
    due_by: str = Field(default="18:00", max_length=5)
    active: bool = True
    created_at: datetime


class Patrol(SQLModel, table=True):
    """One walk of a route (巡查记录). Server time is the record.

    `period_start` is the local day (daily / weekdays) or the Monday (weekly) the
    walk is due for. `client_id` makes a retried start apply once.
    """

    __table_args__ = (Index("ix_patrol_grid_period", "grid_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    grid_id: int = Field(foreign_key="grid.id")
    route_id: int = Field(foreign_key="patrolroute.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="patrolplan.id", index=True)
    period_start: date
    walker_id: int = Field(foreign_key="staff.id", index=True)
    started_at: datetime
    finished_at: datetime | None = None
    # in_progress / finished
    status: str = Field(default="in_progress", max_length=12)
    late: bool = False
    missed: int = 0
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # walked (partly) offline, sent later from the phone's outbox; the phone's clock was off
    offline: bool = False
    clock_off: bool = False
    finished_phone_at: datetime | None = None  # the phone's time of the finish tap


class PatrolVisit(SQLModel, table=True):
    """A checkpoint scanned during a patrol; visited once a photo taken there is added."""

    __table_args__ = (UniqueConstraint("patrol_id", "checkpoint_id"),)

    id: int | None = Field(default=None, primary_key=True)
    patrol_id: int = Field(foreign_key="patrol.id", index=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    scanned_at: datetime
    # scan / typed
    method: str = Field(default="scan", max_length=8)
    photos: int = 0
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # `scanned_at` is the server's receipt; the phone's own time of the tap beside it
    phone_at: datetime | None = None
    offline: bool = False  # reached the server later than it was made (queued on the phone)
    clock_off: bool = False  # the phone's clock was off by more than APP_CLOCK_MARGIN_MINUTES


class PatrolCheck(SQLModel, table=True):
    """A ticked checklist item at a visited checkpoint: pass or fail, with a note."""

    __table_args__ = (UniqueConstraint("visit_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="patrolvisit.id", index=True)
    item_id: int = Field(foreign_key="checklistitem.id")
    passed: bool
    note: str = Field(default="", max_length=200)
    at: datetime
    work_order_id: int | None = Field(default=None, foreign_key="workorder.id")
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    phone_at: datetime | None = None  # the phone's time of the tick (`at` is the server's)


class WorkOrder(SQLModel, table=True):
    """A job for a department that came out of a finding (工单), with a due time."""

    __table_args__ = (Index("ix_workorder_community_status", "community_id", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    # cleaning / security / engineering / technician (app.domain.work_orders.DEPARTMENTS)
    department: str = Field(max_length=12)
    title: str = Field(max_length=80)
    detail: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=120)
    # where it came from, e.g. "patrol_check"
    source_kind: str = Field(default="", max_length=24)
    source_id: int | None = None
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime
    due_at: datetime
    # open / done / cancelled
    status: str = Field(default="open", max_length=10)
    closed_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)

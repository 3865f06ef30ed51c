"""SQLModel tables of renovations (二次装修) and the gate (门岗).

`RenovationApplication` is one application and, once signed off, the
renovation it permits (permit version, deposit, letter, completion, revisit,
refund); `RenovationApproval` one decision of the three-level approval;
`RenovationWorker` and `WorkerPass` the workers and their passes;
`SiteCheck` + `SiteCheckItem` a check on site with the handbook's list,
`Rectification` what a violation leads to; `StageGate` the waterproofing and
concealed-works inspections; `HotWorkPermission` a hot-work window.
`GateScan`, `GoodsPass` and `Visitor` are the gate's records; `PrintedCode` the short code
printed beside a pass's or a permit's QR.

Money is integer fen (1/100 yuan). Dates are the community's local calendar
days; times are aware UTC datetimes from `app.domain.clock`. Rules about these
rows live in `app.domain.renovations`, `app.domain.renovation_checks` and
`app.domain.gate`. Re-exported by `app.db.models`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class RenovationApplication(SQLModel, table=True):
    """A renovation application (装修申请) and the renovation it becomes once signed off.

    `status` is the approval level it waits for (first_review / second_review /
    sign_off), or returned / rejected / approved (permit issued, works under
    way) / completed (accepted, revisit due) / closed (deposit refunded).
    `round` counts submissions: a return sends it back to the applicant and a
    resubmission starts a new round at first review. `stage` is the works
    stage the stage gates guard (concealed / waterproofing / finishing).
    """

    __table_args__ = (
        Index("ix_renovationapplication_status", "community_id", "status"),
        Index("ix_renovationapplication_household", "household_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    household_id: int = Field(foreign_key="household.id")
    # "3栋 1单元 502", kept so the gate's verdict needs no join
    household_label: str = Field(default="", max_length=40)
    owner_name: str = Field(max_length=40)
    owner_phone: str = Field(max_length=20)
    # the resident who applies when not the owner (a tenant), else ""
    resident_name: str = Field(default="", max_length=40)
    resident_phone: str = Field(default="", max_length=20)
    contractor_company: str = Field(default="", max_length=80)
    contractor_contact: str = Field(max_length=40)
    contractor_phone: str = Field(max_length=20)
    # scope of works
    scope_walls: bool = False
    scope_floors: bool = False
    scope_electrical: bool = False
    scope_plumbing: bool = False
    scope_ceiling: bool = False
    scope_doors_windows: bool = False
    # comma-separated areas of app.domain.renovations.WATERPROOFING_AREAS ("" = none)
    waterproofing_areas: str = Field(default="", max_length=60)
    hot_work: bool = False
    scope_note: str = Field(default="", max_length=300)
    planned_start: date
    planned_end: date
    # local time of day, "HH:MM"
    hours_start: str = Field(default="08:00", max_length=5)
    hours_end: str = Field(default="18:00", max_length=5)
    status: str = Field(default="first_review", max_length=14)
    round: int = 1
    # concealed / waterproofing / finishing (app.domain.renovation_checks.STAGES)
    stage: str = Field(default="concealed", max_length=14)
    submitted_by: int = Field(foreign_key="staff.id")
    submitted_at: datetime
    decided_at: datetime | None = None
    # the permit (装修许可证): number and version signed into its QR; 0 = none issued
    permit_no: str = Field(default="", max_length=20)
    permit_version: int = 0
    permit_issued_at: datetime | None = None
    # the deposit (装修保证金), in fen
    deposit_cents: int = 0
    deposit_receipt_no: str = Field(default="", max_length=40)
    deposit_paid_at: datetime | None = None
    # the responsibility letter (责任书): signing day and the photo of the signed page
    letter_signed_on: date | None = None
    letter_photo_id: int | None = Field(default=None, foreign_key="evidencephoto.id")
    letter_recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    # final acceptance (竣工验收): the checklist as JSON, who and when
    acceptance: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    completed_at: datetime | None = None
    completed_by: int | None = Field(default=None, foreign_key="staff.id")
    # revisit (回访) within two months of completion
    revisit_due: date | None = None
    revisit_at: datetime | None = None
    revisit_by: int | None = Field(default=None, foreign_key="staff.id")
    revisit_note: str = Field(default="", max_length=300)
    # refund = deposit - deductions, recorded after the revisit
    refund_cents: int | None = None
    refunded_at: datetime | None = None
    refunded_by: int | None = Field(default=None, foreign_key="staff.id")
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class RenovationApproval(SQLModel, table=True):
    """One decision of the three-level approval: level, approve / return / reject, reasons.

    Unique per (application, level, round): a double click cannot decide a level twice.
    """

    __table_args__ = (
        UniqueConstraint("application_id", "level", "round", name="uq_renovationapproval_level_round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="renovationapplication.id", index=True)
    # first_review / second_review / sign_off
    level: str = Field(max_length=14)
    round: int
    # approve / return / reject
    decision: str = Field(max_length=8)
    reasons: str = Field(default="", max_length=500)
    by_id: int = Field(foreign_key="staff.id")
    at: datetime


class RenovationWorker(SQLModel, table=True):
    """A construction worker of a renovation. The ID number is stored masked only."""

    __table_args__ = (Index("ix_renovationworker_application", "application_id", "active"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    name: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    # app.domain.renovation_passes.TRADES
    trade: str = Field(max_length=16)
    # e.g. 110***********1234; the full number is never stored
    id_number_masked: str = Field(default="", max_length=24)
    photo_id: int | None = Field(default=None, foreign_key="evidencephoto.id")
    active: bool = True
    added_by: int = Field(foreign_key="staff.id")
    added_at: datetime
    left_at: datetime | None = None
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class WorkerPass(SQLModel, table=True):
    """A worker's pass (施工人员出入证): its QR signs id, version and expiry.

    Revoking sets `revoked_at`; reissuing bumps `version`, so an older card is refused.
    """

    __table_args__ = (
        Index("ix_workerpass_application", "application_id", "revoked_at"),
        Index("ix_workerpass_community_valid", "community_id", "valid_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    worker_id: int = Field(foreign_key="renovationworker.id", index=True)
    version: int = 1
    valid_from: date
    valid_until: date
    issued_by: int = Field(foreign_key="staff.id")
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="staff.id")
    # worker_left / violation / completion / reissued / other
    revoked_reason: str = Field(default="", max_length=120)


class GateScan(SQLModel, table=True):
    """One scan at a gate: guard, gate, time, verdict. Only a hash prefix of the text is kept."""

    __table_args__ = (
        Index("ix_gatescan_community_at", "community_id", "at"),
        Index("ix_gatescan_pass_at", "pass_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    guard_id: int = Field(foreign_key="staff.id")
    gate: str = Field(default="", max_length=40)
    at: datetime
    # app.domain.gate.VERDICTS
    verdict: str = Field(max_length=24)
    pass_id: int | None = Field(default=None, foreign_key="workerpass.id")
    token_hash: str = Field(default="", max_length=16)
    # a scan judged on the phone without signal and sent later (app.domain.gate_snapshot):
    # `at` is then the server's receipt, `verdict` the server's own at the phone's time
    offline: bool = Field(default=False)
    phone_at: datetime | None = None  # the phone's time of the scan
    offline_verdict: str = Field(default="", max_length=24)  # what the phone showed
    snapshot_age_s: int | None = None  # age of the phone's pass list at the scan, seconds
    clock_off: bool = Field(default=False)  # the phone's clock was off by more than the margin
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # how the guard gave it: "qr" (scanned, or a QR's text), "typed" (the printed short code); "" before
    method: str = Field(default="", max_length=8)


class PrintedCode(SQLModel, table=True):
    """The short code printed beside a card's QR (`app.domain.short_codes`): kind, subject, version.

    Unique in the community; one per card (kind, subject, version), so a re-issued pass gets a new
    code and the old card's code names the old version (refused as superseded).
    """

    __table_args__ = (
        UniqueConstraint("community_id", "code", name="uq_printedcode_community_code"),
        UniqueConstraint("kind", "subject_id", "version", name="uq_printedcode_card"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    code: str = Field(max_length=8)
    # pass (a WorkerPass id) / permit (a RenovationApplication id)
    kind: str = Field(max_length=8)
    subject_id: int
    version: int
    issued_at: datetime


class GoodsPass(SQLModel, table=True):
    """Goods moved in or out at the gate (物品放行); out needs the permit's or the owner's word."""

    __table_args__ = (Index("ix_goodspass_community_at", "community_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    household_id: int = Field(foreign_key="household.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="renovationapplication.id")
    items: str = Field(max_length=300)
    # in / out
    direction: str = Field(max_length=4)
    photo_id: int | None = Field(default=None, foreign_key="evidencephoto.id")
    # permit / owner / "" (goods in need none)
    confirmed_by: str = Field(default="", max_length=8)
    # who confirmed for the owner (name), when confirmed_by is "owner"
    confirmed_name: str = Field(default="", max_length=40)
    carrier_name: str = Field(max_length=40)
    carrier_phone: str = Field(default="", max_length=20)
    guard_id: int = Field(foreign_key="staff.id")
    gate: str = Field(default="", max_length=40)
    at: datetime
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # sent later from the phone's outbox: the phone's time of the tap beside `at` (the server's receipt)
    phone_at: datetime | None = None
    offline: bool = False  # made without a connection (queued on the phone)
    clock_off: bool = False  # the phone's clock was off by more than APP_CLOCK_MARGIN_MINUTES
    # let out by the permit the phone's snapshot showed, and the server found none at sync: for the supervisor
    permit_disputed: bool = False


class Visitor(SQLModel, table=True):
    """An outsider registered at the gate (来访登记): who, to which household, in and out."""

    __table_args__ = (Index("ix_visitor_community_in", "community_id", "arrived_at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    name: str = Field(max_length=40)
    phone: str = Field(default="", max_length=20)
    purpose: str = Field(default="", max_length=120)
    guard_id: int = Field(foreign_key="staff.id")
    gate: str = Field(default="", max_length=40)
    arrived_at: datetime
    left_at: datetime | None = None
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # sent later from the phone's outbox: the phone's times of the taps beside the server's receipt times
    phone_at: datetime | None = None
    left_phone_at: datetime | None = None
    offline: bool = False  # arrival or leaving made without a connection
    clock_off: bool = False  # the phone's clock was off by more than APP_CLOCK_MARGIN_MINUTES


class SiteCheck(SQLModel, table=True):
    """A check of a renovation on site with the handbook's checklist (巡查装修)."""

    __table_args__ = (Index("ix_sitecheck_application_at", "application_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    inspector_id: int = Field(foreign_key="staff.id")
    at: datetime
    # the works stage the renovation was in
    stage: str = Field(default="", max_length=14)
    violations: int = 0
    note: str = Field(default="", max_length=300)
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class SiteCheckItem(SQLModel, table=True):
    """One line of a site check: structure, facade, waterproofing, ... ok or a violation."""

    __table_args__ = (UniqueConstraint("check_id", "item", name="uq_sitecheckitem_check_item"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="sitecheck.id", index=True)
    # app.domain.renovation_checks.CHECK_ITEMS
    item: str = Field(max_length=24)
    ok: bool = True
    note: str = Field(default="", max_length=200)


class Rectification(SQLModel, table=True):
    """A rectification notice (限期整改) from a site check's violations.

    open → rectified (re-check passed) or failed (re-check failed: deduction
    recorded, escalated).
    """

    __table_args__ = (
        Index("ix_rectification_application", "application_id", "status"),
        Index("ix_rectification_community_status", "community_id", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    site_check_id: int = Field(foreign_key="sitecheck.id", index=True)
    # comma-separated check items found in violation
    items: str = Field(max_length=160)
    note: str = Field(default="", max_length=300)
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime
    due_at: datetime
    # open / rectified / failed
    status: str = Field(default="open", max_length=10)
    rechecked_at: datetime | None = None
    rechecked_by: int | None = Field(default=None, foreign_key="staff.id")
    recheck_note: str = Field(default="", max_length=300)
    deduction_cents: int = 0
    deduction_reason: str = Field(default="", max_length=200)
    escalated_at: datetime | None = None
    # the deadline whose passing its grid's butler was told of (once per missed deadline:
    # app.domain.renovation.alerting claims it with a conditional UPDATE)
    overdue_noticed_for: datetime | None = None


class StageGate(SQLModel, table=True):
    """An inspection the works wait for: a waterproofing check or a concealed-works item.

    declared (by the contractor, through the desk) → passed or failed (inspected).
    A failed one is declared again after the fix (a new row).
    """

    __table_args__ = (Index("ix_stagegate_application", "application_id", "kind", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    # waterproofing / concealed
    kind: str = Field(max_length=14)
    # a waterproofing area (bathroom, kitchen, balcony) or a concealed-works item
    # (structure, water, heating, electrical)
    item: str = Field(max_length=16)
    declared_by: int = Field(foreign_key="staff.id")
    declared_at: datetime
    declared_note: str = Field(default="", max_length=200)
    # declared / passed / failed
    status: str = Field(default="declared", max_length=10)
    inspected_by: int | None = Field(default=None, foreign_key="staff.id")
    inspected_at: datetime | None = None
    inspection_note: str = Field(default="", max_length=200)


class HotWorkPermission(SQLModel, table=True):
    """A hot-work permission (动火作业许可): a date window and the named fire watch."""

    __table_args__ = (Index("ix_hotworkpermission_application", "application_id", "starts_on"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    application_id: int = Field(foreign_key="renovationapplication.id")
    starts_on: date
    ends_on: date
    fire_watch_name: str = Field(max_length=40)
    fire_watch_phone: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)
    granted_by: int = Field(foreign_key="staff.id")
    granted_at: datetime
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="staff.id")

"""May this trade work here now: one rule (work_allowed) for the permit, the gate and the site
screens; the permit's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from app.db.models import (
    RenovationApplication,
)
from app.domain import clock, short_codes
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation import common as renovations
from app.domain.renovation import passes as renovation_passes
from app.domain.renovation.common import APPROVED, WATERPROOFING, get
from app.domain.renovation.hot_work import hot_work_allowed
from app.domain.renovation.stage_gates import _pending, waterproofing_open

# --- may this trade work here now: one rule for the permit, the gate and the site screens ------

NOT_UNDER_WAY = "renovation.work.not_under_way"
OUTSIDE_HOURS = "renovation.work.outside_hours"
HOLD_INSPECTION = "renovation.hold.inspection"
HOLD_WATERPROOFING = "renovation.hold.waterproofing"
HOT_WORK_NOT_PERMITTED = "renovation.work.hot_work_not_permitted"

@dataclass(frozen=True)
class Site:
    """What the rule needs of a renovation. The gate builds it from its one scan query
    (`inspection_pending` loaded there); elsewhere `Site.of(app)` and the rule asks the database."""

    application_id: int
    status: str
    stage: str
    hours_start: str
    hours_end: str
    waterproofing_areas: str
    inspection_pending: bool | None = None  # None: not loaded yet

    @classmethod
    def of(cls, app: RenovationApplication) -> Site:
        return cls(application_id=app.id or 0, status=app.status, stage=app.stage, hours_start=app.hours_start,
                   hours_end=app.hours_end, waterproofing_areas=app.waterproofing_areas)

@dataclass(frozen=True)
class WorkVerdict:
    """May this trade work here now: yes, or no with the reason as a message key."""

    allowed: bool
    reason: str = ""  # "" when allowed

    @property
    def on_hold(self) -> bool:
        return self.reason in (HOLD_INSPECTION, HOLD_WATERPROOFING)

def _site(app: RenovationApplication | Site) -> Site:
    return app if isinstance(app, Site) else Site.of(app)

def hold(session: Session, app: RenovationApplication | Site) -> str:
    """Why the works must wait, as a message key ("" when they may go on); the permit prints it.

    While an inspection is pending nobody works (停工待验); while the waterproofing stage waits for
    its confirmation only waterproofers do (`work_allowed` applies it per trade)."""
    site = _site(app)
    if site.status != APPROVED:
        return ""
    pending = site.inspection_pending
    if pending is None:
        pending = _pending(session, site.application_id) is not None
    if pending:
        return HOLD_INSPECTION
    if site.stage == WATERPROOFING and waterproofing_open(session, site.application_id, site.waterproofing_areas):
        return HOLD_WATERPROOFING
    return ""

def work_allowed(session: Session, renovation: RenovationApplication | Site, trade: str | None,
                 now: datetime, *, hot_work: bool = False) -> WorkVerdict:
    """May a worker of this trade work on this renovation now? (`trade` None: any trade.)

    Under way, within its daily hours, not on hold (an inspection pending holds everyone; the
    waterproofing stage unconfirmed holds all but waterproofers), and hot work (a hot-work trade,
    or `hot_work` seen by the guard) only on a day with a live permission."""
    site = _site(renovation)
    if site.status != APPROVED:
        return WorkVerdict(False, NOT_UNDER_WAY)
    if not renovations.in_hours(site.hours_start, site.hours_end, now):
        return WorkVerdict(False, OUTSIDE_HOURS)
    reason = hold(session, site)
    if reason == HOLD_INSPECTION or (reason == HOLD_WATERPROOFING
                                     and trade != renovation_passes.WATERPROOFING_TRADE):
        return WorkVerdict(False, reason)
    if (hot_work or trade in renovation_passes.HOT_WORK_TRADES) and not hot_work_allowed(
            session, site.application_id, clock.local(now).date()):
        return WorkVerdict(False, HOT_WORK_NOT_PERMITTED)
    return WorkVerdict(True)

@dataclass(frozen=True)
class PermitView:
    """What the permit on the door shows: number, household, dates, hours, stage, and any hold."""

    application_id: int
    permit_no: str
    version: int
    household: str
    owner_name: str
    contractor: str
    contractor_phone: str
    planned_start: date
    planned_end: date
    hours: str
    stage: str
    hold: str  # message key, "" when works may go on
    hot_work_today: bool
    token: str  # the signed QR text of the permit
    short_code: str = ""  # the code printed beside the QR (grouped, K7QH-4MXP)

def permit(session: Session, actor: Actor, application_id: int) -> PermitView:
    """The permit of a signed-off renovation, with its stage-gate hold (the permit shows it)."""
    app = get(session, actor, application_id)
    if app.permit_version < 1:
        raise DomainError("renovation.no_permit")
    return PermitView(
        application_id=app.id or 0, permit_no=app.permit_no, version=app.permit_version,
        household=app.household_label, owner_name=app.owner_name,
        contractor=app.contractor_company or app.contractor_contact, contractor_phone=app.contractor_phone,
        planned_start=app.planned_start, planned_end=app.planned_end,
        hours=f"{app.hours_start}-{app.hours_end}", stage=app.stage, hold=hold(session, app),
        hot_work_today=hot_work_allowed(session, app.id or 0, clock.today()),
        token=renovation_passes.permit_token(app),
        short_code=short_codes.group(renovation_passes.permit_code(session, app)),
    )

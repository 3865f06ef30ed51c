"""Supervising renovations under way: site checks, rectification, stage gates, hot work, KPIs.

- Site check (butler, engineer, supervisor on the phone): the handbook's list
  (structure, facade, waterproofing, illegal additions, fire safety, hot
  work, hours, noise, waste), each item ok or a violation with a note, photos
  as evidence. Any violation issues a rectification notice with a deadline.
- Re-check: rectified closes the notice; not rectified fails it, records a
  deposit deduction (amount, reason; may be zero) and escalates it.
- Stage gates: works go concealed → waterproofing → finishing. Each
  concealed-works item (structure, water, heating, electrical) is declared
  and inspected before the next one may be declared; the works leave the
  concealed stage only with the items their scope needs passed, and leave
  the waterproofing stage only when every waterproofing area is confirmed.
  While a gate waits, the renovation is on hold (`hold`).
- Hot work needs its own permission: a date window (at most a week, inside
  the planned dates) and a named fire watch; the gate asks `hot_work_allowed`.
- KPIs for the supervisor: violation rate (renovations with a violation per
  household of the community, target < 0.2%), rectification rate (target
  100%), renovations by status and stage, passes active, gate refusals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import (
    GateScan,
    HotWorkPermission,
    Household,
    Rectification,
    RenovationApplication,
    SiteCheck,
    SiteCheckItem,
    StageGate,
    WorkerPass,
)
from app.domain import audit, clock, evidence, grids, renovation_passes, renovations, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.renovations import APPROVED, get
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

CHECK_ITEMS: tuple[str, ...] = (
    "structure", "facade", "waterproofing", "illegal_additions", "fire_safety",
    "hot_work", "hours", "noise", "waste",
)
DEFAULT_DEADLINE_DAYS = 3
MAX_DEADLINE_DAYS = 30

OPEN = "open"
RECTIFIED = "rectified"
FAILED = "failed"

CONCEALED = "concealed"
WATERPROOFING = "waterproofing"
FINISHING = "finishing"
STAGES: tuple[str, ...] = (CONCEALED, WATERPROOFING, FINISHING)
CONCEALED_ITEMS: tuple[str, ...] = ("structure", "water", "heating", "electrical")
DECLARED = "declared"
PASSED = "passed"
GATE_FAILED = "failed"

MAX_HOT_WORK_DAYS = 7
CHECK_PHOTO_KIND = "renovation_check"

VIOLATION_TARGET = 0.002  # fewer than two in a thousand households
RECTIFICATION_TARGET = 1.0


def _under_way(session: Session, actor: Actor, application_id: int) -> RenovationApplication:
    app = get(session, actor, application_id)
    if app.status != APPROVED:
        raise DomainError("renovation.not_under_way")
    return app


# --- site checks and rectification -------------------------------------------------------


def site_check(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    results: dict[str, bool],
    notes: dict[str, str] | None = None,
    note: str = "",
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    client_id: str | None = None,
) -> SiteCheck:
    """Record a check of every item; violations (with a note each) issue a rectification notice."""
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(SiteCheck).where(SiteCheck.client_id == cid)).first()
        if again is not None:
            return again
    app = _under_way(session, actor, application_id)
    if set(results) != set(CHECK_ITEMS) or not all(isinstance(v, bool) for v in results.values()):
        raise DomainError("renovation.check_incomplete")
    notes = notes or {}
    failed = [item for item in CHECK_ITEMS if not results[item]]
    lines = {item: clean_text(notes.get(item, ""), field="note", max_length=200, required=item in failed)
             for item in CHECK_ITEMS}
    if failed and not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise DomainError("renovation.bad_deadline", most=MAX_DEADLINE_DAYS)
    now = clock.now()
    check = SiteCheck(community_id=app.community_id, application_id=app.id, inspector_id=actor.id, at=now,
                      stage=app.stage, violations=len(failed),
                      note=clean_text(note, field="note", max_length=300, required=False), client_id=cid)
    session.add(check)
    session.flush()
    for item in CHECK_ITEMS:
        session.add(SiteCheckItem(check_id=check.id, item=item, ok=results[item], note=lines[item]))
    audit.record(session, "renovation.site_check", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"check": check.id, "violations": failed})
    if failed:
        rect = Rectification(
            community_id=app.community_id, application_id=app.id or 0, site_check_id=check.id or 0,
            items=",".join(failed), note="; ".join(f"{i}: {lines[i]}" for i in failed)[:300],
            created_by=actor.id, created_at=now, due_at=now + timedelta(days=deadline_days),
        )
        session.add(rect)
        session.flush()
        audit.record(session, "renovation.rectification", actor_id=actor.id, community_id=app.community_id,
                     subject=f"renovation:{app.id}", after={"rectification": rect.id, "due_at": rect.due_at})
    session.flush()
    return check


def check_items(session: Session, check_id: int) -> list[SiteCheckItem]:
    return list(session.exec(select(SiteCheckItem).where(SiteCheckItem.check_id == check_id)
                             .order_by(col(SiteCheckItem.id))))


def rectifications(session: Session, actor: Actor, application_id: int) -> list[Rectification]:
    app = get(session, actor, application_id)
    return list(session.exec(select(Rectification).where(Rectification.application_id == app.id)
                             .order_by(col(Rectification.id))))


def deductions(session: Session, application_id: int) -> int:
    """The deposit deductions of a renovation so far, in fen."""
    return session.exec(
        select(func.coalesce(func.sum(Rectification.deduction_cents), 0))
        .where(Rectification.application_id == application_id)
    ).one()


def recheck(
    session: Session,
    actor: Actor,
    rectification_id: int,
    *,
    rectified: bool,
    note: str = "",
    deduction_cents: int = 0,
    deduction_reason: str = "",
) -> Rectification:
    """The re-check of a notice: rectified closes it; not rectified fails it, records the
    deduction from the deposit (amount ≤ what is left of it, a reason when above zero) and
    escalates it. Decided once (a conditional UPDATE on its open status)."""
    rect = session.get(Rectification, rectification_id)
    if rect is None or rect.community_id != actor.community_id:
        raise DomainError("renovation.rectification_not_found")
    if rect.status != OPEN:
        raise DomainError("renovation.rectification_closed")
    app = get(session, actor, rect.application_id)
    text = clean_text(note, field="note", max_length=300, required=not rectified)
    now = clock.now()
    values: dict[str, object] = {"rechecked_at": now, "rechecked_by": actor.id, "recheck_note": text}
    if rectified:
        if deduction_cents:
            raise DomainError("renovation.bad_amount", field="deduction")
        values["status"] = RECTIFIED
    else:
        amount = renovations.check_cents(deduction_cents, "deduction")
        reason = clean_text(deduction_reason, field="reason", max_length=200, required=amount > 0)
        if amount > 0 and not actor.can("renovation.deduct"):
            raise Refused("renovation.deduct_refused")
        left = app.deposit_cents - deductions(session, app.id or 0)
        if amount > left:
            raise DomainError("renovation.deduction_too_large", left=left)
        values.update(status=FAILED, deduction_cents=amount, deduction_reason=reason, escalated_at=now)
    with session.no_autoflush:
        result = session.execute(
            update(Rectification).where(col(Rectification.id) == rect.id, col(Rectification.status) == OPEN)
            .values(**values).execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(rect)
    audit.record(session, "renovation.recheck", actor_id=actor.id, community_id=rect.community_id,
                 subject=f"renovation:{app.id}",
                 after={"rectification": rect.id, "status": rect.status, "deduction": rect.deduction_cents})
    if rect.status == FAILED:
        audit.record(session, "renovation.escalate", actor_id=actor.id, community_id=rect.community_id,
                     subject=f"renovation:{app.id}",
                     after={"rectification": rect.id, "items": rect.items, "reason": rect.deduction_reason})
    return rect


def escalations(session: Session, community_id: int) -> list[Rectification]:
    """Failed re-checks (escalated), newest first: the supervisor's follow-up list."""
    return list(session.exec(
        select(Rectification).where(Rectification.community_id == community_id, Rectification.status == FAILED)
        .order_by(col(Rectification.escalated_at).desc())
    ))


def _check_resolver(session: Session, actor: Actor, check_id: int) -> evidence.SubjectInfo:
    if not actor.can("renovation.check"):
        raise Refused("auth.no_permission")
    check = session.get(SiteCheck, check_id)
    if check is None or check.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    app = get(session, actor, check.application_id)
    return evidence.SubjectInfo(community_id=check.community_id, place=app.household_label)


# --- stage gates ------------------------------------------------------------------------------


def gates(session: Session, application_id: int) -> list[StageGate]:
    return list(session.exec(select(StageGate).where(StageGate.application_id == application_id)
                             .order_by(col(StageGate.id))))


def _pending(session: Session, application_id: int) -> StageGate | None:
    return session.exec(
        select(StageGate).where(StageGate.application_id == application_id, StageGate.status == DECLARED)
    ).first()


def _passed(session: Session, application_id: int, kind: str) -> set[str]:
    rows = session.exec(
        select(StageGate.item).where(StageGate.application_id == application_id, StageGate.kind == kind,
                                     StageGate.status == PASSED)
    ).all()
    return set(rows)


# the items a scope needs: one rule, kept with the application
required_concealed = renovations.required_concealed


def declare(session: Session, actor: Actor, application_id: int, *, kind: str, item: str,
            note: str = "") -> StageGate:
    """The contractor declares an item ready for inspection (through the desk or the engineer).

    One at a time: while a declared item waits for its inspection nothing else is declared.
    """
    app = _under_way(session, actor, application_id)
    if kind == CONCEALED:
        if item not in CONCEALED_ITEMS:
            raise DomainError("renovation.bad_gate")
        if app.stage != CONCEALED:
            raise DomainError("renovation.wrong_stage", stage=app.stage)
        if item in _passed(session, app.id or 0, CONCEALED):
            raise DomainError("renovation.gate_already_passed")
    elif kind == WATERPROOFING:
        if item not in renovations.areas(app):
            raise DomainError("renovation.bad_gate")
        if app.stage != WATERPROOFING:
            raise DomainError("renovation.wrong_stage", stage=app.stage)
        if item in _passed(session, app.id or 0, WATERPROOFING):
            raise DomainError("renovation.gate_already_passed")
    else:
        raise DomainError("renovation.bad_gate")
    if _pending(session, app.id or 0) is not None:
        raise DomainError("renovation.gate_pending")
    gate = StageGate(community_id=app.community_id, application_id=app.id or 0, kind=kind, item=item,
                     declared_by=actor.id, declared_at=clock.now(),
                     declared_note=clean_text(note, field="note", max_length=200, required=False))
    session.add(gate)
    session.flush()
    audit.record(session, "renovation.gate_declare", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"gate": gate.id, "kind": kind, "item": item})
    return gate


def inspect(session: Session, actor: Actor, gate_id: int, *, passed: bool, note: str = "") -> StageGate:
    """Inspect a declared item: passed, or failed with a note (fix it and declare it again)."""
    gate = session.get(StageGate, gate_id)
    if gate is None or gate.community_id != actor.community_id:
        raise DomainError("renovation.gate_not_found")
    if gate.status != DECLARED:
        raise DomainError("renovation.gate_inspected")
    text = clean_text(note, field="note", max_length=200, required=not passed)
    status = PASSED if passed else GATE_FAILED
    with session.no_autoflush:
        result = session.execute(
            update(StageGate).where(col(StageGate.id) == gate.id, col(StageGate.status) == DECLARED)
            .values(status=status, inspected_by=actor.id, inspected_at=clock.now(), inspection_note=text)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(gate)
    audit.record(session, "renovation.gate_inspect", actor_id=actor.id, community_id=gate.community_id,
                 subject=f"renovation:{gate.application_id}",
                 after={"gate": gate.id, "kind": gate.kind, "item": gate.item, "status": status})
    return gate


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


def waterproofing_open(session: Session, application_id: int, areas_csv: str) -> bool:
    """Some waterproofing area of the works is not confirmed yet: at the waterproofing stage the
    works are on hold (the permit shows it; the gate lets only waterproofers in)."""
    return bool(set(filter(None, areas_csv.split(","))) - _passed(session, application_id, WATERPROOFING))


def advance_stage(session: Session, actor: Actor, application_id: int) -> str:
    """Move the works on to the next stage, if its gates allow. Returns the new stage."""
    app = _under_way(session, actor, application_id)
    if app.stage not in STAGES or app.stage == FINISHING:
        raise DomainError("renovation.last_stage")
    if _pending(session, app.id or 0) is not None:
        raise DomainError("renovation.gate_pending")
    if app.stage == CONCEALED:
        missing = [i for i in required_concealed(app) if i not in _passed(session, app.id or 0, CONCEALED)]
        if missing:
            raise DomainError("renovation.concealed_uninspected", items=",".join(missing))
        nxt = WATERPROOFING if renovations.areas(app) else FINISHING
    else:
        missing = [a for a in renovations.areas(app) if a not in _passed(session, app.id or 0, WATERPROOFING)]
        if missing:
            raise DomainError("renovation.waterproofing_unconfirmed", items=",".join(missing))
        nxt = FINISHING
    before = app.stage
    with session.no_autoflush:
        result = session.execute(
            update(RenovationApplication)
            .where(col(RenovationApplication.id) == app.id, col(RenovationApplication.stage) == before,
                   col(RenovationApplication.status) == APPROVED)
            .values(stage=nxt).execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(app)
    audit.record(session, "renovation.stage", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"stage": before}, after={"stage": nxt})
    return nxt


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
    )


# --- what the site screens show -----------------------------------------------------------------


def overdue(rect: Rectification, now: datetime | None = None) -> bool:
    """An open rectification notice past its deadline."""
    return rect.status == OPEN and _aware(rect.due_at) < (now or clock.now())


def sees_only_own_grids(actor: Actor) -> bool:
    """A butler (and nothing more) sees the renovations of the grids they answer for; others all."""
    return set(actor.roles) == {roles.BUTLER}


@dataclass(frozen=True)
class SiteRow:
    """One renovation in the phone's site list."""

    id: int
    household: str
    contractor: str
    status: str
    stage: str  # "" unless under way
    hold: str  # message key, "" when the works may go on
    rect_due: datetime | None  # the open rectification's deadline
    overdue: bool


def site_list(session: Session, actor: Actor, *, limit: int = 100) -> list[SiteRow]:
    """Renovations under way or completed that this person supervises on site, newest first: the
    community's, or for a butler those of the grids they answer for today (leave cover included)."""
    if actor.community_id is None:
        raise Refused("auth.no_permission")
    stmt = select(RenovationApplication).where(
        RenovationApplication.community_id == actor.community_id,
        col(RenovationApplication.status).in_([APPROVED, renovations.COMPLETED]))
    if sees_only_own_grids(actor):
        homes = grids.households_answered_for(session, actor.id, clock.today(), community_id=actor.community_id)
        stmt = stmt.where(col(RenovationApplication.household_id).in_(homes or {0}))
    stmt = stmt.order_by(col(RenovationApplication.submitted_at).desc(), col(RenovationApplication.id).desc())
    apps = list(session.exec(stmt.limit(limit)))
    open_rects: dict[int, Rectification] = {}
    if apps:
        for r in session.exec(select(Rectification).where(
                col(Rectification.application_id).in_([a.id for a in apps]), Rectification.status == OPEN)
                .order_by(col(Rectification.id))):
            open_rects.setdefault(r.application_id, r)
    now = clock.now()
    out = []
    for a in apps:
        rect = open_rects.get(a.id or 0)
        out.append(SiteRow(
            id=a.id or 0, household=a.household_label, contractor=a.contractor_company or a.contractor_contact,
            status=a.status, stage=a.stage if a.status == APPROVED else "", hold=hold(session, a),
            rect_due=rect.due_at if rect else None, overdue=bool(rect and overdue(rect, now)),
        ))
    return out


# --- hot work ---------------------------------------------------------------------------------


def grant_hot_work(session: Session, actor: Actor, application_id: int, *, starts_on: date, ends_on: date,
                   fire_watch_name: str, fire_watch_phone: str = "", note: str = "") -> HotWorkPermission:
    """Permit hot work on a renovation whose scope declared it: a date window and a named fire watch."""
    app = _under_way(session, actor, application_id)
    if not app.hot_work:
        raise DomainError("renovation.hot_work_not_in_scope")
    if ends_on < starts_on or starts_on < app.planned_start or ends_on > app.planned_end \
            or ends_on < clock.today():
        raise DomainError("renovation.bad_dates")
    if (ends_on - starts_on).days + 1 > MAX_HOT_WORK_DAYS:
        raise DomainError("renovation.hot_work_window", most=MAX_HOT_WORK_DAYS)
    phone = fire_watch_phone.strip()
    permission = HotWorkPermission(
        community_id=app.community_id, application_id=app.id or 0, starts_on=starts_on, ends_on=ends_on,
        fire_watch_name=clean_text(fire_watch_name, field="fire_watch", max_length=40),
        fire_watch_phone=normalize_phone(phone) if phone else "",
        note=clean_text(note, field="note", max_length=200, required=False),
        granted_by=actor.id, granted_at=clock.now(),
    )
    session.add(permission)
    session.flush()
    audit.record(session, "renovation.hot_work", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"permission": permission.id, "from": starts_on, "to": ends_on,
                        "fire_watch": permission.fire_watch_name})
    return permission


def revoke_hot_work(session: Session, actor: Actor, permission_id: int) -> HotWorkPermission:
    permission = session.get(HotWorkPermission, permission_id)
    if permission is None or permission.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    if permission.revoked_at is None:
        permission.revoked_at = clock.now()
        permission.revoked_by = actor.id
        session.add(permission)
        session.flush()
        audit.record(session, "renovation.hot_work_revoke", actor_id=actor.id,
                     community_id=permission.community_id, subject=f"renovation:{permission.application_id}",
                     after={"permission": permission.id})
    return permission


def hot_work_allowed(session: Session, application_id: int, day: date) -> bool:
    """Whether a live hot-work permission covers this local day."""
    return session.exec(
        select(HotWorkPermission.id).where(
            HotWorkPermission.application_id == application_id,
            col(HotWorkPermission.starts_on) <= day,
            col(HotWorkPermission.ends_on) >= day,
            col(HotWorkPermission.revoked_at).is_(None),
        )
    ).first() is not None


# --- KPIs -------------------------------------------------------------------------------------


@dataclass
class Kpis:
    """The supervisor's renovation figures for a period (local days, both ends included)."""

    first: date
    last: date
    households: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    site_checks: int = 0
    # renovations with at least one violation found in the period
    violating: int = 0
    violation_rate: float = 0.0
    violation_target: float = VIOLATION_TARGET
    rectifications: int = 0
    rectified: int = 0
    failed: int = 0
    open: int = 0
    overdue: int = 0
    # rectified / (rectified + failed + overdue); None when none was due yet
    rectification_rate: float | None = None
    rectification_target: float = RECTIFICATION_TARGET
    passes_active: int = 0
    gate_scans: int = 0
    gate_refusals: int = 0
    refusals_by_verdict: dict[str, int] = field(default_factory=dict)

    @property
    def violation_ok(self) -> bool:
        return self.violation_rate < self.violation_target

    @property
    def rectification_ok(self) -> bool:
        return self.rectification_rate is None or self.rectification_rate >= self.rectification_target


THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
THIS_QUARTER = "this_quarter"
CUSTOM = "custom"
KPI_PERIODS: tuple[str, ...] = (THIS_MONTH, LAST_MONTH, THIS_QUARTER, CUSTOM)


def kpi_period(name: str, today: date, first: date | None = None, last: date | None = None) -> tuple[date, date]:
    """The first and last day of a KPI period: this month or this quarter so far, the whole
    last month, or a custom range (both days given, the first not after the last)."""
    if name == THIS_MONTH:
        return today.replace(day=1), today
    if name == LAST_MONTH:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == THIS_QUARTER:
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today
    if name == CUSTOM:
        if first is None or last is None or last < first:
            raise DomainError("renovation.bad_dates")
        return first, last
    raise DomainError("form.invalid")


def kpis(session: Session, community_id: int, *, first: date | None = None, last: date | None = None) -> Kpis:
    """Figures of a community: rates over the period (default: this month so far), stock figures now."""
    today = clock.today()
    last = last or today
    first = first or last.replace(day=1)
    start, end = renovations.end_of_day(first - timedelta(days=1)), renovations.end_of_day(last)
    out = Kpis(first=first, last=last)
    out.households = session.exec(
        select(func.count()).select_from(Household).where(Household.community_id == community_id)
    ).one()
    for status, n in session.exec(
        select(RenovationApplication.status, func.count()).where(RenovationApplication.community_id == community_id)
        .group_by(col(RenovationApplication.status))
    ).all():
        out.by_status[status] = n
    for stage, n in session.exec(
        select(RenovationApplication.stage, func.count())
        .where(RenovationApplication.community_id == community_id, RenovationApplication.status == APPROVED)
        .group_by(col(RenovationApplication.stage))
    ).all():
        out.by_stage[stage] = n
    in_period = (SiteCheck.community_id == community_id, col(SiteCheck.at) > start, col(SiteCheck.at) <= end)
    out.site_checks = session.exec(select(func.count()).select_from(SiteCheck).where(*in_period)).one()
    out.violating = session.exec(
        select(func.count(func.distinct(SiteCheck.application_id))).where(*in_period, col(SiteCheck.violations) > 0)
    ).one()
    out.violation_rate = out.violating / out.households if out.households else 0.0
    now = clock.now()
    rows = session.exec(
        select(Rectification.status, Rectification.due_at).where(
            Rectification.community_id == community_id, col(Rectification.created_at) > start,
            col(Rectification.created_at) <= end)
    ).all()
    for status, due_at in rows:
        out.rectifications += 1
        if status == RECTIFIED:
            out.rectified += 1
        elif status == FAILED:
            out.failed += 1
        else:
            out.open += 1
            if _aware(due_at) < now:
                out.overdue += 1
    decided = out.rectified + out.failed + out.overdue
    out.rectification_rate = out.rectified / decided if decided else None
    out.passes_active = session.exec(
        select(func.count()).select_from(WorkerPass).where(
            WorkerPass.community_id == community_id, col(WorkerPass.revoked_at).is_(None),
            col(WorkerPass.valid_from) <= today, col(WorkerPass.valid_until) >= today)
    ).one()
    for verdict, n in session.exec(
        select(GateScan.verdict, func.count()).where(
            GateScan.community_id == community_id, col(GateScan.at) > start, col(GateScan.at) <= end)
        .group_by(col(GateScan.verdict))
    ).all():
        out.gate_scans += n
        if verdict != "valid":
            out.gate_refusals += n
            out.refusals_by_verdict[verdict] = n
    return out


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


evidence.register_subject(CHECK_PHOTO_KIND, _check_resolver)

"""Renovations (二次装修): application, three-level approval, permit, workers and passes, completion.

An application (`RenovationApplication`) is registered by the desk for a
household and goes through three levels, strictly in order:

    first_review (supervisor, 客服主管 as the customer-service manager)
      → second_review (engineering manager) → sign_off (general manager)

Each level may approve, return with reasons (back to the applicant; the
resubmission starts a new round at first review) or reject. The level a
decision is for is named by the caller (what the screen showed); a decision
for another level than the one the application waits for, or by someone
without that level's role, is refused and audited. The status moves by a
conditional UPDATE on the status and round it was read with, and a decision
row is unique per (application, level, round): two clicks or two managers at
once cannot decide a level twice nor skip one, on SQLite and PostgreSQL.

Sign-off issues "two certificates and one letter": the permit (number and a
version signed into its QR), a pass per worker (`WorkerPass`, QR with id,
version and expiry), and the records of the responsibility letter (signing
day + photo of the signed page) and the deposit (amount, receipt number).
A pass is revoked at once (worker left, violation, completion) and the gate
refuses it on the next scan (`app.domain.gate`).

Completion: final acceptance against a checklist with as-built drawings
attached, every pass revoked, a revisit due within two months; after the
revisit the deposit is refunded less the deductions of failed re-checks.
Site checks, rectifications, stage gates, hot work and the KPIs live in
`app.domain.renovation_checks`. Functions flush, never commit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.db.models import (
    Household,
    Rectification,
    RenovationApplication,
    RenovationApproval,
    RenovationWorker,
    StageGate,
    WorkerPass,
)
from app.domain import audit, clock, evidence, households, roles, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

# --- words ------------------------------------------------------------------------------

FIRST_REVIEW = "first_review"
SECOND_REVIEW = "second_review"
SIGN_OFF = "sign_off"
LEVELS: tuple[str, ...] = (FIRST_REVIEW, SECOND_REVIEW, SIGN_OFF)
RETURNED = "returned"
REJECTED = "rejected"
APPROVED = "approved"  # permit issued: works under way
COMPLETED = "completed"  # accepted; revisit and refund to come
CLOSED = "closed"  # deposit refunded
STATUSES: tuple[str, ...] = LEVELS + (RETURNED, REJECTED, APPROVED, COMPLETED, CLOSED)
# an application of a household that blocks a second one
OPEN_STATUSES = frozenset({FIRST_REVIEW, SECOND_REVIEW, SIGN_OFF, RETURNED, APPROVED})

# who decides each level, and where approval leads
LEVEL_ROLE: dict[str, str] = {
    FIRST_REVIEW: roles.SUPERVISOR,
    SECOND_REVIEW: roles.ENGINEERING_MANAGER,
    SIGN_OFF: roles.GENERAL_MANAGER,
}
NEXT: dict[str, str] = {FIRST_REVIEW: SECOND_REVIEW, SECOND_REVIEW: SIGN_OFF, SIGN_OFF: APPROVED}

APPROVE = "approve"
RETURN = "return"
REJECT = "reject"
DECISIONS: tuple[str, ...] = (APPROVE, RETURN, REJECT)

SCOPES: tuple[str, ...] = ("walls", "floors", "electrical", "plumbing", "ceiling", "doors_windows")
WATERPROOFING_AREAS: tuple[str, ...] = ("bathroom", "kitchen", "balcony")
TRADES: tuple[str, ...] = (
    "general", "mason", "carpenter", "electrician", "plumber", "painter", "tiler",
    "waterproofing", "welder",
)
# a worker of these trades does hot work: the gate wants a hot-work permission for the day
HOT_WORK_TRADES = frozenset({"welder"})

# the final acceptance checklist (竣工验收)
ACCEPTANCE_ITEMS: tuple[str, ...] = (
    "structure", "facade", "waterproofing", "electrical", "fire_safety", "public_areas", "waste_cleared",
)
REVISIT_MONTHS = 2
MAX_DEPOSIT_CENTS = 10_000_000  # 100,000 yuan

# evidence photo subjects of this feature
DRAWING_KIND = "renovation_drawing"  # drawings of the application
ASBUILT_KIND = "renovation_asbuilt"  # as-built drawings at completion
LETTER_KIND = "renovation_letter"  # the signed page of the responsibility letter
WORKER_PHOTO_KIND = "renovation_worker"  # a worker's photo, shown at the gate

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")


# --- small helpers -----------------------------------------------------------------------


def get(session: Session, actor: Actor, application_id: int) -> RenovationApplication:
    """An application of the actor's own community (another community's is as good as missing)."""
    app = session.get(RenovationApplication, application_id)
    if app is None or app.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    return app


def end_of_day(day: date) -> datetime:
    """The last second of a local day, in UTC (a pass or permit expires then)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.ZONE).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1),
               nxt - timedelta(days=1))


def mask_id_number(raw: str) -> str:
    """110***********1234 from an ID number (18 or 15 characters); the full number is never kept."""
    text = (raw or "").strip().upper().replace(" ", "")
    if not text:
        return ""
    if not _ID_NUMBER.fullmatch(text):
        raise DomainError("renovation.bad_id_number")
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def check_cents(value: int, field: str, *, most: int = MAX_DEPOSIT_CENTS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise DomainError("renovation.bad_amount", field=field)
    return value


def in_hours(app: RenovationApplication, at: datetime) -> bool:
    """Whether a moment is inside the application's daily construction hours (local time)."""
    hhmm = clock.local(at).strftime("%H:%M")
    return app.hours_start <= hhmm < app.hours_end


def areas(app: RenovationApplication) -> list[str]:
    """The waterproofing areas of an application, in canonical order."""
    held = set(filter(None, app.waterproofing_areas.split(",")))
    return [a for a in WATERPROOFING_AREAS if a in held]


def required_concealed(app: RenovationApplication) -> list[str]:
    """The concealed-works items (隐蔽工程) the scope needs inspected: walls → structure,
    plumbing → water, electrical → electrical."""
    return [item for flag, item in ((app.scope_walls, "structure"), (app.scope_plumbing, "water"),
                                    (app.scope_electrical, "electrical")) if flag]


def _refusal(err: DomainError, actor: Actor, app: RenovationApplication, action: str, level: str) -> DomainError:
    """Attach the audit entry of a refused decision (written even though the transaction rolls back)."""
    detail = f"{err.key} level={level} status={app.status} round={app.round}"
    return err.keeping(lambda s: audit.record(
        s, action, actor_id=actor.id, community_id=app.community_id,
        subject=f"renovation:{app.id}", outcome="refused", detail=detail,
    ))


def _move(session: Session, app: RenovationApplication, expect: str, **values: object) -> None:
    """Apply `values` to the application if its status is still `expect` (and its round the one read).

    A conditional UPDATE: of two sessions that read the same status only the
    first applies; the other gets `renovation.changed`.
    """
    with session.no_autoflush:
        result = session.execute(
            update(RenovationApplication)
            .where(col(RenovationApplication.id) == app.id,
                   col(RenovationApplication.status) == expect,
                   col(RenovationApplication.round) == app.round)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    # the row already holds these values: set them on the object without marking it dirty
    for key, value in values.items():
        set_committed_value(app, key, value)


# --- the application ---------------------------------------------------------------------


def _hours(value: str, field: str) -> str:
    text = (value or "").strip()
    if not _HHMM.fullmatch(text):
        raise DomainError("renovation.bad_hours", field=field)
    return text


def _validated(session: Session, community_id: int, v: dict) -> dict:
    """The application's fields checked and normalised (for a new application and a resubmission)."""
    home = session.get(Household, v["household_id"]) if v.get("household_id") is not None else None
    if home is None or home.community_id != community_id:
        raise DomainError("household.not_found")
    scope = set(v.get("scope") or ())
    if not scope <= set(SCOPES):
        raise DomainError("renovation.bad_scope")
    wp = set(v.get("waterproofing_areas") or ())
    if not wp <= set(WATERPROOFING_AREAS):
        raise DomainError("renovation.bad_scope")
    start, end = v.get("planned_start"), v.get("planned_end")
    if not isinstance(start, date) or not isinstance(end, date):
        raise DomainError("form.required", field="planned_dates")
    if end < start:
        raise DomainError("renovation.bad_dates")
    hs = _hours(v.get("hours_start", "08:00"), "hours_start")
    he = _hours(v.get("hours_end", "18:00"), "hours_end")
    if he <= hs:
        raise DomainError("renovation.bad_hours", field="hours_end")
    resident_phone = v.get("resident_phone") or ""
    return {
        "household_id": home.id,
        "household_label": households.label(session, home.id)[:40],
        "owner_name": clean_text(v.get("owner_name"), field="owner_name", max_length=40),
        "owner_phone": normalize_phone(v.get("owner_phone"), field="owner_phone"),
        "resident_name": clean_text(v.get("resident_name"), field="resident_name", max_length=40, required=False),
        "resident_phone": normalize_phone(resident_phone, field="resident_phone") if resident_phone else "",
        "contractor_company": clean_text(v.get("contractor_company"), field="contractor_company",
                                         max_length=80, required=False),
        "contractor_contact": clean_text(v.get("contractor_contact"), field="contractor_contact", max_length=40),
        "contractor_phone": normalize_phone(v.get("contractor_phone"), field="contractor_phone"),
        **{f"scope_{s}": s in scope for s in SCOPES},
        "waterproofing_areas": ",".join(a for a in WATERPROOFING_AREAS if a in wp),
        "hot_work": bool(v.get("hot_work")),
        "scope_note": clean_text(v.get("scope_note"), field="scope_note", max_length=300, required=False),
        "planned_start": start,
        "planned_end": end,
        "hours_start": hs,
        "hours_end": he,
    }


def _values_of(app: RenovationApplication) -> dict:
    """An application's fields in the shape `apply` takes (the base of a resubmission)."""
    return {
        "household_id": app.household_id, "owner_name": app.owner_name, "owner_phone": app.owner_phone,
        "resident_name": app.resident_name, "resident_phone": app.resident_phone,
        "contractor_company": app.contractor_company, "contractor_contact": app.contractor_contact,
        "contractor_phone": app.contractor_phone,
        "scope": [s for s in SCOPES if getattr(app, f"scope_{s}")],
        "waterproofing_areas": areas(app), "hot_work": app.hot_work, "scope_note": app.scope_note,
        "planned_start": app.planned_start, "planned_end": app.planned_end,
        "hours_start": app.hours_start, "hours_end": app.hours_end,
    }


def apply(
    session: Session,
    actor: Actor,
    *,
    household_id: int,
    owner_name: str,
    owner_phone: str,
    contractor_contact: str,
    contractor_phone: str,
    planned_start: date,
    planned_end: date,
    contractor_company: str = "",
    scope: Iterable[str] = (),
    waterproofing_areas: Iterable[str] = (),
    hot_work: bool = False,
    scope_note: str = "",
    hours_start: str = "08:00",
    hours_end: str = "18:00",
    resident_name: str = "",
    resident_phone: str = "",
    client_id: str | None = None,
) -> RenovationApplication:
    """Register an application for a household; it waits for first review. Applied once per client id."""
    assert actor.community_id is not None
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(RenovationApplication).where(RenovationApplication.client_id == cid)).first()
        if again is not None:
            return again
    fields = _validated(session, actor.community_id, dict(
        household_id=household_id, owner_name=owner_name, owner_phone=owner_phone,
        resident_name=resident_name, resident_phone=resident_phone,
        contractor_company=contractor_company, contractor_contact=contractor_contact,
        contractor_phone=contractor_phone, scope=list(scope), waterproofing_areas=list(waterproofing_areas),
        hot_work=hot_work, scope_note=scope_note, planned_start=planned_start, planned_end=planned_end,
        hours_start=hours_start, hours_end=hours_end,
    ))
    busy = session.exec(
        select(RenovationApplication.id).where(
            RenovationApplication.household_id == fields["household_id"],
            col(RenovationApplication.status).in_(OPEN_STATUSES),
        )
    ).first()
    if busy is not None:
        raise DomainError("renovation.household_busy")
    app = RenovationApplication(
        community_id=actor.community_id, status=FIRST_REVIEW, round=1,
        submitted_by=actor.id, submitted_at=clock.now(), client_id=cid, **fields,
    )
    session.add(app)
    session.flush()
    audit.record(session, "renovation.apply", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"household": app.household_label, "start": app.planned_start, "end": app.planned_end})
    return app


def resubmit(session: Session, actor: Actor, application_id: int, **changes: object) -> RenovationApplication:
    """Send a returned application back with changes: a new round starts at first review."""
    app = get(session, actor, application_id)
    if app.status != RETURNED:
        raise DomainError("renovation.not_returned")
    unknown = set(changes) - set(_values_of(app))
    if unknown or "household_id" in changes:
        raise DomainError("form.invalid")
    fields = _validated(session, app.community_id, {**_values_of(app), **changes})
    before_round = app.round
    _move(session, app, RETURNED, status=FIRST_REVIEW, round=app.round + 1,
          submitted_at=clock.now(), submitted_by=actor.id, decided_at=None, **fields)
    audit.record(session, "renovation.resubmit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"round": before_round},
                 after={"round": app.round, "changed": sorted(changes)})
    return app


def waiting_level(app: RenovationApplication) -> str | None:
    """The approval level the application waits for, or None."""
    return app.status if app.status in LEVELS else None


def decide(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    level: str,
    decision: str,
    reasons: str = "",
) -> RenovationApplication:
    """One level's decision: approve (on to the next level; sign-off issues the permit and passes),
    return with reasons (back to the applicant) or reject (with reasons).

    `level` is the level the screen showed. Refused, and audited: a level the
    application is not waiting for (out of order, skipped or already passed)
    and an actor without that level's role. A repeated click gets
    `renovation.already_decided`; a decision that lost a race `renovation.changed`.
    """
    if level not in LEVELS or decision not in DECISIONS:
        raise DomainError("form.invalid")
    app = get(session, actor, application_id)
    done = session.exec(
        select(RenovationApproval.id).where(
            RenovationApproval.application_id == app.id,
            RenovationApproval.level == level,
            RenovationApproval.round == app.round,
        )
    ).first()
    if done is not None:
        raise DomainError("renovation.already_decided")
    if app.status != level:
        raise _refusal(DomainError("renovation.out_of_order", level=level, status=app.status),
                       actor, app, "renovation.out_of_order", level)
    if LEVEL_ROLE[level] not in actor.roles:
        raise _refusal(Refused("renovation.wrong_role", level=level),
                       actor, app, "renovation.wrong_role", level)
    text = clean_text(reasons, field="reasons", max_length=500, required=decision != APPROVE)
    now = clock.now()
    status = NEXT[level] if decision == APPROVE else (RETURNED if decision == RETURN else REJECTED)
    values: dict[str, object] = {"status": status, "decided_at": now}
    if status == APPROVED:
        year = clock.local(now).year
        values.update(permit_no=f"ZX{year}{app.id:05d}", permit_version=1, permit_issued_at=now)
    _move(session, app, level, **values)
    try:
        with session.begin_nested():
            session.add(RenovationApproval(application_id=app.id, level=level, round=app.round,
                                           decision=decision, reasons=text, by_id=actor.id, at=now))
    except IntegrityError:
        raise DomainError("renovation.already_decided") from None
    audit.record(session, f"renovation.{decision}", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"status": level, "round": app.round},
                 after={"status": status, "reasons": text})
    if status == APPROVED:
        for worker in active_workers(session, app.id):
            _issue(session, actor, app, worker)
    return app


def approvals(session: Session, application_id: int) -> list[RenovationApproval]:
    """The decisions on an application, oldest first (every round)."""
    return list(session.exec(
        select(RenovationApproval).where(RenovationApproval.application_id == application_id)
        .order_by(col(RenovationApproval.at), col(RenovationApproval.id))
    ))


# --- workers and passes -------------------------------------------------------------------


def active_workers(session: Session, application_id: int) -> list[RenovationWorker]:
    return list(session.exec(
        select(RenovationWorker)
        .where(RenovationWorker.application_id == application_id, col(RenovationWorker.active).is_(True))
        .order_by(col(RenovationWorker.id))
    ))


def add_worker(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    name: str,
    phone: str,
    trade: str,
    id_number: str = "",
    client_id: str | None = None,
) -> RenovationWorker:
    """Add a worker (ID number kept masked). Under a permit the worker's pass is issued at once."""
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(RenovationWorker).where(RenovationWorker.client_id == cid)).first()
        if again is not None:
            return again
    app = get(session, actor, application_id)
    if app.status not in OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if trade not in TRADES:
        raise DomainError("renovation.bad_trade")
    worker = RenovationWorker(
        community_id=app.community_id, application_id=app.id,
        name=clean_text(name, field="name", max_length=40),
        phone=normalize_phone(phone),
        trade=trade, id_number_masked=mask_id_number(id_number),
        added_by=actor.id, added_at=clock.now(), client_id=cid,
    )
    session.add(worker)
    session.flush()
    audit.record(session, "renovation.worker_add", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"worker": worker.id, "trade": trade})
    if app.status == APPROVED:
        _issue(session, actor, app, worker)
    return worker


def _issue(session: Session, actor: Actor, app: RenovationApplication, worker: RenovationWorker) -> WorkerPass:
    valid_from = max(clock.today(), app.planned_start)
    if valid_from > app.planned_end:
        raise DomainError("renovation.planned_end_passed")
    p = WorkerPass(
        community_id=app.community_id, application_id=app.id, worker_id=worker.id,
        valid_from=valid_from, valid_until=app.planned_end,
        issued_by=actor.id, issued_at=clock.now(),
    )
    session.add(p)
    session.flush()
    audit.record(session, "renovation.pass_issue", actor_id=actor.id, community_id=app.community_id,
                 subject=f"pass:{p.id}", after={"worker": worker.id, "until": p.valid_until})
    return p


def live_pass(session: Session, worker_id: int) -> WorkerPass | None:
    """The worker's pass that is not revoked, if any."""
    return session.exec(
        select(WorkerPass).where(WorkerPass.worker_id == worker_id, col(WorkerPass.revoked_at).is_(None))
        .order_by(col(WorkerPass.id).desc())
    ).first()


def reissue_pass(session: Session, actor: Actor, pass_id: int, *, valid_until: date | None = None) -> WorkerPass:
    """A new card for a pass (lost card, longer dates): the version goes up, older cards are refused."""
    p = session.get(WorkerPass, pass_id)
    if p is None or p.community_id != actor.community_id:
        raise DomainError("renovation.pass_not_found")
    if p.revoked_at is not None:
        raise DomainError("renovation.pass_revoked")
    app = get(session, actor, p.application_id)
    if app.status != APPROVED:
        raise DomainError("renovation.not_under_way")
    until = valid_until or p.valid_until
    if until < p.valid_from or until > app.planned_end:
        raise DomainError("renovation.bad_dates")
    before = {"version": p.version, "until": p.valid_until}
    p.version += 1
    p.valid_until = until
    session.add(p)
    session.flush()
    audit.record(session, "renovation.pass_reissue", actor_id=actor.id, community_id=p.community_id,
                 subject=f"pass:{p.id}", before=before, after={"version": p.version, "until": until})
    return p


def revoke_pass(session: Session, actor: Actor, pass_id: int, reason: str) -> WorkerPass:
    """Revoke a pass at once; the next scan of it is refused. Revoking twice changes nothing."""
    p = session.get(WorkerPass, pass_id)
    if p is None or p.community_id != actor.community_id:
        raise DomainError("renovation.pass_not_found")
    if p.revoked_at is None:
        p.revoked_at = clock.now()
        p.revoked_by = actor.id
        p.revoked_reason = clean_text(reason, field="reason", max_length=120)
        session.add(p)
        session.flush()
        audit.record(session, "renovation.pass_revoke", actor_id=actor.id, community_id=p.community_id,
                     subject=f"pass:{p.id}", after={"reason": p.revoked_reason})
    return p


def remove_worker(session: Session, actor: Actor, worker_id: int, reason: str = "worker_left") -> RenovationWorker:
    """A worker leaves the site: inactive, and the pass revoked."""
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.community_id != actor.community_id:
        raise DomainError("renovation.worker_not_found")
    if worker.active:
        worker.active = False
        worker.left_at = clock.now()
        session.add(worker)
        p = live_pass(session, worker_id)
        if p is not None:
            revoke_pass(session, actor, p.id, reason)
        audit.record(session, "renovation.worker_remove", actor_id=actor.id, community_id=worker.community_id,
                     subject=f"renovation:{worker.application_id}", after={"worker": worker.id})
    return worker


def revoke_all_passes(session: Session, actor: Actor, application_id: int, reason: str) -> int:
    """Revoke every live pass of a renovation (one UPDATE); how many were revoked."""
    result = session.execute(
        update(WorkerPass)
        .where(col(WorkerPass.application_id) == application_id, col(WorkerPass.revoked_at).is_(None))
        .values(revoked_at=clock.now(), revoked_by=actor.id, revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    n = result.rowcount  # type: ignore[attr-defined]
    audit.record(session, "renovation.pass_revoke_all", actor_id=actor.id, community_id=actor.community_id,
                 subject=f"renovation:{application_id}", after={"revoked": n, "reason": reason})
    return n


@dataclass(frozen=True)
class PassView:
    """One worker and their pass as the desk and the printable card sheet show them."""

    worker_id: int
    name: str
    phone: str
    trade: str
    id_number_masked: str
    photo_id: int | None
    active: bool
    pass_id: int | None
    version: int
    valid_from: date | None
    valid_until: date | None
    revoked: bool
    revoked_reason: str
    token: str  # the signed QR text; "" without a live pass


def workers_and_passes(session: Session, actor: Actor, application_id: int) -> list[PassView]:
    """Every worker of a renovation with their newest pass (and its QR text while it is live)."""
    app = get(session, actor, application_id)
    workers = session.exec(
        select(RenovationWorker).where(RenovationWorker.application_id == app.id).order_by(col(RenovationWorker.id))
    ).all()
    newest: dict[int, WorkerPass] = {}
    for p in session.exec(select(WorkerPass).where(WorkerPass.application_id == app.id)
                          .order_by(col(WorkerPass.id))):
        newest[p.worker_id] = p
    out = []
    for w in workers:
        p = newest.get(w.id or 0)
        live = p is not None and p.revoked_at is None
        out.append(PassView(
            worker_id=w.id or 0, name=w.name, phone=w.phone, trade=w.trade, id_number_masked=w.id_number_masked,
            photo_id=w.photo_id, active=w.active, pass_id=p.id if p else None, version=p.version if p else 0,
            valid_from=p.valid_from if p else None, valid_until=p.valid_until if p else None,
            revoked=p is not None and p.revoked_at is not None, revoked_reason=p.revoked_reason if p else "",
            token=pass_token(p) if live and p is not None else "",
        ))
    return out


def pass_token(p: WorkerPass) -> str:
    """The signed QR text of a pass: id, version, expiry (end of its last day), community."""
    return tokens.sign("pass", p.id or 0, version=p.version, expires_at=end_of_day(p.valid_until),
                       community_id=p.community_id)


def permit_token(app: RenovationApplication) -> str:
    """The signed QR text of a permit (for the door); only once signed off."""
    if app.permit_version < 1:
        raise DomainError("renovation.no_permit")
    return tokens.sign("permit", app.id or 0, version=app.permit_version,
                       expires_at=end_of_day(app.planned_end), community_id=app.community_id)


# --- deposit and letter ------------------------------------------------------------------


def record_deposit(session: Session, actor: Actor, application_id: int, *, amount_cents: int,
                   receipt_no: str) -> RenovationApplication:
    """The deposit paid: amount (fen) and receipt number; recorded once."""
    app = get(session, actor, application_id)
    if app.status not in OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if app.deposit_paid_at is not None:
        raise DomainError("renovation.deposit_recorded")
    amount = check_cents(amount_cents, "deposit")
    if amount == 0:
        raise DomainError("renovation.bad_amount", field="deposit")
    app.deposit_cents = amount
    app.deposit_receipt_no = clean_text(receipt_no, field="receipt_no", max_length=40)
    app.deposit_paid_at = clock.now()
    session.add(app)
    session.flush()
    audit.record(session, "renovation.deposit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"cents": amount, "receipt": app.deposit_receipt_no})
    return app


def record_letter(session: Session, actor: Actor, application_id: int, *, signed_on: date) -> RenovationApplication:
    """The responsibility letter signed on a day; a photo of the signed page must be attached first."""
    app = get(session, actor, application_id)
    if app.status not in OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if app.letter_photo_id is None:
        raise DomainError("renovation.letter_photo_needed")
    if not isinstance(signed_on, date) or signed_on > clock.today():
        raise DomainError("renovation.bad_dates")
    app.letter_signed_on = signed_on
    app.letter_recorded_by = actor.id
    session.add(app)
    session.flush()
    audit.record(session, "renovation.letter", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"signed_on": signed_on, "photo": app.letter_photo_id})
    return app


# --- completion, revisit, refund -----------------------------------------------------------


def deductions(session: Session, application_id: int) -> int:
    """The deposit deductions of a renovation so far, in fen."""
    return session.exec(
        select(func.coalesce(func.sum(Rectification.deduction_cents), 0))
        .where(Rectification.application_id == application_id)
    ).one()


def complete(session: Session, actor: Actor, application_id: int, *, checklist: dict[str, bool],
             note: str = "") -> RenovationApplication:
    """Final acceptance: every checklist item passed, as-built drawings attached, nothing open.

    Revokes every pass, and schedules the revisit within two months.
    """
    app = get(session, actor, application_id)
    if app.status != APPROVED:
        raise DomainError("renovation.not_under_way")
    failed = [item for item in ACCEPTANCE_ITEMS if checklist.get(item) is not True]
    if failed or set(checklist) - set(ACCEPTANCE_ITEMS):
        raise DomainError("renovation.acceptance_failed", items=",".join(failed))
    if not evidence.for_subject(session, app.community_id, ASBUILT_KIND, app.id or 0):
        raise DomainError("renovation.asbuilt_needed")
    open_rect = session.exec(
        select(Rectification.id).where(Rectification.application_id == app.id, Rectification.status == "open")
    ).first()
    if open_rect is not None:
        raise DomainError("renovation.rectification_open")
    gates = session.exec(
        select(StageGate.kind, StageGate.item, StageGate.status).where(StageGate.application_id == app.id)
    ).all()
    if any(status == "declared" for _k, _i, status in gates):
        raise DomainError("renovation.gate_pending")
    # the stage gates hold at the end too: concealed works the scope needs, and every waterproofing area
    passed = {(kind, item) for kind, item, status in gates if status == "passed"}
    missing = [item for item in required_concealed(app) if ("concealed", item) not in passed]
    if missing:
        raise DomainError("renovation.concealed_uninspected", items=",".join(missing))
    missing = [area for area in areas(app) if ("waterproofing", area) not in passed]
    if missing:
        raise DomainError("renovation.waterproofing_unconfirmed", items=",".join(missing))
    text = clean_text(note, field="note", max_length=300, required=False)
    now = clock.now()
    due = add_months(clock.today(), REVISIT_MONTHS)
    _move(session, app, APPROVED, status=COMPLETED, completed_at=now, completed_by=actor.id,
          acceptance=json.dumps({"items": {k: True for k in ACCEPTANCE_ITEMS}, "note": text},
                                ensure_ascii=False),
          revisit_due=due)
    revoked = revoke_all_passes(session, actor, app.id or 0, "completion")
    audit.record(session, "renovation.complete", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"status": APPROVED},
                 after={"status": COMPLETED, "revisit_due": due, "passes_revoked": revoked})
    return app


def record_revisit(session: Session, actor: Actor, application_id: int, note: str) -> RenovationApplication:
    """The revisit (回访) after completion, with what the household said."""
    app = get(session, actor, application_id)
    if app.status != COMPLETED:
        raise DomainError("renovation.not_completed")
    if app.revisit_at is not None:
        raise DomainError("renovation.revisit_recorded")
    app.revisit_at = clock.now()
    app.revisit_by = actor.id
    app.revisit_note = clean_text(note, field="note", max_length=300)
    session.add(app)
    session.flush()
    audit.record(session, "renovation.revisit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"late": bool(app.revisit_due and clock.today() > app.revisit_due)})
    return app


def refund(session: Session, actor: Actor, application_id: int) -> int:
    """Refund the deposit after the revisit: deposit − deductions (never below zero), in fen. Closes it."""
    app = get(session, actor, application_id)
    if app.status != COMPLETED:
        raise DomainError("renovation.not_completed")
    if app.revisit_at is None:
        raise DomainError("renovation.revisit_first")
    amount = max(0, app.deposit_cents - deductions(session, app.id or 0))
    _move(session, app, COMPLETED, status=CLOSED, refund_cents=amount, refunded_at=clock.now(),
          refunded_by=actor.id)
    audit.record(session, "renovation.refund", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"deposit": app.deposit_cents, "refund": amount})
    return amount


# --- lists for the screens -----------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    household: str
    owner_name: str
    contractor: str
    status: str
    round: int
    stage: str
    planned_start: date
    planned_end: date
    submitted_at: datetime
    revisit_due: date | None


def listing(session: Session, actor: Actor, *, statuses: Iterable[str] | None = None,
            limit: int = 100) -> list[ApplicationRow]:
    """Applications of the actor's community (newest first), optionally of some statuses."""
    stmt = select(RenovationApplication).where(RenovationApplication.community_id == actor.community_id)
    if statuses is not None:
        stmt = stmt.where(col(RenovationApplication.status).in_(list(statuses)))
    stmt = stmt.order_by(col(RenovationApplication.submitted_at).desc(), col(RenovationApplication.id).desc())
    return [
        ApplicationRow(
            id=a.id or 0, household=a.household_label, owner_name=a.owner_name,
            contractor=a.contractor_company or a.contractor_contact, status=a.status, round=a.round,
            stage=a.stage, planned_start=a.planned_start, planned_end=a.planned_end,
            submitted_at=a.submitted_at, revisit_due=a.revisit_due,
        )
        for a in session.exec(stmt.limit(limit))
    ]


def awaiting(session: Session, actor: Actor) -> list[ApplicationRow]:
    """Applications waiting for a level this actor decides (their approval inbox)."""
    mine = [level for level, role in LEVEL_ROLE.items() if role in actor.roles]
    return listing(session, actor, statuses=mine) if mine else []


# --- photos: drawings, as-built drawings, the signed letter, worker photos ----------------------


def _app_resolver(permission: str, on_added=None):
    def resolve(session: Session, actor: Actor, application_id: int) -> evidence.SubjectInfo:
        if not actor.can(permission):
            raise Refused("auth.no_permission")
        app = get(session, actor, application_id)
        if app.status in (REJECTED, CLOSED):
            raise DomainError("renovation.closed_for_changes")
        return evidence.SubjectInfo(
            community_id=app.community_id, place=app.household_label,
            on_added=(lambda s, photo: on_added(s, application_id, photo)) if on_added else None,
        )
    return resolve


def _letter_added(session: Session, application_id: int, photo) -> None:
    app = session.get(RenovationApplication, application_id)
    if app is not None:
        app.letter_photo_id = photo.id
        session.add(app)


def _worker_resolver(session: Session, actor: Actor, worker_id: int) -> evidence.SubjectInfo:
    if not actor.can("renovation.documents"):
        raise Refused("auth.no_permission")
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.community_id != actor.community_id:
        raise DomainError("renovation.worker_not_found")
    app = get(session, actor, worker.application_id)

    def added(s: Session, photo) -> None:
        worker.photo_id = photo.id
        s.add(worker)

    return evidence.SubjectInfo(community_id=worker.community_id,
                                place=f"{app.household_label} {worker.name}", on_added=added)


evidence.register_subject(DRAWING_KIND, _app_resolver("renovation.apply"))
evidence.register_subject(ASBUILT_KIND, _app_resolver("renovation.complete"))
evidence.register_subject(LETTER_KIND, _app_resolver("renovation.documents", _letter_added))
evidence.register_subject(WORKER_PHOTO_KIND, _worker_resolver)

"""Renovations (二次装修): the application and its three-level approval, up to the permit.

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

Sign-off issues the permit (number and a version signed into its QR) and a
pass for every worker. Workers, passes, the deposit and the responsibility
letter live in `app.domain.renovation_passes`; the gate's verdict on a pass
in `app.domain.gate`.
Completion (final acceptance, revisit, refund) lives in
`app.domain.renovation_completion`; site checks, rectifications, stage gates,
hot work and the KPIs in `app.domain.renovation_checks`. Functions flush,
never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.db.models import (
    Household,
    RenovationApplication,
    RenovationApproval,
)
from app.domain import audit, clock, evidence, households, roles
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
MAX_DEPOSIT_CENTS = 10_000_000  # 100,000 yuan

# evidence photo subjects of this feature
DRAWING_KIND = "renovation_drawing"  # drawings of the application

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


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


def check_cents(value: int, field: str, *, most: int = MAX_DEPOSIT_CENTS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise DomainError("renovation.bad_amount", field=field)
    return value


def in_hours(hours_start: str, hours_end: str, at: datetime) -> bool:
    """Whether a moment is inside daily construction hours ("HH:MM", local time; the end excluded)."""
    return hours_start <= clock.local(at).strftime("%H:%M") < hours_end


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
    # plain values now: the entry is written in a new session after this one rolled back
    actor_id, community_id, subject = actor.id, app.community_id, f"renovation:{app.id}"
    return err.keeping(lambda s: audit.record(
        s, action, actor_id=actor_id, community_id=community_id,
        subject=subject, outcome="refused", detail=detail,
    ))


def move(session: Session, app: RenovationApplication, expect: str, **values: object) -> None:
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
    """Send a returned application back with changes: a new round starts at first review.

    Any field of the application but its household may change (dates, daily hours, scope,
    waterproofing areas, hot work, contractor, owner, note), checked as at application;
    the audit entry names the fields whose value changed.
    """
    app = get(session, actor, application_id)
    if app.status != RETURNED:
        raise DomainError("renovation.not_returned")
    unknown = set(changes) - set(_values_of(app))
    if unknown or "household_id" in changes:
        raise DomainError("form.invalid")
    before = _values_of(app)
    fields = _validated(session, app.community_id, {**before, **changes})
    changed = sorted(k for k, v in changes.items() if _comparable(v) != _comparable(before[k]))
    before_round = app.round
    move(session, app, RETURNED, status=FIRST_REVIEW, round=app.round + 1,
          submitted_at=clock.now(), submitted_by=actor.id, decided_at=None, **fields)
    audit.record(session, "renovation.resubmit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"round": before_round},
                 after={"round": app.round, "changed": changed})
    return app


def _comparable(value: object) -> object:
    """A field's value for "did it change": lists as sorted tuples, text stripped."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(value))
    return value.strip() if isinstance(value, str) else value


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
    an actor without that level's role, and one who decided another level of this application
    (separation of duties: three levels, three people). A repeated click gets
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
    # separation of duties: one person decides at most one level of an application (in any round),
    # whatever roles they hold
    other = session.exec(
        select(RenovationApproval.level).where(
            RenovationApproval.application_id == app.id,
            RenovationApproval.by_id == actor.id,
            RenovationApproval.level != level,
        )
    ).first()
    if other is not None:
        raise _refusal(Refused("renovation.decided_other_level", level=other),
                       actor, app, "renovation.decided_other_level", level)
    text = clean_text(reasons, field="reasons", max_length=500, required=decision != APPROVE)
    now = clock.now()
    status = NEXT[level] if decision == APPROVE else (RETURNED if decision == RETURN else REJECTED)
    values: dict[str, object] = {"status": status, "decided_at": now}
    if status == APPROVED:
        year = clock.local(now).year
        values.update(permit_no=f"ZX{year}{app.id:05d}", permit_version=1, permit_issued_at=now)
    move(session, app, level, **values)
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
        from app.domain import renovation_passes  # passes build on applications, not the other way

        renovation_passes.issue_all(session, actor, app)
    return app


def approvals(session: Session, application_id: int) -> list[RenovationApproval]:
    """The decisions on an application, oldest first (every round)."""
    return list(session.exec(
        select(RenovationApproval).where(RenovationApproval.application_id == application_id)
        .order_by(col(RenovationApproval.at), col(RenovationApproval.id))
    ))


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


def app_resolver(permission: str, on_added=None):
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


evidence.register_subject(DRAWING_KIND, app_resolver("renovation.apply"))

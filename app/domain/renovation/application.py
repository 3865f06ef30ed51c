"""The renovation application (装修申请): registered by the desk for a household, resubmitted after a
return; the lists for the screens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.db.models import (
    Household,
    RenovationApplication,
)
from app.domain import audit, clock, constants, evidence, households
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation import alerting, inbox
from app.domain.renovation.common import (
    _HHMM,
    DRAWING_KIND,
    FIRST_REVIEW,
    OPEN_STATUSES,
    RETURNED,
    SCOPES,
    WATERPROOFING_AREAS,
    app_resolver,
    areas,
    get,
    move,
)
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

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
    hs = _hours(v.get("hours_start", constants.CONSTRUCTION_START), "hours_start")
    he = _hours(v.get("hours_end", constants.CONSTRUCTION_END), "hours_end")
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
    hours_start: str = constants.CONSTRUCTION_START,
    hours_end: str = constants.CONSTRUCTION_END,
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
    alerting.waiting(session, app, actor_id=actor.id)  # first review's holders
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
    alerting.waiting(session, app, actor_id=actor.id)  # a new round: first review's holders again
    return app

def _comparable(value: object) -> object:
    """A field's value for "did it change": lists as sorted tuples, text stripped."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(value))
    return value.strip() if isinstance(value, str) else value

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
    """Applications waiting for a level this actor decides (their approval inbox, `inbox.waiting_for`),
    newest first as the desk's list shows them."""
    ids = {r.id for r in inbox.waiting_for(session, actor)}
    if not ids:
        return []
    return [r for r in listing(session, actor, statuses=inbox.levels_of(actor)) if r.id in ids]


evidence.register_subject(DRAWING_KIND, app_resolver("renovation.apply"))

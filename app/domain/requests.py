"""Requests and complaints (报修 / 投诉): intake, lifecycle, time limits, follow-up.

One register line (`ServiceRequest`) per request from any channel. Its life:

    received → classified → dispatched → accepted → on_site → resolved
             → followed_up → closed            (reopened → dispatched)

- Intake is open 24 hours; the household decides the grid and so the butler.
  A request that is not ours is still registered: it is closed at
  classification with the explanation given and the channel the resident was
  referred to.
- A major complaint notifies every assistant manager, who must acknowledge it.
- Time limits (`RequestLimits`, handbook defaults): triage (classified and
  dispatched) within `classify_minutes`; a technician on site within
  `arrival_minutes` of dispatch (measured from the arrival record); a minor
  repair resolved within `minor_resolve_minutes` of arrival; an urgent repair
  before the end of the day it came in; anything else by the reply time
  agreed with the resident; the follow-up within `follow_up_hours` of the
  resolution. The deadline of the current stage is kept in `due_at`; when it
  passes, `sweep_overdue` escalates it to the supervisors once per deadline.
- Every valid complaint (ours, a repair or a complaint) is followed up before
  it may close; an unsatisfied resident reopens it.
- The resident holds a private, unguessable link (only its hash is stored) to
  see the status of their own request and add information.

Every change writes a `RequestEvent` (the status history) and an audit entry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from app.db.models import (
    FollowUp,
    Grid,
    Household,
    RequestEvent,
    RequestLimits,
    ServiceRequest,
    Staff,
    StaffNotice,
    StaffRole,
    WorkOrder,
)
from app.domain import audit, clock, evidence, households, request_terms, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

# --- words -----------------------------------------------------------------------------

PHONE = "phone"
VISIT = "visit"
LETTER = "letter"
RESIDENT_PAGE = "resident_page"
PATROL = "patrol"
OTHER = "other"
CHANNELS: tuple[str, ...] = (PHONE, VISIT, LETTER, RESIDENT_PAGE, PATROL, OTHER)
# what the front desk may pick on its form (the resident page and patrols have their own paths)
DESK_CHANNELS: tuple[str, ...] = (PHONE, VISIT, LETTER, OTHER)

REPAIR_MINOR = "repair_minor"
REPAIR_URGENT = "repair_urgent"
COMPLAINT = "complaint"
INQUIRY = "inquiry"
SUGGESTION = "suggestion"
PRAISE = "praise"
CATEGORIES: tuple[str, ...] = (REPAIR_MINOR, REPAIR_URGENT, COMPLAINT, INQUIRY, SUGGESTION, PRAISE)
REPAIRS = frozenset({REPAIR_MINOR, REPAIR_URGENT})
# a valid complaint is followed up before it may close (100% target)
FOLLOWED_UP_CATEGORIES = frozenset({REPAIR_MINOR, REPAIR_URGENT, COMPLAINT})

# what a resident picks on the public page -> the category it is registered under
# until the front desk classifies it (a repair is taken as minor until judged urgent)
RESIDENT_KINDS: dict[str, str] = {
    "repair": REPAIR_MINOR,
    "complaint": COMPLAINT,
    "inquiry": INQUIRY,
    "suggestion": SUGGESTION,
    "praise": PRAISE,
}

RECEIVED = "received"
CLASSIFIED = "classified"
DISPATCHED = "dispatched"
ACCEPTED = "accepted"
ON_SITE = "on_site"
RESOLVED = "resolved"
FOLLOWED_UP = "followed_up"
CLOSED = "closed"
STATUSES: tuple[str, ...] = (
    RECEIVED, CLASSIFIED, DISPATCHED, ACCEPTED, ON_SITE, RESOLVED, FOLLOWED_UP, CLOSED,
)

# departments a request is dispatched to
DEPARTMENTS: tuple[str, ...] = ("technician", "engineering", "cleaning", "security", "service")
# repairs go to people who accept, arrive and resolve on the phone
REPAIR_DEPARTMENTS = frozenset({"technician", "engineering"})

FOLLOW_UP_METHODS: tuple[str, ...] = ("phone", "visit")

CONTENT_MAX = 1000
RESIDENT_NOTE_MAX = 500

# public intake: at most this many requests per client in each window
PUBLIC_LIMITS: tuple[tuple[timedelta, int], ...] = ((timedelta(minutes=10), 3), (timedelta(days=1), 10))


# --- time limits ---------------------------------------------------------------------------


def limits(session: Session, community_id: int) -> RequestLimits:
    """The community's time limits; the handbook's defaults when none were set."""
    row = session.get(RequestLimits, community_id)
    return row if row is not None else RequestLimits(community_id=community_id)


def set_limits(session: Session, actor: Actor, **values: int | bool) -> RequestLimits:
    """Change the community's time limits (supervisor); audited with before and after."""
    actor.community_for("request.limits")
    bounds = {
        "classify_minutes": (1, 24 * 60),
        "arrival_minutes": (1, 24 * 60),
        "minor_resolve_minutes": (1, 7 * 24 * 60),
        "reply_hours": (1, 30 * 24),
        "follow_up_hours": (1, 30 * 24),
    }
    row = session.get(RequestLimits, actor.community_id) or RequestLimits(
        community_id=actor.community_id
    )
    before = row.model_dump(exclude={"updated_by", "updated_at"})
    for name, value in values.items():
        if name == "urgent_same_day":
            row.urgent_same_day = bool(value)
            continue
        if name not in bounds:
            raise DomainError("form.invalid")
        low, high = bounds[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainError("request.limit_range", field=name, low=low, high=high)
        setattr(row, name, value)
    row.updated_by = actor.id
    row.updated_at = clock.now()
    session.add(row)
    audit.record(
        session,
        "request.limits",
        actor_id=actor.id,
        community_id=actor.community_id,
        subject=f"community:{actor.community_id}",
        before=before,
        after=row.model_dump(exclude={"updated_by", "updated_at"}),
    )
    return row


def _end_of_local_day(at: datetime) -> datetime:
    local = clock.local(at)
    end = datetime.combine(local.date(), time(23, 59, 59), tzinfo=local.tzinfo)
    return end.astimezone(UTC)


def needs_follow_up(req: ServiceRequest) -> bool:
    return req.ours and req.category in FOLLOWED_UP_CATEGORIES


def deadline(req: ServiceRequest, lim: RequestLimits) -> datetime | None:
    """The deadline of the stage `req` is in; None when no clock runs (closed, or waiting to close)."""
    if req.status in (RECEIVED, CLASSIFIED):
        return req.received_at + timedelta(minutes=lim.classify_minutes)
    if req.status in (DISPATCHED, ACCEPTED, ON_SITE):
        if req.category in REPAIRS:
            due: datetime | None = None
            if req.status != ON_SITE:
                assert req.dispatched_at is not None
                due = req.dispatched_at + timedelta(minutes=lim.arrival_minutes)
            elif req.category == REPAIR_MINOR:
                assert req.arrived_at is not None
                due = req.arrived_at + timedelta(minutes=lim.minor_resolve_minutes)
            if req.category == REPAIR_URGENT and lim.urgent_same_day:
                end = _end_of_local_day(req.received_at)
                due = end if due is None else min(due, end)
            elif req.category == REPAIR_URGENT and due is None:
                assert req.arrived_at is not None
                due = req.arrived_at + timedelta(minutes=lim.minor_resolve_minutes)
            return due
        return req.reply_by or req.received_at + timedelta(hours=lim.reply_hours)
    if req.status == RESOLVED and needs_follow_up(req):
        assert req.resolved_at is not None
        return req.resolved_at + timedelta(hours=lim.follow_up_hours)
    return None


def arrival_minutes(req: ServiceRequest) -> float | None:
    """Minutes from dispatch to the arrival record (None before arrival)."""
    if req.dispatched_at is None or req.arrived_at is None:
        return None
    return (req.arrived_at - req.dispatched_at).total_seconds() / 60


# --- helpers ---------------------------------------------------------------------------------


def _get(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    req = session.get(ServiceRequest, request_id)
    if req is None or req.community_id != actor.community_id:
        raise DomainError("request.not_found")
    return req


def _event(
    session: Session,
    req: ServiceRequest,
    kind: str,
    actor_id: int | None,
    before: str = "",
    note: str = "",
) -> None:
    assert req.id is not None
    session.add(
        RequestEvent(
            request_id=req.id,
            at=clock.now(),
            actor_id=actor_id,
            kind=kind,
            from_status=before,
            to_status=req.status,
            note=note[:500],
        )
    )


# the columns a move writes in its conditional UPDATE
_MOVED = (
    "status", "is_open", "due_at", "category", "ours", "referral_note", "referral_channel",
    "major", "department", "assignee_id", "reply_by", "dispatched_at", "accepted_at",
    "arrived_at", "resolved_at", "closed_at", "resolution", "reopened",
)


def _move(
    session: Session,
    actor: Actor | None,
    req: ServiceRequest,
    status: str,
    kind: str,
    *,
    note: str = "",
    expect: tuple[str, ...] | None = None,
) -> None:
    """Move `req` to `status`, refreshing its clock; one event and one audit entry.

    `expect`: the statuses it may come from. The move is a conditional UPDATE
    on the status it had when read, so two phones tapping at once cannot both
    apply it (the loser gets `request.changed`).
    """
    before = req.status
    if expect is not None and before not in expect:
        raise DomainError("request.wrong_status", status=before)
    # no autoflush: the row must still hold the old status when the UPDATE checks it
    with session.no_autoflush:
        req.status = status
        req.is_open = status != CLOSED
        req.due_at = deadline(req, limits(session, req.community_id))
        values = {k: getattr(req, k) for k in _MOVED}
        result = session.execute(
            update(ServiceRequest)
            .where(col(ServiceRequest.id) == req.id, col(ServiceRequest.status) == before)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("request.changed")
    actor_id = actor.id if actor is not None else None
    _event(session, req, kind, actor_id, before, note)
    audit.record(
        session,
        f"request.{kind}",
        actor_id=actor_id,
        community_id=req.community_id,
        subject=f"request:{req.id}",
        before={"status": before},
        after={"status": status},
    )


def _staff_with_role(session: Session, community_id: int, role: str) -> list[int]:
    rows = session.exec(
        select(Staff.id)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(Staff.community_id == community_id, Staff.active == True, StaffRole.role == role)  # noqa: E712
        .order_by(col(Staff.id))
    ).all()
    return [r for r in rows if r is not None]


def _notify(session: Session, req: ServiceRequest, staff_ids: list[int], kind: str) -> None:
    now = clock.now()
    for staff_id in staff_ids:
        session.add(
            StaffNotice(
                community_id=req.community_id,
                staff_id=staff_id,
                kind=kind,
                request_id=req.id,
                created_at=now,
            )
        )


def _household(session: Session, community_id: int, household_id: int | None) -> Household | None:
    if household_id is None:
        return None
    home = session.get(Household, household_id)
    if home is None or home.community_id != community_id:
        raise DomainError("request.household_unknown")
    return home


def _by_client_id(session: Session, cid: str | None) -> ServiceRequest | None:
    if not cid:
        return None
    return session.exec(select(ServiceRequest).where(ServiceRequest.client_id == cid)).first()


def _new_link() -> tuple[str, str]:
    """A private status link token and the hash that is stored."""
    link = secrets.token_urlsafe(18)
    return link, link_hash(link)


def link_hash(link: str) -> str:
    return hashlib.sha256(link.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Filed:
    """A newly registered request and, once, the resident's private link token."""

    request: ServiceRequest
    link: str


def _register(
    session: Session,
    *,
    community_id: int,
    channel: str,
    content: str,
    household: Household | None,
    contact_name: str,
    contact_phone: str,
    received_by: int | None,
    category: str = "",
    recording_ref: str = "",
    source_kind: str = "",
    source_id: int | None = None,
    client_key: str = "",
    client_id: str | None = None,
) -> Filed:
    link, hashed = _new_link()
    req = ServiceRequest(
        community_id=community_id,
        household_id=household.id if household else None,
        grid_id=household.grid_id if household else None,
        channel=channel,
        recording_ref=recording_ref,
        received_at=clock.now(),
        received_by=received_by,
        contact_name=contact_name,
        contact_phone=contact_phone,
        content=content,
        category=category,
        source_kind=source_kind,
        source_id=source_id,
        access_hash=hashed,
        client_key=client_key,
        client_id=client_id,
    )
    req.due_at = deadline(req, limits(session, community_id))
    session.add(req)
    session.flush()
    request_terms.index(session, req)
    _event(session, req, "received", received_by, "", channel)
    audit.record(
        session,
        "request.received",
        actor_id=received_by,
        community_id=community_id,
        subject=f"request:{req.id}",
        after={"channel": channel, "household_id": req.household_id, "category": category},
    )
    return Filed(req, link)


# --- intake -----------------------------------------------------------------------------------


def intake(
    session: Session,
    actor: Actor,
    *,
    channel: str,
    content: str,
    household_id: int | None,
    contact_name: str = "",
    contact_phone: str = "",
    recording_ref: str = "",
    client_id: str | None = None,
) -> Filed:
    """Register a request taken by the front desk (phone, visit, letter, other) or a butler.

    A phone call may carry the call-recording reference. A retried submit with
    the same `client_id` returns the first registration (link "" then).
    """
    actor.community_for("request.intake")
    if channel not in DESK_CHANNELS:
        raise DomainError("request.bad_channel")
    cid = check_client_id(client_id) if client_id else None
    existing = _by_client_id(session, cid)
    if existing is not None:
        return Filed(existing, "")
    text = clean_text(content, field="content", max_length=CONTENT_MAX)
    home = _household(session, actor.community_id, household_id)
    phone = normalize_phone(contact_phone, field="contact_phone") if contact_phone.strip() else ""
    return _register(
        session,
        community_id=actor.community_id,
        channel=channel,
        content=text,
        household=home,
        contact_name=clean_text(contact_name, field="contact_name", max_length=40, required=False),
        contact_phone=phone,
        received_by=actor.id,
        recording_ref=clean_text(
            recording_ref, field="recording_ref", max_length=60, required=False
        ) if channel == PHONE else "",
        client_id=cid,
    )


def public_intake(
    session: Session,
    *,
    community_id: int,
    household_id: int | None,
    kind: str,
    content: str,
    contact_phone: str,
    contact_name: str = "",
    client_key: str,
    client_id: str | None = None,
) -> Filed:
    """A request filed by a resident on the public grid page (no account).

    `client_key` identifies the browser/network (a hash, never the address);
    each client may file `PUBLIC_LIMITS` requests per window. The household is
    required and must belong to the community the page belongs to.
    """
    if kind not in RESIDENT_KINDS:
        raise DomainError("request.bad_kind")
    cid = check_client_id(client_id) if client_id else None
    existing = _by_client_id(session, cid)
    if existing is not None:
        return Filed(existing, "")
    if household_id is None:
        raise DomainError("form.required", field="household")
    home = _household(session, community_id, household_id)
    text = clean_text(content, field="content", max_length=CONTENT_MAX)
    phone = normalize_phone(contact_phone, field="contact_phone")
    name = clean_text(contact_name, field="contact_name", max_length=40, required=False)
    now = clock.now()
    for window, most in PUBLIC_LIMITS:
        n = session.exec(
            select(func.count())
            .select_from(ServiceRequest)
            .where(ServiceRequest.client_key == client_key, ServiceRequest.received_at >= now - window)
        ).one()
        if n >= most:
            minutes = int(window.total_seconds() // 60)
            err = DomainError("request.too_many", minutes=minutes)
            raise err.keeping(
                lambda s: audit.record(
                    s,
                    "request.public_refused",
                    community_id=community_id,
                    subject=f"client:{client_key[:12]}",
                    outcome="refused",
                    after={"reason": "rate_limited"},
                )
            )
    return _register(
        session,
        community_id=community_id,
        channel=RESIDENT_PAGE,
        content=text,
        household=home,
        contact_name=name,
        contact_phone=phone,
        received_by=None,
        category=RESIDENT_KINDS[kind],
        client_key=client_key,
        client_id=cid,
    )


def from_work_order(session: Session, actor: Actor, work_order_id: int) -> Filed:
    """Register a patrol finding (its work order) on the register, once."""
    actor.community_for("request.intake")
    order = session.get(WorkOrder, work_order_id)
    if order is None or order.community_id != actor.community_id:
        raise DomainError("workorder.not_found")
    existing = session.exec(
        select(ServiceRequest).where(
            ServiceRequest.source_kind == "work_order", ServiceRequest.source_id == work_order_id
        )
    ).first()
    if existing is not None:
        raise DomainError("request.already_registered", id=existing.id)
    text = " · ".join(p for p in (order.title, order.place, order.detail) if p)
    req_filed = _register(
        session,
        community_id=actor.community_id,
        channel=PATROL,
        content=text,
        household=None,
        contact_name="",
        contact_phone="",
        received_by=actor.id,
        source_kind="work_order",
        source_id=work_order_id,
    )
    req_filed.request.grid_id = order.grid_id
    session.add(req_filed.request)
    return req_filed


# --- classification and dispatch -------------------------------------------------------------------


def classify(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    category: str,
    major: bool = False,
    ours: bool = True,
    referral_note: str = "",
    referral_channel: str = "",
    reply_by: datetime | None = None,
) -> ServiceRequest:
    """The front desk classifies a received request (or re-classifies a classified one).

    Not ours: the explanation and the channel the resident was referred to are
    required, and the request closes (it stays on the register). Major: every
    assistant manager of the community gets a notice and must acknowledge.
    """
    if not actor.can("request.dispatch"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if category not in CATEGORIES:
        raise DomainError("request.bad_category")
    if reply_by is not None and reply_by <= clock.now():
        raise DomainError("request.reply_in_past")
    was_major = req.major
    req.category = category
    req.reply_by = reply_by
    if not ours:
        req.ours = False
        req.major = False
        req.referral_note = clean_text(referral_note, field="referral_note", max_length=200)
        req.referral_channel = clean_text(referral_channel, field="referral_channel", max_length=80)
        req.closed_at = clock.now()
        _move(session, actor, req, CLOSED, "referred", note=req.referral_channel,
              expect=(RECEIVED, CLASSIFIED))
        return req
    req.major = bool(major)
    _move(session, actor, req, CLASSIFIED, "classified", note=category, expect=(RECEIVED, CLASSIFIED))
    if req.major and not was_major:
        escalate_major(session, actor, req)
    return req


def escalate_major(session: Session, actor: Actor | None, req: ServiceRequest) -> None:
    """Report a major complaint to the assistant managers (重大投诉)."""
    managers = _staff_with_role(session, req.community_id, roles.ASSISTANT_MANAGER)
    _notify(session, req, managers, "major")
    _event(session, req, "escalated_major", actor.id if actor else None, req.status, req.status)


def acknowledge(session: Session, actor: Actor, request_id: int, note: str = "") -> ServiceRequest:
    """The assistant manager acknowledges a major complaint (once)."""
    if not actor.can("request.acknowledge"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if not req.major:
        raise DomainError("request.not_major")
    if req.acknowledged_at is not None:
        raise DomainError("request.already_acknowledged")
    req.acknowledged_at = clock.now()
    req.acknowledged_by = actor.id
    session.add(req)
    text = clean_text(note, field="note", max_length=300, required=False)
    _event(session, req, "acknowledged", actor.id, req.status, text)
    audit.record(session, "request.acknowledged", actor_id=actor.id,
                 community_id=req.community_id, subject=f"request:{req.id}")
    _mark_read(session, actor.id, req.id, "major")
    return req


def dispatch(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    department: str,
    assignee_id: int | None,
    reply_by: datetime | None = None,
) -> ServiceRequest:
    """Send a classified request to a department and person; the clock starts.

    A repair goes to a technician (the person accepts, arrives and resolves on
    the phone); other requests to any active staff member of the community.
    """
    if not actor.can("request.dispatch"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if req.status == RECEIVED:
        raise DomainError("request.classify_first")
    if department not in DEPARTMENTS:
        raise DomainError("workorder.bad_department")
    person = session.get(Staff, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (
        person is None or person.community_id != req.community_id or not person.active
    ):
        raise DomainError("request.assignee_unknown")
    if req.category in REPAIRS:
        if department not in REPAIR_DEPARTMENTS or person is None:
            raise DomainError("request.repair_needs_technician")
        held = set(session.exec(select(StaffRole.role).where(StaffRole.staff_id == person.id)).all())
        if roles.TECHNICIAN not in held:
            raise DomainError("request.repair_needs_technician")
    if reply_by is not None:
        if reply_by <= clock.now():
            raise DomainError("request.reply_in_past")
        req.reply_by = reply_by
    req.department = department
    req.assignee_id = assignee_id
    req.dispatched_at = clock.now()
    _move(session, actor, req, DISPATCHED, "dispatched", note=department, expect=(CLASSIFIED,))
    if assignee_id is not None:
        _notify(session, req, [assignee_id], "dispatched")
    return req


# --- the technician on the phone ------------------------------------------------------------------


def _own_job(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    if not actor.can("request.work"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if req.assignee_id != actor.id:
        raise Refused("request.not_yours")
    return req


def accept(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    req = _own_job(session, actor, request_id)
    req.accepted_at = clock.now()
    _move(session, actor, req, ACCEPTED, "accepted", expect=(DISPATCHED,))
    _mark_read(session, actor.id, req.id, "dispatched")
    return req


def arrive(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    """The arrival record: the 5-minute limit is measured from dispatch to this."""
    req = _own_job(session, actor, request_id)
    req.arrived_at = clock.now()
    if req.accepted_at is None:
        req.accepted_at = req.arrived_at
    _move(session, actor, req, ON_SITE, "arrived", expect=(DISPATCHED, ACCEPTED))
    return req


def resolve(session: Session, actor: Actor, request_id: int, resolution: str) -> ServiceRequest:
    """Record the resolution: the assigned technician on site, or the desk for a reply.

    Repairs are resolved by their technician after the arrival record; other
    requests by the person they were dispatched to or the front desk.
    """
    req = _get(session, actor, request_id)
    if req.category in REPAIRS:
        req = _own_job(session, actor, request_id)
        expect: tuple[str, ...] = (ON_SITE,)
    else:
        if req.assignee_id != actor.id and not actor.can("request.dispatch"):
            raise Refused("auth.no_permission")
        expect = (DISPATCHED, ACCEPTED, ON_SITE)
    req.resolution = clean_text(resolution, field="resolution", max_length=300)
    req.resolved_at = clock.now()
    # an answered inquiry, a noted suggestion or praise then closes without follow-up
    _move(session, actor, req, RESOLVED, "resolved", note=req.resolution, expect=expect)
    return req


# --- follow-up and closing ----------------------------------------------------------------------


def follow_up(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    method: str,
    satisfaction: int,
    comment: str = "",
    client_id: str | None = None,
) -> ServiceRequest:
    """Record the follow-up (回访). Satisfied (4-5): followed up, may close. Otherwise reopened.

    A reopened request goes back to its department and person with a notice,
    and the supervisors are told.
    """
    if not actor.can("request.follow_up"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if req.status != RESOLVED:
        raise DomainError("request.wrong_status", status=req.status)
    if method not in FOLLOW_UP_METHODS:
        raise DomainError("request.bad_method")
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise DomainError("request.bad_satisfaction")
    cid = check_client_id(client_id) if client_id else None
    if cid and session.exec(select(FollowUp).where(FollowUp.client_id == cid)).first():
        return req
    text = clean_text(comment, field="comment", max_length=300, required=False)
    satisfied = satisfaction >= 4
    session.add(
        FollowUp(
            request_id=request_id,
            at=clock.now(),
            by_id=actor.id,
            method=method,
            satisfaction=satisfaction,
            satisfied=satisfied,
            comment=text,
            client_id=cid,
        )
    )
    if satisfied:
        _move(session, actor, req, FOLLOWED_UP, "followed_up", note=text, expect=(RESOLVED,))
        return req
    req.reopened += 1
    req.resolved_at = None
    req.arrived_at = None
    req.accepted_at = None
    req.dispatched_at = clock.now()
    _move(session, actor, req, DISPATCHED, "reopened", note=text, expect=(RESOLVED,))
    targets = _staff_with_role(session, req.community_id, roles.SUPERVISOR)
    if req.assignee_id is not None:
        targets = [req.assignee_id, *[t for t in targets if t != req.assignee_id]]
    _notify(session, req, targets, "reopened")
    return req


def close(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    """Close a request: a valid complaint only after its follow-up is recorded."""
    if not actor.can("request.follow_up"):
        raise Refused("auth.no_permission")
    req = _get(session, actor, request_id)
    if req.status == RESOLVED and needs_follow_up(req):
        raise DomainError("request.follow_up_first")
    req.closed_at = clock.now()
    _move(session, actor, req, CLOSED, "closed", expect=(FOLLOWED_UP, RESOLVED))
    return req


# --- overdue -------------------------------------------------------------------------------------


def sweep_overdue(session: Session, community_id: int | None = None) -> int:
    """Escalate every open request past its deadline to the supervisors, once per deadline.

    Safe to run from several workers at once: each row is claimed with a
    conditional UPDATE, so only one of them notifies. Returns how many were escalated.
    """
    now = clock.now()
    stmt = select(ServiceRequest).where(
        ServiceRequest.is_open == True,  # noqa: E712
        col(ServiceRequest.due_at) < now,
        or_(
            col(ServiceRequest.overdue_noticed_for).is_(None),
            col(ServiceRequest.overdue_noticed_for) != col(ServiceRequest.due_at),
        ),
    )
    if community_id is not None:
        stmt = stmt.where(ServiceRequest.community_id == community_id)
    n = 0
    supervisors: dict[int, list[int]] = {}
    for req in session.exec(stmt.limit(500)).all():
        claimed = session.execute(
            update(ServiceRequest)
            .where(
                col(ServiceRequest.id) == req.id,
                col(ServiceRequest.due_at) == req.due_at,
                or_(
                    col(ServiceRequest.overdue_noticed_for).is_(None),
                    col(ServiceRequest.overdue_noticed_for) != req.due_at,
                ),
            )
            .values(overdue_noticed_for=req.due_at)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        if req.community_id not in supervisors:
            supervisors[req.community_id] = _staff_with_role(
                session, req.community_id, roles.SUPERVISOR
            )
        _notify(session, req, supervisors[req.community_id], "overdue")
        _event(session, req, "overdue", None, req.status, req.status)
        audit.record(session, "request.overdue", community_id=req.community_id,
                     subject=f"request:{req.id}", after={"due_at": req.due_at})
        n += 1
    return n


# --- staff notices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    request_id: int | None
    created_at: datetime
    read: bool


def notices(session: Session, actor: Actor, *, unread_only: bool = False, limit: int = 30) -> list[NoticeRow]:
    """The actor's in-app notices, newest first."""
    stmt = select(StaffNotice).where(StaffNotice.staff_id == actor.id)
    if unread_only:
        stmt = stmt.where(col(StaffNotice.read_at).is_(None))
    rows = session.exec(stmt.order_by(col(StaffNotice.id).desc()).limit(limit)).all()
    return [
        NoticeRow(n.id or 0, n.kind, n.request_id, n.created_at, n.read_at is not None) for n in rows
    ]


def unread_count(session: Session, actor: Actor) -> int:
    return session.exec(
        select(func.count())
        .select_from(StaffNotice)
        .where(StaffNotice.staff_id == actor.id, col(StaffNotice.read_at).is_(None))
    ).one()


def mark_read(session: Session, actor: Actor, notice_id: int) -> None:
    row = session.get(StaffNotice, notice_id)
    if row is None or row.staff_id != actor.id:
        raise DomainError("request.not_found")
    if row.read_at is None:
        row.read_at = clock.now()
        session.add(row)


def _mark_read(session: Session, staff_id: int, request_id: int | None, kind: str) -> None:
    session.execute(
        update(StaffNotice)
        .where(
            col(StaffNotice.staff_id) == staff_id,
            col(StaffNotice.request_id) == request_id,
            col(StaffNotice.kind) == kind,
            col(StaffNotice.read_at).is_(None),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )


# --- the resident's private link ------------------------------------------------------------------


def by_link(session: Session, link: str) -> ServiceRequest | None:
    """The request a private link opens, or None (unknown, malformed)."""
    if not link or len(link) > 64:
        return None
    return session.exec(
        select(ServiceRequest).where(ServiceRequest.access_hash == link_hash(link))
    ).first()


def resident_note(session: Session, link: str, text: str) -> ServiceRequest:
    """The resident adds information through their private link (the desk sees it in the history)."""
    req = by_link(session, link)
    if req is None:
        raise DomainError("request.link_unknown")
    if not req.is_open:
        raise DomainError("request.closed")
    note = clean_text(text, field="note", max_length=RESIDENT_NOTE_MAX)
    _event(session, req, "resident_note", None, req.status, note)
    audit.record(session, "request.resident_note", community_id=req.community_id,
                 subject=f"request:{req.id}")
    if req.assignee_id is not None:
        _notify(session, req, [req.assignee_id], "resident_note")
    return req


def resident_actor(req: ServiceRequest) -> Actor:
    """Who a resident is when adding a photo through their private link: no staff id, no roles."""
    return Actor(
        id=None,  # type: ignore[arg-type]
        name="住户",
        phone="",
        community_id=req.community_id,
        request_id=req.id,
    )


# --- photos ------------------------------------------------------------------------------------

PHOTO_KIND = "request"


def _photo_resolver(session: Session, actor: Actor, request_id: int) -> evidence.SubjectInfo:
    """Who may add photos to a request: the resident through its link while it is open,
    the assigned person, and the desk roles."""
    req = session.get(ServiceRequest, request_id)
    if req is None or req.community_id != actor.community_id:
        raise DomainError("request.not_found")
    if actor.id is None:
        if actor.request_id != req.id:
            raise Refused("auth.no_permission")
        if not req.is_open:
            raise DomainError("request.closed")
    elif req.assignee_id != actor.id and not (
        actor.can("request.dispatch") or actor.can("request.follow_up")
    ):
        raise Refused("auth.no_permission")
    place = households.label(session, req.household_id)
    return evidence.SubjectInfo(community_id=req.community_id, place=place or "")


evidence.register_subject(PHOTO_KIND, _photo_resolver)


# --- the detail of one request -------------------------------------------------------------------


def open_for(session: Session, actor: Actor, request_id: int) -> ServiceRequest:
    """The request for its page: the register's roles see any of the community, a technician their own."""
    req = _get(session, actor, request_id)
    if actor.can("request.view") or (actor.can("request.work") and req.assignee_id == actor.id):
        return req
    raise Refused("auth.no_permission")


def allowed_actions(req: ServiceRequest, actor: Actor) -> list[str]:
    """What `actor` may do to `req` now: the buttons a screen offers (each is re-checked when done)."""
    mine = req.assignee_id is not None and req.assignee_id == actor.id
    desk = actor.can("request.dispatch")
    repair = req.category in REPAIRS
    out = []
    if desk and req.status in (RECEIVED, CLASSIFIED):
        out.append("classify")
    if desk and req.status == CLASSIFIED:
        out.append("dispatch")
    if actor.can("request.work") and mine and req.status == DISPATCHED:
        out.append("accept")
    if actor.can("request.work") and mine and repair and req.status in (DISPATCHED, ACCEPTED):
        out.append("arrive")
    if repair and actor.can("request.work") and mine and req.status == ON_SITE:
        out.append("resolve")
    if not repair and req.status in (DISPATCHED, ACCEPTED, ON_SITE) and (mine or desk):
        out.append("resolve")
    if actor.can("request.follow_up") and req.status == RESOLVED and needs_follow_up(req):
        out.append("follow_up")
    if actor.can("request.follow_up") and (
        req.status == FOLLOWED_UP or (req.status == RESOLVED and not needs_follow_up(req))
    ):
        out.append("close")
    if actor.can("request.acknowledge") and req.major and req.acknowledged_at is None:
        out.append("acknowledge")
    if req.is_open and (mine or desk or actor.can("request.follow_up")):
        out.append("photo")
    return out


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    actor: str  # staff name, "" for the resident or the system
    from_status: str
    to_status: str
    note: str


@dataclass(frozen=True)
class FollowUpView:
    at: datetime
    by: str
    method: str
    satisfaction: int
    satisfied: bool
    comment: str


def history(session: Session, request_id: int) -> list[EventView]:
    rows = session.exec(
        select(RequestEvent, Staff.name)
        .join(Staff, col(Staff.id) == col(RequestEvent.actor_id), isouter=True)
        .where(RequestEvent.request_id == request_id)
        .order_by(col(RequestEvent.at), col(RequestEvent.id))
    ).all()
    return [EventView(e.at, e.kind, name or "", e.from_status, e.to_status, e.note) for e, name in rows]


def follow_ups(session: Session, request_id: int) -> list[FollowUpView]:
    rows = session.exec(
        select(FollowUp, Staff.name)
        .join(Staff, col(Staff.id) == col(FollowUp.by_id))
        .where(FollowUp.request_id == request_id)
        .order_by(col(FollowUp.at))
    ).all()
    return [FollowUpView(f.at, name, f.method, f.satisfaction, f.satisfied, f.comment) for f, name in rows]


def grid_name(session: Session, grid_id: int | None) -> str:
    if grid_id is None:
        return ""
    grid = session.get(Grid, grid_id)
    return grid.name if grid else ""

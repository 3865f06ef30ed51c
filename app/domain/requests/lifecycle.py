"""A request's life after intake: classification, dispatch, the technician's accept / arrive / resolve, follow-up and closing."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app.db.models import (
    FollowUp,
    ServiceRequest,
    Staff,
    StaffRole,
)
from app.domain import alerts, audit, clock, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.requests.register import _event, _get, _move, _tell
from app.domain.requests.time_limits import needs_follow_up
from app.domain.requests.vocabulary import (
    ACCEPTED,
    CATEGORIES,
    CLASSIFIED,
    CLOSED,
    DEPARTMENTS,
    DISPATCHED,
    FOLLOW_UP_METHODS,
    FOLLOWED_UP,
    ON_SITE,
    RECEIVED,
    REPAIR_DEPARTMENTS,
    REPAIRS,
    RESOLVED,
)
from app.domain.validation import clean_text
from app.domain.validation import client_id as check_client_id

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
    assistant manager of the community gets an alert and must acknowledge.
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
    _tell(session, req, "major", actor_id=actor.id if actor else None)
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
    alerts.settle(session, actor.id, req.id, "major")
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
    _tell(session, req, "dispatched", actor_id=actor.id)
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
    alerts.settle(session, actor.id, req.id, "dispatched")
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

    A reopened request goes back to its department and person with an alert,
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
    _tell(session, req, "reopened", actor_id=actor.id)
    _tell(session, req, "unsatisfied", actor_id=actor.id)
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

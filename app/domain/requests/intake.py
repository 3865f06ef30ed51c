"""Registering a request: the front desk's channels, the resident page (rate-limited) and patrol work orders."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from app.db.models import (
    ServiceRequest,
    WorkOrder,
)
from app.domain import audit, clock, rate_limits
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.requests.register import Filed, _by_client_id, _household, _register
from app.domain.requests.vocabulary import (
    CONTENT_MAX,
    DESK_CHANNELS,
    PATROL,
    PHONE,
    PUBLIC_LIMITS,
    RESIDENT_KINDS,
    RESIDENT_PAGE,
)
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

INTAKE_LOCK = "intake.client"  # rate_limits scope serialising one client's public filings

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
    # one filing of this client at a time, on every worker: the count below and the insert
    # after it then act as one step (a count then an insert let a burst through)
    rate_limits.lock(session, INTAKE_LOCK, client_key)
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
                lambda s: audit.record_bounded(
                    s,
                    "request.public_refused",
                    client=client_key,
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
        grid_id=order.grid_id,
    )
    return req_filed

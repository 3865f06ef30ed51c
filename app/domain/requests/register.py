"""The register line (`ServiceRequest`): lookup, the status move, events, alerts to staff, the private link."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db.models import (
    Household,
    RequestEvent,
    ServiceRequest,
)
from app.domain import audit, clock, households, notify, request_terms
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.requests.time_limits import deadline, limits
from app.domain.requests.vocabulary import CLOSED, REPAIR_URGENT, TOLD_TO_DESK

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


def summary(session: Session, req: ServiceRequest) -> str:
    """A few words of a request for alerts and messages: the household and the start of the text."""
    text = " ".join(req.content.split())
    text = text if len(text) <= 60 else text[:59] + "…"
    home = households.label(session, req.household_id)
    return f"{home} · {text}" if home else text


def _tell(session: Session, req: ServiceRequest, event: str, *, actor_id: int | None = None,
          only: tuple[str, ...] | None = None) -> None:
    """Tell whoever the who-is-told table names for `event` about this request (app.domain.notify)."""
    notify.tell(session, event, community_id=req.community_id, grid_id=req.grid_id, request_id=req.id,
                summary=summary(session, req), assignee_id=req.assignee_id, actor_id=actor_id, only=only,
                urgent=req.major or req.category == REPAIR_URGENT)


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
    grid_id: int | None = None,
) -> Filed:
    """Write the register line, its first event and audit, and tell its grid's butler (or today's
    cover); a request the desk did not take itself (the resident page, a butler) the desk too."""
    link, hashed = _new_link()
    req = ServiceRequest(
        community_id=community_id,
        household_id=household.id if household else None,
        grid_id=household.grid_id if household else grid_id,
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
    _tell(session, req, "new_request", actor_id=received_by,
          only=None if channel in TOLD_TO_DESK else (notify.GRID_BUTLER,))
    return Filed(req, link)

"""The resident's private link: finding the request by it, adding a note, the resident's actor."""

from __future__ import annotations

from sqlmodel import Session, select

from app.db.models import (
    ServiceRequest,
)
from app.domain import audit
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.requests.register import _event, _tell, link_hash
from app.domain.requests.vocabulary import RESIDENT_NOTE_MAX
from app.domain.validation import clean_text

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
    _tell(session, req, "resident_note")
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

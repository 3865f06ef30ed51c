"""Who may attach photos to a request (registered with the evidence pipeline at import)."""

from __future__ import annotations

from sqlmodel import Session

from app.db.models import (
    ServiceRequest,
)
from app.domain import evidence, households
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused

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

"""A request the butler registers on her phone: what a resident told her on the walk.

Channel "butler" (`vocabulary.BUTLER`). The household is typed (building-entrance-room) and
must belong to one of the grids she answers for today (`grids.grids_answered_for`: her own
unless a deputy covers it, and those she covers during a colleague's leave); a household of
another grid is refused and the refusal audited. The type is one of the resident page's
(`RESIDENT_KINDS`); a repair may be marked urgent (急修). It lands on the register through
`register._register`, which tells the desk (the butler herself is the actor, so she is not
told). Sent once by the phone's client id: a retried tap or a resend returns the first one.
"""

from __future__ import annotations

from sqlmodel import Session

from app.db.models import Household
from app.domain import audit, clock, grids, households
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.requests.register import Filed, _by_client_id, _register
from app.domain.requests.vocabulary import BUTLER, CONTENT_MAX, REPAIR_URGENT, RESIDENT_KINDS
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

ACTION = "request.butler_intake"


def _refuse_other_grid(actor: Actor, home: Household, text: str) -> Refused:
    # plain values: the audit entry is written after the rollback, when `home` is detached
    household_id, grid_id = home.id, home.grid_id
    err = Refused("butler_request.other_grid")
    return err.keeping(lambda s: audit.record(
        s,
        "request.butler_refused",
        actor_id=actor.id,
        community_id=actor.community_id,
        subject=f"household:{household_id}",
        outcome="refused",
        after={"reason": "other_grid", "grid_id": grid_id, "typed": text[:40]},
    ))


def household_of(session: Session, actor: Actor, text: str) -> Household:
    """The household `text` names, if it lies in a grid the actor answers for today; else the
    reason (unreadable, not found, another grid: that one is audited when the caller keeps it)."""
    community_id = actor.community_for(ACTION)
    if not (text or "").strip():
        raise DomainError("form.required", field="household")
    home = households.find(session, community_id, text)
    mine = grids.grids_answered_for(session, actor.id, clock.today(), community_id=community_id)
    if home.grid_id is None or home.grid_id not in mine:
        raise _refuse_other_grid(actor, home, text)
    return home


def register(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    household: str,
    content: str,
    urgent: bool = False,
    contact_phone: str = "",
    client_id: str | None = None,
) -> Filed:
    """Register what a resident told the butler. A resend with the same `client_id` returns the
    first registration (its link "" then), whoever's grid it is today."""
    community_id = actor.community_for(ACTION)
    cid = check_client_id(client_id) if client_id else None
    existing = _by_client_id(session, cid)
    if existing is not None:
        if existing.community_id != community_id or existing.received_by != actor.id:
            raise DomainError("form.invalid")
        return Filed(existing, "")
    if kind not in RESIDENT_KINDS:
        raise DomainError("request.bad_kind")
    category = RESIDENT_KINDS[kind]
    if urgent:
        if kind != "repair":
            raise DomainError("butler_request.urgent_repairs_only")
        category = REPAIR_URGENT
    home = household_of(session, actor, household)
    text = clean_text(content, field="content", max_length=CONTENT_MAX)
    phone = normalize_phone(contact_phone, field="contact_phone") if contact_phone.strip() else ""
    return _register(
        session,
        community_id=community_id,
        channel=BUTLER,
        content=text,
        household=home,
        contact_name="",
        contact_phone=phone,
        received_by=actor.id,
        category=category,
        client_id=cid,
    )

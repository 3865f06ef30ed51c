"""What a resident sees of requests: the form behind the grid poster and the private status page.

A resident has no account. They reach the form through the grid poster's QR
(`/r/<token>`) and follow their request through its private link (`/q/<link>`,
`app.domain.requests.by_link`). This module holds the resident-side rules that
`app.domain.requests` leaves to its callers:

- which grid and community a poster token stands for (the card page audits a
  refused token; here it is only read);
- the household typed as "3-1-502": looked for in the poster's grid first, then
  in the rest of the community (and the page says so); never outside it;
- the client key of the rate limit: a hash of the client's address and the
  server secret, never the address itself;
- the resident-safe view of a request: the status in words, a progress step,
  the promised time, the history without internal steps or staff notes, staff
  named by role (never by name or phone), the resolution, the follow-up, and
  the photos that are not hidden;
- refused private links are audited, at most once a minute per client;
- a resident's notes and photos on an open request are capped, so an open
  link cannot be used to flood the desk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    EvidencePhoto,
    FollowUp,
    Grid,
    RequestEvent,
    ServiceRequest,
    StaffRole,
)
from app.domain import audit, clock, evidence, households, requests, roles, tokens
from app.domain.errors import DomainError, Refused
from app.domain.grid_planning import TOKEN_KIND, poster_version

# the resident's progress line: each status falls on one of these steps
STEPS: tuple[str, ...] = ("received", "in_progress", "resolved", "closed")
_STEP_OF = {
    requests.RECEIVED: 0,
    requests.CLASSIFIED: 1,
    requests.DISPATCHED: 1,
    requests.ACCEPTED: 1,
    requests.ON_SITE: 1,
    requests.RESOLVED: 2,
    requests.FOLLOWED_UP: 2,
    requests.CLOSED: 3,
}

# history events a resident never sees (internal escalations and clocks)
HIDDEN_EVENTS = frozenset({"escalated_major", "acknowledged", "overdue"})
# which of a staff member's roles names them to a resident (first held wins)
ROLE_ORDER: tuple[str, ...] = (
    roles.TECHNICIAN,
    roles.BUTLER,
    roles.FRONT_DESK,
    roles.TEAM_LEAD,
    roles.SUPERVISOR,
    roles.ASSISTANT_MANAGER,
    roles.ENGINEERING_MANAGER,
    roles.GENERAL_MANAGER,
    roles.GUARD,
    roles.ADMIN,
)
RESIDENT = "resident"  # who: the resident themself
# history events the resident made through the link (app.domain.requests.resident_loop)
RESIDENT_EVENTS = frozenset({"resident_note", "resident_confirmed", "not_fixed"})
STAFF = "staff"  # who: a staff member without a role a resident would know

# caps on what one private link may add while the request is open
PHOTO_MAX = 12
NOTES_PER_HOUR = 5
# a refused private link is audited at most once per client in this window
REFUSAL_AUDIT_EVERY = timedelta(minutes=1)
# how many of "my requests" a browser may ask about at once
RECENT_MAX = 10


# --- the poster and the form -----------------------------------------------------------


@dataclass(frozen=True)
class PosterGrid:
    community_id: int
    grid_id: int
    grid_name: str


def poster_grid(session: Session, raw_token: str) -> PosterGrid | None:
    """The grid a poster token stands for, or None (invalid or out of date: the card says which)."""
    try:
        claims = tokens.verify(raw_token or "", expect_kind=TOKEN_KIND)
    except tokens.TokenError:
        return None
    grid = session.get(Grid, claims.subject_id)
    if grid is None or grid.id is None or grid.community_id != claims.community_id:
        return None
    if claims.version != poster_version(session, grid.id):
        return None
    return PosterGrid(grid.community_id, grid.id, grid.name)


def client_key(address: str, secret: bytes) -> str:
    """The rate limit's name for a client: SHA-256 of its address and the server secret (hex)."""
    return hashlib.sha256(secret + b"\x00client\x00" + (address or "").encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class HouseholdPick:
    household_id: int
    label: str
    grid_id: int | None
    grid_name: str
    in_poster_grid: bool


def find_household(session: Session, poster: PosterGrid, text: str) -> HouseholdPick:
    """The household typed on the form: the poster's grid first, then the rest of its community."""
    if not (text or "").strip():
        raise DomainError("form.required", field="household")
    try:
        home = households.find(session, poster.community_id, text, grid_id=poster.grid_id)
    except DomainError as err:
        if err.key != "household.not_found":
            raise
        home = households.find(session, poster.community_id, text)
    assert home.id is not None
    grid = session.get(Grid, home.grid_id) if home.grid_id is not None else None
    return HouseholdPick(
        household_id=home.id,
        label=households.label(session, home.id),
        grid_id=home.grid_id,
        grid_name=grid.name if grid else "",
        in_poster_grid=home.grid_id == poster.grid_id,
    )


@dataclass(frozen=True)
class Filing:
    """What the resident is shown after filing: the number, the link (once), the household."""

    request_id: int
    link: str  # "" when this was a repeated submit of a request already filed
    household: HouseholdPick


def file_request(
    session: Session,
    poster: PosterGrid,
    *,
    kind: str,
    content: str,
    household_text: str,
    contact_phone: str,
    contact_name: str = "",
    client_key: str,
    client_id: str | None = None,
) -> Filing:
    """File a resident's request from the poster page (`requests.public_intake` does the checks)."""
    if kind not in requests.RESIDENT_KINDS:
        raise DomainError("request.bad_kind")
    pick = find_household(session, poster, household_text)
    filed = requests.public_intake(
        session,
        community_id=poster.community_id,
        household_id=pick.household_id,
        kind=kind,
        content=content,
        contact_phone=contact_phone,
        contact_name=contact_name,
        client_key=client_key,
        client_id=client_id,
    )
    assert filed.request.id is not None
    return Filing(filed.request.id, filed.link, pick)


# --- the private status page --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of the history as a resident reads it."""

    at: datetime
    kind: str  # requests event kind
    who: str  # RESIDENT, a role name, STAFF, or "" (the system)
    note: str  # literal text the resident may read ("" when none)
    note_key: str  # or a message key naming a word (category, department), "" when none


@dataclass(frozen=True)
class FollowUpSeen:
    at: datetime
    method: str
    satisfaction: int
    satisfied: bool


@dataclass(frozen=True)
class ResidentView:
    id: int
    category: str
    status: str
    step: int  # index into STEPS
    is_open: bool
    received_at: datetime
    promised_at: datetime | None  # the agreed reply time, else the deadline of the current stage
    household: str
    content: str
    resolution: str
    ours: bool
    referral_note: str
    referral_channel: str
    history: tuple[Step, ...]
    follow_up: FollowUpSeen | None
    photos: tuple[evidence.PhotoView, ...]  # author is RESIDENT or STAFF


def _role_names(session: Session, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    held: dict[int, set[str]] = {}
    for staff_id, role in session.exec(
        select(StaffRole.staff_id, StaffRole.role).where(col(StaffRole.staff_id).in_(staff_ids))
    ).all():
        held.setdefault(staff_id, set()).add(role)
    out = {}
    for staff_id in staff_ids:
        mine = held.get(staff_id, set())
        out[staff_id] = next((r for r in ROLE_ORDER if r in mine), STAFF)
    return out


def _steps(session: Session, req: ServiceRequest) -> tuple[Step, ...]:
    events = session.exec(
        select(RequestEvent)
        .where(RequestEvent.request_id == req.id)
        .order_by(col(RequestEvent.at), col(RequestEvent.id))
    ).all()
    names = _role_names(session, {e.actor_id for e in events if e.actor_id is not None})
    out = []
    for e in events:
        if e.kind in HIDDEN_EVENTS:
            continue
        if e.actor_id is not None:
            who = names.get(e.actor_id, STAFF)
        elif e.kind in RESIDENT_EVENTS or (e.kind == "received" and req.channel == requests.RESIDENT_PAGE):
            who = RESIDENT
        else:
            who = ""
        note, note_key = "", ""
        if e.kind in ("resident_note", "not_fixed"):
            note = e.note  # the resident's own words
        elif e.kind == "resident_confirmed":
            note_key = f"loop.rating.{e.note}" if e.note else ""
        elif e.kind == "resolved":
            note = e.note  # the resolution text, meant for the resident
        elif e.kind == "referred":
            note = e.note  # the channel the resident was referred to
        elif e.kind == "classified" and e.note in requests.CATEGORIES:
            note_key = f"request.category.{e.note}"
        elif e.kind == "dispatched" and e.note in requests.DEPARTMENTS:
            note_key = f"request.dept.{e.note}"
        # received (channel), followed_up / reopened (what staff wrote down): not shown
        out.append(Step(e.at, e.kind, who, note, note_key))
    return tuple(out)


def _promised(req: ServiceRequest) -> datetime | None:
    if not req.is_open:
        return None
    if req.reply_by is not None and req.status not in (requests.RESOLVED, requests.FOLLOWED_UP):
        return req.reply_by
    if req.status in (requests.RESOLVED, requests.FOLLOWED_UP):
        return None  # the clock that runs now is the follow-up's, an internal one
    return req.due_at


def _photos(session: Session, req: ServiceRequest) -> tuple[evidence.PhotoView, ...]:
    assert req.id is not None
    rows = evidence.for_subject(session, req.community_id, requests.PHOTO_KIND, req.id)

    def text(at: datetime | None) -> str:
        return clock.local(at).strftime("%Y-%m-%d %H:%M") if at is not None else ""

    return tuple(
        evidence.PhotoView(
            id=p.id or 0,
            received_at=text(p.received_at),
            claimed_at=text(p.claimed_at),
            author=RESIDENT if p.author_id is None else STAFF,
            place="",
            hidden=False,
            width=p.width,
            height=p.height,
        )
        for p in rows
    )


def view(session: Session, link: str) -> ResidentView | None:
    """What the private link shows, or None for an unknown or malformed link."""
    req = requests.by_link(session, link)
    if req is None or req.id is None:
        return None
    last = session.exec(
        select(FollowUp).where(FollowUp.request_id == req.id).order_by(col(FollowUp.at).desc())
    ).first()
    return ResidentView(
        id=req.id,
        category=req.category,
        status=req.status,
        step=_STEP_OF.get(req.status, 0),
        is_open=req.is_open,
        received_at=req.received_at,
        promised_at=_promised(req),
        household=households.label(session, req.household_id),
        content=req.content,
        resolution=req.resolution,
        ours=req.ours,
        referral_note=req.referral_note if not req.ours else "",
        referral_channel=req.referral_channel if not req.ours else "",
        history=_steps(session, req),
        follow_up=FollowUpSeen(last.at, last.method, last.satisfaction, last.satisfied) if last else None,
        photos=_photos(session, req),
    )


def refuse_link(session: Session, link: str, client: str) -> bool:
    """Audit a refused private link, at most once per client per minute (atomic across workers).

    Returns whether it wrote."""
    entry = audit.record_bounded(
        session,
        "request.link_refused",
        client=client,
        every=REFUSAL_AUDIT_EVERY,
        subject=f"client:{client[:16]}",
        outcome="refused",
        detail=tokens.fingerprint((link or "")[:256]),
    )
    return entry is not None


def add_note(session: Session, link: str, text: str) -> ServiceRequest:
    """The resident adds information through the link: `requests.resident_note`, at most a few an hour."""
    req = requests.by_link(session, link)
    if req is None:
        raise DomainError("request.link_unknown")
    n = session.exec(
        select(func.count())
        .select_from(RequestEvent)
        .where(
            RequestEvent.request_id == req.id,
            RequestEvent.kind == "resident_note",
            col(RequestEvent.at) >= clock.now() - timedelta(hours=1),
        )
    ).one()
    if n >= NOTES_PER_HOUR:
        raise DomainError("rr.too_many_notes", n=NOTES_PER_HOUR)
    return requests.resident_note(session, link, text)


def attach_photo(
    session: Session,
    link: str,
    *,
    data: bytes,
    client_id: str,
    claimed_at_ms: int | None,
    root: Path,
    filename_hint: str = "",
) -> EvidencePhoto:
    """A resident's photo through their private link (the request's photo rules decide; capped)."""
    req = requests.by_link(session, link)
    if req is None or req.id is None:
        raise Refused("request.link_unknown")
    cid = evidence.check_client_id(client_id)
    request_id = req.id

    def within_cap(db: Session) -> None:
        # count then insert under the request's row lock: photos sent at once queue here
        evidence.lock_row(db, ServiceRequest, request_id)
        n = db.exec(
            select(func.count())
            .select_from(EvidencePhoto)
            .where(
                EvidencePhoto.subject_kind == requests.PHOTO_KIND,
                EvidencePhoto.subject_id == request_id,
                col(EvidencePhoto.author_id).is_(None),
            )
        ).one()
        if n >= PHOTO_MAX:
            raise DomainError("rr.too_many_photos", n=PHOTO_MAX)

    return evidence.attach(
        session,
        requests.resident_actor(req),
        kind=requests.PHOTO_KIND,
        subject_id=req.id,
        data=data,
        client_id=cid,
        claimed_at_ms=claimed_at_ms,
        root=root,
        filename_hint=filename_hint,
        before_insert=within_cap,
    )


# --- "my requests" kept by the browser -----------------------------------------------------


@dataclass(frozen=True)
class RecentRow:
    link: str
    id: int
    category: str
    status: str
    received_at: datetime


def recent(session: Session, links: list[str]) -> list[RecentRow]:
    """The requests behind the links a browser kept (unknown ones dropped), newest first."""
    out = []
    seen: set[str] = set()
    for link in links[:RECENT_MAX]:
        if not isinstance(link, str) or link in seen:
            continue
        seen.add(link)
        req = requests.by_link(session, link)
        if req is None or req.id is None:
            continue
        out.append(RecentRow(link, req.id, req.category, req.status, req.received_at))
    out.sort(key=lambda r: r.received_at, reverse=True)
    return out

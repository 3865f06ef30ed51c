"""The resident closes the loop on their private link (/q/<link>): 已修好 with a rating, or 没修好.

Once the request is resolved (技师已处理, waiting for the resident) or closed after a resolution,
the resident answers once per resolution:

- **已修好** with a rating 满意 / 基本满意 / 不满意 (`RATINGS`, on the follow-up scale 1-5 of
  `lifecycle.follow_up`): recorded as a `FollowUp` with method "resident" and no staff author.
  满意 and 基本满意 count as satisfied (4-5, as a staff follow-up): a resolved request is then
  followed up and closed. 不满意 is below satisfied: the request stays followed up (open) and the
  supervisors and the grid's butler are told ("unsatisfied"), as after a staff follow-up.
- **没修好** with a short note: the request goes back to the same technician (dispatched, the
  clock restarts, an event "not_fixed" in the history) and the technician and whoever answers for
  the grid today (the butler, or the deputy on a cover day) are told ("not_fixed").

A request not resolved yet cannot be answered; a second answer after one is recorded (the
resident's or a staff follow-up of this resolution) is refused. Each answer carries the client id
of the page's form: a retried tap (double tap, a replay after reconnecting) records nothing new.

Also here: the contacts the page always shows (today's answerer of the grid, the front desk's
phone, the poster page to file a new request), and the desk phone shown for a link or poster
token that cannot be read (then the only, or first, community's).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from app.db.models import (
    Community,
    FollowUp,
    Grid,
    RequestEvent,
    ServiceRequest,
    Staff,
)
from app.domain import audit, clock, evidence, grids, households
from app.domain.errors import DomainError
from app.domain.grid_planning import poster
from app.domain.requests.register import _event, _move, _tell
from app.domain.requests.resident_link import by_link
from app.domain.requests.vocabulary import CLOSED, DISPATCHED, FOLLOWED_UP, RESOLVED
from app.domain.validation import clean_text
from app.domain.validation import client_id as check_client_id

RESIDENT_METHOD = "resident"  # FollowUp.method of the resident's own confirmation
# the resident's three words -> the follow-up scale (4-5 satisfied, as lifecycle.follow_up)
RATINGS: dict[str, int] = {"satisfied": 5, "mostly_satisfied": 4, "unsatisfied": 2}
RATING_OF: dict[int, str] = {n: word for word, n in RATINGS.items()}
NOT_FIXED_NOTE_MAX = 200
# the statuses in which the resident may answer (after a resolution)
ANSWERABLE: tuple[str, ...] = (RESOLVED, CLOSED)

CONFIRMED = "confirmed"
NOT_FIXED = "not_fixed"


@dataclass(frozen=True)
class Answer:
    """What was recorded (or found recorded under the same client id: `again`)."""

    request_id: int
    kind: str  # CONFIRMED / NOT_FIXED
    status: str
    again: bool = False


def _request(session: Session, link: str) -> ServiceRequest:
    """The link's request, held for the rest of the transaction: two answers sent at once (two
    tabs, a tap and its replay) are decided one after the other, the second seeing the first."""
    req = by_link(session, link)
    if req is None or req.id is None:
        raise DomainError("request.link_unknown")
    evidence.lock_row(session, ServiceRequest, req.id)
    session.refresh(req)
    return req


def _earlier(session: Session, req: ServiceRequest, cid: str | None) -> Answer | None:
    """The answer already recorded under this client id (a retried tap), if any."""
    if not cid:
        return None
    assert req.id is not None
    if session.exec(select(FollowUp.id).where(FollowUp.client_id == cid, FollowUp.request_id == req.id)).first():
        return Answer(req.id, CONFIRMED, req.status, again=True)
    if session.exec(
        select(RequestEvent.id).where(RequestEvent.client_id == cid, RequestEvent.request_id == req.id)
    ).first():
        return Answer(req.id, NOT_FIXED, req.status, again=True)
    if session.exec(select(FollowUp.id).where(FollowUp.client_id == cid)).first() or session.exec(
        select(RequestEvent.id).where(RequestEvent.client_id == cid)
    ).first():
        raise DomainError("form.invalid")  # another request's id: never reused
    return None


def answerable(session: Session, req: ServiceRequest) -> str:
    """"" when the resident may answer now, else the message key of why not."""
    if req.status not in ANSWERABLE or req.resolved_at is None or not req.ours:
        return "loop.not_resolved"
    done = session.exec(
        select(FollowUp.id).where(FollowUp.request_id == req.id, col(FollowUp.at) >= req.resolved_at)
    ).first()
    return "loop.already_answered" if done else ""


def _check(session: Session, req: ServiceRequest) -> None:
    why = answerable(session, req)
    if why:
        raise DomainError(why)


def confirm_fixed(session: Session, link: str, rating: str, *, client_id: str | None = None,
                  comment: str = "") -> Answer:
    """The resident confirms 已修好 and rates it (see the module's rules)."""
    req = _request(session, link)
    assert req.id is not None
    cid = check_client_id(client_id) if client_id else None
    earlier = _earlier(session, req, cid)
    if earlier is not None:
        return earlier
    _check(session, req)
    if rating not in RATINGS:
        raise DomainError("loop.bad_rating")
    text = clean_text(comment, field="comment", max_length=300, required=False)
    satisfaction = RATINGS[rating]
    satisfied = satisfaction >= 4
    session.add(FollowUp(request_id=req.id, at=clock.now(), by_id=None, method=RESIDENT_METHOD,
                         satisfaction=satisfaction, satisfied=satisfied, comment=text, client_id=cid))
    if req.status == RESOLVED:
        _move(session, None, req, FOLLOWED_UP, "resident_confirmed", note=rating, expect=(RESOLVED,))
        if satisfied:
            req.closed_at = clock.now()
            _move(session, None, req, CLOSED, "closed", expect=(FOLLOWED_UP,))
    else:  # closed already (e.g. an answered inquiry): the rating is recorded, the status stays
        _event(session, req, "resident_confirmed", None, req.status, rating)
        audit.record(session, "request.resident_confirmed", community_id=req.community_id,
                     subject=f"request:{req.id}", after={"rating": rating})
    if not satisfied:
        _tell(session, req, "unsatisfied")
    session.flush()
    return Answer(req.id, CONFIRMED, req.status)


def not_fixed(session: Session, link: str, note: str, *, client_id: str | None = None) -> Answer:
    """The resident says 没修好: back to the same technician, who and the grid's answerer are told."""
    req = _request(session, link)
    assert req.id is not None
    cid = check_client_id(client_id) if client_id else None
    earlier = _earlier(session, req, cid)
    if earlier is not None:
        return earlier
    _check(session, req)
    text = clean_text(note, field="note", max_length=NOT_FIXED_NOTE_MAX)
    req.reopened += 1
    req.resolved_at = None
    req.arrived_at = None
    req.accepted_at = None
    req.closed_at = None
    req.dispatched_at = clock.now()
    _move(session, None, req, DISPATCHED, "not_fixed", note=text, expect=ANSWERABLE)
    # the event _move wrote carries the client id: a retried tap finds it
    session.flush()
    event = session.exec(
        select(RequestEvent).where(RequestEvent.request_id == req.id, RequestEvent.kind == "not_fixed")
        .order_by(col(RequestEvent.id).desc())
    ).first()
    assert event is not None
    event.client_id = cid
    session.add(event)
    _tell(session, req, "not_fixed")
    session.flush()
    return Answer(req.id, NOT_FIXED, req.status)


# --- who the page offers to call ---------------------------------------------------------------


@dataclass(frozen=True)
class Contacts:
    """The contacts card of /q/<link>: today's answerer of the grid, the desk, the poster page."""

    butler_name: str
    butler_phone: str
    covering: bool  # a deputy answers today (leave cover)
    desk_phone: str
    # "/r/<token>?home=3-2-1601": the grid's poster page, its form filled with the household
    # ("" without a grid)
    new_request_path: str


def contacts(session: Session, req: ServiceRequest) -> Contacts:
    community = session.get(Community, req.community_id)
    desk = community.front_desk_phone if community else ""
    name = phone = path = ""
    covering = False
    grid = session.get(Grid, req.grid_id) if req.grid_id is not None else None
    if grid is not None and grid.id is not None:
        who = grids.answerer(session, grid.id, clock.today())
        person = session.get(Staff, who) if who is not None else None
        if person is not None and person.active:
            name, phone = person.name, person.phone
            covering = who != grid.butler_id
        path = poster.resident_path(poster.poster_token(session, grid))
        home = households.typed(session, req.household_id)
        if home:
            path += "?" + urlencode({"home": home})
    return Contacts(name, phone, covering, desk, path)


def fallback_desk_phone(session: Session) -> str:
    """The front desk phone for a page whose link or token names no community: the first community
    (by id) that has one; a single-community installation's own."""
    return session.exec(
        select(Community.front_desk_phone).where(Community.front_desk_phone != "").order_by(col(Community.id))
    ).first() or ""

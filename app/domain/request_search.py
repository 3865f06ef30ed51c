"""The complaint register read side: text index, search, and the desk dashboard panels.

Text search looks up the `RequestTerm` rows written at intake
(`app.domain.request_terms`), so a search costs what its matches cost, not
what the table holds. Every panel is a range scan
on one of `ServiceRequest`'s composite indexes (see `bench/request_queries.py`
for the plans and timings at 200,000 requests).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.db.models import Grid, RequestTerm, ServiceRequest, Staff
from app.domain import clock, households
from app.domain.request_terms import TERM_MAX, terms
from app.domain.requests.vocabulary import FOLLOWED_UP_CATEGORIES, RESOLVED
from app.domain.validation import bounded

MAX_QUERY_TERMS = 6
# the longest search text and phone the register reads (longer is refused before parsing)
MAX_QUERY_TEXT = 200
MAX_QUERY_PHONE = 40
PAGE = 50


@dataclass(frozen=True)
class RequestRow:
    """One register line as lists show it."""

    id: int
    received_at: datetime
    channel: str
    category: str
    status: str
    major: bool
    acknowledged: bool
    household: str
    grid_name: str
    contact_name: str
    contact_phone: str
    content: str
    assignee: str
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class Query:
    """What the register is searched by; every field optional."""

    text: str = ""
    phone: str = ""
    household_id: int | None = None
    status: str = ""  # a status, or "open" / "overdue"
    grid_id: int | None = None
    category: str = ""
    day_from: date | None = None
    day_to: date | None = None


def _rows(session: Session, stmt) -> list[RequestRow]:
    now = clock.now()
    found = session.exec(stmt).all()
    labels = households.labels(session, {r.household_id for r, _, _ in found if r.household_id})
    return [
        RequestRow(
            id=r.id,
            received_at=r.received_at,
            channel=r.channel,
            category=r.category,
            status=r.status,
            major=r.major,
            acknowledged=r.acknowledged_at is not None,
            household=labels.get(r.household_id or 0, ""),
            grid_name=grid or "",
            contact_name=r.contact_name,
            contact_phone=r.contact_phone,
            content=r.content[:120],
            assignee=staff or "",
            due_at=r.due_at,
            overdue=bool(r.is_open and r.due_at is not None and r.due_at < now),
        )
        for r, grid, staff in found
    ]


def _listing(*conditions):
    return (
        select(ServiceRequest, Grid.name, Staff.name)
        .join(Grid, col(Grid.id) == col(ServiceRequest.grid_id), isouter=True)
        .join(Staff, col(Staff.id) == col(ServiceRequest.assignee_id), isouter=True)
        .where(*conditions)
    )


def search(
    session: Session, community_id: int, query: Query, *, limit: int = PAGE, offset: int = 0
) -> list[RequestRow]:
    """Register lines matching every given field, newest first.

    `text`: every word (split on spaces and punctuation) must appear as written;
    a Chinese word is matched by its bigrams, so one character alone is not searched.
    `phone`: the whole number, or its last four digits.
    """
    text = bounded(query.text, MAX_QUERY_TEXT, field="text")  # before any parsing
    phone = bounded(query.phone, MAX_QUERY_PHONE, field="phone")
    conds = [ServiceRequest.community_id == community_id]
    words = sorted((w for w in terms(text) if len(w) >= 2), key=len, reverse=True)[:MAX_QUERY_TERMS]
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    wanted = list(words)
    if len(digits) >= 7:
        wanted.append(f"p:{digits}"[:TERM_MAX])
    elif len(digits) == 4:
        wanted.append(f"p4:{digits}")
    if (text.strip() and not words) or (phone.strip() and len(digits) != 4 and len(digits) < 7):
        return []
    if query.household_id is not None:
        conds.append(ServiceRequest.household_id == query.household_id)
    if query.grid_id is not None:
        conds.append(ServiceRequest.grid_id == query.grid_id)
    if query.category:
        conds.append(ServiceRequest.category == query.category)
    if query.status == "open":
        conds.append(ServiceRequest.is_open == True)  # noqa: E712
    elif query.status == "overdue":
        conds += [ServiceRequest.is_open == True, col(ServiceRequest.due_at) < clock.now()]  # noqa: E712
    elif query.status:
        conds.append(ServiceRequest.status == query.status)
    if query.day_from is not None:
        conds.append(ServiceRequest.received_at >= clock.midnight(query.day_from))
    if query.day_to is not None:
        conds.append(ServiceRequest.received_at < clock.midnight(query.day_to + timedelta(days=1)))
    if not wanted:
        stmt = _listing(*conds).order_by(col(ServiceRequest.id).desc())
    else:
        # drive from the first term's index range, newest request first, and probe the
        # others: the walk stops after `limit` hits instead of collecting every match
        first = aliased(RequestTerm)
        stmt = (
            select(ServiceRequest, Grid.name, Staff.name)
            .select_from(first)
            .join(ServiceRequest, col(ServiceRequest.id) == first.request_id)
            .join(Grid, col(Grid.id) == col(ServiceRequest.grid_id), isouter=True)
            .join(Staff, col(Staff.id) == col(ServiceRequest.assignee_id), isouter=True)
            .where(first.community_id == community_id, first.term == wanted[0], *conds)
        )
        for w in wanted[1:]:
            other = aliased(RequestTerm)
            stmt = stmt.join(
                other,
                and_(other.request_id == first.request_id, other.community_id == community_id,
                     other.term == w),
            )
        stmt = stmt.order_by(first.request_id.desc())
    return _rows(session, stmt.offset(offset).limit(limit))


# --- the desk dashboard ------------------------------------------------------------------------


def today_queue(session: Session, community_id: int, *, limit: int = PAGE) -> list[RequestRow]:
    """Received since local midnight, newest first."""
    since = clock.midnight(clock.today())
    stmt = (
        _listing(ServiceRequest.community_id == community_id, ServiceRequest.received_at >= since)
        .order_by(col(ServiceRequest.received_at).desc())
        .limit(limit)
    )
    return _rows(session, stmt)


def overdue(session: Session, community_id: int, *, limit: int = PAGE) -> list[RequestRow]:
    """Open requests past their stage's deadline, the longest overdue first."""
    stmt = (
        _listing(
            ServiceRequest.community_id == community_id,
            ServiceRequest.is_open == True,  # noqa: E712
            col(ServiceRequest.due_at) < clock.now(),
        )
        .order_by(col(ServiceRequest.due_at))
        .limit(limit)
    )
    return _rows(session, stmt)


def major_open(session: Session, community_id: int, *, limit: int = PAGE) -> list[RequestRow]:
    """Open major complaints, the unacknowledged first."""
    stmt = (
        _listing(
            ServiceRequest.community_id == community_id,
            ServiceRequest.major == True,  # noqa: E712
            ServiceRequest.is_open == True,  # noqa: E712
        )
        .order_by(col(ServiceRequest.acknowledged_at).is_not(None), col(ServiceRequest.id).desc())
        .limit(limit)
    )
    return _rows(session, stmt)


def awaiting_follow_up(session: Session, community_id: int, *, grid_id: int | None = None,
                       limit: int = PAGE) -> list[RequestRow]:
    """Resolved valid complaints whose follow-up is not recorded yet, oldest first."""
    conds = [
        ServiceRequest.community_id == community_id,
        ServiceRequest.status == RESOLVED,
        ServiceRequest.ours == True,  # noqa: E712
        col(ServiceRequest.category).in_(FOLLOWED_UP_CATEGORIES),
    ]
    if grid_id is not None:
        conds.append(ServiceRequest.grid_id == grid_id)
    stmt = _listing(*conds).order_by(col(ServiceRequest.resolved_at)).limit(limit)
    return _rows(session, stmt)


def assigned_to(session: Session, staff_id: int, *, limit: int = PAGE) -> list[RequestRow]:
    """A person's open jobs, the earliest deadline first."""
    stmt = (
        _listing(ServiceRequest.assignee_id == staff_id, ServiceRequest.is_open == True)  # noqa: E712
        .order_by(col(ServiceRequest.due_at), col(ServiceRequest.id))
        .limit(limit)
    )
    return _rows(session, stmt)


@dataclass(frozen=True)
class GridLoad:
    grid_id: int | None
    grid_name: str
    open: int
    overdue: int


def by_grid(session: Session, community_id: int) -> list[GridLoad]:
    """Open and overdue requests per grid (one row per grid, plus "no grid")."""
    now = clock.now()
    rows = session.exec(
        select(
            ServiceRequest.grid_id,
            func.count(),
            func.sum(case((col(ServiceRequest.due_at) < now, 1), else_=0)),
        )
        .where(ServiceRequest.community_id == community_id, ServiceRequest.is_open == True)  # noqa: E712
        .group_by(col(ServiceRequest.grid_id))
    ).all()
    counts = {gid: (n, int(late or 0)) for gid, n, late in rows}
    grids = session.exec(
        select(Grid.id, Grid.name).where(Grid.community_id == community_id).order_by(col(Grid.id))
    ).all()
    out = [GridLoad(gid, name, *counts.get(gid, (0, 0))) for gid, name in grids]
    if None in counts:
        out.append(GridLoad(None, "", *counts[None]))
    return out


@dataclass(frozen=True)
class Counts:
    today: int
    open: int
    overdue: int
    major_unacknowledged: int
    awaiting_follow_up: int


def counts(session: Session, community_id: int) -> Counts:
    """The figures on top of the dashboard."""
    now = clock.now()

    def n(*conds) -> int:
        return session.exec(
            select(func.count()).select_from(ServiceRequest).where(
                ServiceRequest.community_id == community_id, *conds
            )
        ).one()

    return Counts(
        today=n(ServiceRequest.received_at >= clock.midnight(clock.today())),
        open=n(ServiceRequest.is_open == True),  # noqa: E712
        overdue=n(ServiceRequest.is_open == True, col(ServiceRequest.due_at) < now),  # noqa: E712
        major_unacknowledged=n(
            ServiceRequest.major == True,  # noqa: E712
            ServiceRequest.is_open == True,  # noqa: E712
            col(ServiceRequest.acknowledged_at).is_(None),
        ),
        awaiting_follow_up=n(
            ServiceRequest.status == RESOLVED,
            ServiceRequest.ours == True,  # noqa: E712
            col(ServiceRequest.category).in_(FOLLOWED_UP_CATEGORIES),
        ),
    )


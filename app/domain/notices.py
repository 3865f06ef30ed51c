"""The notice board (公告栏): announcements to the whole community or one grid.

An `Announcement` has a title (≤ 60), a text (≤ 2000), a scope (the whole
community, or one grid), and the days it is shown (`valid_from` ..
`valid_until`, local days in `clock.ZONE`, both included). It is never
deleted: a wrong one is withdrawn. It may answer requests of the register
(common problems), kept as `AnnouncementLink`s to requests of the same
community. The published quarterly report is an announcement of kind
`quarterly_report` carrying its period ("2026-Q3"); residents open its PDF
from the board (`app.api.reports`).

What a resident of a grid sees today is `board()`: the community-wide notices
and that grid's, valid today, not withdrawn, newest first.

Permission `notice.manage` (publishing a report: `report.write`); every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.db.models import Announcement, AnnouncementLink, Grid, ServiceRequest
from app.domain import audit, clock, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.validation import clean_text

MANUAL = "manual"
QUARTERLY_REPORT = "quarterly_report"
KINDS: tuple[str, ...] = (MANUAL, QUARTERLY_REPORT)

TITLE_MAX = 60
BODY_MAX = 2000
MAX_DAYS = 366  # longest validity
MAX_LINKS = 50  # requests linked in one go
LISTING_LIMIT = 100


@dataclass(frozen=True)
class BoardItem:
    """One announcement as a resident sees it."""

    id: int
    title: str
    body: str
    kind: str
    report_period: str
    valid_from: date
    valid_until: date
    community_wide: bool
    created_at: datetime


@dataclass(frozen=True)
class NoticeRow:
    """One announcement in the staff listing, with its state and linked requests."""

    id: int
    title: str
    body: str
    kind: str
    report_period: str
    grid_id: int | None
    grid_name: str
    valid_from: date
    valid_until: date
    # scheduled / active / expired / withdrawn
    state: str
    request_ids: tuple[int, ...]
    created_at: datetime

    @property
    def on_board(self) -> bool:
        """Showing now or still to come: the announcements staff may still link or withdraw."""
        return self.state in ("scheduled", "active")



def _get(session: Session, actor: Actor, announcement_id: int) -> Announcement:
    row = session.get(Announcement, announcement_id)
    if row is None or row.community_id != actor.community_id:
        raise DomainError("notice.not_found")
    return row


def _check_dates(valid_from: date | None, valid_until: date | None) -> tuple[date, date]:
    if not isinstance(valid_from, date) or not isinstance(valid_until, date):
        raise DomainError("notice.bad_dates")
    if valid_from < clock.today():
        raise DomainError("notice.in_past")
    if valid_until < valid_from:
        raise DomainError("notice.until_before_from")
    if (valid_until - valid_from).days >= MAX_DAYS:
        raise DomainError("notice.too_long", days=MAX_DAYS)
    return valid_from, valid_until


def _check_grid(session: Session, community_id: int, grid_id: int | None) -> int | None:
    if grid_id is None:
        return None
    grid = session.get(Grid, grid_id)
    if grid is None or grid.community_id != community_id:
        raise DomainError("notice.grid_unknown")
    return grid.id


def create(
    session: Session,
    actor: Actor,
    *,
    title: str,
    body: str,
    grid_id: int | None,
    valid_from: date,
    valid_until: date,
) -> Announcement:
    """Post an announcement to the whole community (`grid_id` None) or one grid."""
    community_id = actor.community_for("notice.manage")
    text_title = clean_text(title, field="title", max_length=TITLE_MAX)
    text_body = clean_text(body, field="body", max_length=BODY_MAX)
    first, last = _check_dates(valid_from, valid_until)
    row = Announcement(
        community_id=community_id,
        grid_id=_check_grid(session, community_id, grid_id),
        title=text_title,
        body=text_body,
        valid_from=first,
        valid_until=last,
        kind=MANUAL,
        created_by=actor.id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, "notice.created", actor_id=actor.id, community_id=community_id,
        subject=f"announcement:{row.id}",
        after={"title": text_title, "grid_id": row.grid_id, "from": first, "until": last},
    )
    return row


def withdraw(session: Session, actor: Actor, announcement_id: int) -> Announcement:
    """Take an announcement off the board (kept, marked withdrawn)."""
    actor.community_for("notice.manage")
    row = _get(session, actor, announcement_id)
    if row.withdrawn_at is not None:
        raise DomainError("notice.already_withdrawn")
    row.withdrawn_at = clock.now()
    row.withdrawn_by = actor.id
    session.add(row)
    audit.record(
        session, "notice.withdrawn", actor_id=actor.id, community_id=row.community_id,
        subject=f"announcement:{row.id}", before={"title": row.title},
    )
    return row


def link_requests(session: Session, actor: Actor, announcement_id: int, request_ids: list[int]) -> int:
    """Link requests (of the same community) the announcement answers; returns how many are new."""
    community_id = actor.community_for("notice.manage")
    row = _get(session, actor, announcement_id)
    wanted = sorted({int(i) for i in request_ids})
    if not wanted:
        raise DomainError("form.required", field="request_ids")
    if len(wanted) > MAX_LINKS:
        raise DomainError("notice.too_many_links", max=MAX_LINKS)
    found = set(
        session.exec(
            select(ServiceRequest.id).where(
                col(ServiceRequest.id).in_(wanted), ServiceRequest.community_id == community_id
            )
        ).all()
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise DomainError("notice.request_unknown", id=missing[0])
    have = set(
        session.exec(
            select(AnnouncementLink.request_id).where(AnnouncementLink.announcement_id == row.id)
        ).all()
    )
    new = [i for i in wanted if i not in have]
    for request_id in new:
        session.add(AnnouncementLink(announcement_id=row.id, request_id=request_id))
    session.flush()
    audit.record(
        session, "notice.linked", actor_id=actor.id, community_id=community_id,
        subject=f"announcement:{row.id}", after={"request_ids": new},
    )
    return len(new)


def unlink_request(session: Session, actor: Actor, announcement_id: int, request_id: int) -> None:
    actor.community_for("notice.manage")
    row = _get(session, actor, announcement_id)
    link = session.exec(
        select(AnnouncementLink).where(
            AnnouncementLink.announcement_id == row.id, AnnouncementLink.request_id == request_id
        )
    ).first()
    if link is None:
        raise DomainError("notice.not_linked")
    session.delete(link)
    audit.record(
        session, "notice.unlinked", actor_id=actor.id, community_id=row.community_id,
        subject=f"announcement:{row.id}", before={"request_id": request_id},
    )


def linked_to(session: Session, request_id: int) -> list[int]:
    """Ids of the announcements that answer a request."""
    return [
        i for i in session.exec(
            select(AnnouncementLink.announcement_id)
            .where(AnnouncementLink.request_id == request_id)
            .order_by(col(AnnouncementLink.announcement_id))
        ).all()
    ]


def publish_report(
    session: Session,
    actor: Actor,
    period: str,
    *,
    title: str,
    body: str,
    days: int = 90,
) -> Announcement:
    """Publish the quarterly report of `period` ("2026-Q3") to the whole community's board.

    A period already on the board (not withdrawn) is refused: withdraw it first.
    """
    from app.domain import reports

    community_id = actor.community_for("report.write")
    reports.parse_quarter(period)  # refuses a malformed period
    existing = session.exec(
        select(Announcement.id).where(
            Announcement.community_id == community_id,
            Announcement.kind == QUARTERLY_REPORT,
            Announcement.report_period == period,
            col(Announcement.withdrawn_at).is_(None),
        )
    ).first()
    if existing is not None:
        raise DomainError("notice.report_already_published", period=period)
    today = clock.today()
    row = Announcement(
        community_id=community_id,
        grid_id=None,
        title=clean_text(title, field="title", max_length=TITLE_MAX),
        body=clean_text(body, field="body", max_length=BODY_MAX),
        valid_from=today,
        valid_until=today + timedelta(days=max(1, min(days, MAX_DAYS - 1))),
        kind=QUARTERLY_REPORT,
        report_period=period,
        created_by=actor.id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session, "report.published", actor_id=actor.id, community_id=community_id,
        subject=f"announcement:{row.id}", after={"period": period},
    )
    return row


def is_published(session: Session, community_id: int, period: str) -> bool:
    """Whether the quarterly report of `period` is on the community's board today."""
    today = clock.today()
    return session.exec(
        select(Announcement.id).where(
            Announcement.community_id == community_id,
            Announcement.kind == QUARTERLY_REPORT,
            Announcement.report_period == period,
            col(Announcement.withdrawn_at).is_(None),
            col(Announcement.valid_from) <= today,
            col(Announcement.valid_until) >= today,
        )
    ).first() is not None


def board(session: Session, community_id: int, grid_id: int | None) -> list[BoardItem]:
    """What a resident of `grid_id` sees today: community-wide and that grid's, newest first."""
    today = clock.today()
    scope = col(Announcement.grid_id).is_(None)
    if grid_id is not None:
        scope = or_(scope, col(Announcement.grid_id) == grid_id)
    rows = session.exec(
        select(Announcement)
        .where(
            Announcement.community_id == community_id,
            scope,
            col(Announcement.withdrawn_at).is_(None),
            col(Announcement.valid_from) <= today,
            col(Announcement.valid_until) >= today,
        )
        .order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc())
        .limit(LISTING_LIMIT)
    ).all()
    return [
        BoardItem(
            id=r.id or 0, title=r.title, body=r.body, kind=r.kind, report_period=r.report_period,
            valid_from=r.valid_from, valid_until=r.valid_until, community_wide=r.grid_id is None,
            created_at=r.created_at,
        )
        for r in rows
    ]


def board_for_token(session: Session, raw_token: str) -> tuple[int, list[BoardItem]]:
    """(community id, board) of the grid a poster's QR token names; (0, []) when it is not valid.

    The resident page's own loader audits a refused token; this one stays quiet.
    """
    from app.domain import grid_planning

    try:
        claims = tokens.verify(raw_token or "", expect_kind=grid_planning.TOKEN_KIND)
    except tokens.TokenError:
        return 0, []
    grid = session.get(Grid, claims.subject_id)
    if grid is None or grid.community_id != claims.community_id or grid.id is None:
        return 0, []
    if claims.version != grid_planning.poster_version(session, grid.id):
        return 0, []
    return grid.community_id, board(session, grid.community_id, grid.id)


def _state(row: Announcement, today: date) -> str:
    if row.withdrawn_at is not None:
        return "withdrawn"
    if row.valid_from > today:
        return "scheduled"
    if row.valid_until < today:
        return "expired"
    return "active"


def listing(session: Session, actor: Actor, *, include_old: bool = False) -> list[NoticeRow]:
    """The staff listing: current and scheduled (and, asked, expired and withdrawn), newest first."""
    community_id = actor.community_for("notice.manage")
    today = clock.today()
    stmt = select(Announcement, Grid.name).join(
        Grid, col(Grid.id) == col(Announcement.grid_id), isouter=True
    ).where(Announcement.community_id == community_id)
    if not include_old:
        stmt = stmt.where(col(Announcement.withdrawn_at).is_(None), col(Announcement.valid_until) >= today)
    rows = session.exec(
        stmt.order_by(col(Announcement.created_at).desc(), col(Announcement.id).desc()).limit(LISTING_LIMIT)
    ).all()
    ids = [a.id for a, _ in rows]
    links: dict[int, list[int]] = {}
    if ids:
        for ann_id, req_id in session.exec(
            select(AnnouncementLink.announcement_id, AnnouncementLink.request_id)
            .where(col(AnnouncementLink.announcement_id).in_(ids))
            .order_by(col(AnnouncementLink.request_id))
        ).all():
            links.setdefault(ann_id, []).append(req_id)
    return [
        NoticeRow(
            id=a.id or 0, title=a.title, body=a.body, kind=a.kind, report_period=a.report_period,
            grid_id=a.grid_id, grid_name=name or "", valid_from=a.valid_from,
            valid_until=a.valid_until, state=_state(a, today),
            request_ids=tuple(links.get(a.id or 0, ())), created_at=a.created_at,
        )
        for a, name in rows
    ]


def active_count(session: Session, community_id: int) -> int:
    today = clock.today()
    return session.exec(
        select(func.count()).select_from(Announcement).where(
            Announcement.community_id == community_id,
            col(Announcement.withdrawn_at).is_(None),
            col(Announcement.valid_from) <= today,
            col(Announcement.valid_until) >= today,
        )
    ).one()

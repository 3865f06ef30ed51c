"""SQLModel tables of requests and complaints (报修 / 投诉) and the notice board.

`ServiceRequest` is one line of the complaint register (投诉受理登记表);
`RequestEvent` its status history; `RequestTerm` its search terms; `FollowUp` the follow-up record (回访);
`StaffAlert` an in-app alert to one staff member (escalations, dispatch);
`QueueLook` when a butler last opened her grid's queue (the 新 marks);
`Announcement` a notice-board post (公告栏) and `AnnouncementLink` the
requests it answers; `RequestLimits` a community's time limits;
`ImprovementPlan` the supervisor's half-monthly improvement actions.
Rules about these rows live in `app.domain.requests`, `app.domain.notices`
and `app.domain.reports`. Re-exported by `app.db.models`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ServiceRequest(SQLModel, table=True):
    """One request or complaint as registered, from any channel.

    `due_at` is the deadline of the stage the request is in (classification,
    arrival, resolution, reply, follow-up), kept on the row so the overdue
    panels are one indexed range scan; `overdue_noticed_for` is the deadline
    whose miss was already escalated, so each missed promise escalates once.
    """

    __table_args__ = (
        Index("ix_servicerequest_open_due", "community_id", "is_open", "due_at"),
        Index("ix_servicerequest_received", "community_id", "received_at"),
        # grid search newest first; the register without filters; a household's requests
        Index("ix_servicerequest_grid_newest", "community_id", "grid_id", "id"),
        Index("ix_servicerequest_newest", "community_id", "id"),
        Index("ix_servicerequest_household", "community_id", "household_id", "id"),
        # open requests per grid (the dashboard's by-grid table)
        Index("ix_servicerequest_open_grid", "community_id", "is_open", "grid_id"),
        Index("ix_servicerequest_status", "community_id", "status"),
        Index("ix_servicerequest_phone", "community_id", "contact_phone"),
        Index("ix_servicerequest_assignee_open", "assignee_id", "is_open"),
        Index("ix_servicerequest_major_open", "community_id", "major", "is_open"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    household_id: int | None = Field(default=None, foreign_key="household.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    # phone / visit / letter / resident_page / patrol / other
    channel: str = Field(max_length=16)
    recording_ref: str = Field(default="", max_length=60)
    received_at: datetime
    received_by: int | None = Field(default=None, foreign_key="staff.id")
    contact_name: str = Field(default="", max_length=40)
    contact_phone: str = Field(default="", max_length=20)
    content: str = Field(sa_column=Column(Text, nullable=False))
    # repair_minor / repair_urgent / complaint / inquiry / suggestion / praise; "" until classified
    category: str = Field(default="", max_length=16)
    ours: bool = True
    referral_note: str = Field(default="", max_length=200)
    referral_channel: str = Field(default="", max_length=80)
    major: bool = False
    acknowledged_at: datetime | None = None
    acknowledged_by: int | None = Field(default=None, foreign_key="staff.id")
    department: str = Field(default="", max_length=12)
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    reply_by: datetime | None = None
    # received / classified / dispatched / accepted / on_site / resolved /
    # followed_up / closed (app.domain.requests.STATUSES)
    status: str = Field(default="received", max_length=12)
    is_open: bool = True
    due_at: datetime | None = None
    overdue_noticed_for: datetime | None = None
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    arrived_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str = Field(default="", max_length=300)
    reopened: int = 0
    # where it came from, e.g. a work order of a patrol finding
    source_kind: str = Field(default="", max_length=24)
    source_id: int | None = None
    # SHA-256 of the resident's private status link (the link itself is never stored)
    access_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    # SHA-256 of the public client that filed it (resident page rate limit)
    client_key: str = Field(default="", max_length=64, index=True)
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class RequestTerm(SQLModel, table=True):
    """One search term (a CJK bigram or a Latin/digit word) of a request's text.

    The register's text search looks terms up here instead of scanning every
    request's content, so its cost follows the matches, not the table size.
    """

    __table_args__ = (Index("ix_requestterm_lookup", "community_id", "term", "request_id"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    term: str = Field(max_length=24)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)


class RequestEvent(SQLModel, table=True):
    """One step in a request's history: who did what, when, from which status to which."""

    __table_args__ = (Index("ix_requestevent_request", "request_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id")
    at: datetime
    # None: the resident (private link) or the system (overdue sweep)
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=20)
    from_status: str = Field(default="", max_length=12)
    to_status: str = Field(default="", max_length=12)
    note: str = Field(default="", max_length=500)
    # set by the resident's phone on the steps it sends (没修好 on /q/<link>), so a retried tap is
    # recorded once (app.domain.requests.resident_loop)
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class FollowUp(SQLModel, table=True):
    """The follow-up (回访) of a resolved request: how, how satisfied, what was said."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    at: datetime
    # None: the resident's own confirmation through their private link (method "resident")
    by_id: int | None = Field(default=None, foreign_key="staff.id")
    # phone / visit / resident
    method: str = Field(max_length=8)
    # 1 (very dissatisfied) .. 5 (very satisfied)
    satisfaction: int
    satisfied: bool
    comment: str = Field(default="", max_length=300)
    client_id: str | None = Field(default=None, max_length=40, unique=True, index=True)


class StaffAlert(SQLModel, table=True):
    """An alert to one staff member (escalation, dispatch), read or not.

    Not the notice board (`Announcement`): an alert is addressed to one person."""

    __table_args__ = (Index("ix_staffalert_staff_unread", "staff_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    staff_id: int = Field(foreign_key="staff.id")
    # one of app.domain.alerts.KINDS (what happened); app.domain.notify says who is told of which
    kind: str = Field(max_length=32)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id", index=True)
    # the grid of the record (a grid's WeCom robot is told of its records), when it has one
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    # what it is about when not a request: "renovation:12", "rectification:7" ("" for a request)
    subject: str = Field(default="", max_length=40, index=True)
    # a few words of the record ("3-1-502 · 厨房漏水"), data not language: the message texts add the kind
    summary: str = Field(default="", max_length=140)
    # urgent repairs and major complaints: delivered in quiet hours too
    urgent: bool = False
    # one occurrence told to several people shares the key (a group robot is told once per key)
    event_key: str = Field(default="", max_length=16, index=True)
    created_at: datetime
    read_at: datetime | None = None


class QueueLook(SQLModel, table=True):
    """When one person last opened the queue of one grid (我的网格·待办): what arrived or changed
    after it is marked new (`app.domain.requests.grid_queue`)."""

    __table_args__ = (UniqueConstraint("staff_id", "grid_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    grid_id: int = Field(foreign_key="grid.id")
    seen_at: datetime


class RequestLimits(SQLModel, table=True):
    """A community's time limits for requests; defaults are the handbook's."""

    community_id: int = Field(foreign_key="community.id", primary_key=True)
    classify_minutes: int = 15
    arrival_minutes: int = 5
    minor_resolve_minutes: int = 60
    # urgent repairs: resolved before the end of the day they were received
    urgent_same_day: bool = True
    reply_hours: int = 24
    follow_up_hours: int = 48
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
    updated_at: datetime | None = None


class Announcement(SQLModel, table=True):
    """A notice-board post (公告): title, text, scope (community or one grid), validity."""

    __table_args__ = (Index("ix_announcement_valid", "community_id", "valid_until"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    # None: the whole community
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    title: str = Field(max_length=60)
    body: str = Field(sa_column=Column(Text, nullable=False))
    valid_from: date
    valid_until: date
    # manual / quarterly_report
    kind: str = Field(default="manual", max_length=16)
    # e.g. "2026-Q3" for a published quarterly report
    report_period: str = Field(default="", max_length=10)
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = Field(default=None, foreign_key="staff.id")


class AnnouncementLink(SQLModel, table=True):
    """An announcement answers a request (common problems)."""

    __table_args__ = (UniqueConstraint("announcement_id", "request_id"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)


class ImprovementPlan(SQLModel, table=True):
    """The supervisor's improvement actions for one half month (半月总结)."""

    __table_args__ = (UniqueConstraint("community_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    period_start: date
    period_end: date
    actions: str = Field(sa_column=Column(Text, nullable=False))
    written_by: int = Field(foreign_key="staff.id")
    written_at: datetime

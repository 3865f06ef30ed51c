"""SQLModel tables of the messages that leave the app (issue 12): the outbox and who wants what.

`OutboxMessage` is one message to one target on one channel (a WeCom group robot's webhook, a
phone through the SMS gateway, a browser's Web Push subscription), written in the transaction of
the alert that causes it and delivered by the background worker; `NotifyPreference` a person's
channels and quiet hours; `GridWebhook` a grid's own WeCom robot; `PushSubscription` a browser a
person subscribed on /account. Rules about these rows live in `app.domain.outbox`. Re-exported by
`app.db.models`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class OutboxMessage(SQLModel, table=True):
    """One message waiting for, being, or done with its delivery.

    `(event_key, channel, target)` is unique: one event never gives two messages to one target
    (a group robot is told once per event, whoever in its grid is told)."""

    __table_args__ = (
        UniqueConstraint("event_key", "channel", "target", name="uq_outboxmessage_event_channel_target"),
        # the worker's scan: what is due
        Index("ix_outboxmessage_due", "status", "next_attempt_at"),
        Index("ix_outboxmessage_community_status", "community_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    # wecom / sms / webpush (app.domain.outbox.channels.CHANNELS)
    channel: str = Field(max_length=12)
    # the webhook URL, the phone number, or the push endpoint
    target: str = Field(max_length=600)
    # the person told (None for a group robot), and the grid of the record
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    # the alert this comes from: kind, event key shared by everyone told, its words
    kind: str = Field(max_length=32)
    event_key: str = Field(max_length=16)
    request_id: int | None = Field(default=None, foreign_key="servicerequest.id")
    # the title it was sent with (rendered at each attempt, in `language`); the body is the
    # record's own words (the alert's summary), the kind adds the rest when it is rendered
    title: str = Field(default="", max_length=80)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    # the language the message is written in (the person's, zh for a group)
    language: str = Field(default="zh", max_length=5)
    urgent: bool = False
    # WeCom: the phones of the people told who want an @-mention, comma-separated
    mentions: str = Field(default="", max_length=400)
    # pending / sending / sent / failed
    status: str = Field(default="pending", max_length=8)
    attempts: int = 0
    next_attempt_at: datetime
    # the worker holding it and until when (a crashed worker's claim lapses)
    claimed_by: str = Field(default="", max_length=40)
    lease_until: datetime | None = None
    last_error: str = Field(default="", max_length=300)
    created_at: datetime
    sent_at: datetime | None = None


class NotifyPreference(SQLModel, table=True):
    """One person's channels outside the app and quiet hours (none: in-app only)."""

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    sms: bool = False
    webpush: bool = False
    # @-mentioned (by phone) in the grid's WeCom group message
    wecom_mention: bool = False
    # local minutes after midnight; quiet from start to end (may wrap past midnight); None: never quiet
    quiet_start: int | None = None
    quiet_end: int | None = None


class GridWebhook(SQLModel, table=True):
    """A grid's own WeCom group robot (otherwise the community's default from the settings)."""

    grid_id: int = Field(foreign_key="grid.id", primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    url: str = Field(max_length=600)
    set_by: int | None = Field(default=None, foreign_key="staff.id")
    set_at: datetime


class PushSubscription(SQLModel, table=True):
    """A browser a person subscribed to Web Push from (one person may have several)."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    endpoint: str = Field(max_length=600, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=60)
    created_at: datetime

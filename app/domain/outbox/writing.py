"""Writing the outbox rows of the alerts of one event, in the alert's own transaction.

`queue(session, alerts)` is called by `app.domain.alerts.send` right after the alerts are
flushed: no network I/O here, only rows. For the event (the alerts share one event key):

- WeCom: one message to the grid's own robot, else the community's default robot, whoever in
  the grid is told; the people told who asked for it are @-mentioned by phone;
- SMS: one per person told who chose SMS and has a phone;
- Web Push: one per browser subscription of each person told who chose Web Push.

A channel that is off writes nothing. A personal message in the person's quiet hours waits for
their end unless the alert is urgent. `(event_key, channel, target)` is unique, so a second call
for the same event never writes a second message to a target.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.db.models import GridWebhook, OutboxMessage, PushSubscription, Staff, StaffAlert
from app.domain import clock
from app.domain.outbox import channels, preferences


def webhook_for(session: Session, grid_id: int | None) -> str:
    """The WeCom robot a grid's events go to: its own, else the community's default ("" none)."""
    if grid_id is not None:
        own = session.get(GridWebhook, grid_id)
        if own is not None and own.url:
            return own.url
    return channels.default_webhook()


def queue(session: Session, alerts: Sequence[StaffAlert]) -> list[OutboxMessage]:
    """Outbox rows for the alerts of one event (see the module); flushed, returned."""
    if not alerts or not any(channels.status().values()):
        return []
    first = alerts[0]
    now = clock.now()
    people = [a.staff_id for a in alerts]
    prefs = preferences.rows_of(session, people)
    staff = {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(people))).all()}
    wanted: list[OutboxMessage] = []

    def add(channel: str, target: str, *, staff_id: int | None, at, mentions: str = "",
            language: str = "zh") -> None:
        wanted.append(OutboxMessage(
            community_id=first.community_id, channel=channel, target=target[:600], staff_id=staff_id,
            grid_id=first.grid_id, kind=first.kind, event_key=first.event_key, request_id=first.request_id,
            title="", body=first.summary, language=language, urgent=first.urgent, mentions=mentions[:400],
            next_attempt_at=at, created_at=now))

    if channels.wecom_on():
        url = webhook_for(session, first.grid_id)
        if url:
            phones = [staff[p].phone for p in people if p in staff and p in prefs and prefs[p].wecom_mention
                      and staff[p].phone]
            add(channels.WECOM, url, staff_id=None, at=now, mentions=",".join(phones))
    for person in people:
        pref, who = prefs.get(person), staff.get(person)
        if pref is None or who is None or not who.active:
            continue
        at = preferences.release_at(pref, now, urgent=first.urgent)
        if pref.sms and who.phone and channels.sms_on():
            add(channels.SMS, who.phone, staff_id=person, at=at, language=who.language)
        if pref.webpush and channels.webpush_on():
            subs = session.exec(select(PushSubscription.endpoint)
                                .where(PushSubscription.staff_id == person)).all()
            for endpoint in subs:
                add(channels.WEBPUSH, endpoint, staff_id=person, at=at, language=who.language)
    if not wanted:
        return []
    existing = set(session.exec(
        select(OutboxMessage.channel, OutboxMessage.target).where(OutboxMessage.event_key == first.event_key)
    ).all())
    rows = []
    for row in wanted:
        if (row.channel, row.target) in existing:
            continue
        existing.add((row.channel, row.target))
        session.add(row)
        rows.append(row)
    if rows:
        session.flush()
    return rows

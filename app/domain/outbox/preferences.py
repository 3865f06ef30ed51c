"""A person's channels outside the app and quiet hours (/account), and when a message may go.

In quiet hours (e.g. 22:00-07:00, local time, may wrap past midnight) a message that is not
urgent waits until they end; an urgent one (urgent repair, major complaint) goes at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.db.models import NotifyPreference, PushSubscription
from app.domain import clock
from app.domain.auth import Actor
from app.domain.errors import DomainError

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Preferences:
    sms: bool = False
    webpush: bool = False
    wecom_mention: bool = False
    quiet_start: str = ""  # "22:00", "" when never quiet
    quiet_end: str = ""


def _fmt(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hhmm(text: str) -> int | None:
    """Minutes after midnight of "HH:MM"; None for blank; DomainError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    m = _HHMM.match(text)
    if m is None:
        raise DomainError("notify.bad_time")
    return int(m.group(1)) * 60 + int(m.group(2))


def of(session: Session, staff_id: int) -> Preferences:
    row = session.get(NotifyPreference, staff_id)
    if row is None:
        return Preferences()
    return Preferences(row.sms, row.webpush, row.wecom_mention, _fmt(row.quiet_start), _fmt(row.quiet_end))


def rows_of(session: Session, staff_ids: list[int]) -> dict[int, NotifyPreference]:
    out = {}
    for sid in staff_ids:
        row = session.get(NotifyPreference, sid)
        if row is not None:
            out[sid] = row
    return out


def save(session: Session, actor: Actor, *, sms: bool, webpush: bool, wecom_mention: bool,
         quiet_start: str, quiet_end: str) -> Preferences:
    """The actor's own choices; quiet hours need both ends (or neither), and differ."""
    start, end = parse_hhmm(quiet_start), parse_hhmm(quiet_end)
    if (start is None) != (end is None):
        raise DomainError("notify.quiet_both")
    if start is not None and start == end:
        raise DomainError("notify.quiet_same")
    row = session.get(NotifyPreference, actor.id) or NotifyPreference(staff_id=actor.id)
    row.sms, row.webpush, row.wecom_mention = bool(sms), bool(webpush), bool(wecom_mention)
    row.quiet_start, row.quiet_end = start, end
    session.add(row)
    session.flush()
    return of(session, actor.id)


def release_at(pref: NotifyPreference | None, at: datetime, *, urgent: bool) -> datetime:
    """When a message written at `at` may go: `at`, or the end of the person's quiet hours."""
    if urgent or pref is None or pref.quiet_start is None or pref.quiet_end is None:
        return at
    local = clock.local(at)
    minute = local.hour * 60 + local.minute
    start, end = pref.quiet_start, pref.quiet_end
    quiet = start <= minute < end if start < end else (minute >= start or minute < end)
    if not quiet:
        return at
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(at.tzinfo)


def subscribe(session: Session, actor: Actor, endpoint: str, p256dh: str, auth: str) -> None:
    """Keep the browser's push subscription for the actor (an https endpoint), and switch her
    Web Push on: subscribing is asking for it. A known endpoint moves to whoever subscribed last."""
    endpoint, p256dh, auth = endpoint.strip(), p256dh.strip(), auth.strip()
    if not endpoint.startswith("https://") or len(endpoint) > 600 or not p256dh or len(p256dh) > 200 \
            or not auth or len(auth) > 60:
        raise DomainError("notify.push.unsupported")
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if row is None:
        row = PushSubscription(staff_id=actor.id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=clock.now())
    row.staff_id, row.p256dh, row.auth = actor.id, p256dh, auth
    session.add(row)
    pref = session.get(NotifyPreference, actor.id) or NotifyPreference(staff_id=actor.id)
    pref.webpush = True
    session.add(pref)
    session.flush()

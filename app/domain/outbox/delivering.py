"""Delivering claimed outbox rows: send each with a timeout, then sent, retry later, or failed.

`deliver_due(sessions, worker, render)` claims a batch (`claiming.claim`, committed at once so
other workers see the claim), sends its messages side by side outside any transaction, and
records the outcomes in one short transaction. A worker that dies between a send and that
record leaves the row claimed; its lease runs out and another worker sends it again (at least
once, never twice while workers live). A failed send is retried after `backoff * 3^(n-1)`
(5 s, 15 s, 45 s, 135 s, 405 s with the defaults: ~10 min over 6 attempts), then marked failed
for the supervisor. The words come from `render(kind, summary, language)`, given by the caller
(the background worker renders with the i18n catalogs, which the domain cannot import).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import httpx
from sqlmodel import Session, col, select

from app import settings
from app.db.models import OutboxMessage, PushSubscription, Staff
from app.domain import clock
from app.domain.outbox import channels, claiming

# (kind, summary, language) -> (title, body, the kind in words)
Render = Callable[[str, str, str], tuple[str, str, str]]
Sessions = Callable[[], AbstractContextManager[Session]]
# sends of one batch in flight at once (one worker)
SENDS_AT_ONCE = 8


def plain_render(kind: str, summary: str, language: str) -> tuple[str, str, str]:
    """Words without catalogs (tests, tools): the kind key and the summary."""
    return kind, f"{kind}: {summary}" if summary else kind, kind


def lease_for(batch: int) -> timedelta:
    """Long enough for a whole batch of sends that each time out."""
    return timedelta(seconds=30 + channels.timeout() * batch)


def retry_delay(attempts: int) -> timedelta:
    base = float(settings.SETTINGS.outbox_backoff_seconds)
    return timedelta(seconds=base * 3 ** max(0, attempts - 1))


def _outgoing(session: Session, row: OutboxMessage, render: Render) -> channels.Outgoing:
    """The row in words, rendered at each attempt (`row.body` keeps the record's own summary)."""
    title, body, kind_text = render(row.kind, row.body, row.language)
    name, keys = "", None
    if row.staff_id is not None:
        person = session.get(Staff, row.staff_id)
        name = person.name if person is not None else ""
    if row.channel == channels.WEBPUSH:
        sub = session.exec(select(PushSubscription).where(PushSubscription.endpoint == row.target)).first()
        keys = (sub.p256dh, sub.auth) if sub is not None and sub.staff_id == row.staff_id else None
    url = f"/requests/{row.request_id}" if row.request_id else "/"
    return channels.Outgoing(row.channel, row.target, title, body, name=name, kind_text=kind_text,
                             summary=row.body, mentions=tuple(p for p in row.mentions.split(",") if p),
                             push_keys=keys, url=url)


def deliver_due(sessions: Sessions, worker: str, render: Render = plain_render, *,
                client: httpx.Client | None = None, batch: int = 20,
                now: datetime | None = None) -> int:
    """Claim up to `batch` due rows and deliver them; how many were claimed."""
    at = now or clock.now()
    with sessions() as db:
        ids = claiming.claim(db, worker, now=at, lease=lease_for(batch), limit=batch)
    if not ids:
        return 0
    with sessions() as db:
        rows = db.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
                       .order_by(col(OutboxMessage.id))).all()
        work = [(r.id or 0, r.attempts, _outgoing(db, r, render)) for r in rows]
    own = client is None
    client = client or httpx.Client()
    try:
        # the sends of a batch go side by side (each waits on the network), their outcomes are
        # recorded together in one short transaction
        with ThreadPoolExecutor(max_workers=max(1, min(SENDS_AT_ONCE, len(work)))) as pool:
            outcomes = list(pool.map(lambda w: _send(client, w[2]), work))
    finally:
        if own:
            client.close()
    with sessions() as db:
        for (message_id, attempts, out), (error, permanent, done) in zip(work, outcomes, strict=True):
            retry_at = None
            if error and not permanent and attempts < settings.SETTINGS.outbox_max_attempts:
                retry_at = done + retry_delay(attempts)
            claiming.finish(db, message_id, worker, now=done, error=error, retry_at=retry_at, title=out.title)
    return len(ids)


def _send(client: httpx.Client, out: channels.Outgoing) -> tuple[str, bool, datetime]:
    """(error or "", whether it is permanent, when it ended) of one send."""
    error, permanent = "", False
    try:
        channels.SENDERS[out.channel](client, out)
    except channels.SendFailed as exc:
        error, permanent = exc.reason or "failed", exc.permanent
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
        error = f"{type(exc).__name__}: {exc}"[:300]
    return error, permanent, clock.now()


def deliver_all_due(sessions: Sessions, worker: str, render: Render = plain_render, *,
                    client: httpx.Client | None = None, batch: int = 20) -> int:
    """Deliver batches until nothing is due; how many were claimed in all."""
    total = 0
    while True:
        n = deliver_due(sessions, worker, render, client=client, batch=batch)
        total += n
        if n < batch:
            return total

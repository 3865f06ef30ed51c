"""Periodic work of the served app: the overdue sweep of requests, the orphan sweep of evidence files,
the delivery of the messages that leave the app.

Every `SWEEP_SECONDS` each worker escalates what went overdue (supervisor
notices, once per missed deadline: `app.domain.requests.sweep_overdue` claims
each row with a conditional UPDATE, so several workers never notify twice), and
tells the grid's butler of each renovation rectification past its deadline, the
same way (`app.domain.renovation.alerting.sweep_rectifications`).
The desk dashboard and request pages also sweep when they load, so a notice
never waits for the timer when someone is looking.

At start and every `ORPHAN_SWEEP_SECONDS` each worker removes evidence files no
row points at, and temp files left by a crash or an interrupted write
(`app.domain.evidence.cleanup_orphans`), once they are older than
`ORPHAN_MIN_AGE`, so an ingest whose row is not committed yet is never touched.
Several workers sweeping at once is harmless (a file already gone is skipped).

Every `OUTBOX_SECONDS` each worker delivers the outbox rows that are due
(`app.domain.outbox.delivering`: claimed with a conditional UPDATE, so several
workers never send one twice), in the words of the recipient's language.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from datetime import timedelta

from app.db.session import session_scope
from app.domain import evidence, requests
from app.domain.outbox import delivering
from app.domain.renovation import alerting as renovation_alerting

log = logging.getLogger("app.background")

SWEEP_SECONDS = 30
ORPHAN_SWEEP_SECONDS = 3600
ORPHAN_MIN_AGE = timedelta(hours=1)
OUTBOX_SECONDS = 1.0


def sweep_once() -> int:
    """One overdue sweep: requests past their deadline, then rectifications past theirs; how many told."""
    with session_scope() as db:
        n = requests.sweep_overdue(db)
    with session_scope() as db:
        return n + renovation_alerting.sweep_rectifications(db)


async def _every(seconds: float, sweep, done: str, failed: str) -> None:
    """Run `sweep` (in a thread) now and then every `seconds`; an error is logged and the loop goes on."""
    while True:
        try:
            n = await asyncio.to_thread(sweep)
            if n:
                log.info(done, n)
        except Exception:  # noqa: BLE001 - a failed sweep must not end the loop
            log.exception(failed)
        await asyncio.sleep(seconds)


async def overdue_sweeper() -> None:
    """Lifespan task: sweep, sleep, repeat."""
    await _every(SWEEP_SECONDS, lambda: sweep_once(), "told of %d overdue requests and rectifications", "overdue sweep failed")


def orphan_sweep_once() -> int:
    """Remove orphan evidence files and stale temp files; how many were removed."""
    with session_scope() as db:
        return len(evidence.cleanup_orphans(db, evidence.evidence_root(), ORPHAN_MIN_AGE))


async def orphan_sweeper() -> None:
    """Lifespan task: sweep at start, then every ORPHAN_SWEEP_SECONDS."""
    await _every(ORPHAN_SWEEP_SECONDS, lambda: orphan_sweep_once(), "removed %d orphan evidence files",
                 "orphan sweep failed")


def outbox_render(kind: str, summary: str, language: str) -> tuple[str, str, str]:
    """(title, body, the kind in words) of a message, in `language` (app.i18n)."""
    from app.i18n import translate

    kind_text = translate(language, f"alert.kind.{kind}")
    return (translate(language, "notify.message.title", kind=kind_text),
            translate(language, "notify.message.body", kind=kind_text, summary=summary), kind_text)


def worker_name() -> str:
    """Who holds a claim: host, process, and a random part (two loops in one process differ)."""
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(3)}"


def outbox_once(worker: str) -> int:
    return delivering.deliver_all_due(session_scope, worker, outbox_render)


async def outbox_sender() -> None:
    """Lifespan task: deliver what is due, sleep about a second, repeat."""
    worker = worker_name()
    await _every(OUTBOX_SECONDS, lambda: outbox_once(worker), "delivered %d outbox messages",
                 "outbox delivery failed")

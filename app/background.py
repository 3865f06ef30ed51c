"""Periodic work of the served app: the overdue sweep of requests.

Every `SWEEP_SECONDS` each worker escalates what went overdue (supervisor
notices, once per missed deadline: `app.domain.requests.sweep_overdue` claims
each row with a conditional UPDATE, so several workers never notify twice).
The desk dashboard and request pages also sweep when they load, so a notice
never waits for the timer when someone is looking.
"""

from __future__ import annotations

import asyncio
import logging

from app.db.session import session_scope
from app.domain import requests

log = logging.getLogger("app.background")

SWEEP_SECONDS = 30


def sweep_once() -> int:
    with session_scope() as db:
        return requests.sweep_overdue(db)


async def overdue_sweeper() -> None:
    """Lifespan task: sweep, sleep, repeat; an error is logged and the loop goes on."""
    while True:
        try:
            n = await asyncio.to_thread(sweep_once)
            if n:
                log.info("escalated %d overdue requests", n)
        except Exception:  # noqa: BLE001 - a failed sweep must not end the loop
            log.exception("overdue sweep failed")
        await asyncio.sleep(SWEEP_SECONDS)

"""The butler's queue on her phone home (我的网格·待办): rows from app.domain.requests.grid_queue,
one row open at a time with its history, her note and her hand-over to the desk.

`load` is the page's opening (it moves her last look); `refresh` reloads the rows with the same
marks and may be called at any time (the live alert push calls it): one query, no write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import reflex as rx

from app.db.session import session_scope
from app.domain import clock, requests
from app.domain.requests import grid_queue
from app.state.base import AppState, as_id, form_text
from app.state.live import refresh_on_alert
from app.state.patrols import day_time

# a loading of the page this soon after its last opening is a reconnect, not a new look
REOPEN = timedelta(minutes=2)


@dataclass(frozen=True)
class QueueItem:
    """One open request as the queue shows it."""

    id: int
    grid_name: str
    covered: bool
    category: str
    summary: str
    household: str
    status: str
    overdue: bool
    timed: bool  # a deadline runs
    # the time to the deadline (or past it), split for the words of the language
    days: int
    hours: int
    minutes: int
    phone: str
    tel: str
    new: bool
    handed: bool


@dataclass(frozen=True)
class QueueEvent:
    """One step of the open row's history."""

    at: str
    kind: str
    actor: str
    note: str


def queue_item(r: grid_queue.QueueRow) -> QueueItem:
    left = abs(r.minutes_left) if r.minutes_left is not None else 0
    return QueueItem(
        id=r.id, grid_name=r.grid_name, covered=r.covered, category=r.category, summary=r.summary,
        household=r.household, status=r.status, overdue=r.overdue, timed=r.minutes_left is not None,
        days=left // (24 * 60), hours=left % (24 * 60) // 60, minutes=left % 60,
        phone=r.phone, tel=f"tel:{r.phone}" if r.phone else "", new=r.new, handed=r.handed,
    )


class GridQueueState(AppState):
    """My grid's queue: the rows, the open row and its history."""

    rows: list[QueueItem] = []
    open_id: int = 0
    history: list[QueueEvent] = []
    # backend only: the last looks this opening's marks were computed against (grid id -> when)
    _since: dict[int, datetime | None] = {}
    # backend only: when this page last opened the queue (None: not yet)
    _opened_at: datetime | None = None

    def _rows(self, db, actor) -> None:
        q = grid_queue.queue(db, actor, self._since or None)
        self.rows = [queue_item(r) for r in q.rows]

    def _history(self, db) -> None:
        self.history = [QueueEvent(day_time(e.at), e.kind, e.actor, e.note)
                        for e in requests.history(db, self.open_id)] if self.open_id else []

    @rx.event
    def load(self):
        """She opens her phone home: marks against her last look, which then becomes now.

        A reconnect runs the page's loading again: within `REOPEN` of the last opening of this
        page the marks stay those of that opening (a blip in the signal is not a new look)."""
        now = clock.now()
        kept = self._since if self._opened_at and now - self._opened_at < REOPEN else None
        shown = self._run(grid_queue.ACTION, grid_queue.open_queue, kept)
        if shown is None:
            self.rows = []
            self.open_id = 0
            self.history = []
            return
        if kept is None:
            self._opened_at = now
        self._since = dict(shown.since)
        self.rows = [queue_item(r) for r in shown.rows]
        # a reconnect runs the page's loading again: the row she had open stays open (with what
        # she was typing in it), unless it left the queue
        if self.open_id not in {r.id for r in self.rows}:
            self.open_id = 0
        with session_scope() as db:
            self._history(db)

    @rx.event
    def refresh(self):
        """The rows again, same marks (a live alert arrived); cheap, safe at any time."""
        actor = self._authorize(grid_queue.ACTION)
        if actor is None:
            return
        with session_scope() as db:
            self._rows(db, actor)

    @rx.event
    def open_row(self, request_id: int):
        rid = as_id(request_id)
        if rid not in {r.id for r in self.rows}:  # only a row of her queue (a forged id reads nothing)
            self.open_id = 0
            self.history = []
            self._say("queue.not_yours")
            return
        self.open_id = 0 if self.open_id == rid else rid
        if self.flash:
            self.flash = ""
        with session_scope() as db:
            self._history(db)

    @rx.event
    def close_row(self):
        self.open_id = 0
        self.history = []

    def _after(self) -> None:
        actor = self._authorize(grid_queue.ACTION)
        if actor is None:
            return
        with session_scope() as db:
            self._rows(db, actor)
            self._history(db)

    @rx.event
    def add_note(self, form: dict):
        """Her note on the open row (a retried tap records once)."""
        rid = as_id(form_text(form, "request_id") or self.open_id)
        text = form_text(form, "queue_note", grid_queue.NOTE_MAX * 4)
        done = self._run(grid_queue.ACTION, grid_queue.add_note, rid, text, ok_key="queue.note_added")
        if done is not None:
            self._after()

    @rx.event
    def hand_to_desk(self, request_id: int):
        """转前台派单 for one row (a retried tap hands it over once)."""
        rid = as_id(request_id)
        done = self._run(grid_queue.ACTION, grid_queue.hand_to_desk, rid, ok_key="queue.handed_ok")
        if done is not None:
            self._after()


# a new alert to her (a resident's request, a reopened one) redraws the queue on her open /grid
refresh_on_alert(GridQueueState.refresh, paths=("/grid",))

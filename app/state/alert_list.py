"""The alerts list (/alerts): the signed-in person's own alerts, newest first; open one, or mark
all read. The badge and banner on every screen are app.state.live."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import alerts
from app.state.base import AppState
from app.state.live import LiveState, open_alert_of
from app.state.patrols import day_time

LIST_LIMIT = 50


@dataclass(frozen=True)
class AlertEntry:
    """One alert as the list shows it."""

    id: int
    kind: str
    summary: str
    at: str
    read: bool
    urgent: bool
    request_id: int


class AlertListState(AppState):
    rows: list[AlertEntry] = []

    def _reload(self, actor) -> None:
        with session_scope() as db:
            self.rows = [
                AlertEntry(a.id, a.kind, a.summary or a.subject, day_time(a.created_at), a.read, a.urgent,
                           a.request_id or 0)
                for a in alerts.listing(db, actor, limit=LIST_LIMIT)
            ]

    @rx.event
    def load(self):
        actor = self._authorize("account.self")
        if actor is None:
            return
        self._reload(actor)

    @rx.event
    def open(self, alert_id: int):
        return open_alert_of(self, alert_id)

    @rx.event
    def mark_all_read(self):
        done = self._run("account.self", alerts.mark_all_read, ok_key="alerts.all_read_done")
        if done is None:
            return None
        actor = self._authorize("account.self")
        if actor is not None:
            self._reload(actor)
        return LiveState.recount

"""The approvers' inbox (待我审批) on the desk home, and its count in the desk sidebar.

Thin: each handler resolves the signed-in person on the server and asks the domain
(`app.domain.renovation.inbox`) which applications wait for a level she decides. Only the holders
of `renovation.inbox` (the supervisor, the engineering manager, the general manager) have one;
for anyone else the handlers answer an empty inbox and the desk shows none (it is part of the desk
home, not a page of its own, so there is nothing to refuse). Rows are typed and times local.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import auth
from app.domain.auth import Actor
from app.domain.renovation import inbox
from app.state.base import AppState
from app.state.live import refresh_on_alert
from app.state.patrols import day_time

ACTION = "renovation.inbox"


@dataclass(frozen=True)
class InboxItem:
    """An application waiting for the viewer's level."""

    id: int
    household: str
    owner: str
    level: str
    round: int
    waited: int  # how long it has waited, in `unit`
    unit: str  # minutes / hours / days (the screen says it in the viewer's language)
    since: str  # local "12-04 10:30"
    href: str


def _item(r: inbox.InboxRow) -> InboxItem:
    amount, unit = inbox.waited(r.waiting_since)
    return InboxItem(id=r.id, household=r.household, owner=r.owner_name, level=r.level, round=r.round,
                     waited=amount, unit=unit, since=day_time(r.waiting_since), href=f"/desk/renovations/{r.id}")


class InboxState(AppState):
    """The viewer's approvals: the list on /desk, the count beside the sidebar link."""

    rows: list[InboxItem] = []
    count: int = 0
    # the list was loaded for someone who decides a level (the desk home shows it); set by `load`
    # only, with the rows, so the panel never shows an empty list that is still loading
    approver: bool = False

    def _approver(self) -> Actor | None:
        """The signed-in person if she holds an approval level (checked on the server); else None."""
        with session_scope() as db:
            actor = auth.resolve(db, self.token)
        return actor if actor is not None and actor.can(ACTION) else None

    def _clear(self) -> None:
        if self.rows:
            self.rows = []
        if self.count:
            self.count = 0
        if self.approver:
            self.approver = False

    @rx.event
    def load(self):
        """The desk home's list (and the count)."""
        actor = self._approver()
        if actor is None:
            self._clear()
            return
        with session_scope() as db:
            found = inbox.waiting_for(db, actor)
        self.rows = [_item(r) for r in found]
        self.count = len(found)
        self.approver = True

    @rx.event
    def load_count(self):
        """The sidebar's figure, on every desk page."""
        actor = self._approver()
        if actor is None:
            self._clear()
            return
        with session_scope() as db:
            n = inbox.count(db, actor)
        if n != self.count:
            self.count = n


# a renovation waiting for her level shows in her open desk home's inbox
refresh_on_alert(InboxState.load, paths=("/desk",))

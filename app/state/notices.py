"""The notice board screen at the desk (/desk/notices): list, post, withdraw, link requests.

Thin: every handler goes through `_run("notice.manage", ...)`; rules live in
`app.domain.notices`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import reflex as rx

from app.domain import clock, grids, notices
from app.domain.errors import DomainError
from app.state.base import AppState, as_id, optional_id

ACTION = "notice.manage"


def parse_date(value: object) -> date:
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise DomainError("notice.bad_dates") from None


def parse_ids(text: object) -> list[int]:
    parts = [p for p in re.split(r"[\s,，、;；]+", str(text or "").strip()) if p]
    if not parts:
        raise DomainError("form.required", field="request_ids")
    if len(parts) > 200 or not all(len(p) <= 12 for p in parts):
        raise DomainError("notice.bad_ids")
    return [as_id(p, key="notice.bad_ids") for p in parts]


@dataclass(frozen=True)
class NoticeItem:
    """One announcement in the staff listing."""

    id: int
    title: str
    body: str
    kind: str
    period: str
    scope: str  # the grid's name, "" for the whole community
    starts: str
    until: str
    state: str
    requests: str  # "#12, #15"
    on_board: bool


@dataclass(frozen=True)
class GridChoice:
    id: int
    name: str


class NoticesState(AppState):
    rows: list[NoticeItem] = []
    grid_options: list[GridChoice] = []
    show_old: bool = False
    link_target: int = 0
    today: str = ""
    week_later: str = ""
    # bumped after a successful post so the form is drawn empty again
    nonce: int = 0

    def _refresh(self, db, actor) -> None:
        self.grid_options = [GridChoice(g, n) for g, n, _ in grids.grids_of(db, actor.community_id)]
        self.rows = [
            NoticeItem(r.id, r.title, r.body, r.kind, r.report_period, r.grid_name, r.valid_from.isoformat(),
                       r.valid_until.isoformat(), r.state, ", ".join(f"#{i}" for i in r.request_ids), r.on_board)
            for r in notices.listing(db, actor, include_old=self.show_old)
        ]
        today = clock.today()
        self.today, self.week_later = today.isoformat(), (today + timedelta(days=7)).isoformat()

    @rx.event
    def load(self):
        self.link_target = 0
        self._run(ACTION, self._refresh)

    @rx.event
    def toggle_old(self, value: bool):
        self.show_old = bool(value)
        self._run(ACTION, self._refresh)

    @rx.event
    def create(self, form: dict):
        scope = str(form.get("scope") or "")

        def work(db, actor):
            notices.create(
                db, actor,
                title=str(form.get("title") or ""),
                body=str(form.get("body") or ""),
                grid_id=optional_id(scope),
                valid_from=parse_date(form.get("valid_from")),
                valid_until=parse_date(form.get("valid_until")),
            )
            self._refresh(db, actor)
            return True

        if self._run(ACTION, work, ok_key="notices.created"):
            self.nonce += 1

    @rx.event
    def withdraw(self, announcement_id: int):
        notice_id = as_id(announcement_id)

        def work(db, actor):
            notices.withdraw(db, actor, notice_id)
            self._refresh(db, actor)

        self._run(ACTION, work, ok_key="notices.withdrawn")

    @rx.event
    def open_link(self, announcement_id: int):
        target = as_id(announcement_id)
        self.link_target = 0 if self.link_target == target else target

    @rx.event
    def link(self, form: dict):
        target = self.link_target
        if not target:
            return
        notice_id = as_id(target)

        def work(db, actor):
            n = notices.link_requests(db, actor, notice_id, parse_ids(form.get("ids")))
            self._refresh(db, actor)
            return n

        n = self._run(ACTION, work)
        if n is not None:
            self._say("notices.linked", ok=True, n=n)
            self.link_target = 0


"""The notice board on the public resident page (/r/<token>): what that grid's residents see today.

A substate of its own, loaded next to the resident card on the page's on_load.
No sign-in: the poster token names the grid (`notices.board_for_token`); a
published quarterly report gets a signed link to its PDF (`app.api.reports`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import reflex as rx

from app.api import links
from app.api.reports import board_path
from app.db.session import session_scope
from app.domain import notices
from app.state.base import AppState

LINK_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class BoardCard:
    """An announcement on the resident page's board."""

    id: int
    title: str
    body: str
    kind: str
    grid_only: bool  # for this grid, not the whole community
    until: str
    url: str  # the report PDF's signed link, "" for a plain announcement


class NoticeBoardState(AppState):
    board_items: list[BoardCard] = []

    @rx.event
    def load_board(self):
        path = str(self.router.url.path or "")
        raw = path.rstrip("/").rsplit("/", 1)[-1][:2048] if path.startswith("/r/") else ""
        with session_scope() as db:
            community_id, items = notices.board_for_token(db, raw)
        self.board_items = [
            BoardCard(
                i.id, i.title, i.body, i.kind, not i.community_wide, i.valid_until.isoformat(),
                links.sign(board_path(community_id, i.report_period), LINK_TTL)
                if i.kind == notices.QUARTERLY_REPORT and i.report_period else "",
            )
            for i in items[:20]
        ]

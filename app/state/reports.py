"""The reports screen (/desk/reports): the half-monthly summary with its improvement actions,
and the quarterly report with its PDF and publishing to the notice board.

Thin: reading goes through `_run("report.view", ...)`, writing and publishing through
`_run("report.write", ...)`; figures and rules live in `app.domain.reports` and
`app.domain.notices`. PDFs are served by `app.api.reports` through signed links made here.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.api import links
from app.api.reports import half_path, quarter_path
from app.domain import clock, notices, reports
from app.domain.reports import Figures, mean, percent
from app.i18n import DEFAULT, translate
from app.state.base import AppState

VIEW = "report.view"
WRITE = "report.write"


@dataclass(frozen=True)
class FigureRow:
    """A period's or category's figures as the quarterly table prints them."""

    label: str = ""  # the month ("2026-10") or the category key
    received: int = 0
    handled: int = 0
    on_time: int = 0
    on_time_rate: str = ""
    follow_up_rate: str = ""
    satisfaction: str = ""
    satisfied_rate: str = ""


def _figures(f: Figures, label: str = "") -> FigureRow:
    return FigureRow(label, f.received, f.handled, f.on_time, percent(f.on_time_rate),
                     percent(f.follow_up_rate), mean(f.satisfaction), percent(f.satisfied_rate))


@dataclass(frozen=True)
class LineRow:
    """A category's or grid's management-caused complaints over the half month."""

    key: str  # category key, or grid name ("" for none)
    total: int
    overdue: int
    unsatisfied: int


@dataclass(frozen=True)
class HalfTotals:
    total: int = 0
    overdue: int = 0
    unsatisfied: int = 0


@dataclass(frozen=True)
class HalfOption:
    key: str
    label: str


def _lines(lines: list[reports.Line]) -> list[LineRow]:
    return [LineRow(x.key, x.total, x.overdue, x.unsatisfied) for x in lines]


class ReportsState(AppState):
    half_options: list[HalfOption] = []
    half_key: str = ""
    half_totals: HalfTotals = HalfTotals()
    cat_rows: list[LineRow] = []
    grid_rows: list[LineRow] = []
    actions: str = ""
    actions_meta: str = ""
    half_pdf_url: str = ""
    can_write: bool = False

    quarter_options: list[str] = []
    quarter_key: str = ""
    q_total: FigureRow = FigureRow()
    q_months: list[FigureRow] = []
    q_categories: list[FigureRow] = []
    q_pdf_url: str = ""
    q_published: bool = False

    def _load_half(self, db, actor) -> None:
        s = reports.half_month_summary(db, actor, self.half_key)
        self.half_totals = HalfTotals(s.total, s.overdue, s.unsatisfied)
        self.cat_rows = _lines(s.by_category)
        self.grid_rows = _lines(s.by_grid)
        self.actions = s.actions
        self.actions_meta = (
            f"{s.actions_by} · {clock.local(s.actions_at):%Y-%m-%d %H:%M}" if s.actions_at else ""
        )
        self.half_pdf_url = links.sign(half_path(actor.community_id, self.half_key))

    def _load_quarter(self, db, actor) -> None:
        rep = reports.quarterly(db, actor, self.quarter_key)
        self.q_total = _figures(rep.total)
        self.q_months = [_figures(f, f"{m:%Y-%m}") for m, f in rep.by_month]
        self.q_categories = [_figures(f, c) for c, f in rep.by_category]
        self.q_pdf_url = links.sign(quarter_path(actor.community_id, self.quarter_key))
        self.q_published = notices.is_published(db, actor.community_id, self.quarter_key)

    def _load_all(self, db, actor) -> None:
        self.can_write = actor.can(WRITE)
        self._load_half(db, actor)
        self._load_quarter(db, actor)

    @rx.event
    def load(self):
        halves = reports.recent_half_months(12)
        self.half_options = [
            HalfOption(h.key, f"{h.start:%Y-%m-%d} – {h.end:%m-%d}") for h in halves
        ]
        if self.half_key not in {h.key for h in halves}:
            # the half month just finished is the one to summarise
            self.half_key = halves[1].key
        quarters = reports.recent_quarters(8)
        self.quarter_options = [q.key for q in quarters]
        if self.quarter_key not in self.quarter_options:
            self.quarter_key = quarters[0].key
        self._run(VIEW, self._load_all)

    @rx.event
    def set_half(self, key: str):
        if isinstance(key, str) and key in {h.key for h in self.half_options}:
            self.half_key = key
            self._run(VIEW, self._load_half)

    @rx.event
    def set_quarter(self, key: str):
        if isinstance(key, str) and key in self.quarter_options:
            self.quarter_key = key
            self._run(VIEW, self._load_quarter)

    @rx.event
    def save_actions(self, form: dict):
        text = str(form.get("actions") or "")
        key = self.half_key

        def work(db, actor):
            reports.write_plan(db, actor, key, text)
            self._load_half(db, actor)

        self._run(WRITE, work, ok_key="reports.actions_saved")

    @rx.event
    def publish(self):
        key = self.quarter_key

        def work(db, actor):
            rep = reports.quarterly(db, actor, key)
            t = rep.total
            notices.publish_report(
                db, actor, key,
                title=translate(DEFAULT, "reports.publish_title", year=rep.period.year, q=rep.period.q),
                body=translate(
                    DEFAULT, "reports.publish_body", received=t.received, handled=t.handled,
                    on_time=percent(t.on_time_rate), follow_up=percent(t.follow_up_rate),
                    satisfied=percent(t.satisfied_rate),
                ),
            )
            self._load_quarter(db, actor)

        self._run(WRITE, work, ok_key="reports.published")

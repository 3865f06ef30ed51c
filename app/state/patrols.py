"""Patrol screens: "my grid today" (due patrols), coverage, work orders.

The walk itself is drawn by the browser and sent through the phone's outbox
(assets/js/field_walk.js, app.api.field), so that it works without signal.

Thin: each handler re-checks the role through AppState, calls app.domain.patrols
or app.domain.work_orders in one transaction and keeps only what the screen
shows. Photos are listed as signed links (app.api.evidence), never as bytes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

import reflex as rx

from app.api.evidence import PhotoItem, photo_items
from app.db.session import session_scope
from app.domain import clock, evidence, patrols, requests, work_orders
from app.domain.errors import DomainError
from app.state.base import AppState, as_id

T = TypeVar("T")

# a client-generated id for a write, made in the browser at the moment of the tap
CLIENT_ID = rx.Var(
    "(Date.now().toString(36) + Math.random().toString(36).slice(2, 10))", _var_type=str
)


def hhmm(at: datetime | None) -> str:
    return clock.local(at).strftime("%H:%M") if at else ""


def day_time(at: datetime | None) -> str:
    return clock.local(at).strftime("%m-%d %H:%M") if at else ""


def route_int(state: rx.State, name: str) -> int:
    """A numeric part of the page's route (e.g. /patrol/[patrol_id]); 0 when it is not a number."""
    raw = str(state.router.page.params.get(name, "") or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0


def photo_rows(db, actor, kind: str, subject_id: int) -> list[PhotoItem]:
    """The photos of a subject as the photo strip shows them (signed links)."""
    return photo_items(evidence.photos_for(db, actor, kind, subject_id))


@dataclass(frozen=True)
class DueItem:
    """A patrol due today on a butler's home."""

    plan_id: int
    route: str
    grid: str
    due: str
    state: str  # not_started / started / done / late
    visited: int
    stops: int
    patrol_id: int  # 0 before it is started


def _stop_state(visited: bool, visit_id: int | None) -> str:
    return "visited" if visited else ("scanned" if visit_id else "todo")


class PatrolTodayState(AppState):
    """The due patrols on a butler's home screen."""

    due: list[DueItem] = []

    @rx.event
    def load(self):
        actor = self._authorize("patrol.walk")
        if actor is None:
            self.due = []
            return
        with session_scope() as db:
            self.due = [
                DueItem(d.plan_id, d.route_name, d.grid_name, day_time(d.due_at), d.state, d.visited,
                        d.stops, d.patrol_id or 0)
                for d in patrols.due_today(db, actor)
            ]

    @rx.event
    def start(self, plan_id: str, client_id: str):
        patrol = self._run("patrol.walk", patrols.start, as_id(plan_id), str(client_id or "")[:40])
        if patrol is None:
            return None
        return rx.redirect(f"/patrol/{patrol.id}")


@dataclass(frozen=True)
class CoverageItem:
    """One grid's patrols over the period, as the coverage table shows them."""

    grid_id: int
    grid: str
    butler: str
    due: int
    done: int
    late: int
    not_done: int
    missed: int
    findings: int
    rate: str  # "80%", "—" when nothing was due
    alert: bool  # something not done, missed or late


@dataclass(frozen=True)
class PatrolItem:
    """One patrol of a grid in the coverage drill-down (and the header of its detail page)."""

    id: int = 0
    route: str = ""
    grid: str = ""
    walker: str = ""
    period: str = ""
    started: str = ""
    finished: str = ""
    status: str = ""
    late: bool = False
    missed: int = 0
    photos: int = 0


@dataclass(frozen=True)
class DetailStop:
    name: str
    place: str
    scanned: str
    method: str
    photos: int
    state: str


@dataclass(frozen=True)
class Finding:
    stop: str
    text: str
    note: str


class CoverageState(AppState):
    """Patrol coverage per grid for a day or a week, with drill-down to a grid's patrols."""

    period: str = "week"
    rows: list[CoverageItem] = []
    grid_id: int = 0
    grid_name: str = ""
    patrol_rows: list[PatrolItem] = []
    range_text: str = ""

    def _range(self) -> tuple[date, date]:
        last = clock.today()
        first = last if self.period == "day" else last - timedelta(days=6)
        return first, last

    @rx.event
    def load(self):
        actor = self._authorize("patrol.coverage")
        if actor is None or actor.community_id is None:
            self.rows = []
            return
        first, last = self._range()
        self.range_text = f"{first:%m-%d} – {last:%m-%d}" if first != last else f"{last:%m-%d}"
        with session_scope() as db:
            self.rows = [
                CoverageItem(
                    grid_id=c.grid_id, grid=c.grid_name, butler=c.butler_name, due=c.due, done=c.done,
                    late=c.late, not_done=c.not_done, missed=c.missed_checkpoints, findings=c.findings_open,
                    rate=f"{round(100 * c.done / c.due)}%" if c.due else "—",
                    alert=bool(c.not_done or c.missed_checkpoints or c.late),
                )
                for c in patrols.coverage(db, actor.community_id, first, last)
            ]
            if self.grid_id:
                self._load_grid(db, actor)

    def _load_grid(self, db, actor) -> None:
        first, last = self._range()
        self.patrol_rows = [
            PatrolItem(
                id=p.id, route=p.route_name, walker=p.walker_name, period=f"{p.period_start:%m-%d}",
                started=day_time(p.started_at), finished=hhmm(p.finished_at), status=p.status, late=p.late,
                missed=p.missed, photos=p.photos,
            )
            for p in patrols.patrols_of_grid(db, actor, self.grid_id, first, last)
        ]

    @rx.event
    def set_period(self, period: str | list[str]):
        self.period = "day" if period in ("day", ["day"]) else "week"
        return CoverageState.load

    @rx.event
    def open_grid(self, grid_id: int, name: str):
        self.grid_id = as_id(grid_id)
        self.grid_name = str(name or "")[:60]
        return CoverageState.load


class PatrolDetailState(AppState):
    """A supervisor's drill-down into one patrol: every stop, its ticks and photos."""

    patrol: PatrolItem = PatrolItem()
    stops: list[DetailStop] = []
    checks: list[Finding] = []
    photos: list[PhotoItem] = []

    @rx.event
    def load(self):
        actor = self._authorize("patrol.coverage")
        if actor is None:
            return
        pid = route_int(self, "patrol_id")
        try:
            with session_scope() as db:
                v = patrols.view(db, actor, pid, as_supervisor=True)
                self.patrol = PatrolItem(
                    id=v.id, route=v.route_name, grid=v.grid_name, walker=v.walker_name,
                    period=f"{v.period_start:%m-%d}", started=day_time(v.started_at),
                    finished=day_time(v.finished_at), status=v.status, late=v.late, missed=v.missed,
                )
                self.stops = []
                self.checks = []
                self.photos = []
                for s in v.stops:
                    self.stops.append(DetailStop(s.name, s.place, hhmm(s.scanned_at), s.method, s.photos,
                                                 _stop_state(s.visited, s.visit_id)))
                    self.checks += [Finding(s.name, i.text, i.note) for i in s.items if i.passed is False]
                    if s.visit_id:
                        for row in photo_rows(db, actor, patrols.VISIT_PHOTO_KIND, s.visit_id):
                            self.photos.append(dataclasses.replace(row, stop=s.name))
        except DomainError as err:
            self.patrol = PatrolItem()
            self._say(err.key, **err.params)


@dataclass(frozen=True)
class WorkOrderItem:
    id: int
    department: str
    title: str
    detail: str
    place: str
    grid: str
    created: str
    due: str
    status: str
    overdue: bool


class WorkOrderState(AppState):
    """Open work orders on the desk: overdue first; mark one done."""

    orders: list[WorkOrderItem] = []
    show: str = work_orders.OPEN

    @rx.event
    def load(self):
        actor = self._authorize("workorder.view")
        if actor is None or actor.community_id is None:
            self.orders = []
            return
        with session_scope() as db:
            self.orders = [
                WorkOrderItem(o.id, o.department, o.title, o.detail, o.place, o.grid_name,
                              day_time(o.created_at), day_time(o.due_at), o.status, o.overdue)
                for o in work_orders.listing(db, actor.community_id, status=self.show)
            ]

    @rx.event
    def set_show(self, status: str | list[str]):
        value = status if isinstance(status, str) else (status[0] if status else "")
        self.show = value if value in (work_orders.OPEN, work_orders.DONE) else work_orders.OPEN
        return WorkOrderState.load

    @rx.event
    def close(self, order_id: int):
        if self._run("workorder.close", work_orders.close, as_id(order_id), ok_key="workorder.closed") is None:
            return None
        return WorkOrderState.load

    @rx.event
    def register(self, order_id: int):
        """Put a patrol finding on the complaint register (channel: patrol) and open it there."""
        filed = self._run("request.intake", requests.from_work_order, as_id(order_id))
        if filed is None:
            return None
        return rx.redirect(f"/desk/requests/{filed.request.id}")

"""Patrol screens: "my grid today" (due patrols), the walk on the phone, coverage, work orders.

Thin: each handler re-checks the role through AppState, calls app.domain.patrols
or app.domain.work_orders in one transaction and keeps only what the screen
shows. Photos are listed as signed links (app.api.evidence), never as bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

import reflex as rx

from app.api.evidence import PhotoItem, photo_items
from app.db.session import session_scope
from app.domain import clock, evidence, patrols, requests, work_orders
from app.domain.errors import DomainError
from app.state.base import AppState, as_id, as_int

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


@dataclass(frozen=True)
class WalkHeader:
    """The patrol being walked, as its header and finish bar show it."""

    id: int = 0
    route: str = ""
    grid: str = ""
    status: str = ""
    started: str = ""
    finished: str = ""
    late: bool = False
    missed: int = 0
    visited: int = 0
    total: int = 0


@dataclass(frozen=True)
class StopItem:
    """One checkpoint of the walk: todo, scanned (no photo yet) or visited."""

    checkpoint_id: int = 0
    name: str = ""
    place: str = ""
    visit_id: int = 0  # 0 before it is scanned
    scanned: str = ""
    photos: int = 0
    state: str = "todo"
    checked: int = 0
    item_count: int = 0
    failed: int = 0


@dataclass(frozen=True)
class CheckItem:
    """A checklist item at the stop at hand and its answer ("", "pass" or "fail")."""

    id: int
    category: str
    text: str
    result: str
    note: str


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


class PatrolWalkState(AppState):
    """One patrol being walked: stops, the stop at hand, its checklist and photos."""

    patrol: WalkHeader = WalkHeader()
    stops: list[StopItem] = []
    current: int = -1
    items: list[CheckItem] = []
    photos: list[PhotoItem] = []
    recorded: str = ""
    failing_item: int = 0
    finish_confirm: bool = False
    # backend-only: full view of the stops (items per stop)
    _view_items: dict[int, list[CheckItem]] = {}

    def _patrol_id(self) -> int:
        return route_int(self, "patrol_id")

    def _refresh(self, db, actor, *, focus_checkpoint: int | None = None) -> None:
        """Reload the walk from the database, in the caller's transaction."""
        v = patrols.view(db, actor, self._patrol_id())
        self.patrol = WalkHeader(
            id=v.id, route=v.route_name, grid=v.grid_name, status=v.status,
            started=hhmm(v.started_at), finished=hhmm(v.finished_at), late=v.late, missed=v.missed,
            visited=sum(1 for s in v.stops if s.visited), total=len(v.stops),
        )
        self.stops = [
            StopItem(
                checkpoint_id=s.checkpoint_id, name=s.name, place=s.place, visit_id=s.visit_id or 0,
                scanned=hhmm(s.scanned_at), photos=s.photos, state=_stop_state(s.visited, s.visit_id),
                checked=sum(1 for i in s.items if i.passed is not None), item_count=len(s.items),
                failed=sum(1 for i in s.items if i.passed is False),
            )
            for s in v.stops
        ]
        self._view_items = {
            s.checkpoint_id: [
                CheckItem(i.id, i.category, i.text, "" if i.passed is None else ("pass" if i.passed else "fail"),
                          i.note)
                for i in s.items
            ]
            for s in v.stops
        }
        if focus_checkpoint is not None:
            self.current = next(
                (k for k, s in enumerate(v.stops) if s.checkpoint_id == focus_checkpoint), -1
            )
        elif self.current >= len(v.stops) or self.current < 0:
            # back on the page (reload, reconnect): at the stop scanned last
            scanned = [(s.scanned_at, k) for k, s in enumerate(v.stops) if s.scanned_at]
            self.current = max(scanned)[1] if scanned and v.status == patrols.IN_PROGRESS else -1
        self._show_current(db, actor)

    def _show_current(self, db, actor) -> None:
        if not 0 <= self.current < len(self.stops) or not self.stops[self.current].visit_id:
            self.items = []
            self.photos = []
            return
        stop = self.stops[self.current]
        self.items = self._view_items.get(stop.checkpoint_id, [])
        # newest first: the photo just taken is the one in view
        self.photos = photo_rows(db, actor, patrols.VISIT_PHOTO_KIND, stop.visit_id)[::-1]

    def _focus(self) -> int | None:
        return self.current_stop.checkpoint_id or None

    def _walk(self, write: Callable[..., T], *, focus: Callable[[T], int | None] | None = None,
              ok_key: str = "") -> T | None:
        """One write of the walk and the screen reloaded, in one transaction after one role check."""
        keep = self._focus()

        def work(db, actor):
            result = write(db, actor)
            self._refresh(db, actor, focus_checkpoint=focus(result) if focus else keep)
            return result

        return self._run("patrol.walk", work, ok_key=ok_key)

    @rx.var
    def current_stop(self) -> StopItem:
        """The stop at hand; an empty StopItem (checkpoint 0) when none is."""
        if 0 <= self.current < len(self.stops):
            return self.stops[self.current]
        return StopItem()

    @rx.var
    def open(self) -> bool:
        return self.patrol.status == patrols.IN_PROGRESS

    @rx.event
    def load(self):
        self.current = -1
        self.recorded = ""
        self.failing_item = 0
        self.finish_confirm = False
        actor = self._authorize("patrol.walk")
        if actor is None:
            return
        try:
            with session_scope() as db:
                self._refresh(db, actor)
        except DomainError as err:  # not found / not yours: say so, show nothing
            self.patrol = WalkHeader()
            self.stops = []
            self.items = []
            self._say(err.key, **err.params)

    @rx.event
    def scan(self, raw: str):
        """A decoded QR (or a typed code): arrival at a checkpoint, by the server's clock."""
        pid = self._patrol_id()
        visit = self._walk(lambda db, actor: patrols.scan(db, actor, pid, raw),
                           focus=lambda v: v.checkpoint_id)
        if visit is None:
            self.recorded = ""
            return
        stop = self.current_stop
        self.recorded = self._msg("patrol.recorded", name=stop.name, time=stop.scanned)

    @rx.event
    def select(self, index: int):
        actor = self._authorize("patrol.walk")
        if actor is None:
            return
        self.current = as_int(index, lo=-1, hi=len(self.stops) - 1)
        self.failing_item = 0
        with session_scope() as db:
            self._show_current(db, actor)

    @rx.event
    def photos_done(self):
        """The photo picker finished uploading: reload the stop from the database."""
        self._walk(lambda db, actor: None)

    def _tick(self, answers: list[tuple[int, bool, str, str, str]]) -> bool:
        """Record (item, passed, note, department, client id) answers at the stop at hand."""
        visit_id = self.current_stop.visit_id
        if not visit_id:
            self._say("patrol.scan_first")
            return False

        def write(db, actor):
            for item_id, passed, note, department, client_id in answers:
                patrols.check(db, actor, visit_id=visit_id, item_id=item_id, passed=passed,
                              note=note, department=department or None,
                              client_id=client_id[:40] or None)
            return True

        return self._walk(write) is not None

    @rx.event
    def tick_pass(self, item_id: int, client_id: str):
        if self._tick([(as_id(item_id), True, "", "", str(client_id or ""))]):
            self.failing_item = 0

    @rx.event
    def start_fail(self, item_id: int):
        self.failing_item = as_id(item_id)
        self.flash = ""

    @rx.event
    def cancel_fail(self):
        self.failing_item = 0

    @rx.event
    def submit_fail(self, form: dict):
        ok = self._tick([(self.failing_item, False, str(form.get("note", "")),
                          str(form.get("department", "")), str(form.get("client_id", "")))])
        if ok:
            self.failing_item = 0
            self._say("patrol.work_order_made", ok=True)

    @rx.event
    def all_pass(self, client_id: str):
        """Tick every item not yet answered at this stop as passed (one write)."""
        todo = [i.id for i in self.items if not i.result]
        if todo:
            self._tick([(item_id, True, "", "", f"{str(client_id or '')[:34]}-{n}") for n, item_id in enumerate(todo)])

    @rx.event
    def ask_finish(self):
        self.finish_confirm = True

    @rx.event
    def keep_walking(self):
        self.finish_confirm = False

    @rx.event
    def finish(self):
        pid = self._patrol_id()
        self.finish_confirm = False
        patrol = self._walk(lambda db, actor: patrols.finish(db, actor, pid))
        if patrol is not None:
            self._say("patrol.finished", ok=True, missed=patrol.missed)


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

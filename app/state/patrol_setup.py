"""Patrol set-up on the desk: a grid's checkpoints, their checklists, the template, routes, plans.

Thin, like app.state.patrols: every write is `self._run("patrol.setup", patrols.<fn>, ...)`
(server-side role check, one transaction, the error in the user's language);
reads re-check the role too. The state keeps only what the screen shows, as
typed rows (ids as the strings the forms and selects carry). The tag sheet is a signed link to `/api/grids/{id}/tags.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex_base.utils.form import FormData

from app.api import links
from app.db.session import session_scope
from app.domain import patrols
from app.state.base import AppState, as_id, form_text, optional_id

ACTION = "patrol.setup"


class BadNumber(ValueError):
    """A latitude / longitude that is not a number."""


def parse_coord(raw: object) -> float | None:
    """An input's text as a coordinate: empty → None, "31,2" → 31.2, other text → BadNumber."""
    typed = str(raw or "")
    if len(typed) > 32:  # bounded before parsing: no coordinate is longer
        raise BadNumber(typed[:32])
    text = typed.strip().replace("，", ",").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except (ValueError, OverflowError) as err:
        raise BadNumber(text) from err
    if value != value or value in (float("inf"), float("-inf")):
        raise BadNumber(text)
    return value


def tag_sheet_path(grid_id: int) -> str:
    return f"/api/grids/{grid_id}/tags.pdf"


@dataclass(frozen=True)
class GridOption:
    id: str  # a select's value
    name: str


@dataclass(frozen=True)
class CheckpointItem:
    """A checkpoint in the set-up table (ids are strings: they travel as form and button values)."""

    id: str
    pos: int
    name: str
    place: str
    code: str
    lat: str  # as typed back into the edit form
    lng: str
    gps: str  # "31.23040, 121.47370", "" without
    item_count: int
    active: bool


@dataclass(frozen=True)
class ChecklistLine:
    """A checklist item of a checkpoint, or a line of the community's template."""

    id: str
    category: str
    text: str
    active: bool


@dataclass(frozen=True)
class RouteItem:
    id: str
    name: str
    stops: str  # "A → B → C"
    stop_ids: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class PlanItem:
    id: str
    route_id: str
    route: str
    cadence: str  # in words
    due_by: str
    active: bool


class PatrolSetupState(AppState):
    """The patrol set-up screen of one grid."""

    grids: list[GridOption] = []
    grid_id: str = ""
    checkpoints: list[CheckpointItem] = []
    tags_url: str = ""
    # the checkpoint whose row is being edited / whose reissue awaits confirmation
    editing: str = ""
    confirm_reissue: str = ""
    # the checkpoint whose checklist is shown
    cp_id: str = ""
    cp_name: str = ""
    items: list[ChecklistLine] = []
    template_lines: list[ChecklistLine] = []
    routes: list[RouteItem] = []
    # the route form: "" closed, "new", or a route id; the checkpoints it starts ticked
    route_form: str = ""
    route_form_name: str = ""
    route_form_stops: list[str] = []
    # the plan form: the route id it is open for, and its cadence
    plan_route: str = ""
    plan_cadence: str = patrols.DAILY
    plans: list[PlanItem] = []
    # bumped after each successful write: forms keyed by it start empty again
    nonce: int = 0

    # ---- reading -------------------------------------------------------------------------

    def _cadence_text(self, plan: patrols.PlanRow) -> str:
        if plan.cadence == patrols.WEEKDAYS:
            days = self._msg("patrol.setup.day_sep").join(
                self._msg(f"patrol.setup.wd.{d}") for d in plan.weekdays
            )
            return self._msg("patrol.setup.cadence_days", days=days)
        return self._msg(f"patrol.setup.cadence.{plan.cadence}")

    def _reload(self) -> None:
        actor = self._authorize(ACTION)
        if actor is None or actor.community_id is None:
            self.grids, self.checkpoints, self.items, self.routes, self.plans = [], [], [], [], []
            self.template_lines = []
            return
        with session_scope() as db:
            view = patrols.setup_view(db, actor, int(self.grid_id) if (self.grid_id.isascii() and self.grid_id.isdigit()) else None,
                                      int(self.cp_id) if (self.cp_id.isascii() and self.cp_id.isdigit()) else None)
        self.grids = [GridOption(str(g.id), g.name) for g in view.grids]
        self.grid_id = "" if view.grid_id is None else str(view.grid_id)
        self.template_lines = [ChecklistLine(str(ln.id), ln.category, ln.text, ln.active) for ln in view.template]
        self.tags_url = "" if view.grid_id is None else links.sign(tag_sheet_path(view.grid_id))
        self.checkpoints = [
            CheckpointItem(
                id=str(c.id), pos=c.position + 1, name=c.name, place=c.place, code=c.code,
                lat="" if c.latitude is None else f"{c.latitude:g}",
                lng="" if c.longitude is None else f"{c.longitude:g}",
                gps="" if c.latitude is None else f"{c.latitude:.5f}, {c.longitude:.5f}",
                item_count=c.items, active=c.active,
            )
            for c in view.checkpoints
        ]
        self.cp_id = "" if view.checkpoint_id is None else str(view.checkpoint_id)
        self.cp_name = next((c.name for c in view.checkpoints if c.id == view.checkpoint_id), "")
        self.items = [ChecklistLine(str(i.id), i.category, i.text, i.active) for i in view.items]
        self.routes = [
            RouteItem(str(r.id), r.name, " → ".join(r.stop_names), tuple(str(i) for i in r.stop_ids),
                      len(r.stop_ids))
            for r in view.routes
        ]
        self.plans = [
            PlanItem(str(p.id), str(p.route_id), p.route_name, self._cadence_text(p), p.due_by, p.active)
            for p in view.plans
        ]

    def _done(self) -> None:
        """After a successful write: fresh forms, fresh lists."""
        self.nonce += 1
        self._reload()

    @rx.event
    def load(self):
        self.editing = ""
        self.confirm_reissue = ""
        self.route_form = ""
        self.plan_route = ""
        self._reload()

    @rx.event
    def choose_grid(self, grid_id: str | list[str]):
        value = grid_id if isinstance(grid_id, str) else (grid_id[0] if grid_id else "")
        self.grid_id = str(optional_id(value) or "")
        self.cp_id = ""
        self.editing = ""
        self.confirm_reissue = ""
        self.route_form = ""
        self.plan_route = ""
        self.flash = ""
        self._reload()

    # ---- checkpoints ----------------------------------------------------------------------

    def _coords(self, form: object) -> tuple[float | None, float | None] | None:
        try:
            return parse_coord(form_text(form, "latitude")), parse_coord(form_text(form, "longitude"))
        except BadNumber:
            self._say("patrol.bad_gps")
            return None

    @rx.event
    def add_checkpoint(self, form: dict):
        coords = self._coords(form)
        if coords is None or not self.grid_id:
            return
        cp = self._run(ACTION, patrols.add_checkpoint, grid_id=int(self.grid_id),
                       name=form_text(form, "name"), place=form_text(form, "place"),
                       latitude=coords[0], longitude=coords[1])
        if cp is not None:
            self._say("patrol.setup.checkpoint_added", ok=True, name=cp.name, code=cp.code)
            self._done()

    @rx.event
    def edit(self, cp_id: str):
        self.editing = str(as_id(cp_id))
        self.confirm_reissue = ""
        self.flash = ""

    @rx.event
    def cancel_edit(self):
        self.editing = ""

    @rx.event
    def save_checkpoint(self, form: dict):
        coords = self._coords(form)
        if coords is None or not self.editing:
            return
        done = self._run(ACTION, patrols.update_checkpoint, int(self.editing),
                         name=form_text(form, "name"), place=form_text(form, "place"),
                         latitude=coords[0], longitude=coords[1],
                         active=form_text(form, "active") == "on", ok_key="patrol.setup.saved")
        if done is not None:
            self.editing = ""
            self._done()

    @rx.event
    def ask_reissue(self, cp_id: str):
        self.confirm_reissue = str(as_id(cp_id))
        self.flash = ""

    @rx.event
    def cancel_reissue(self):
        self.confirm_reissue = ""

    @rx.event
    def reissue(self):
        if not self.confirm_reissue:
            return
        cp = self._run(ACTION, patrols.reissue_tag, int(self.confirm_reissue))
        self.confirm_reissue = ""
        if cp is not None:
            self._say("patrol.setup.reissued", ok=True, name=cp.name, code=cp.code)
            self._done()

    # ---- checklists -----------------------------------------------------------------------

    @rx.event
    def show_items(self, cp_id: str):
        self.cp_id = str(as_id(cp_id))
        self.flash = ""
        self._reload()

    @rx.event
    def close_items(self):
        self.cp_id = ""
        self.items = []

    @rx.event
    def add_item(self, form: dict):
        if not self.cp_id:
            return
        if self._run(ACTION, patrols.add_item, int(self.cp_id), form_text(form, "category"),
                     form_text(form, "text"), ok_key="patrol.setup.item_added") is not None:
            self._done()

    @rx.event
    def set_item_active(self, item_id: str, active: bool):
        if self._run(ACTION, patrols.set_item_active, as_id(item_id), bool(active),
                     ok_key="patrol.setup.saved") is not None:
            self._done()

    @rx.event
    def add_template_line(self, form: dict):
        if self._run(ACTION, patrols.add_template_line, form_text(form, "category"), form_text(form, "text"),
                     ok_key="patrol.setup.line_added") is not None:
            self._done()

    @rx.event
    def set_line_active(self, line_id: str, active: bool):
        if self._run(ACTION, patrols.set_template_line_active, as_id(line_id), bool(active),
                     ok_key="patrol.setup.saved") is not None:
            self._done()

    # ---- routes and plans -------------------------------------------------------------------

    @rx.event
    def new_route(self):
        self.route_form = "new"
        self.route_form_name = ""
        self.route_form_stops = []
        self.flash = ""

    @rx.event
    def edit_route(self, route_id: str):
        route = next((r for r in self.routes if r.id == str(route_id)), None)
        if route is None:
            return
        self.route_form = route.id
        self.route_form_name = route.name
        self.route_form_stops = list(route.stop_ids)
        self.flash = ""

    @rx.event
    def cancel_route(self):
        self.route_form = ""

    @rx.event
    def save_route(self, form: FormData):
        if not self.route_form or not self.grid_id:
            return
        ticked = {str(v) for v in form.getlist("stop")}
        # walking order = the checkpoints' order in the grid
        ids = [int(c.id) for c in self.checkpoints if c.id in ticked]
        route_id = None if self.route_form == "new" else int(self.route_form)
        done = self._run(ACTION, patrols.save_route, grid_id=int(self.grid_id),
                         name=form_text(form, "name"), checkpoint_ids=ids, route_id=route_id,
                         ok_key="patrol.setup.route_saved")
        if done is not None:
            self.route_form = ""
            self._done()

    @rx.event
    def open_plan(self, route_id: str):
        self.plan_route = str(as_id(route_id))
        self.plan_cadence = patrols.DAILY
        self.flash = ""

    @rx.event
    def cancel_plan(self):
        self.plan_route = ""

    @rx.event
    def set_cadence(self, cadence: str | list[str]):
        value = cadence if isinstance(cadence, str) else (cadence[0] if cadence else "")
        self.plan_cadence = value

    @rx.event
    def add_plan(self, form: FormData):
        if not self.plan_route:
            return
        days = "".join(str(d) for d in form.getlist("day"))
        done = self._run(ACTION, patrols.add_plan, route_id=int(self.plan_route),
                         cadence=self.plan_cadence, weekdays=days,
                         due_by=form_text(form, "due_by").strip(), ok_key="patrol.setup.plan_added")
        if done is not None:
            self.plan_route = ""
            self._done()

    @rx.event
    def set_plan_active(self, plan_id: str, active: bool):
        if self._run(ACTION, patrols.set_plan_active, as_id(plan_id), bool(active),
                     ok_key="patrol.setup.saved") is not None:
            self._done()

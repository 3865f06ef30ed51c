"""Grid planning screen (/desk/grids) and the public resident page (/r/<token>).

Thin: every change goes through AppState._run("grid.plan", ...) to one function of
app.domain.grid_planning; links to the poster and photos are signed here, after
the role check. The resident page needs no sign-in: its token is the QR's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import reflex as rx

from app.api import links
from app.db.session import session_scope
from app.domain import evidence, grids
from app.domain import grid_planning as gp
from app.domain.errors import DomainError
from app.domain.requests import resident_loop
from app.state import client
from app.state.base import AppState, as_id, in_thread, optional_id

ACTION = "grid.plan"


def _int_or_none(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise DomainError("gp.bad_number")
    return int(text)


def _date(value: object) -> date:
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise DomainError("gp.bad_date") from None


@dataclass(frozen=True)
class GridItem:
    """A grid in the planning table: size, band state and butler."""

    id: int = 0
    name: str = ""
    butler: str = ""
    butler_id: int = 0
    gold: bool = False
    households: int = 0
    buildings: str = ""
    state: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class BuildingOption:
    id: str  # a select's value
    name: str
    entrances: int
    floors: int


@dataclass(frozen=True)
class StaffOption:
    id: str  # a select's value
    name: str
    gold: bool
    grid: str  # the grid they already run, "" for none


@dataclass(frozen=True)
class EntranceShare:
    """The households of the selected grid in one building entrance."""

    building: str
    entrance: int
    floors: str
    households: int


@dataclass(frozen=True)
class CoverItem:
    id: int
    deputy: str
    starts: str
    ends: str
    reason: str
    status: str  # active / upcoming / ended / cancelled
    cancellable: bool


class GridPlanningState(AppState):
    """What the grid planning screen shows."""

    grids: list[GridItem] = []
    selected: int = 0
    buildings: list[BuildingOption] = []
    staff_options: list[StaffOption] = []
    composition: list[EntranceShare] = []
    covers: list[CoverItem] = []
    butler_id: int = 0
    butler_photo_url: str = ""
    poster_pdf_url: str = ""
    poster_png_url: str = ""
    resident_url: str = ""
    poster_version: str = "1"

    # form values kept in state (selects)
    assign_building: str = ""
    move_building: str = ""
    butler_pick: str = ""
    deputy_pick: str = ""
    rotate_open: bool = False

    # the message of the last action, shown next to the form it came from
    note: str = ""
    note_ok: bool = False
    note_at: str = ""

    @rx.var
    def sel(self) -> GridItem:
        """The selected grid; an empty GridItem (id 0) when none is."""
        return next((g for g in self.grids if g.id == self.selected), GridItem())

    def _origin(self) -> str:
        try:
            origin = self.router.url.origin
        except AttributeError:
            origin = ""
        return origin or self.router.headers.origin or ""

    def _note(self, where: str) -> None:
        """Move the message of the last `_run` next to the form it belongs to."""
        self.note = self.flash
        self.note_ok = self.flash_ok
        self.note_at = where if self.flash else ""
        self.flash = ""

    def _reload(self, actor) -> None:
        origin = self._origin()
        with session_scope() as db:
            summaries = grids.summaries(db, actor.community_id)
            self.grids = [
                GridItem(g.id, g.name, g.butler_name, g.butler_id or 0, g.gold_butler, g.households,
                         "、".join(g.buildings), g.state, g.flagged)
                for g in summaries
            ]
            if self.selected not in {g.id for g in self.grids}:
                self.selected = self.grids[0].id if self.grids else 0
            self.buildings = [
                BuildingOption(str(bid), name, n, floors) for bid, name, n, floors in gp.buildings_of(db, actor)
            ]
            self.staff_options = [
                StaffOption(str(sid), name, gold, grid) for sid, name, gold, grid in gp.grid_staff_options(db, actor)
            ]
            if not self.selected:
                self.composition, self.covers = [], []
                return
            gid = self.selected
            self.composition = [
                EntranceShare(b.building, b.entrance, b.floors, b.households) for b in gp.breakdown(db, actor, gid)
            ]
            self.covers = [
                CoverItem(c.id, c.deputy_name, c.starts_on.isoformat(), c.ends_on.isoformat(), c.reason, c.status,
                          c.cancellable)
                for c in gp.covers_of(db, actor, gid)
            ]
            self.poster_version = str(gp.poster_version(db, gid))
            self.resident_url = gp.resident_url(db, actor, gid, origin)
            self.butler_id = self.sel.butler_id
            photo = None
            if self.butler_id:
                photo = gp.staff_photo_file(db, self.butler_id)
        self.butler_photo_url = (
            links.sign(gp.staff_photo_route(self.butler_id)) + f"&v={photo.stem[-8:]}"
            if photo is not None else ""
        )
        self.poster_pdf_url = links.sign(f"/api/grids/{gid}/poster.pdf")
        self.poster_png_url = links.sign(f"/api/grids/{gid}/poster.png")

    def _refresh(self) -> None:
        actor = self._authorize(ACTION)
        if actor is not None:
            self._reload(actor)

    @rx.event
    async def load(self):
        self.note, self.note_at, self.rotate_open = "", "", False
        actor = self._authorize(ACTION)
        if actor is None:
            self.grids = []
            return
        await in_thread(lambda: self._reload(actor))

    @rx.event
    def select(self, grid_id: int):
        self.selected = optional_id(grid_id) or 0
        self.note, self.note_at = "", ""
        self._refresh()

    @rx.event
    def set_assign_building(self, value: str):
        self.assign_building = str(optional_id(value) or "")

    @rx.event
    def set_move_building(self, value: str):
        self.move_building = str(optional_id(value) or "")

    @rx.event
    def set_butler_pick(self, value: str):
        self.butler_pick = str(optional_id(value) or "")

    @rx.event
    def set_deputy_pick(self, value: str):
        self.deputy_pick = str(optional_id(value) or "")

    @rx.event
    def set_rotate_open(self, value: bool):
        self.rotate_open = bool(value)

    def _after_move(self, result: gp.MoveResult | None, where: str) -> None:
        if result is not None:
            target = next((g for g in result.grids if g.grid_id == self.selected), None)
            name = target.name if target else ""
            if result.flagged:
                self._say("gp.moved_flagged", ok=True, n=result.moved, grid=name,
                          flagged="、".join(result.flagged))
            else:
                self._say("gp.moved", ok=True, n=result.moved, grid=name)
        self._note(where)
        if result is not None:
            self._refresh()

    @rx.event
    async def assign(self, form: dict):
        self.flash = ""
        if not self.selected:
            self._say("gp.pick_grid")
            return self._note("assign")
        if not self.assign_building:
            self._say("gp.pick_building")
            return self._note("assign")
        gid, bid = self.selected, int(self.assign_building)

        def work(db, actor):
            return gp.assign_range(
                db, actor, gid, bid,
                entrance=_int_or_none(form.get("entrance")),
                floor_from=_int_or_none(form.get("floor_from")),
                floor_to=_int_or_none(form.get("floor_to")),
            )

        result = await in_thread(lambda: self._run(ACTION, work))
        self._after_move(result, "assign")

    @rx.event
    async def move_one(self, form: dict):
        self.flash = ""
        if not self.selected:
            self._say("gp.pick_grid")
            return self._note("move")
        if not self.move_building:
            self._say("gp.pick_building")
            return self._note("move")
        gid, bid = self.selected, int(self.move_building)
        room = str(form.get("room", ""))[:40]

        def work(db, actor):
            return gp.move_household(
                db, actor, gid, bid, room, entrance=_int_or_none(form.get("entrance"))
            )

        result = await in_thread(lambda: self._run(ACTION, work))
        self._after_move(result, "move")

    @rx.event
    def set_butler(self):
        self.flash = ""
        if not self.selected or not (self.butler_pick.isascii() and self.butler_pick.isdigit()):
            self._say("gp.pick_grid" if not self.selected else "gp.butler_pick")
            return self._note("butler")
        gid, sid = self.selected, int(self.butler_pick)
        self._run(ACTION, lambda db, actor: gp.set_butler(db, actor, gid, sid))
        if not self.flash:
            name = next((s.name for s in self.staff_options if s.id == self.butler_pick), "")
            self._say("gp.butler_set", ok=True, name=name, grid=self.sel.name)
            self._note("butler")
            self._refresh()
        else:
            self._note("butler")

    @rx.event
    def add_cover(self, form: dict):
        self.flash = ""
        if not self.selected:
            self._say("gp.pick_grid")
            return self._note("cover")
        if not (self.deputy_pick.isascii() and self.deputy_pick.isdigit()):
            self._say("gp.pick_deputy")
            return self._note("cover")
        gid, did = self.selected, int(self.deputy_pick)

        def work(db, actor):
            return gp.add_cover(
                db, actor, gid, did, _date(form.get("from")), _date(form.get("to")),
                str(form.get("reason", ""))[:300],
            )

        done = self._run(ACTION, work, ok_key="gp.cover_added")
        self._note("cover")
        if done is not None:
            self._refresh()

    @rx.event
    def cancel_cover(self, cover_id: int):
        self.flash = ""
        cid = as_id(cover_id)
        self._run(ACTION, lambda db, actor: gp.cancel_cover(db, actor, cid),
                  ok_key="gp.cover_cancelled")
        self._note("cover")
        if self.note_ok:
            self._refresh()

    @rx.event
    def rotate(self):
        self.flash = ""
        self.rotate_open = False
        if not self.selected:
            return
        gid = self.selected
        version = self._run(ACTION, lambda db, actor: gp.rotate_poster(db, actor, gid))
        if version is not None:
            self._say("gp.rotated", ok=True, version=version)
            self._note("poster")
            self._refresh()
        else:
            self._note("poster")

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        self.flash = ""
        if not files:
            self._say("gp.pick_photo")
            return self._note("photo")
        if not self.butler_id:
            self._say("gp.pick_grid")
            return self._note("photo")
        upload = files[0]
        # never read more than the limit (+1 byte, to tell "too large")
        data = await upload.read(evidence.MAX_BYTES + 1)
        sid = self.butler_id
        result = await in_thread(
            lambda: self._run(ACTION, lambda db, actor: gp.set_staff_photo(db, actor, sid, data))
        )
        if result is not None:
            _new, previous = result
            if previous:
                with session_scope() as db:  # after the commit: the old file is no longer in use
                    gp.remove_photo_file(db, previous)
            self._say("gp.photo_saved", ok=True)
            self._note("photo")
            self._refresh()
        else:
            self._note("photo")


class ResidentState(AppState):
    """The public page a resident opens by scanning the grid poster."""

    card_state: str = ""
    community_name: str = ""
    front_desk_phone: str = ""
    grid_name: str = ""
    butler_name: str = ""
    butler_phone: str = ""
    butler_gold: bool = False
    butler_photo_url: str = ""
    service_hours: str = ""
    buildings: str = ""
    deputy_name: str = ""
    deputy_phone: str = ""
    deputy_until: str = ""

    @rx.event
    def load_card(self):
        path = str(self.router.url.path or "")
        raw = path.rstrip("/").rsplit("/", 1)[-1][:2048] if path.startswith("/r/") else ""
        with session_scope() as db:  # commits the audit entry of a refused token
            card = gp.resident_card(db, raw, client.client_key(self))
            # an unreadable token names no community: the only (first) community's desk phone
            desk = card.front_desk_phone or (resident_loop.fallback_desk_phone(db) if card.state == gp.CARD_INVALID else "")
        self.card_state = card.state
        self.community_name = card.community_name
        self.front_desk_phone = desk
        self.grid_name = card.grid_name
        self.butler_name = card.butler_name
        self.butler_phone = card.butler_phone
        self.butler_gold = card.butler_gold
        self.butler_photo_url = links.sign(card.butler_photo_path) if card.butler_photo_path else ""
        self.service_hours = card.service_hours
        self.buildings = "、".join(card.buildings)
        d = card.deputy
        self.deputy_name = d.name if d else ""
        self.deputy_phone = d.phone if d else ""
        self.deputy_until = (
            f"{d.until.month}月{d.until.day}日" if d and self.lang == "zh"
            else (d.until.isoformat() if d else "")
        )

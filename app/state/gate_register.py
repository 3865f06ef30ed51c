"""Registers at the gate: goods in and out (物品放行) and visitors (来访登记).

Thin: every write goes through `AppState._run` (the role check on the server,
one transaction, a refused rule shown in the user's language) into
`app.domain.gate`; submits carry a client id made in the browser, so a retried
tap writes once. The state keeps strings for the screen (local times) and
photos only as signed links. The gate's name is the one the guard keeps on the
gate screen (sent with the form).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.api.evidence import PhotoItem, photo_links
from app.db.session import session_scope
from app.domain import gate, households
from app.domain.errors import DomainError
from app.state.base import AppState, as_id, form_text
from app.state.patrols import hhmm, photo_rows


def _field(form: dict, key: str, max_len: int = 400) -> str:
    return form_text(form, key, max_len)


def _client_id(form: dict) -> str | None:
    return form_text(form, "client_id", 40) or None


@dataclass(frozen=True)
class HouseholdHint:
    """What the typed household tells the guard: its permit (goods may go out by it), none, or an error."""

    label: str = ""
    permit_no: str = ""  # "" without a renovation under way
    owner: str = ""
    until: str = ""
    error: str = ""


@dataclass(frozen=True)
class GoodsItem:
    """Goods registered at the gate today (`what`: the items as written)."""

    id: int = 0
    at: str = ""
    direction: str = ""
    what: str = ""
    household: str = ""
    carrier: str = ""
    confirmed_by: str = ""
    confirmed_name: str = ""
    gate: str = ""
    thumb: str = ""


@dataclass(frozen=True)
class VisitorItem:
    id: int
    name: str
    phone: str
    purpose: str
    household: str
    at: str
    gate: str


class GateRegisterState(AppState):
    """The goods form and today's goods; the visitor form and who is inside."""

    # goods form: direction in/out; out needs a confirmation (permit / owner)
    direction: str = gate.IN
    confirm_by: str = ""
    goods_form_key: int = 0
    # what the typed household tells the guard
    household_hint: HouseholdHint = HouseholdHint()
    last_goods_id: int = 0
    last_goods: GoodsItem = GoodsItem()
    last_photos: list[PhotoItem] = []
    goods: list[GoodsItem] = []
    # visitors
    visitor_form_key: int = 0
    visitors: list[VisitorItem] = []
    # a refused entry's message, shown next to the submit button that was tapped ("goods" / "visitor")
    form_error: str = ""
    form_error_for: str = ""

    def _submit(self, which: str, action: str, work, ok_key: str):
        """`_run` for a register's form: a refusal is said next to its button (in view where the guard
        tapped), not at the top of the page; success clears it."""
        done = self._run(action, work, ok_key=ok_key)
        if done is None and self.flash and not self.flash_ok:
            self.form_error, self.form_error_for = self.flash, which
            self.flash = ""
        elif self.form_error:
            self.form_error, self.form_error_for = "", ""
        return done

    def _preselect_permit(self) -> None:
        """Goods going out of a household with a renovation under way: its permit is the confirmation the
        green hint offers, so it is picked (the guard may still pick the owner instead)."""
        if self.direction == gate.OUT and self.household_hint.permit_no and self.confirm_by == "":
            self.confirm_by = gate.BY_PERMIT
        elif not self.household_hint.permit_no and self.confirm_by == gate.BY_PERMIT:
            self.confirm_by = ""

    # ---- goods ---------------------------------------------------------------------------

    def _load_goods(self, db, actor) -> None:
        rows = gate.goods_today(db, actor, limit=30)
        self.goods = [
            GoodsItem(
                id=g.id, at=hhmm(g.at), direction=g.direction, what=g.items, household=g.household,
                carrier=" ".join(x for x in (g.carrier_name, g.carrier_phone) if x), confirmed_by=g.confirmed_by,
                confirmed_name=g.confirmed_name, gate=g.gate,
                thumb=photo_links(g.photo_id)[0] if g.photo_id else "",
            )
            for g in rows
        ]

    @rx.event
    def load_goods(self):
        self.direction = gate.IN
        self.confirm_by = ""
        self.household_hint = HouseholdHint()
        self.last_goods_id = 0
        self.last_goods = GoodsItem()
        self.last_photos = []
        self.form_error, self.form_error_for = "", ""
        self._run("gate.goods", self._load_goods)

    @rx.event
    def set_direction(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "")
        if value in (gate.IN, gate.OUT):
            self.direction = value
            if value == gate.IN:
                self.confirm_by = ""
            self._preselect_permit()

    @rx.event
    def set_confirm_by(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "")
        if value in (gate.BY_PERMIT, gate.BY_OWNER):
            self.confirm_by = value

    @rx.event
    def check_household(self, text: str):
        """The guard typed a household: show its renovation permit (goods may go out by it) or that it has none."""
        text = str(text or "").strip()[:40]
        if not text:
            self.household_hint = HouseholdHint()
            self._preselect_permit()
            return

        def look(db, actor):
            home = households.find(db, actor.community_id, text)
            return households.label(db, home.id), gate.permit_for(db, actor, home.id)

        actor = self._authorize("gate.goods")
        if actor is None:
            return
        try:
            with session_scope() as db:
                label, permit = look(db, actor)
        except DomainError as err:
            self.household_hint = HouseholdHint(error=self._msg(err.key, **err.params))
            self._preselect_permit()
            return
        if permit is None:
            self.household_hint = HouseholdHint(label=label)
        else:
            self.household_hint = HouseholdHint(label=label, permit_no=permit.permit_no, owner=permit.owner_name,
                                                until=permit.planned_end.isoformat())
        self._preselect_permit()

    @rx.event
    def submit_goods(self, form: dict):
        direction, confirm_by = self.direction, self.confirm_by

        def work(db, actor):
            home = households.find(db, actor.community_id, _field(form, "household", 40))
            goods = gate.register_goods(
                db, actor, household_id=home.id, items=_field(form, "items"), direction=direction,
                carrier_name=_field(form, "carrier_name", 60), carrier_phone=_field(form, "carrier_phone", 30),
                confirmed_by=confirm_by if direction == gate.OUT else "",
                confirmed_name=_field(form, "confirmed_name", 60), gate=_field(form, "gate", 40),
                client_id=_client_id(form),
            )
            self._load_goods(db, actor)
            return goods, households.label(db, home.id)

        done = self._submit("goods", "gate.goods", work, ok_key="gate_reg.goods_saved")
        if done is None:
            return
        goods, label = done
        self.last_goods_id = goods.id or 0
        self.last_goods = GoodsItem(id=goods.id or 0, direction=goods.direction, what=goods.items, household=label)
        self.last_photos = []
        self.direction = gate.IN
        self.confirm_by = ""
        self.household_hint = HouseholdHint()
        self.goods_form_key += 1  # a fresh, empty form

    @rx.event
    def goods_photos_done(self):
        """The photo picker stored a photo of the goods just registered: show it, in the list too."""
        goods_id = self.last_goods_id
        if not goods_id:
            return

        def work(db, actor):
            self._load_goods(db, actor)
            return photo_rows(db, actor, gate.GOODS_PHOTO_KIND, goods_id)

        photos = self._run("gate.goods", work)
        if photos is not None:
            self.last_photos = photos

    # ---- visitors ------------------------------------------------------------------------

    def _load_visitors(self, db, actor) -> None:
        rows = gate.visitors_inside(db, actor, limit=50)
        names = households.labels(db, {v.household_id for v in rows if v.household_id is not None})
        self.visitors = [
            VisitorItem(v.id, v.name, v.phone, v.purpose,
                        names.get(v.household_id, "") if v.household_id is not None else "", hhmm(v.arrived_at), v.gate)
            for v in rows
        ]

    @rx.event
    def load_visitors(self):
        self.form_error, self.form_error_for = "", ""
        self._run("gate.visitor", self._load_visitors)

    @rx.event
    def submit_visitor(self, form: dict):
        def work(db, actor):
            text = _field(form, "household", 40).strip()
            home = households.find(db, actor.community_id, text) if text else None
            visitor = gate.register_visitor(
                db, actor, name=_field(form, "visitor_name", 60), phone=_field(form, "visitor_phone", 30),
                purpose=_field(form, "purpose", 200), household_id=home.id if home else None,
                gate=_field(form, "gate", 40), client_id=_client_id(form),
            )
            self._load_visitors(db, actor)
            return visitor

        if self._submit("visitor", "gate.visitor", work, ok_key="gate_reg.visitor_saved") is not None:
            self.visitor_form_key += 1

    @rx.event
    def visitor_left(self, visitor_id: int):
        vid = as_id(visitor_id)

        def work(db, actor):
            gone = gate.visitor_left(db, actor, vid)
            self._load_visitors(db, actor)
            return gone

        self._run("gate.visitor", work, ok_key="gate_reg.visitor_gone")

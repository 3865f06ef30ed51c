"""Staff accounts screen: list, create, edit roles and grid, deactivate, reset password."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import grids, roles, staff
from app.state.base import AppState, as_id, in_thread

ACTION = "staff.manage"


@dataclass(frozen=True)
class StaffItem:
    """A staff card (ids are strings: they travel back as button values)."""

    id: str
    name: str
    phone: str
    roles: str  # comma-separated role keys
    active: bool
    gold: bool
    grid_id: str
    grid: str
    must_change: bool
    can_reset: bool  # the viewer may reset this person's password
    can_manage: bool  # the viewer may edit or deactivate this person


@dataclass(frozen=True)
class GridOption:
    id: str
    name: str


class StaffAdminState(AppState):
    """What the staff screen shows; every change goes through AppState._run."""

    rows: list[StaffItem] = []
    query: str = ""
    grid_options: list[GridOption] = []
    assignable_roles: list[str] = []

    # the create / edit form
    form_open: bool = False
    editing_id: int = 0
    form_name: str = ""
    form_phone: str = ""
    form_roles: list[str] = []
    form_grid: str = ""
    form_gold: bool = False
    form_error: str = ""
    # a one-time password to hand over, shown once
    issued_password: str = ""
    # the signed-in person's own row: its roles are not editable (staff.cannot_change_own_roles)
    self_id: str = ""
    # a refused reset / (de)activation, shown on the card that was tapped
    row_error: str = ""
    row_error_id: str = ""

    @rx.var
    def editing_self(self) -> bool:
        return self.editing_id != 0 and str(self.editing_id) == self.self_id

    def _reload(self, actor) -> None:
        with session_scope() as db:
            found = staff.list_staff(db, actor, self.query)
            self.grid_options = [GridOption(str(gid), name) for gid, name, _ in grids.grids_of(db, actor.community_id)]
        self.self_id = str(actor.id)
        self.assignable_roles = [
            r for r in roles.ALL_ROLES
            if (r != roles.ADMIN or actor.can("staff.grant_admin")) and staff.may_grant(actor, r)
        ]
        self.rows = [
            StaffItem(
                id=str(r.id), name=r.name, phone=r.phone, roles=",".join(r.roles), active=r.active, gold=r.gold,
                grid_id=str(r.grid_id or ""), grid=r.grid_name, must_change=r.must_change_password,
                can_reset=staff.may_reset(actor, r.roles, r.id), can_manage=staff.may_manage(actor, r.roles, r.id),
            )
            for r in found
        ]

    def _row(self, staff_id: object) -> StaffItem | None:
        return next((r for r in self.rows if r.id == str(staff_id)), None)

    def _refresh(self) -> None:
        """Re-check the role and reload the list after a change."""
        actor = self._authorize(ACTION)
        if actor is not None:
            self._reload(actor)

    @rx.event
    def load(self):
        self.form_open = False
        self.issued_password = ""
        actor = self._authorize(ACTION)
        if actor is None:
            self.rows = []
            return
        self._reload(actor)

    @rx.event
    def search(self, form: dict):
        self.query = str(form.get("q", ""))[:40]
        self._refresh()

    @rx.event
    def open_new(self):
        self.editing_id = 0
        self.form_name = ""
        self.form_phone = ""
        self.form_roles = []
        self.form_grid = ""
        self.form_gold = False
        self.form_error = ""
        self.issued_password = ""
        self.form_open = True

    @rx.event
    def open_edit(self, staff_id: str):
        row = self._row(staff_id)
        if row is None:
            return
        self.editing_id = int(staff_id)
        self.form_name = row.name
        self.form_phone = row.phone
        self.form_roles = [r for r in row.roles.split(",") if r]
        self.form_grid = row.grid_id
        self.form_gold = row.gold
        self.form_error = ""
        self.issued_password = ""
        self.form_open = True

    @rx.event
    def close_form(self):
        self.form_open = False

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = value

    @rx.event
    def toggle_role(self, role: str):
        if role in self.form_roles:
            self.form_roles = [r for r in self.form_roles if r != role]
        elif role in roles.ALL_ROLES:
            self.form_roles = [*self.form_roles, role]

    @rx.event
    def set_form_grid(self, value: str):
        self.form_grid = "" if value == "none" else value

    @rx.event
    def set_form_gold(self, value: bool):
        self.form_gold = bool(value)

    @rx.event
    async def save(self, form: dict):
        name = str(form.get("name", ""))[:200]
        phone = str(form.get("phone", ""))[:200]
        grid_id = int(self.form_grid) if (self.form_grid.isascii() and self.form_grid.isdigit()) else None
        chosen = list(self.form_roles)
        editing = self.editing_id

        def work(db, actor):
            if editing:
                staff.update_staff(
                    db, actor, editing, name=name, role_list=chosen, grid_id=grid_id,
                    gold=self.form_gold,
                )
                return None
            return staff.create_staff(
                db, actor, name=name, phone=phone, role_list=chosen, grid_id=grid_id,
                gold=self.form_gold,
            )

        self.flash = ""
        result = await in_thread(lambda: self._run(ACTION, work))
        if self.flash and not self.flash_ok:
            self.form_error = self.flash
            self.flash = ""
            return
        self.form_open = False
        if editing:
            self._say("staff.updated", ok=True)
        elif result is not None:
            self.issued_password = result[1]
            self._say("staff.created", ok=True, name=name.strip())
        self._refresh()

    def _row_refused(self, staff_id: str) -> bool:
        """Move a refusal of the last `_run` onto the card that was tapped (a refusal naming no card
        on the screen, such as a forged id, stays at the top where it can be read)."""
        self.row_error, self.row_error_id = "", ""
        if self.flash and not self.flash_ok:
            if self._row(staff_id) is not None:
                self.row_error, self.row_error_id = self.flash, str(staff_id)
                self.flash = ""
            return True
        return False

    @rx.event
    def set_active(self, staff_id: str, active: bool):
        row = self._row(staff_id)
        self.issued_password = ""
        self.flash = ""
        self._run(
            ACTION,
            lambda db, actor: staff.set_active(db, actor, as_id(staff_id), bool(active)),
        )
        if self._row_refused(staff_id):
            return
        self._say("staff.activated" if active else "staff.deactivated", ok=True, name=row.name if row else "")
        self._refresh()

    @rx.event
    async def reset_password(self, staff_id: str):
        row = self._row(staff_id)
        self.flash = ""
        self.issued_password = ""
        temp = await in_thread(
            lambda: self._run(ACTION, lambda db, actor: staff.reset_password(db, actor, as_id(staff_id)))
        )
        if self._row_refused(staff_id) or not temp:
            return
        self.issued_password = temp
        self._say("staff.password_reset", ok=True, name=row.name if row else "")
        self._refresh()

"""Staff accounts screen: list, create, edit roles and grid, deactivate, reset password."""

from __future__ import annotations

import reflex as rx

from app.db.session import session_scope
from app.domain import grids, roles, staff
from app.state.base import AppState, as_id, in_thread

ACTION = "staff.manage"


class StaffAdminState(AppState):
    """What the staff screen shows; every change goes through AppState._run."""

    rows: list[dict[str, str]] = []
    query: str = ""
    grid_options: list[dict[str, str]] = []
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

    def _reload(self, actor) -> None:
        with session_scope() as db:
            found = staff.list_staff(db, actor, self.query)
            self.grid_options = [
                {"id": str(gid), "name": name} for gid, name, _ in grids.grids_of(db, actor.community_id)
            ]
        self.assignable_roles = [
            r for r in roles.ALL_ROLES if r != roles.ADMIN or actor.can("staff.grant_admin")
        ]
        self.rows = [
            {
                "id": str(r.id),
                "name": r.name,
                "phone": r.phone,
                "roles": ",".join(r.roles),
                "active": "1" if r.active else "",
                "gold": "1" if r.gold else "",
                "grid_id": str(r.grid_id or ""),
                "grid": r.grid_name,
                "must_change": "1" if r.must_change_password else "",
            }
            for r in found
        ]

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
        row = next((r for r in self.rows if r["id"] == staff_id), None)
        if row is None:
            return
        self.editing_id = int(staff_id)
        self.form_name = row["name"]
        self.form_phone = row["phone"]
        self.form_roles = [r for r in row["roles"].split(",") if r]
        self.form_grid = row["grid_id"]
        self.form_gold = row["gold"] == "1"
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
        grid_id = int(self.form_grid) if self.form_grid.isdigit() else None
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

    @rx.event
    def set_active(self, staff_id: str, active: bool):
        row = next((r for r in self.rows if r["id"] == staff_id), {"name": ""})
        self.issued_password = ""
        self._run(
            ACTION,
            lambda db, actor: staff.set_active(db, actor, as_id(staff_id), bool(active)),
        )
        if not self.flash:
            self._say("staff.activated" if active else "staff.deactivated", ok=True, name=row["name"])
        if self.flash_ok:
            self._refresh()

    @rx.event
    async def reset_password(self, staff_id: str):
        row = next((r for r in self.rows if r["id"] == staff_id), {"name": ""})
        self.flash = ""
        temp = await in_thread(
            lambda: self._run(ACTION, lambda db, actor: staff.reset_password(db, actor, as_id(staff_id)))
        )
        if temp:
            self.issued_password = temp
            self._say("staff.password_reset", ok=True, name=row["name"])
            self._refresh()

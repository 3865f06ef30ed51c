"""Staff accounts: list with search, create/edit dialog, deactivate, reset password."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.staff_admin import StaffAdminState as S
from app.ui.components.cards import role_badges
from app.ui.components.forms import form_error, labelled_input
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _staff_card(r) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(r.name, weight="bold", size="3", class_name="staff-name"),
                    rx.cond(r.gold, rx.badge(T["staff.gold"], color_scheme="amber")),
                    rx.cond(
                        r.active,
                        rx.badge(T["staff.active"], color_scheme="green", variant="soft"),
                        rx.badge(T["staff.inactive"], color_scheme="gray", class_name="staff-inactive"),
                    ),
                    rx.cond(r.must_change, rx.badge(T["staff.must_change"], color_scheme="orange", variant="soft")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(r.phone, size="2", color_scheme="gray"),
                role_badges(r.roles),
                rx.cond(r.grid != "", rx.text(T["field.grid"], ": ", r.grid, size="2")),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.flex(
                rx.cond(
                    r.can_manage,
                    rx.button(T["common.edit"], size="2", variant="soft", on_click=S.open_edit(r.id), class_name="staff-edit"),
                ),
                rx.cond(
                    r.can_reset,
                    rx.button(T["staff.reset_password"], size="2", variant="soft", color_scheme="orange", on_click=S.reset_password(r.id), class_name="staff-reset"),
                ),
                rx.cond(
                    r.can_manage,
                    rx.cond(
                        r.active,
                        rx.button(T["staff.deactivate"], size="2", variant="outline", color_scheme="red", on_click=S.set_active(r.id, False), class_name="staff-deactivate"),
                        rx.button(T["staff.activate"], size="2", variant="outline", on_click=S.set_active(r.id, True), class_name="staff-activate"),
                    ),
                ),
                gap="2",
                wrap="wrap",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="3",
            width="100%",
        ),
        rx.cond(S.row_error_id == r.id, form_error(S.row_error, "staff-row-error")),
        width="100%",
        class_name="staff-row",
        data_phone=r.phone,
    )


def _role_checkbox(role: str) -> rx.Component:
    return rx.checkbox(
        T["role." + role],
        checked=S.form_roles.contains(role),
        on_change=lambda _v: S.toggle_role(role),
        disabled=S.editing_self,
        size="3",
        class_name="role-" + role,
    )


def _form() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id == 0, T["staff.new"], T["staff.edit"])),
            rx.form(
                rx.vstack(
                    labelled_input("field.name", "staff-name", name="name", default_value=S.form_name, max_length=40),
                    labelled_input(
                        "field.phone", "staff-phone", name="phone", default_value=S.form_phone, type="tel",
                        max_length=20, disabled=S.editing_id != 0,
                    ),
                    rx.text(T["field.roles"], size="2"),
                    rx.grid(rx.foreach(S.assignable_roles, _role_checkbox), columns="2", gap="2", width="100%"),
                    rx.cond(S.editing_self, rx.text(T["staff.cannot_change_own_roles"], size="2", color_scheme="gray",
                                                    id="staff-own-roles-note")),
                    rx.checkbox(T["staff.gold"], checked=S.form_gold, on_change=S.set_form_gold, size="3", class_name="staff-gold"),
                    rx.text(T["field.grid"], size="2"),
                    rx.select.root(
                        rx.select.trigger(placeholder=T["staff.no_grid"], width="100%", id="staff-grid"),
                        rx.select.content(
                            rx.select.item(T["staff.no_grid"], value="none"),
                            rx.foreach(S.grid_options, lambda g: rx.select.item(g.name, value=g.id)),
                        ),
                        value=rx.cond(S.form_grid == "", "none", S.form_grid),
                        on_change=S.set_form_grid,
                        size="3",
                    ),
                    form_error(S.form_error, "staff-form-error"),
                    rx.hstack(
                        rx.dialog.close(rx.button(T["common.cancel"], variant="soft", color_scheme="gray", size="3", type="button")),
                        rx.button(T["common.save"], type="submit", size="3", id="staff-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.save,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def staff_page() -> rx.Component:
    return desk_shell(
        T["staff.title"],
        rx.cond(
            S.issued_password != "",
            rx.callout(
                T["staff.temp_password"].replace("{password}", S.issued_password),
                icon="key-round",
                color_scheme="amber",
                id="issued-password",
                data_password=S.issued_password,
                width="100%",
            ),
        ),
        rx.flex(
            rx.form(
                rx.hstack(
                    rx.input(name="q", placeholder=T["field.search"], default_value=S.query, max_length=40, size="3", id="staff-search"),
                    rx.button(rx.icon("search"), type="submit", size="3", variant="soft"),
                ),
                on_submit=S.search,
                reset_on_submit=False,
            ),
            rx.spacer(),
            rx.button(rx.icon("user-plus"), T["staff.new"], on_click=S.open_new, size="3", id="staff-new"),
            gap="3",
            wrap="wrap",
            width="100%",
        ),
        rx.text(T["staff.count"].replace("{n}", S.rows.length().to_string()), size="2", color_scheme="gray"),
        rx.vstack(rx.foreach(S.rows, _staff_card), spacing="2", width="100%"),
        _form(),
    )


def add(app: rx.App) -> None:
    app.add_page(
        staff_page,
        route="/admin/staff",
        title="员工管理 · 网格管家",
        on_load=[AppState.guard("staff.manage"), S.load],
    )

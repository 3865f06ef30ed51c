"""Desk: patrol set-up of a grid — checkpoints and their tags, checklists, the template, routes, plans."""

from __future__ import annotations

import reflex as rx

from app.domain import patrols
from app.state.base import AppState
from app.state.patrol_setup import PatrolSetupState
from app.ui.components.cards import data_table, empty, section
from app.ui.components.shell import desk_shell
from app.ui.texts import T

S = PatrolSetupState


# ---- small pieces ---------------------------------------------------------------------------


def _field(label: rx.Var, name: str, input_id: str, **props) -> rx.Component:
    props.setdefault("size", "3")
    return rx.vstack(
        rx.text(label, as_="label", html_for=input_id, size="2", weight="medium"),
        rx.input(id=input_id, name=name, width="100%", **props),
        spacing="1",
        flex="1 1 180px",
        min_width="0",
    )


def _row_of(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, spacing="3", wrap="wrap", align="end", width="100%")


def _category_badge(category: rx.Var) -> rx.Component:
    return rx.badge(
        T["patrol.category." + category],
        color_scheme=rx.match(category, ("hygiene", "teal"), ("order", "blue"), "orange"),
        variant="soft",
        white_space="nowrap",
    )


def _category_select(select_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(T["patrol.setup.category"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(id=select_id, min_width="120px"),
            rx.select.content(
                *[rx.select.item(T["patrol.category." + c], value=c) for c in patrols.CATEGORIES]
            ),
            name="category",
            default_value=patrols.CATEGORIES[0],
            size="3",
        ),
        spacing="1",
    )


def _active_badge(active: rx.Var) -> rx.Component:
    return rx.cond(
        active,
        rx.badge(T["patrol.setup.active"], color_scheme="green", variant="soft"),
        rx.badge(T["patrol.setup.inactive"], color_scheme="gray", variant="soft"),
    )


def _toggle(active: rx.Var, on_deactivate, on_activate, **props) -> rx.Component:
    return rx.cond(
        active,
        rx.button(T["patrol.setup.deactivate"], on_click=on_deactivate, size="1", variant="soft",
                  color_scheme="gray", **props),
        rx.button(T["patrol.setup.activate"], on_click=on_activate, size="1", variant="soft", **props),
    )


# ---- grid and checkpoints ---------------------------------------------------------------------


def _grid_picker() -> rx.Component:
    return rx.hstack(
        rx.text(T["patrol.setup.grid"], size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(id="grid-select", min_width="160px"),
            rx.select.content(
                rx.foreach(S.grids, lambda g: rx.select.item(g.name, value=g.id))
            ),
            value=S.grid_id,
            on_change=S.choose_grid,
            size="3",
        ),
        rx.spacer(),
        rx.cond(
            S.tags_url != "",
            rx.link(
                rx.button(rx.icon("printer"), T["patrol.setup.print_tags"], size="3", variant="soft"),
                href=S.tags_url, is_external=True, id="print-tags",
            ),
        ),
        align="center",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _checkpoint_row(c) -> rx.Component:
    return rx.table.row(
        rx.table.cell(c.pos),
        rx.table.cell(rx.text(c.name, weight="medium", white_space="nowrap"), class_name="cp-name"),
        rx.table.cell(c.place),
        rx.table.cell(rx.code(c.code, size="3", white_space="nowrap"), class_name="cp-code"),
        rx.table.cell(rx.text(c.gps, size="1", white_space="nowrap"), class_name="cp-gps"),
        rx.table.cell(
            rx.link(c.item_count, on_click=S.show_items(c.id), cursor="pointer", class_name="cp-items")
        ),
        rx.table.cell(_active_badge(c.active)),
        rx.table.cell(
            rx.hstack(
                rx.button(T["common.edit"], on_click=S.edit(c.id), size="1", variant="soft",
                          class_name="cp-edit"),
                rx.button(T["patrol.setup.checklist"], on_click=S.show_items(c.id), size="1",
                          variant="soft", class_name="cp-checklist"),
                rx.button(T["patrol.setup.reissue"], on_click=S.ask_reissue(c.id), size="1",
                          variant="outline", color_scheme="orange", class_name="cp-reissue"),
                spacing="2",
            )
        ),
        class_name="cp-row",
        data_name=c.name,
    )


def _reissue_confirm() -> rx.Component:
    return rx.cond(
        S.confirm_reissue != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.callout.text(
                    rx.foreach(
                        S.checkpoints,
                        lambda c: rx.cond(
                            c.id == S.confirm_reissue,
                            rx.text(T["patrol.setup.reissue_confirm"].replace("{name}", c.name),
                                    as_="span"),
                        ),
                    )
                ),
                rx.hstack(
                    rx.button(T["patrol.setup.reissue_yes"], on_click=S.reissue, color_scheme="orange",
                              size="2", id="reissue-yes"),
                    rx.button(T["common.cancel"], on_click=S.cancel_reissue, variant="soft", size="2"),
                    spacing="2",
                ),
                spacing="2",
            ),
            color_scheme="orange",
            id="reissue-confirm",
            width="100%",
        ),
    )


def _edit_form(c) -> rx.Component:
    return rx.cond(
        c.id == S.editing,
        rx.form(
            rx.vstack(
                rx.text(T["common.edit"], " · ", c.name, weight="medium"),
                _row_of(
                    _field(T["field.checkpoint_name"], "name", "edit-name", default_value=c.name),
                    _field(T["field.place"], "place", "edit-place", default_value=c.place),
                    _field(T["patrol.setup.latitude"], "latitude", "edit-lat", default_value=c.lat,
                           input_mode="decimal"),
                    _field(T["patrol.setup.longitude"], "longitude", "edit-lng", default_value=c.lng,
                           input_mode="decimal"),
                ),
                rx.hstack(
                    rx.el.label(
                        rx.el.input(type="checkbox", name="active", default_checked=c.active,
                                    id="edit-active", style={"width": "20px", "height": "20px"}),
                        rx.text(T["patrol.setup.active"], as_="span", size="2"),
                        style={"display": "flex", "alignItems": "center", "gap": "8px"},
                    ),
                    rx.spacer(),
                    rx.button(T["common.cancel"], type="button", on_click=S.cancel_edit, variant="soft",
                              size="3"),
                    rx.button(T["common.save"], type="submit", size="3", id="edit-save"),
                    align="center",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_checkpoint,
            key=c.id,
            width="100%",
            id="edit-checkpoint",
        ),
    )


def _add_checkpoint_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(T["patrol.setup.add_checkpoint"], weight="medium"),
            _row_of(
                _field(T["field.checkpoint_name"], "name", "cp-name", required=True),
                _field(T["field.place"], "place", "cp-place"),
                _field(T["patrol.setup.latitude"], "latitude", "cp-lat", input_mode="decimal",
                       placeholder="31.23"),
                _field(T["patrol.setup.longitude"], "longitude", "cp-lng", input_mode="decimal",
                       placeholder="121.47"),
                rx.button(rx.icon("plus"), T["patrol.setup.add_checkpoint"], type="submit", size="3",
                          id="add-checkpoint"),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.add_checkpoint,
        key=S.nonce.to_string(),
        width="100%",
    )


def _checkpoints_section() -> rx.Component:
    return section(
        T["patrol.setup.checkpoints"],
        _grid_picker(),
        rx.cond(
            S.checkpoints.length() > 0,
            data_table(
                [T["patrol.setup.pos"], T["field.checkpoint_name"], T["field.place"],
                 T["patrol.setup.code"], T["patrol.setup.gps"], T["patrol.setup.items"],
                 T["patrol.setup.active"], ""],
                rx.foreach(S.checkpoints, _checkpoint_row),
                id="checkpoints",
                white_space="nowrap",
            ),
            empty(T["patrol.setup.no_checkpoints"]),
        ),
        _reissue_confirm(),
        rx.foreach(S.checkpoints, _edit_form),
        rx.divider(),
        _add_checkpoint_form(),
        id="checkpoints-section",
    )


# ---- checklists -------------------------------------------------------------------------------


def _item_row(i) -> rx.Component:
    return rx.hstack(
        _category_badge(i.category),
        rx.text(i.text, size="2", flex="1", min_width="0",
                color=rx.cond(i.active, "inherit", "var(--gray-9)"),
                text_decoration=rx.cond(i.active, "none", "line-through")),
        _toggle(i.active, S.set_item_active(i.id, False), S.set_item_active(i.id, True),
                class_name="item-toggle"),
        align="center",
        spacing="2",
        width="100%",
        class_name="item-row",
        data_active=rx.cond(i.active, "1", ""),
    )


def _add_line_form(on_submit, prefix: str, button_key: str) -> rx.Component:
    return rx.form(
        _row_of(
            _category_select(f"{prefix}-category"),
            _field(T["patrol.setup.text"], "text", f"{prefix}-text", required=True),
            rx.button(rx.icon("plus"), T[button_key], type="submit", size="3", id=f"{prefix}-add"),
        ),
        on_submit=on_submit,
        key=S.nonce.to_string(),
        width="100%",
    )


def _checklist_section() -> rx.Component:
    return rx.cond(
        S.cp_id != "",
        section(
            rx.hstack(
                T["patrol.setup.checklist_of"].replace("{name}", S.cp_name),
                rx.spacer(),
                rx.icon_button(rx.icon("x"), on_click=S.close_items, variant="ghost", size="1"),
                width="100%",
            ),
            rx.cond(
                S.items.length() > 0,
                rx.vstack(rx.foreach(S.items, _item_row), spacing="2", width="100%"),
                empty(T["patrol.setup.no_items"]),
            ),
            rx.divider(),
            _add_line_form(S.add_item, "item", "patrol.setup.add_item"),
            id="checklist",
        ),
    )


def _template_section() -> rx.Component:
    return section(
        T["patrol.setup.template"],
        rx.callout(T["patrol.setup.template_explain"], icon="info", size="1", width="100%"),
        rx.vstack(
            rx.foreach(
                S.template_lines,
                lambda ln: rx.hstack(
                    _category_badge(ln.category),
                    rx.text(ln.text, size="2", flex="1", min_width="0",
                            color=rx.cond(ln.active, "inherit", "var(--gray-9)"),
                            text_decoration=rx.cond(ln.active, "none", "line-through")),
                    _toggle(ln.active, S.set_line_active(ln.id, False),
                            S.set_line_active(ln.id, True)),
                    align="center",
                    spacing="2",
                    width="100%",
                    class_name="template-row",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        rx.divider(),
        _add_line_form(S.add_template_line, "line", "patrol.setup.add_line"),
        id="template",
    )


# ---- routes and plans -------------------------------------------------------------------------


def _checkbox(label: rx.Component | rx.Var, name: str, value: rx.Var | str, checked=False,
              **props) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, value=value, default_checked=checked,
                    style={"width": "20px", "height": "20px", "flexShrink": "0"}, **props),
        label,
        style={"display": "flex", "alignItems": "center", "gap": "8px", "minHeight": "36px",
               "cursor": "pointer"},
    )


def _route_form() -> rx.Component:
    return rx.cond(
        S.route_form != "",
        rx.form(
            rx.vstack(
                rx.text(rx.cond(S.route_form == "new", T["patrol.setup.new_route"],
                                T["patrol.setup.edit_stops"]), weight="medium"),
                _field(T["field.route_name"], "name", "route-name", default_value=S.route_form_name,
                       required=True),
                rx.text(T["patrol.setup.route_hint"], size="1", color_scheme="gray"),
                rx.flex(
                    rx.foreach(
                        S.checkpoints,
                        lambda c: rx.cond(
                            c.active,
                            _checkbox(rx.text(c.pos, ". ", c.name, as_="span", size="2"), "stop",
                                      c.id, S.route_form_stops.contains(c.id),
                                      class_name="route-stop"),
                        ),
                    ),
                    direction="column",
                    spacing="1",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(T["common.cancel"], type="button", on_click=S.cancel_route, variant="soft",
                              size="3"),
                    rx.button(T["patrol.setup.save_route"], type="submit", size="3", id="route-save"),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_route,
            key=S.route_form + "-" + S.nonce.to_string(),
            width="100%",
            id="route-form",
        ),
    )


def _plan_row(p, route_id: rx.Var) -> rx.Component:
    return rx.cond(
        p.route_id == route_id,
        rx.hstack(
            rx.icon("calendar-clock", size=16),
            rx.text(p.cadence, size="2", class_name="plan-cadence"),
            rx.text(T["patrol.setup.due_by"], " ", p.due_by, size="2", color_scheme="gray"),
            _active_badge(p.active),
            rx.spacer(),
            _toggle(p.active, S.set_plan_active(p.id, False), S.set_plan_active(p.id, True),
                    class_name="plan-toggle"),
            align="center",
            spacing="2",
            width="100%",
            wrap="wrap",
            class_name="plan-row",
        ),
    )


def _plan_form(route_id: rx.Var) -> rx.Component:
    return rx.cond(
        S.plan_route == route_id,
        rx.form(
            rx.vstack(
                _row_of(
                    rx.vstack(
                        rx.text(T["patrol.setup.cadence"], size="2", weight="medium"),
                        rx.select.root(
                            rx.select.trigger(id="plan-cadence", min_width="150px"),
                            rx.select.content(
                                *[rx.select.item(T["patrol.setup.cadence." + c], value=c)
                                  for c in patrols.CADENCES]
                            ),
                            value=S.plan_cadence,
                            on_change=S.set_cadence,
                            size="3",
                        ),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.text(T["patrol.setup.due_by"], as_="label", html_for="plan-due", size="2",
                                weight="medium"),
                        rx.input(type="time", name="due_by", id="plan-due", default_value="18:00",
                                 size="3"),
                        spacing="1",
                    ),
                ),
                rx.cond(
                    S.plan_cadence == patrols.WEEKDAYS,
                    rx.flex(
                        *[_checkbox(rx.text(T[f"patrol.setup.wd.{d}"], as_="span", size="2"), "day",
                                    str(d), id=f"plan-day-{d}") for d in range(1, 8)],
                        spacing="3",
                        wrap="wrap",
                        id="plan-days",
                    ),
                ),
                rx.hstack(
                    rx.button(T["common.cancel"], type="button", on_click=S.cancel_plan, variant="soft",
                              size="3"),
                    rx.button(T["patrol.setup.add_plan"], type="submit", size="3", id="plan-save"),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.add_plan,
            key=route_id + "-" + S.nonce.to_string(),
            width="100%",
            id="plan-form",
        ),
    )


def _route_card(r) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("route", size=18),
                rx.text(r.name, weight="bold", class_name="route-name"),
                rx.badge(r.count, " ", T["patrol.stops"], variant="soft"),
                rx.spacer(),
                rx.button(T["patrol.setup.edit_stops"], on_click=S.edit_route(r.id), size="1",
                          variant="soft", class_name="route-edit"),
                rx.button(T["patrol.setup.add_plan"], on_click=S.open_plan(r.id), size="1",
                          variant="soft", class_name="plan-open"),
                align="center",
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            rx.text(r.stops, size="2", color_scheme="gray", class_name="route-stops"),
            rx.text(T["patrol.setup.plans"], size="1", weight="medium"),
            rx.foreach(S.plans, lambda p: _plan_row(p, r.id)),
            _plan_form(r.id),
            spacing="2",
            width="100%",
        ),
        padding="12px",
        border="1px solid var(--gray-a5)",
        border_radius="8px",
        width="100%",
        class_name="route-card",
        data_name=r.name,
    )


def _routes_section() -> rx.Component:
    return section(
        rx.hstack(
            T["patrol.setup.routes"],
            rx.spacer(),
            rx.button(rx.icon("plus"), T["patrol.setup.new_route"], on_click=S.new_route, size="2",
                      id="new-route"),
            align="center",
            width="100%",
        ),
        _route_form(),
        rx.cond(
            S.routes.length() > 0,
            rx.vstack(rx.foreach(S.routes, _route_card), spacing="3", width="100%"),
            empty(T["patrol.setup.no_routes"]),
        ),
        id="routes",
    )


def patrol_setup_page() -> rx.Component:
    return desk_shell(
        T["nav.patrol_setup"],
        rx.vstack(
            _checkpoints_section(),
            _checklist_section(),
            _routes_section(),
            _template_section(),
            spacing="4",
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(patrol_setup_page, route="/desk/patrol-setup", title="巡查设置 · 网格管家",
                 on_load=[AppState.guard("patrol.setup"), S.load])

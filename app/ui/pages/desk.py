"""The front desk dashboard (wide layout): the request panels, the register search, the community."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.homes import DeskHomeState
from app.state.inbox import InboxState
from app.state.requests import RequestDeskState
from app.ui.components.cards import band_badge, data_table, empty, section, stat
from app.ui.components.inbox import inbox_panel
from app.ui.components.requests import (
    alert_list,
    category_badge,
    due_text,
    request_card,
    status_badge,
)
from app.ui.components.shell import desk_shell
from app.ui.texts import T

D = RequestDeskState


def _grid_row(g) -> rx.Component:
    return rx.table.row(
        rx.table.cell(g.name),
        rx.table.cell(g.butler),
        rx.table.cell(g.households, class_name="grid-households"),
        rx.table.cell(g.buildings, display=["none", "table-cell"]),
        rx.table.cell(band_badge(g.state)),
        class_name="grid-row",
    )


def _panel(title_key: str, rows: rx.Var, empty_key: str, panel_id: str) -> rx.Component:
    return section(
        T[title_key],
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, lambda r: request_card(r, f"/desk/requests/{r.id}")),
                      spacing="2", width="100%"),
            empty(T[empty_key]),
        ),
        id=panel_id,
    )


def _result_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link("#", r.id, href=f"/desk/requests/{r.id}")),
        rx.table.cell(r.received),
        rx.table.cell(category_badge(r.category)),
        rx.table.cell(rx.text(r.content, size="2", max_width="320px", trim="both")),
        rx.table.cell(r.household),
        rx.table.cell(r.grid),
        rx.table.cell(r.phone),
        rx.table.cell(status_badge(r.status)),
        rx.table.cell(due_text(r)),
        class_name="result-row",
        data_request=r.id,
    )


def _search() -> rx.Component:
    status_options = ["", "open", "overdue", "received", "classified", "dispatched", "accepted", "on_site",
                      "resolved", "followed_up", "closed"]
    sel = {"style": {"min_height": "40px", "font_size": "15px", "padding": "4px"}}
    return section(
        T["request.register_search"],
        rx.form(
            rx.flex(
                rx.input(name="text", id="q-text", placeholder=T["request.search_text"], size="3",
                         min_width="180px", flex="2"),
                rx.input(name="phone", id="q-phone", placeholder=T["request.search_phone"], size="3",
                         min_width="140px", flex="1"),
                rx.input(name="household", id="q-household", placeholder=T["request.household_hint"],
                         size="3", min_width="140px", flex="1"),
                rx.el.select(
                    *[rx.el.option(rx.cond(s == "", T["request.any_status"], T["request.status." + s]), value=s)
                      for s in status_options],
                    name="status", id="q-status", **sel,
                ),
                rx.el.select(
                    rx.el.option(T["request.any_grid"], value=""),
                    rx.foreach(D.grids, lambda g: rx.el.option(g.name, value=g.id)),
                    name="grid", id="q-grid", **sel,
                ),
                rx.input(type="date", name="day_from", id="q-from", size="3"),
                rx.input(type="date", name="day_to", id="q-to", size="3"),
                rx.button(rx.icon("search"), T["request.search"], type="submit", size="3", id="q-submit"),
                rx.cond(D.searched, rx.button(T["request.clear"], on_click=D.clear_search, variant="soft",
                                              size="3", type="button")),
                wrap="wrap",
                gap="2",
                width="100%",
            ),
            on_submit=D.search,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            D.searched,
            rx.cond(
                D.results.length() > 0,
                data_table(
                    ["#", T["field.received_at"], T["field.category"], T["field.content"], T["field.household"],
                     T["field.grid"], T["field.contact_phone"], T["field.status"], T["field.due_at"]],
                    rx.foreach(D.results, _result_row),
                    id="results",
                ),
                empty(T["request.no_results"]),
            ),
        ),
    )


def _load_row(g) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(g.name != "", g.name, T["request.no_grid"])),
        rx.table.cell(g.open),
        rx.table.cell(rx.text(g.overdue, color=rx.cond(g.overdue != 0, "var(--red-11)", "inherit"),
                              weight="bold")),
        class_name="load-row",
    )


def desk_home() -> rx.Component:
    c = DeskHomeState.community
    n = D.counts
    return desk_shell(
        T["home.desk.title"],
        alert_list(D.alerts, D.open_alert),
        inbox_panel(),
        rx.flex(
            stat(T["request.count.today"], n.today, id="count-today"),
            stat(T["request.count.open"], n.open, id="count-open"),
            stat(T["request.count.overdue"], rx.text(n.overdue, color="var(--red-11)"), id="count-overdue"),
            stat(T["request.count.major"], n.major, id="count-major"),
            stat(T["request.count.follow"], n.follow, id="count-follow"),
            stat(T["request.count.coverage"], n.coverage, id="count-coverage"),
            rx.spacer(),
            rx.cond(
                AppState.perms.contains("request.limits"),
                rx.link(rx.button(rx.icon("timer"), T["request.limits_title"], size="3", variant="soft"),
                        href="/desk/request-limits", id="request-limits"),
            ),
            rx.cond(
                AppState.perms.contains("request.intake"),
                rx.link(rx.button(rx.icon("plus"), T["request.intake_title"], size="3"),
                        href="/desk/requests/new", id="new-request"),
            ),
            gap="5",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        _search(),
        rx.grid(
            _panel("request.panel.overdue", D.overdue, "request.panel.overdue_empty", "panel-overdue"),
            _panel("request.panel.today", D.today, "request.panel.today_empty", "panel-today"),
            _panel("request.panel.major", D.major, "request.panel.major_empty", "panel-major"),
            _panel("request.panel.follow", D.follow, "request.panel.follow_empty", "panel-follow"),
            columns=rx.breakpoints(initial="1", lg="2"),
            gap="4",
            width="100%",
        ),
        section(
            T["request.panel.by_grid"],
            data_table([T["field.grid"], T["request.count.open"], T["request.count.overdue"]],
                       rx.foreach(D.loads, _load_row), id="by-grid"),
        ),
        section(
            T["home.desk.community"],
            rx.heading(c.name, size="5"),
            rx.grid(
                stat(T["home.desk.households"], c.households, id="facts-households"),
                stat(T["home.desk.residents"], c.residents),
                stat(T["home.desk.staff"], c.staff),
                stat(T["home.desk.front_desk_phone"], c.phone),
                columns=rx.breakpoints(initial="2", md="4"),
                gap="4",
                width="100%",
            ),
        ),
        section(
            T["home.desk.grids"],
            rx.text(T["grid.band"], size="1", color_scheme="gray"),
            data_table(
                [
                    T["field.grid"],
                    T["grid.butler"],
                    T["home.grid.households"],
                    rx.table.column_header_cell(T["home.grid.buildings"], display=["none", "table-cell"]),
                    "",
                ],
                rx.foreach(DeskHomeState.grids, _grid_row),
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        desk_home,
        route="/desk",
        title="工作台 · 网格管家",
        on_load=[AppState.guard("home.desk"), DeskHomeState.load, RequestDeskState.load, InboxState.load],
    )

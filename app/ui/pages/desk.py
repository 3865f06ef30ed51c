"""The front desk dashboard (wide layout)."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.homes import DeskHomeState
from app.ui.components.cards import band_badge, data_table, empty, section, stat
from app.ui.components.shell import desk_shell

T = AppState.t


def _grid_row(g: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(g["name"]),
        rx.table.cell(g["butler"]),
        rx.table.cell(g["households"], class_name="grid-households"),
        rx.table.cell(g["buildings"], display=["none", "table-cell"]),
        rx.table.cell(band_badge(g["state"])),
        class_name="grid-row",
    )


def desk_home() -> rx.Component:
    c = DeskHomeState.community
    return desk_shell(
        T["home.desk.title"],
        section(
            T["home.desk.community"],
            rx.heading(c["name"], size="5"),
            rx.grid(
                stat(T["home.desk.households"], c["households"], id="facts-households"),
                stat(T["home.desk.residents"], c["residents"]),
                stat(T["home.desk.staff"], c["staff"]),
                stat(T["home.desk.front_desk_phone"], c["phone"]),
                columns=rx.breakpoints(initial="2", md="4"),
                gap="4",
                width="100%",
            ),
        ),
        rx.grid(
            section(T["home.desk.queue"], empty(T["home.desk.queue_empty"])),
            section(T["home.desk.overdue"], empty(T["home.desk.overdue_empty"])),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="4",
            width="100%",
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
        on_load=[AppState.guard("home.desk"), DeskHomeState.load],
    )

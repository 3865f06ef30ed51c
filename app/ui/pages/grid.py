"""A butler's home: "my grid today"."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.grid_queue import GridQueueState
from app.state.homes import GridHomeState
from app.state.patrols import PatrolTodayState
from app.state.requests import MyJobsState
from app.ui.components.cards import band_badge, empty, section, stat
from app.ui.components.grid_queue import grid_queue
from app.ui.components.requests import alert_list, request_card
from app.ui.components.shell import phone_shell
from app.ui.pages.butler_request import entry_button
from app.ui.pages.patrol import due_list
from app.ui.texts import T


def _grid_card(g) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(g.name, size="5", class_name="grid-name"),
                rx.spacer(),
                band_badge(g.state),
                align="center",
                width="100%",
            ),
            rx.hstack(
                stat(T["home.grid.households"], g.households, class_name="grid-households"),
                stat(T["home.grid.occupied"], g.occupied),
                stat(T["home.grid.residents"], g.residents),
                spacing="5",
            ),
            rx.text(T["home.grid.buildings"], ": ", g.buildings, size="2"),
            rx.text(T["grid.band"], size="1", color_scheme="gray"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def grid_home() -> rx.Component:
    return phone_shell(
        T["home.grid.title"],
        rx.cond(
            AppState.user_gold,
            rx.badge(rx.icon("award", size=14), T["role.gold_butler"], color_scheme="amber", size="2"),
        ),
        rx.cond(
            GridHomeState.grids.length() > 0,
            rx.foreach(GridHomeState.grids, _grid_card),
            rx.callout(T["home.grid.none"], icon="info", width="100%"),
        ),
        rx.cond(AppState.user_roles.contains("butler"), entry_button()),
        grid_queue(),
        due_list(),
        alert_list(MyJobsState.alerts, MyJobsState.open_alert),
        section(
            T["request.panel.follow"],
            rx.cond(
                MyJobsState.follow.length() > 0,
                rx.vstack(
                    rx.foreach(MyJobsState.follow, lambda r: request_card(r, f"/m/requests/{r.id}")),
                    spacing="2", width="100%", id="my-follow-ups",
                ),
                empty(T["request.panel.follow_empty"]),
            ),
        ),
        # what waits on this phone to be sent, and the patrols kept here (drawn by field_shell.js,
        # shown without signal too)
        field=rx.el.div(id="field-status", custom_attrs={"data-field-status": "1"}, style={"width": "100%"}),
    )


def add(app: rx.App) -> None:
    app.add_page(
        grid_home,
        route="/grid",
        title="我的网格 · 网格管家",
        on_load=[AppState.guard("home.grid"), GridHomeState.load, PatrolTodayState.load,
                 MyJobsState.load_follow, GridQueueState.load],
    )

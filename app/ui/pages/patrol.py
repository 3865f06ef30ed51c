"""The patrol on the phone: "my grid today" cards, and the walk (scan, photos, checklist, finish) drawn by the browser."""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from app.state.base import AppState
from app.state.patrols import CLIENT_ID, PatrolTodayState
from app.ui.components.cards import empty, section
from app.ui.components.scanner import qr_scanner
from app.ui.components.shell import phone_shell
from app.ui.texts import T


def due_card(d) -> rx.Component:
    """One due patrol on "my grid today"."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(d.route, weight="bold", size="3"),
                rx.text(d.grid, " · ", T["patrol.due_by"], " ", d.due, size="2",
                        color_scheme="gray"),
                rx.text(T["patrol.progress"], " ", d.visited, "/", d.stops, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.badge(T["patrol.state." + d.state], size="2",
                     color_scheme=rx.match(d.state, ("done", "green"), ("late", "red"),
                                           ("started", "blue"), "gray")),
            align="center",
            width="100%",
        ),
        rx.cond(
            d.state != "done",
            rx.button(
                rx.icon("footprints", size=18),
                rx.cond(d.patrol_id != 0, T["patrol.resume"], T["patrol.start"]),
                on_click=PatrolTodayState.start(d.plan_id, CLIENT_ID),
                size="3",
                width="100%",
                margin_top="10px",
                min_height="48px",
                class_name="patrol-start",
            ),
        ),
        width="100%",
        class_name="due-patrol",
    )


def due_list() -> rx.Component:
    return section(
        T["home.grid.patrols_today"],
        rx.cond(
            PatrolTodayState.due.length() > 0,
            rx.foreach(PatrolTodayState.due, due_card),
            empty(T["home.grid.patrols_empty"]),
        ),
        id="patrols-today",
    )


# the walk is drawn by the browser from the phone's own store and sent through its outbox
# (assets/js/field_walk.js): it works the same without signal, so no part of it waits for
# the server. The scanner hands decoded and typed codes to that script, not to a Reflex event.
WALK_SCAN = FunctionStringVar.create("((text) => window.gbWalk && window.gbWalk.scan(text))")


def walk_page() -> rx.Component:
    return phone_shell(
        T["patrol.title"],
        field=rx.vstack(
            rx.el.div(
                rx.card(
                    rx.vstack(
                        rx.text(T["patrol.scan_hint"], size="2", weight="medium"),
                        qr_scanner(WALK_SCAN, placeholder=T["patrol.code_placeholder"],
                                   submit_label=T["patrol.record"],
                                   camera_error_text=T["patrol.camera_error"]),
                        align="center",
                        width="100%",
                    ),
                    width="100%",
                ),
                id="walk-scanner",
                hidden=True,
                style={"width": "100%"},
            ),
            rx.el.div(id="walk-root", class_name="walk", style={"width": "100%"}),
            spacing="4",
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        walk_page,
        route="/patrol/[patrol_id]",
        title="巡查 · 网格管家",
        on_load=[AppState.guard("patrol.walk")],
    )

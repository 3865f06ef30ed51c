"""The alerts list (/alerts): everything that was brought to this person, newest first; unread in
bold, urgent marked; tap one to read it and open its record; 全部已读 marks them all read."""

from __future__ import annotations

import reflex as rx

from app.state.alert_list import AlertListState
from app.state.base import AppState
from app.ui.components.cards import empty
from app.ui.components.shell import desk_shell, phone_shell
from app.ui.texts import T

A = AlertListState


def _row(a) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(a.read, rx.icon("bell", size=18, color="var(--gray-9)"),
                    rx.icon("bell-dot", size=18, color="var(--accent-9)")),
            rx.vstack(
                rx.hstack(
                    rx.text(T["alert.kind." + a.kind], size="3", weight=rx.cond(a.read, "regular", "bold"),
                            class_name="alert-kind"),
                    rx.cond(a.urgent, rx.badge(T["alerts.urgent"], color_scheme="red", class_name="alert-urgent")),
                    rx.cond(~a.read, rx.badge(T["alerts.unread"], color_scheme="blue", variant="soft")),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(a.summary, size="2", weight=rx.cond(a.read, "regular", "medium"), class_name="alert-summary"),
                rx.text(a.at, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
                min_width="0",
            ),
            align="start",
            spacing="3",
        ),
        on_click=A.open(a.id),
        cursor="pointer",
        class_name="alert-row",
        custom_attrs={"data-alert": a.id, "data-read": rx.cond(a.read, "1", "0"), "data-kind": a.kind,
                      "data-request": a.request_id},
        padding="12px",
        min_height="44px",
        width="100%",
        border_radius="8px",
        background=rx.cond(a.read, "var(--color-panel-solid)", "var(--accent-2)"),
        border_left=rx.cond(a.urgent, "4px solid var(--red-9)", "4px solid transparent"),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(T["alerts.mark_all_read"], on_click=A.mark_all_read, id="alerts-mark-all", variant="soft",
                      size="2", min_height="44px"),
            width="100%",
        ),
        rx.cond(
            A.rows.length() > 0,
            rx.vstack(rx.foreach(A.rows, _row), spacing="2", width="100%", id="alert-list"),
            empty(T["alerts.empty"]),
        ),
        spacing="3",
        width="100%",
    )


def alerts_page() -> rx.Component:
    return rx.cond(
        AppState.perms.contains("home.desk"),
        desk_shell(T["alerts.title"], _content()),
        phone_shell(T["alerts.title"], _content()),
    )


def add(app: rx.App) -> None:
    app.add_page(alerts_page, route="/alerts", title="提醒 · 网格管家",
                 on_load=[AppState.guard("account.self"), A.load])

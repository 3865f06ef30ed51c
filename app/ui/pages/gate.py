"""The guard's home: the gate screen (scanning arrives with the renovation issue)."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.homes import GateHomeState
from app.ui.components.cards import empty, section
from app.ui.components.shell import phone_shell

T = AppState.t


def gate_home() -> rx.Component:
    return phone_shell(
        T["home.gate.title"],
        rx.text(GateHomeState.community, size="2", color_scheme="gray"),
        rx.button(
            rx.icon("scan-line", size=28),
            T["home.gate.scan"],
            size="4",
            height="96px",
            width="100%",
            disabled=True,
            id="scan-pass",
        ),
        rx.text(T["home.gate.scan_soon"], size="1", color_scheme="gray"),
        section(T["home.gate.today"], empty(T["home.gate.empty"])),
    )


def add(app: rx.App) -> None:
    app.add_page(
        gate_home,
        route="/gate",
        title="门岗 · 网格管家",
        on_load=[AppState.guard("home.gate"), GateHomeState.load],
    )

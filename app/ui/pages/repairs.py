"""The technician's home: repair orders (filled by the requests issue)."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.homes import RepairsHomeState
from app.ui.components.cards import empty, section
from app.ui.components.shell import phone_shell

T = AppState.t


def repairs_home() -> rx.Component:
    return phone_shell(
        T["home.repairs.title"],
        section(T["home.repairs.title"], empty(T["home.repairs.empty"])),
    )


def add(app: rx.App) -> None:
    app.add_page(
        repairs_home,
        route="/repairs",
        title="维修 · 网格管家",
        on_load=[AppState.guard("home.repairs"), RepairsHomeState.load],
    )

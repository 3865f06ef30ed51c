"""The technician's home: my jobs (dispatched requests), the earliest deadline first, and new-job notices."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.homes import RepairsHomeState
from app.state.requests import MyJobsState
from app.ui.components.cards import empty, section
from app.ui.components.requests import alert_list, request_card
from app.ui.components.shell import phone_shell
from app.ui.texts import T

J = MyJobsState


def repairs_home() -> rx.Component:
    return phone_shell(
        T["home.repairs.title"],
        alert_list(J.alerts, J.open_alert),
        section(
            T["home.repairs.title"],
            rx.cond(
                J.jobs.length() > 0,
                rx.vstack(rx.foreach(J.jobs, lambda r: request_card(r, f"/m/requests/{r.id}")),
                          spacing="2", width="100%", id="my-jobs"),
                empty(T["home.repairs.empty"]),
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        repairs_home,
        route="/repairs",
        title="维修 · 网格管家",
        on_load=[AppState.guard("home.repairs"), RepairsHomeState.load, J.load_jobs],
    )

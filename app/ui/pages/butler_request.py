"""The butler registers a request on her phone (/m/requests/new): what a resident told her on the walk.

The form is drawn by the browser (assets/js/butler_request.js) into the empty root rendered here,
from the phone's own store: every submission is queued on the phone first (with its photos) and
sent through its outbox (`app.api.butler_requests`), so the page opens and takes a request without
signal (the service worker keeps it). The server still guards the page (on_load) and the route.
"""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.ui.components.shell import phone_shell
from app.ui.texts import T

ROUTE = "/m/requests/new"


def entry_button() -> rx.Component:
    """The button on the butler's home that opens the form."""
    return rx.link(
        rx.button(rx.icon("clipboard-pen", size=20), T["butler_request.entry"], size="3", width="100%",
                  min_height="48px"),
        href=ROUTE, id="to-butler-request", width="100%",
    )


def butler_request_page() -> rx.Component:
    return phone_shell(
        T["butler_request.title"],
        field=rx.vstack(
            rx.link(rx.icon("arrow-left", size=16), T["butler_request.back"], href="/grid", id="to-grid",
                    size="2", display="flex", align_items="center", gap="4px", min_height="44px"),
            rx.el.div(id="butler-request-root", class_name="walk reg", style={"width": "100%"}),
            spacing="3", width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(butler_request_page, route=ROUTE, title="登记报修/投诉 · 网格管家",
                 on_load=AppState.guard("request.butler_intake"))

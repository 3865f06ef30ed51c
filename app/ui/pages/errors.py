"""The app's own 404 page, in the user's language (Reflex's default one is English).

Reflex serves it for every unknown path (`404.html`, status 404). It reads the
language the app keeps (`AppState.lang`, from the browser) like every page, so
it speaks Chinese by default and English when the person chose English, and it
offers a way home (`/`, which sends a signed-in person to their landing page).
The api routes' error pages (expired links and the like) are `app.api.errors`.
"""

from __future__ import annotations

import reflex as rx

from app.api.static_files import versioned
from app.ui.components.shell import language_button
from app.ui.texts import T


def not_found() -> rx.Component:
    return rx.box(
        rx.hstack(rx.spacer(), language_button(), padding="12px", width="100%"),
        rx.vstack(
            rx.image(src=versioned("/icons/icon-192.png"), width="64px", height="64px", alt=""),
            rx.heading(T["err.404.title"], size="6", id="error-title"),
            rx.text(T["err.404.body"], size="3", color_scheme="gray", text_align="center"),
            rx.link(
                rx.button(T["err.home"], size="4", width="100%", min_height="48px"),
                href="/",
                id="error-home",
                width="100%",
            ),
            spacing="4",
            align="center",
            width="100%",
            max_width="400px",
            margin_x="auto",
            padding="24px",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(not_found, route="404", title="页面不存在 · Page not found · 网格管家")

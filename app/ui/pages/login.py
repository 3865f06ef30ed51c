"""Landing and sign-in."""

from __future__ import annotations

import reflex as rx

from app.api.static_files import versioned
from app.state.account import SignInState
from app.state.base import AppState
from app.ui.components.forms import form_error, labelled_input
from app.ui.components.shell import phone_style
from app.ui.texts import T


def landing() -> rx.Component:
    return rx.center(rx.spinner(size="3"), height="100vh")


def _language_switch() -> rx.Component:
    """EN/中文 on the sign-in screen: the language picked here is the one kept after signing in."""
    return rx.button(
        T["lang.switch"],
        on_click=SignInState.pick_language,
        variant="soft",
        size="2",
        id="lang-switch",
        min_height="44px",
        min_width="44px",
    )


def login() -> rx.Component:
    return rx.box(
        rx.hstack(rx.spacer(), _language_switch(), padding="12px", width="100%"),
        rx.vstack(
            rx.image(src=versioned("/icons/icon-192.png"), width="72px", height="72px", alt=""),
            rx.heading(T["app.name"], size="7"),
            rx.text(T["app.tagline"], size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    rx.heading(T["auth.title"], size="4"),
                    labelled_input(
                        "field.phone", "phone", type="tel", input_mode="tel",
                        auto_complete="username", max_length=20,
                    ),
                    labelled_input(
                        "field.password", "password", type="password",
                        auto_complete="current-password", max_length=128,
                    ),
                    form_error(SignInState.error, "sign-in-error"),
                    rx.button(
                        rx.cond(SignInState.busy, T["auth.signing_in"], T["auth.submit"]),
                        type="submit",
                        id="sign-in",
                        size="4",
                        width="100%",
                        loading=SignInState.busy,
                        # a tap before the page is connected to the server would be lost: the
                        # button waits until it is (a slow phone, a busy server)
                        disabled=~rx.State.is_hydrated,
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=SignInState.sign_in,
                reset_on_submit=False,
                width="100%",
            ),
            rx.text(T["auth.demo_hint"], size="1", color_scheme="gray"),
            spacing="4",
            align="center",
            width="100%",
            max_width="400px",
            margin_x="auto",
            padding="24px",
        ),
        phone_style(),
        min_height="100vh",
        class_name="phone-ui",
    )


def add(app: rx.App) -> None:
    app.add_page(landing, route="/", title="网格管家", on_load=AppState.go_home)
    app.add_page(login, route="/login", title="登录 · 网格管家", on_load=SignInState.check_signed_in)

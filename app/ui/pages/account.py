"""The "me" tab (roles, language, sign-out) and the password change."""

from __future__ import annotations

import reflex as rx

from app.state.account import AccountState
from app.state.base import AppState
from app.state.notify import NotifyPrefsState
from app.ui.components.cards import role_badges, section
from app.ui.components.forms import form_error, labelled_input
from app.ui.components.shell import phone_shell
from app.ui.pages.notify import prefs_section
from app.ui.texts import T


def _password_input(name: str, label_key: str, autocomplete: str) -> rx.Component:
    return labelled_input(label_key, name, type="password", auto_complete=autocomplete, max_length=128)


def account() -> rx.Component:
    return phone_shell(
        T["account.title"],
        section(
            AppState.user_name,
            rx.text(T["account.community"], ": ", AccountState.community, size="2"),
            rx.text(T["account.roles"], size="2", color_scheme="gray"),
            role_badges(AppState.user_roles.join(",")),
        ),
        section(
            T["account.language"],
            rx.segmented_control.root(
                rx.segmented_control.item("中文", value="zh"),
                rx.segmented_control.item("English", value="en"),
                value=AppState.lang,
                on_change=AppState.set_language,
                size="3",
                id="language",
            ),
        ),
        prefs_section(),
        rx.link(rx.button(T["password.title"], variant="soft", size="3", width="100%"), href="/account/password", width="100%"),
        rx.button(T["auth.sign_out"], on_click=AppState.sign_out, color_scheme="red", variant="outline", size="3", width="100%", id="sign-out"),
    )


def change_password() -> rx.Component:
    return phone_shell(
        T["password.title"],
        rx.callout(T["password.must_change"], icon="info", color_scheme="blue", width="100%"),
        rx.form(
            rx.vstack(
                _password_input("current", "field.current_password", "current-password"),
                _password_input("new", "field.new_password", "new-password"),
                _password_input("repeat", "field.repeat_password", "new-password"),
                form_error(AccountState.error, "password-error"),
                rx.button(T["common.save"], type="submit", size="4", width="100%", id="save-password"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    on_load = [AppState.guard("account.self"), AccountState.load]
    app.add_page(account, route="/account", title="我的 · 网格管家", on_load=[*on_load, NotifyPrefsState.load])
    app.add_page(change_password, route="/account/password", title="修改密码 · 网格管家", on_load=on_load)

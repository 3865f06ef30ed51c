"""The public resident page behind the grid poster's QR (/r/<token>): no sign-in, phone layout."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.grid_planning import ResidentState as S
from app.state.notice_board import NoticeBoardState as NB
from app.ui.components.notice_board import notice_board
from app.ui.components.shell import language_button

T = AppState.t


def _call(phone: rx.Var, label: rx.Var, link_id: str, **props) -> rx.Component:
    return rx.link(
        rx.button(rx.icon("phone", size=20), label, " ", phone, size="4", width="100%", white_space="nowrap", **props),
        href="tel:" + phone,
        id=link_id,
        underline="none",
        width="100%",
    )


def _card(*children: rx.Component, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", size="3", **props)


def _butler_card() -> rx.Component:
    return _card(
        rx.text(T["res.butler"], size="2", color_scheme="gray"),
        rx.hstack(
            rx.cond(
                S.butler_photo_url != "",
                rx.image(src=S.butler_photo_url, width="88px", height="88px", border_radius="50%",
                         object_fit="cover", alt=S.butler_name, id="res-butler-photo", flex_shrink="0"),
                rx.center(rx.icon("user", size=40, color="var(--gray-9)"), width="88px", height="88px",
                          border_radius="50%", background="var(--gray-a3)", flex_shrink="0"),
            ),
            rx.vstack(
                rx.heading(S.butler_name, size="6", id="res-butler-name"),
                rx.cond(S.butler_gold, rx.badge(rx.icon("award", size=14), T["gp.gold"],
                                                color_scheme="amber", size="2", id="res-gold")),
                rx.text(S.grid_name, size="2", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            spacing="4",
            align="center",
            width="100%",
        ),
        _call(S.butler_phone, T["res.call"], "res-call-butler"),
        rx.cond(
            S.service_hours != "",
            rx.hstack(rx.icon("clock", size=16), rx.text(T["res.service_hours"], ": ", S.service_hours, size="2"),
                      align="center"),
        ),
        rx.cond(
            S.buildings != "",
            rx.hstack(rx.icon("building-2", size=16, flex_shrink="0"),
                      rx.text(T["res.buildings"], ": ", S.buildings, size="2"), align="start"),
        ),
        id="res-butler",
    )


def _deputy_card() -> rx.Component:
    return _card(
        rx.hstack(rx.icon("user-check", size=18), rx.text(T["res.deputy"], size="2", weight="medium"), align="center"),
        rx.heading(S.deputy_name, size="5", id="res-deputy-name"),
        rx.text(T["res.deputy_until"].replace("{date}", S.deputy_until), size="2", color_scheme="gray"),
        _call(S.deputy_phone, T["res.call"], "res-call-deputy", variant="soft"),
        id="res-deputy",
        background="var(--blue-a2)",
    )


def _desk_card() -> rx.Component:
    return _card(
        rx.text(T["res.front_desk"], size="2", color_scheme="gray"),
        _call(S.front_desk_phone, T["res.call"], "res-call-desk", variant="outline"),
        id="res-desk",
    )


def _notice(text: rx.Var, icon: str, notice_id: str, color: str) -> rx.Component:
    return rx.callout(text, icon=icon, color_scheme=color, size="3", id=notice_id, width="100%")


def _body() -> rx.Component:
    return rx.match(
        S.card_state,
        (
            "ok",
            rx.vstack(
                rx.cond(
                    S.butler_name != "",
                    _butler_card(),
                    _notice(T["res.no_butler"], "info", "res-no-butler", "blue"),
                ),
                rx.cond(S.deputy_name != "", _deputy_card()),
                rx.cond(S.front_desk_phone != "", _desk_card()),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "outdated",
            rx.vstack(
                _notice(T["res.outdated"], "refresh-cw", "res-outdated", "amber"),
                rx.cond(S.front_desk_phone != "", _desk_card()),
                spacing="4",
                width="100%",
            ),
        ),
        ("invalid", _notice(T["res.invalid"], "triangle-alert", "res-invalid", "red")),
        rx.center(rx.spinner(size="3"), padding_y="20vh", width="100%"),
    )


def resident_page() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(rx.cond(S.community_name != "", S.community_name, T["res.title"]), size="4",
                       id="page-title", trim="both"),
            rx.spacer(),
            language_button(),
            align="center",
            height="52px",
            padding_x="16px",
            background="var(--color-panel-solid)",
            border_bottom="1px solid var(--gray-a5)",
            width="100%",
        ),
        rx.vstack(
            _body(),
            notice_board(),
            spacing="4",
            padding="16px",
            max_width="480px",
            margin_x="auto",
            width="100%",
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )


def add(app: rx.App) -> None:
    app.add_page(
        resident_page,
        route="/r/[code]",
        title="联系管家 · 网格管家",
        on_load=[S.load_card, NB.load_board],
    )

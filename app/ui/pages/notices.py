"""Desk: the notice board (/desk/notices): post an announcement, withdraw it, link requests it answers."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.notices import NoticesState as S
from app.ui.components.cards import empty, section
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _field(label: rx.Var, control: rx.Component, **props) -> rx.Component:
    """A label above a control; in a row (`flex`) the fields share the width and wrap on a phone."""
    props.setdefault("width", "100%")
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", min_width="0", **props)


def _select_style() -> dict:
    return {"height": "40px", "padding": "0 8px", "border_radius": "6px", "width": "100%",
            "border": "1px solid var(--gray-a7)", "background": "var(--color-surface)",
            "font_size": "16px"}


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _field(T["field.title"], rx.input(name="title", id="notice-title", max_length=60, size="3",
                                              width="100%", required=True)),
            _field(T["field.body"], rx.text_area(name="body", id="notice-body", max_length=2000,
                                                 rows="4", width="100%", required=True)),
            rx.flex(
                _field(T["field.scope"], rx.el.select(
                    rx.el.option(T["notices.scope_all"], value=""),
                    rx.foreach(S.grid_options, lambda g: rx.el.option(g.name, value=g.id)),
                    name="scope", id="notice-scope", **_select_style(),
                ), flex="1 1 160px", width="auto"),
                _field(T["field.valid_from"], rx.input(type="date", name="valid_from", id="notice-from",
                                                       default_value=S.today, size="3", width="100%"),
                       flex="1 1 160px", width="auto"),
                _field(T["field.valid_until"], rx.input(type="date", name="valid_until", id="notice-until",
                                                        default_value=S.week_later, size="3", width="100%"),
                       flex="1 1 160px", width="auto"),
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            rx.button(rx.icon("send", size=18), T["notices.publish"], type="submit", size="3",
                      id="notice-publish"),
            spacing="3",
            width="100%",
        ),
        on_submit=S.create,
        key=S.nonce.to_string(),
        width="100%",
    )


def _state_badge(state: rx.Var) -> rx.Component:
    return rx.badge(T["notices.state." + state], class_name="notice-state",
                    color_scheme=rx.match(state, ("active", "green"), ("scheduled", "blue"), "gray"))


def _link_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(name="ids", id="link-ids", placeholder=T["notices.link_hint"], size="3", flex="1",
                     input_mode="numeric"),
            rx.button(T["notices.link_go"], type="submit", size="3", id="link-go"),
            width="100%",
            spacing="2",
        ),
        on_submit=S.link,
        width="100%",
    )


def _row(n) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(n.kind == "quarterly_report",
                    rx.badge(T["notices.kind.quarterly_report"], " ", n.period, color_scheme="purple")),
            rx.text(n.title, weight="bold", class_name="notice-title"),
            rx.spacer(),
            _state_badge(n.state),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text(n.body, size="2", white_space="pre-wrap", color_scheme="gray", margin_top="4px"),
        rx.flex(
            rx.text(rx.cond(n.scope != "", n.scope, T["notices.scope_all"]), " · ",
                    T["notices.valid"], " ", n.starts, " – ", n.until, size="1"),
            rx.cond(n.requests != "",
                    rx.text(T["notices.requests"], ": ", n.requests, size="1", class_name="notice-links")),
            gap="3",
            wrap="wrap",
            margin_top="4px",
        ),
        rx.cond(
            n.on_board,
            rx.hstack(
                rx.button(T["notices.link"], size="2", variant="soft", on_click=S.open_link(n.id),
                          class_name="notice-link-open"),
                rx.button(T["notices.withdraw"], size="2", variant="soft", color_scheme="red",
                          on_click=S.withdraw(n.id), class_name="notice-withdraw"),
                spacing="2",
                margin_top="8px",
            ),
        ),
        rx.cond(S.link_target == n.id, rx.box(_link_form(), margin_top="8px", width="100%")),
        padding="12px",
        border="1px solid var(--gray-a5)",
        border_radius="8px",
        background="var(--color-panel-solid)",
        width="100%",
        class_name="notice-row",
        data_id=n.id,
    )


def notices_page() -> rx.Component:
    return desk_shell(
        T["notices.title"],
        section(T["notices.new"], _form(), id="notice-new"),
        section(
            T["notices.title"],
            rx.hstack(rx.switch(checked=S.show_old, on_change=S.toggle_old, id="notice-show-old"),
                      rx.text(T["notices.show_old"], size="2"), align="center"),
            rx.cond(S.rows.length() > 0, rx.vstack(rx.foreach(S.rows, _row), spacing="2", width="100%"),
                    empty(T["notices.empty"])),
            id="notice-list",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(notices_page, route="/desk/notices", title="公告栏 · 网格管家",
                 on_load=[AppState.guard("notice.manage"), S.load])

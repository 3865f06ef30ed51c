"""Small building blocks: section cards, stat tiles, the grid band badge."""

from __future__ import annotations

import reflex as rx

from app.ui.texts import T

BAND_COLORS = {"ok": "green", "gold": "amber", "under": "orange", "over": "red", "no_butler": "red"}


def section(title: rx.Var | str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="3"), *children, spacing="3", width="100%"),
        width="100%",
        **props,
    )


def stat(label: rx.Var | str, value: rx.Var | str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(value, size="6", weight="bold"),
        rx.text(label, size="1", color_scheme="gray"),
        spacing="0",
        align="start",
        min_width="72px",
        **props,
    )


def empty(text: rx.Var | str) -> rx.Component:
    return rx.text(text, size="2", color_scheme="gray", padding_y="8px")


def band_badge(state: rx.Var) -> rx.Component:
    return rx.badge(
        T["grid.state." + state],
        color_scheme=rx.match(
            state,
            ("ok", "green"),
            ("gold", "amber"),
            ("under", "orange"),
            "red",
        ),
        size="2",
        class_name="band-badge",
    )


def role_badges(roles_csv: rx.Var) -> rx.Component:
    return rx.flex(
        rx.foreach(
            roles_csv.split(","),
            lambda role: rx.badge(T["role." + role], variant="soft", size="1"),
        ),
        wrap="wrap",
        gap="1",
    )


def data_table(headers: list, rows: rx.Component, **props) -> rx.Component:
    """A full-width table that scrolls sideways on a phone.

    `headers` are labels, or ready `rx.table.column_header_cell`s when a
    column needs its own props; `rows` is the body (usually an `rx.foreach`).
    """
    cells = [
        h if isinstance(h, rx.Component) else rx.table.column_header_cell(h) for h in headers
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*cells)),
            rx.table.body(rows),
            width="100%",
            **props,
        ),
        overflow_x="auto",
        width="100%",
    )

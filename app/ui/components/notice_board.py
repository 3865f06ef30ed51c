"""The notice board card of the public resident page: today's announcements for that grid."""

from __future__ import annotations

import reflex as rx

from app.state.notice_board import NoticeBoardState as B
from app.ui.texts import T


def _item(n) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                n.kind == "quarterly_report",
                rx.icon("chart-column", size=18, color="var(--accent-11)", flex_shrink="0"),
                rx.icon("megaphone", size=18, color="var(--accent-11)", flex_shrink="0"),
            ),
            rx.text(n.title, weight="bold", size="3", class_name="board-title"),
            align="start",
            spacing="2",
        ),
        rx.text(n.body, size="2", white_space="pre-wrap", margin_top="4px", class_name="board-body"),
        rx.hstack(
            rx.badge(rx.cond(n.grid_only, T["board.grid"], T["board.community_wide"]),
                     variant="soft", size="1"),
            rx.text(T["board.until"].replace("{date}", n.until), size="1", color_scheme="gray"),
            spacing="2",
            align="center",
            margin_top="6px",
        ),
        rx.cond(
            n.url != "",
            rx.link(
                rx.button(rx.icon("file-text", size=18), T["board.open_report"], size="3", variant="soft",
                          width="100%"),
                href=n.url, is_external=True, class_name="board-report", width="100%",
                margin_top="8px", display="block",
            ),
        ),
        padding_y="10px",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        class_name="board-item",
        data_kind=n.kind,
    )


def notice_board() -> rx.Component:
    """Shown only when there is something on the board."""
    return rx.cond(
        B.board_items.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("clipboard-list", size=18),
                          rx.text(T["board.title"], size="2", weight="medium"), align="center"),
                rx.foreach(B.board_items, _item),
                spacing="1",
                width="100%",
            ),
            width="100%",
            size="3",
            id="res-board",
        ),
    )

"""The approvers' inbox (待我审批) as the desk home shows it, and the sidebar link with its count."""

from __future__ import annotations

import reflex as rx

from app.state.inbox import InboxState
from app.ui.components.cards import empty, section
from app.ui.texts import T


def _row(r) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.text(r.household, weight="bold", size="3", class_name="inbox-household"),
                    rx.text(T["renovation.level." + r.level], size="2", color_scheme="gray",
                            class_name="inbox-level"),
                    rx.text(r.owner, size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.vstack(
                    rx.badge(T["inbox.waited"], " ", r.waited, " ", T["inbox.unit." + r.unit],
                             color_scheme=rx.cond(r.unit == "days", "red", "amber"), size="2",
                             class_name="inbox-waited"),
                    rx.text(r.since, size="1", color_scheme="gray"),
                    rx.cond(r.round > 1, rx.text(T["inbox.round"], " ", r.round, size="1", color_scheme="gray")),
                    align="end",
                    spacing="1",
                ),
                rx.icon("chevron-right", size=20, color="var(--gray-9)"),
                align="center",
                gap="3",
                width="100%",
            ),
            width="100%",
        ),
        href=r.href,
        underline="none",
        color="inherit",
        display="block",
        width="100%",
        min_height="44px",
        class_name="inbox-row",
        data_application=r.id,
    )


def inbox_panel() -> rx.Component:
    """The desk home's 待我审批: shown to whoever decides an approval level (the server says so)."""
    return rx.cond(
        InboxState.approver,
        section(
            rx.hstack(T["inbox.title"], rx.badge(InboxState.count, size="2", id="inbox-count"), align="center",
                      spacing="2"),
            rx.text(T["inbox.hint"], size="1", color_scheme="gray"),
            rx.cond(
                InboxState.rows.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(rx.foreach(InboxState.rows, _row), spacing="2", width="100%"),
                empty(T["inbox.empty"]),
            ),
            id="inbox",
        ),
    )


def inbox_count() -> rx.Component:
    """The count of applications waiting, beside the sidebar's link to the inbox (app.ui.components.shell)."""
    n = InboxState.count
    return rx.badge(n, id="nav-inbox-count", color_scheme=rx.cond(n > 0, "red", "gray"), variant="solid",
                    radius="full", size="1")

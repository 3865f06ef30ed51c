"""The butler's queue section (我的网格·待办) for her phone home: one card per open request, overdue in
red, a tap to call, 新 since her last look; a row opens in place with its history, a note and 转前台派单."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.grid_queue import GridQueueState as Q
from app.ui.components.cards import empty, section
from app.ui.components.shell import field_error
from app.ui.texts import T


def _time_left(r) -> rx.Component:
    amount = rx.fragment(
        rx.cond(r.days > 0, rx.fragment(r.days, T["queue.unit.d"])),
        rx.cond(r.hours > 0, rx.fragment(r.hours, T["queue.unit.h"])),
        rx.cond(r.days == 0, rx.fragment(r.minutes, T["queue.unit.m"])),
    )
    return rx.cond(
        r.timed,
        rx.text(
            rx.cond(r.overdue, T["queue.overdue"], T["queue.left"]), " ", amount,
            size="2", weight=rx.cond(r.overdue, "bold", "regular"),
            color=rx.cond(r.overdue, "var(--red-11)", "var(--gray-11)"),
            class_name="queue-due",
        ),
        rx.text(T["queue.no_deadline"], size="2", color_scheme="gray", class_name="queue-due"),
    )


def _history() -> rx.Component:
    return rx.vstack(
        rx.text(T["queue.history"], size="2", weight="bold"),
        rx.foreach(
            Q.history,
            lambda e: rx.text(
                e.at, " · ", T["request.event." + e.kind],
                rx.cond(e.actor != "", rx.fragment(" · ", e.actor)),
                rx.cond(e.note != "", rx.fragment(": ", e.note)),
                size="1", class_name="queue-event", data_kind=e.kind,
            ),
        ),
        spacing="1", width="100%", id="queue-history",
    )


def _sheet(r) -> rx.Component:
    """The open row: its history, her note, the hand-over to the desk."""
    return rx.vstack(
        # the outcome of her last tap, beside the controls (the page's message is at the top)
        rx.cond(
            AppState.flash != "",
            rx.text(AppState.flash, id="queue-message", size="2", role="status",
                    color=rx.cond(AppState.flash_ok, "var(--green-11)", "var(--red-11)")),
        ),
        _history(),
        rx.form(
            rx.el.input(type="hidden", name="request_id", value=r.id.to_string()),
            rx.text_area(name="queue_note", id="queue-note", placeholder=T["queue.note_hint"], max_length=300,
                         width="100%", rows="3"),
            field_error("queue_note"),
            rx.button(rx.icon("notebook-pen", size=16), T["queue.add_note"], type="submit", size="3",
                      width="100%", id="queue-add-note"),
            on_submit=Q.add_note,
            width="100%",
        ),
        rx.button(
            rx.icon("send", size=16), rx.cond(r.handed, T["queue.handed"], T["queue.hand"]),
            on_click=Q.hand_to_desk(r.id), size="3", width="100%", variant="soft",
            color_scheme=rx.cond(r.handed, "gray", "blue"), id="queue-hand",
        ),
        rx.button(T["queue.close"], on_click=Q.close_row, variant="ghost", size="3", width="100%",
                  id="queue-close"),
        spacing="3", width="100%", padding_top="8px", class_name="queue-sheet",
    )


def _row(r) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(r.new, rx.badge(T["queue.new"], color_scheme="orange", class_name="queue-new")),
                rx.badge(T["request.category." + r.category], variant="soft"),
                rx.text("#", r.id, size="1", color_scheme="gray"),
                rx.spacer(),
                rx.badge(T["request.status." + r.status], variant="outline", class_name="queue-status"),
                align="center", width="100%",
            ),
            rx.text(r.summary, size="3", class_name="queue-summary"),
            rx.hstack(
                rx.text(r.household, size="2", class_name="queue-household"),
                rx.cond(r.covered, rx.badge(T["queue.covered"], " ", r.grid_name, color_scheme="purple",
                                            class_name="queue-covered")),
                rx.cond(r.handed, rx.badge(T["queue.handed"], color_scheme="gray", class_name="queue-handed")),
                align="center", wrap="wrap", width="100%",
            ),
            _time_left(r),
            rx.hstack(
                rx.cond(
                    r.tel != "",
                    rx.link(rx.icon("phone", size=16), T["queue.call"], " ", r.phone, href=r.tel,
                            class_name="tap-link queue-call"),
                ),
                rx.spacer(),
                rx.button(T["queue.open"], on_click=Q.open_row(r.id), size="2", variant="soft",
                          class_name="queue-open"),
                align="center", width="100%",
            ),
            rx.cond(Q.open_id == r.id, _sheet(r)),
            spacing="2", width="100%",
        ),
        width="100%",
        border_left=rx.cond(r.overdue, "4px solid var(--red-9)", "4px solid transparent"),
        class_name="queue-row",
        data_request=r.id,
        data_overdue=rx.cond(r.overdue, "1", ""),
        data_new=rx.cond(r.new, "1", ""),
    )


def grid_queue() -> rx.Component:
    """The section of the butler's phone home."""
    return section(
        T["queue.title"],
        rx.cond(
            Q.rows.length() > 0,
            rx.vstack(rx.foreach(Q.rows, _row), spacing="2", width="100%"),
            empty(T["queue.empty"]),
        ),
        id="grid-queue",
    )

"""The supervisor's gate log (/desk/gate-log): one day's scans with guard, gate, verdict, worker and
household; the day's counts per verdict; previous/next day; refusals only."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.gate_log import GateLogState as L
from app.ui.components.cards import empty, section, stat
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _count(c) -> rx.Component:
    return rx.badge(T["gate.verdict." + c.verdict], " ", c.n, size="2",
                    color_scheme=rx.cond(c.valid, "green", "red"),
                    class_name="gate-log-count", data_verdict=c.verdict)


def _row(r) -> rx.Component:
    return rx.hstack(
        rx.text(r.at, size="2", min_width="72px", font_variant_numeric="tabular-nums"),
        rx.vstack(
            rx.badge(T["gate.verdict." + r.verdict],
                     color_scheme=rx.cond(r.valid, "green", "red")),
            rx.cond(r.worker != "", rx.text(r.worker, " · ", r.household, size="2")),
            rx.text(r.guard, rx.cond(r.gate != "", " · " + r.gate, ""), size="1",
                    color_scheme="gray"),
            # judged on the guard's phone without signal, logged when it came back
            rx.cond(
                r.offline,
                rx.hstack(
                    rx.badge(T["gate_offline.offline"], color_scheme="amber", class_name="gate-log-offline"),
                    rx.text(T["gate_offline.phone_time"], " ", r.phone_time, size="1"),
                    rx.cond(r.shown_key != "",
                            rx.text(T["gate_offline.shown"], " ", T[r.shown_key], size="1",
                                    color=rx.cond(r.shown_valid, "var(--green-11)", "var(--red-11)"))),
                    rx.cond(r.clock_off, rx.badge(T["gate_offline.clock_off"], color_scheme="red",
                                                  class_name="gate-log-clock-off")),
                    spacing="2", align="center", flex_wrap="wrap",
                ),
            ),
            spacing="1",
            align="start",
        ),
        width="100%",
        align="start",
        padding_y="6px",
        border_bottom="1px solid var(--gray-4)",
        class_name="gate-log-row",
        data_verdict=r.verdict,
    )


def gate_log_page() -> rx.Component:
    return desk_shell(
        T["gate_log.title"],
        rx.vstack(
            rx.hstack(
                rx.icon_button(rx.icon("chevron-left"), on_click=L.shift_day(-1), variant="soft", size="3",
                               id="gate-log-prev", aria_label=T["gate_log.prev"]),
                rx.input(type="date", value=L.day, on_change=L.set_day, id="gate-log-day", size="3",
                         aria_label=T["gate_log.day"]),
                rx.icon_button(rx.icon("chevron-right"), on_click=L.shift_day(1), variant="soft", size="3",
                               id="gate-log-next", aria_label=T["gate_log.next"]),
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.switch(checked=L.refused_only, on_change=L.set_refused_only, id="gate-log-refused-only"),
                rx.text(T["gate_log.refused_only"], as_="label", html_for="gate-log-refused-only", size="2"),
                align="center",
            ),
            rx.flex(
                stat(T["gate_log.total"], L.total.to_string(), id="gate-log-total"),
                stat(T["gate_log.refused"], L.refused.to_string(), id="gate-log-refused"),
                gap="5",
            ),
            rx.flex(rx.foreach(L.counts, _count), gap="2", wrap="wrap", id="gate-log-counts"),
            section(
                T["gate_log.title"],
                rx.cond(
                    L.rows.length() > 0,
                    rx.vstack(rx.foreach(L.rows, _row), spacing="0", width="100%", id="gate-log-rows"),
                    empty(T["gate_log.empty"]),
                ),
                rx.text(T["gate_log.shown"], size="1", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        gate_log_page,
        route="/desk/gate-log",
        title="门岗记录 · 网格管家",
        on_load=[AppState.guard("gate.log"), L.load],
    )

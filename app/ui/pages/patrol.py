"""The patrol on the phone: scan a checkpoint, take photos there, tick its checklist, finish."""

from __future__ import annotations

import reflex as rx

from app.domain import work_orders
from app.state.base import AppState
from app.state.patrols import CLIENT_ID, PatrolTodayState, PatrolWalkState
from app.ui.components.cards import empty, section
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.components.scanner import qr_scanner
from app.ui.components.shell import phone_shell

T = AppState.t
S = PatrolWalkState

STATE_COLORS = (("visited", "green"), ("scanned", "amber"), "gray")


def due_card(d) -> rx.Component:
    """One due patrol on "my grid today"."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(d.route, weight="bold", size="3"),
                rx.text(d.grid, " · ", T["patrol.due_by"], " ", d.due, size="2",
                        color_scheme="gray"),
                rx.text(T["patrol.progress"], " ", d.visited, "/", d.stops, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.badge(T["patrol.state." + d.state], size="2",
                     color_scheme=rx.match(d.state, ("done", "green"), ("late", "red"),
                                           ("started", "blue"), "gray")),
            align="center",
            width="100%",
        ),
        rx.cond(
            d.state != "done",
            rx.button(
                rx.icon("footprints", size=18),
                rx.cond(d.patrol_id != 0, T["patrol.resume"], T["patrol.start"]),
                on_click=PatrolTodayState.start(d.plan_id, CLIENT_ID),
                size="3",
                width="100%",
                margin_top="10px",
                min_height="48px",
                class_name="patrol-start",
            ),
        ),
        width="100%",
        class_name="due-patrol",
    )


def due_list() -> rx.Component:
    return section(
        T["home.grid.patrols_today"],
        rx.cond(
            PatrolTodayState.due.length() > 0,
            rx.foreach(PatrolTodayState.due, due_card),
            empty(T["home.grid.patrols_empty"]),
        ),
        id="patrols-today",
    )


def _stop_row(stop, index: int) -> rx.Component:
    return rx.hstack(
        rx.icon(
            rx.match(stop.state, ("visited", "circle-check"), ("scanned", "camera"), "circle"),
            size=22,
            color=rx.match(stop.state, ("visited", "var(--green-9)"), ("scanned", "var(--amber-9)"),
                           "var(--gray-8)"),
        ),
        rx.vstack(
            rx.text(stop.name, weight="medium", size="2"),
            rx.text(stop.place, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.vstack(
            rx.text(stop.scanned, size="1"),
            rx.cond(stop.visit_id != 0,
                    rx.text(stop.checked, "/", stop.item_count, " · ", rx.icon("image", size=12), " ",
                            stop.photos, size="1", color_scheme="gray")),
            spacing="0",
            align="end",
        ),
        on_click=S.select(index),
        padding="10px 4px",
        min_height="52px",
        align="center",
        width="100%",
        border_bottom="1px solid var(--gray-a4)",
        cursor="pointer",
        background=rx.cond(S.current == index, "var(--accent-a3)", "transparent"),
        class_name="stop-row",
        data_state=stop.state,
    )


def _item_row(item) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(item.text, size="2", flex="1"),
            rx.button(
                rx.icon("check", size=16), T["patrol.pass"],
                on_click=S.tick_pass(item.id, CLIENT_ID),
                variant=rx.cond(item.result == "pass", "solid", "outline"),
                color_scheme="green",
                size="2",
                min_height="44px",
                class_name="item-pass",
                disabled=~S.open,
            ),
            rx.button(
                rx.icon("x", size=16), T["patrol.fail"],
                on_click=S.start_fail(item.id),
                variant=rx.cond(item.result == "fail", "solid", "outline"),
                color_scheme="red",
                size="2",
                min_height="44px",
                class_name="item-fail",
                disabled=~S.open,
            ),
            align="center",
            width="100%",
            spacing="2",
        ),
        rx.cond(item.note != "", rx.text(item.note, size="1", color="var(--red-11)")),
        rx.cond(S.failing_item == item.id, _fail_form()),
        width="100%",
        spacing="1",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a3)",
        class_name="check-item",
        data_result=item.result,
    )


def _fail_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(name="note", id="fail-note", placeholder=T["patrol.fail_note"], width="100%",
                         max_length=200, required=True),
            rx.el.select(
                *[rx.el.option(T["workorder.dept." + d], value=d) for d in work_orders.DEPARTMENTS],
                name="department",
                id="fail-department",
                style={"width": "100%", "min-height": "44px", "font-size": "16px"},
            ),
            rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
            rx.hstack(
                rx.button(T["common.cancel"], type="button", variant="soft", on_click=S.cancel_fail,
                          size="3"),
                rx.button(T["patrol.make_work_order"], type="submit", color_scheme="red", size="3",
                          id="fail-submit", flex="1"),
                width="100%",
            ),
            width="100%",
            spacing="2",
        ),
        on_submit=S.submit_fail,
        reset_on_submit=True,
        width="100%",
    )


def _current_stop() -> rx.Component:
    stop = S.current_stop
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(stop.name, size="4"),
                rx.spacer(),
                rx.badge(T["patrol.stop." + stop.state], size="2",
                         color_scheme=rx.match(stop.state, *STATE_COLORS)),
                width="100%",
                align="center",
            ),
            rx.text(stop.place, size="2", color_scheme="gray"),
            rx.cond(
                stop.state == "scanned",
                rx.callout(T["patrol.photo_needed"], icon="camera", color_scheme="amber", size="1",
                           width="100%"),
            ),
            rx.cond(
                S.open,
                photo_picker("patrol_visit", stop.visit_id, PatrolWalkState.photos_done,
                             label=T["patrol.take_photo"]),
            ),
            photo_strip(S.photos),
            rx.hstack(
                rx.text(T["patrol.checklist"], weight="bold", size="3"),
                rx.spacer(),
                rx.cond(S.open, rx.button(T["patrol.all_pass"], on_click=S.all_pass(CLIENT_ID),
                                          variant="soft", color_scheme="green", size="2",
                                          min_height="40px", id="all-pass")),
                width="100%",
                align="center",
            ),
            rx.foreach(S.items, _item_row),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="current-stop",
    )


def _finish_bar() -> rx.Component:
    return rx.cond(
        S.open,
        rx.cond(
            S.finish_confirm,
            rx.card(
                rx.vstack(
                    rx.text(T["patrol.finish_confirm"], " ", S.patrol.visited, "/", S.patrol.total,
                            size="3", weight="medium"),
                    rx.hstack(
                        rx.button(T["patrol.keep_walking"], on_click=S.keep_walking, variant="soft",
                                  size="3", flex="1"),
                        rx.button(T["patrol.finish"], on_click=S.finish, size="3", flex="1",
                                  id="finish-confirm", color_scheme="teal"),
                        width="100%",
                    ),
                    width="100%",
                ),
                width="100%",
            ),
            rx.button(rx.icon("flag", size=18), T["patrol.finish"], on_click=S.ask_finish, size="3",
                      width="100%", min_height="52px", id="finish", variant="outline"),
        ),
        rx.callout(
            rx.text(T["patrol.finished_at"], " ", S.patrol.finished, " · ", T["patrol.missed"], " ",
                    S.patrol.missed, rx.cond(S.patrol.late, " · " + T["patrol.late"], "")),
            icon="flag", color_scheme=rx.cond(S.patrol.missed == 0, "green", "amber"),
            width="100%", id="finished-banner",
        ),
    )


def walk_page() -> rx.Component:
    return phone_shell(
        T["patrol.title"],
        rx.cond(
            S.patrol.id != 0,
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.heading(S.patrol.route, size="4"),
                        rx.text(S.patrol.grid, " · ", T["patrol.started_at"], " ", S.patrol.started,
                                size="2", color_scheme="gray"),
                        spacing="0",
                        align="start",
                    ),
                    rx.spacer(),
                    rx.text(S.patrol.visited, "/", S.patrol.total, size="6", weight="bold",
                            id="patrol-progress"),
                    width="100%",
                    align="center",
                ),
                rx.cond(
                    S.open,
                    rx.card(
                        rx.vstack(
                            rx.text(T["patrol.scan_hint"], size="2", weight="medium"),
                            qr_scanner(S.scan, placeholder=T["patrol.code_placeholder"],
                                       submit_label=T["patrol.record"],
                                       camera_error_text=T["patrol.camera_error"]),
                            rx.cond(S.recorded != "",
                                    rx.callout(S.recorded, icon="circle-check", color_scheme="green",
                                               id="scan-recorded", width="100%", size="1")),
                            align="center",
                            width="100%",
                        ),
                        width="100%",
                    ),
                ),
                rx.cond(S.current >= 0, rx.cond(S.current_stop.visit_id != 0, _current_stop())),
                section(T["patrol.stops"], rx.foreach(S.stops, _stop_row)),
                _finish_bar(),
                spacing="4",
                width="100%",
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        walk_page,
        route="/patrol/[patrol_id]",
        title="巡查 · 网格管家",
        on_load=[AppState.guard("patrol.walk"), PatrolWalkState.load],
    )

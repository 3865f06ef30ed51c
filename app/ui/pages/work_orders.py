"""Work orders on the desk: open ones, overdue first; mark one done."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.patrols import WorkOrderState
from app.ui.components.cards import data_table, empty, section
from app.ui.components.shell import desk_shell
from app.ui.texts import T

W = WorkOrderState


def _row(o) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(T["workorder.dept." + o.department], variant="soft")),
        rx.table.cell(rx.vstack(rx.text(o.title, weight="medium"),
                                rx.text(o.detail, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(o.place),
        rx.table.cell(o.grid),
        rx.table.cell(o.created),
        rx.table.cell(rx.text(o.due, color=rx.cond(o.overdue, "var(--red-11)", "inherit"),
                              weight=rx.cond(o.overdue, "bold", "regular")),
                      class_name="wo-due"),
        rx.table.cell(
            rx.cond(
                o.status == "open",
                rx.hstack(
                    rx.cond(AppState.perms.contains("workorder.close"),
                            rx.button(T["workorder.done"], on_click=W.close(o.id), size="2",
                                      class_name="wo-close")),
                    rx.cond(AppState.perms.contains("request.intake"),
                            rx.button(T["workorder.to_register"], on_click=W.register(o.id), size="2",
                                      variant="soft", class_name="wo-register")),
                ),
                rx.badge(T["workorder.status." + o.status], color_scheme="green"),
            )
        ),
        class_name="wo-row",
        data_overdue=rx.cond(o.overdue, "1", ""),
    )


def work_orders_page() -> rx.Component:
    return desk_shell(
        T["workorder.title"],
        section(
            rx.segmented_control.root(
                rx.segmented_control.item(T["workorder.status.open"], value="open"),
                rx.segmented_control.item(T["workorder.status.done"], value="done"),
                value=W.show,
                on_change=W.set_show,
            ),
            rx.cond(
                W.orders.length() > 0,
                data_table(
                    [T["workorder.department"], T["workorder.what"], T["workorder.place"],
                     T["field.grid"], T["workorder.created"], T["workorder.due"], ""],
                    rx.foreach(W.orders, _row),
                ),
                empty(T["workorder.none"]),
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(work_orders_page, route="/desk/work-orders", title="工单 · 网格管家",
                 on_load=[AppState.guard("workorder.view"), W.load])

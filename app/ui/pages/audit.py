"""The audit log (read-only)."""

from __future__ import annotations

import reflex as rx

from app.state.audit_log import AuditLogState
from app.state.base import AppState
from app.ui.components.shell import desk_shell

T = AppState.t


def _row(e: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(e["at"]),
        rx.table.cell(e["actor"]),
        rx.table.cell(rx.code(e["action"])),
        rx.table.cell(e["subject"]),
        rx.table.cell(
            rx.badge(
                T["audit.outcome." + e["outcome"]],
                color_scheme=rx.match(e["outcome"], ("ok", "green"), ("failed", "orange"), "red"),
            )
        ),
        rx.table.cell(e["detail"]),
        class_name="audit-row",
    )


def audit_log() -> rx.Component:
    return desk_shell(
        T["audit.title"],
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(T["audit.at"]),
                        rx.table.column_header_cell(T["audit.actor"]),
                        rx.table.column_header_cell(T["audit.action"]),
                        rx.table.column_header_cell(T["audit.subject"]),
                        rx.table.column_header_cell(T["audit.outcome"]),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(AuditLogState.entries, _row)),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        audit_log,
        route="/admin/audit",
        title="操作日志 · 网格管家",
        on_load=[AppState.guard("audit.view"), AuditLogState.load],
    )

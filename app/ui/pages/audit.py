"""The audit log (read-only)."""

from __future__ import annotations

import reflex as rx

from app.state.audit_log import AuditLogState
from app.state.base import AppState
from app.ui.components.cards import data_table
from app.ui.components.shell import desk_shell

T = AppState.t


def _row(e: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(e["at"], white_space="nowrap"),
        rx.table.cell(e["actor"], white_space="nowrap"),
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
        data_table(
            [T["audit.at"], T["audit.actor"], T["audit.action"], T["audit.subject"], T["audit.outcome"], ""],
            rx.foreach(AuditLogState.entries, _row),
            size="1",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        audit_log,
        route="/admin/audit",
        title="操作日志 · 网格管家",
        on_load=[AppState.guard("audit.view"), AuditLogState.load],
    )

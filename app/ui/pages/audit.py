"""The audit log (read-only): entries in words, filtered by person, kind of action and day."""

from __future__ import annotations

import reflex as rx

from app.state.audit_log import ALL
from app.state.audit_log import AuditLogState as L
from app.state.base import AppState
from app.ui.components.cards import data_table
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _row(e) -> rx.Component:
    return rx.table.row(
        rx.table.cell(e.at, white_space="nowrap"),
        rx.table.cell(e.actor, white_space="nowrap", class_name="audit-actor"),
        rx.table.cell(rx.text(e.action, title=e.action_key), class_name="audit-action"),
        rx.table.cell(e.subject, class_name="audit-subject"),
        rx.table.cell(
            rx.badge(
                T["audit.outcome." + e.outcome],
                color_scheme=rx.match(e.outcome, ("ok", "green"), ("failed", "orange"), "red"),
            )
        ),
        rx.table.cell(e.detail, class_name="audit-detail"),
        class_name="audit-row",
    )


def _select(value, on_change, all_label, items, item_id: str, trigger_id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=trigger_id, width="100%", min_height="44px"),
        rx.select.content(
            rx.select.item(all_label, value=ALL),
            rx.foreach(items, lambda p: rx.select.item(p.name, value=p.id, class_name=item_id)),
        ),
        value=value,
        on_change=on_change,
        size="3",
    )


def _filters() -> rx.Component:
    return rx.grid(
        rx.vstack(
            rx.text(T["audit.filter.person"], size="2"),
            _select(L.person, L.set_person, T["audit.filter.all_people"], L.people, "audit-person-item",
                    "audit-person"),
            spacing="1", width="100%",
        ),
        rx.vstack(
            rx.text(T["audit.filter.action"], size="2"),
            _select(L.family, L.set_family, T["audit.filter.all_actions"], L.families, "audit-family-item",
                    "audit-family"),
            spacing="1", width="100%",
        ),
        rx.vstack(
            rx.text(T["audit.filter.day"], size="2"),
            rx.input(type="date", value=L.day, on_change=L.set_day, id="audit-day", size="3", width="100%",
                     min_height="44px"),
            spacing="1", width="100%",
        ),
        rx.button(T["audit.filter.clear"], on_click=L.clear, variant="soft", size="3", id="audit-clear",
                  min_height="44px", align_self="end"),
        columns=rx.breakpoints(initial="1", sm="2", md="4"),
        gap="3",
        width="100%",
    )


def audit_log() -> rx.Component:
    return desk_shell(
        T["audit.title"],
        _filters(),
        rx.cond(
            L.entries.length() > 0,
            data_table(
                [T["audit.at"], T["audit.actor"], T["audit.action"], T["audit.subject"], T["audit.outcome"], ""],
                rx.foreach(L.entries, _row),
                size="1",
            ),
            rx.text(T["audit.empty"], color_scheme="gray", id="audit-empty"),
        ),
        rx.cond(L.has_more, rx.button(T["audit.more"], on_click=L.more, variant="soft", size="3", id="audit-more")),
    )


def add(app: rx.App) -> None:
    app.add_page(
        audit_log,
        route="/admin/audit",
        title="操作日志 · 网格管家",
        on_load=[AppState.guard("audit.view"), L.load],
    )

"""Desk: reports (/desk/reports): the half-monthly complaint summary with improvement actions,
and the quarterly management report (figures, PDF, publishing to the notice board)."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.reports import ReportsState as S
from app.ui.components.cards import data_table, empty, section, stat
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _picker(value: rx.Var, options, on_change, picker_id: str, label_of, key_of) -> rx.Component:
    return rx.el.select(
        rx.foreach(options, lambda o: rx.el.option(label_of(o), value=key_of(o))),
        value=value,
        on_change=on_change,
        id=picker_id,
        height="40px",
        padding="0 8px",
        border_radius="6px",
        border="1px solid var(--gray-a7)",
        background="var(--color-surface)",
        font_size="16px",
    )


def _heads(*labels: rx.Var) -> list[rx.Component]:
    """Column headers that keep to one line (the table scrolls sideways on a phone)."""
    return [rx.table.column_header_cell(label, white_space="nowrap") for label in labels]


def _alert_cell(value: rx.Var, cls: str) -> rx.Component:
    return rx.table.cell(rx.text(value, color=rx.cond(value != 0, "var(--red-11)", "inherit"),
                                 weight=rx.cond(value != 0, "bold", "regular")), class_name=cls)


def _line(label: rx.Component | rx.Var, x, row_class: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(label, white_space="nowrap"),
        rx.table.cell(x.total, class_name="r-total"),
        _alert_cell(x.overdue, "r-overdue"),
        _alert_cell(x.unsatisfied, "r-unsatisfied"),
        class_name=row_class,
        data_key=x.key,
    )


def _half() -> rx.Component:
    h = S.half_totals
    return section(
        T["reports.half"],
        rx.flex(
            _picker(S.half_key, S.half_options, S.set_half, "half-pick", lambda o: o.label, lambda o: o.key),
            rx.link(rx.button(rx.icon("printer", size=16), T["reports.half_pdf"], size="2", variant="soft"),
                    href=S.half_pdf_url, is_external=True, id="half-pdf"),
            gap="3", wrap="wrap", align="center",
        ),
        rx.hstack(
            stat(T["reports.total"], h.total, id="half-total"),
            stat(T["reports.overdue"], h.overdue, id="half-overdue"),
            stat(T["reports.unsatisfied"], h.unsatisfied, id="half-unsatisfied"),
            spacing="5",
        ),
        rx.cond(
            S.cat_rows.length() > 0,
            rx.vstack(
                rx.text(T["reports.by_category"], weight="medium", size="2"),
                data_table(_heads(T["reports.category"], T["reports.count"], T["reports.overdue"],
                                  T["reports.unsatisfied"]),
                           rx.foreach(S.cat_rows, lambda x: _line(T["request.category." + x.key], x,
                                                                  "half-cat"))),
                rx.text(T["reports.by_grid"], weight="medium", size="2"),
                data_table(_heads(T["reports.grid"], T["reports.count"], T["reports.overdue"],
                                  T["reports.unsatisfied"]),
                           rx.foreach(S.grid_rows, lambda x: _line(
                               rx.cond(x.key != "", x.key, T["reports.no_grid"]), x, "half-grid"))),
                spacing="2",
                width="100%",
            ),
            empty(T["reports.empty"]),
        ),
        rx.text(T["reports.half_hint"], size="1", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.text(T["reports.actions"], weight="medium", size="2", as_="label", html_for="actions"),
                rx.text_area(name="actions", id="actions", default_value=S.actions, rows="5", width="100%",
                             max_length=2000, placeholder=T["reports.actions_hint"],
                             read_only=~S.can_write),
                rx.cond(S.actions_meta != "",
                        rx.text(T["reports.actions_by"], ": ", S.actions_meta, size="1", color_scheme="gray",
                                id="actions-meta")),
                rx.cond(S.can_write, rx.button(T["common.save"], type="submit", size="3", id="actions-save")),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_actions,
            key=S.half_key + S.actions_meta,
            width="100%",
        ),
        id="half-section",
    )


def _figure_row(first: rx.Component | rx.Var, f, row_class: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(first, white_space="nowrap"),
        rx.table.cell(f.received, class_name="q-received"),
        rx.table.cell(f.handled, class_name="q-handled"),
        rx.table.cell(f.on_time_rate, class_name="q-on-time"),
        rx.table.cell(f.follow_up_rate, class_name="q-follow-up"),
        rx.table.cell(f.satisfaction, class_name="q-satisfaction"),
        rx.table.cell(f.satisfied_rate, class_name="q-satisfied"),
        class_name=row_class,
    )


def _quarter() -> rx.Component:
    q = S.q_total
    headers = [T["reports.received"], T["reports.handled"], T["reports.on_time_rate"],
               T["reports.follow_up_rate"], T["reports.satisfaction"], T["reports.satisfied_rate"]]
    return section(
        T["reports.quarter"],
        rx.flex(
            _picker(S.quarter_key, S.quarter_options, S.set_quarter, "quarter-pick", lambda o: o, lambda o: o),
            rx.link(rx.button(rx.icon("printer", size=16), T["reports.print"], size="2"),
                    href=S.q_pdf_url, is_external=True, id="quarter-pdf"),
            rx.cond(
                S.q_published,
                rx.badge(rx.icon("check", size=14), T["reports.on_board"], color_scheme="green", size="2",
                         id="quarter-on-board"),
                rx.cond(S.can_write,
                        rx.button(rx.icon("megaphone", size=16), T["reports.publish"], size="2",
                                  variant="soft", on_click=S.publish, id="quarter-publish")),
            ),
            gap="3", wrap="wrap", align="center",
        ),
        rx.flex(
            stat(T["reports.received"], q.received, id="q-received"),
            stat(T["reports.handled"], q.handled, id="q-handled"),
            stat(T["reports.on_time_rate"], q.on_time_rate, id="q-on-time"),
            stat(T["reports.follow_up_rate"], q.follow_up_rate, id="q-follow-up"),
            stat(T["reports.satisfaction"], q.satisfaction, id="q-satisfaction"),
            stat(T["reports.satisfied_rate"], q.satisfied_rate, id="q-satisfied"),
            gap="4", wrap="wrap",
        ),
        data_table(_heads(T["reports.month"], *headers),
                   rx.foreach(S.q_months, lambda f: _figure_row(f.label, f, "q-month"))),
        rx.cond(
            S.q_categories.length() > 0,
            data_table(_heads(T["reports.category"], *headers),
                       rx.foreach(S.q_categories, lambda f: _figure_row(
                           T["request.category." + f.label], f, "q-category"))),
        ),
        rx.text(T["reports.quarter_hint"], size="1", color_scheme="gray"),
        id="quarter-section",
    )


def reports_page() -> rx.Component:
    return desk_shell(T["reports.title"], _half(), _quarter())


def add(app: rx.App) -> None:
    app.add_page(reports_page, route="/desk/reports", title="统计报表 · 网格管家",
                 on_load=[AppState.guard("report.view"), S.load])

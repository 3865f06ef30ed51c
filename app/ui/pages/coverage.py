"""Supervisor: patrol coverage per grid (day / week) and the drill-down into one patrol."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.patrols import CoverageState, PatrolDetailState
from app.ui.components.cards import data_table, empty, section
from app.ui.components.evidence import photo_strip
from app.ui.components.shell import desk_shell
from app.ui.texts import T

C = CoverageState
D = PatrolDetailState


def _num(value: rx.Var, alert: rx.Var | bool = False, **props) -> rx.Component:
    return rx.table.cell(rx.text(value, color=rx.cond(alert, "var(--red-11)", "inherit"),
                                 weight=rx.cond(alert, "bold", "regular")), **props)


def _coverage_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(r.grid, on_click=C.open_grid(r.grid_id, r.grid),
                              cursor="pointer", class_name="coverage-grid")),
        rx.table.cell(r.butler),
        _num(r.due, class_name="cov-due"),
        _num(r.done, class_name="cov-done"),
        _num(r.late, r.late != 0, class_name="cov-late"),
        _num(r.not_done, r.not_done != 0, class_name="cov-not-done"),
        _num(r.missed, r.missed != 0, class_name="cov-missed"),
        _num(r.findings, r.findings != 0, class_name="cov-findings"),
        rx.table.cell(rx.badge(r.rate, color_scheme=rx.cond(r.alert, "red", "green"))),
        class_name="coverage-row",
        data_grid=r.grid,
    )


def _patrol_row(p) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(p.period, " ", p.route, href=f"/desk/patrols/{p.id}",
                              class_name="patrol-link")),
        rx.table.cell(p.walker),
        rx.table.cell(p.started),
        rx.table.cell(rx.cond(p.status == "finished", p.finished, T["patrol.state.started"])),
        rx.table.cell(rx.cond(p.late, rx.badge(T["patrol.late"], color_scheme="red"), "")),
        rx.table.cell(p.missed),
        rx.table.cell(p.photos),
    )


def coverage_page() -> rx.Component:
    return desk_shell(
        T["coverage.title"],
        section(
            rx.hstack(T["coverage.title"], rx.text(C.range_text, size="2", color_scheme="gray"),
                      align="baseline", spacing="3"),
            rx.segmented_control.root(
                rx.segmented_control.item(T["coverage.day"], value="day"),
                rx.segmented_control.item(T["coverage.week"], value="week"),
                value=C.period,
                on_change=C.set_period,
                id="coverage-period",
            ),
            data_table(
                [T["field.grid"], T["grid.butler"], T["coverage.due"], T["coverage.done"],
                 T["coverage.late"], T["coverage.not_done"], T["coverage.missed"],
                 T["coverage.findings"], T["coverage.rate"]],
                rx.foreach(C.rows, _coverage_row),
            ),
            rx.text(T["coverage.explain"], size="1", color_scheme="gray"),
        ),
        rx.cond(
            C.grid_id != "",
            section(
                rx.text(C.grid_name, " · ", T["coverage.patrols"]),
                rx.cond(
                    C.patrol_rows.length() > 0,
                    data_table(
                        [T["coverage.patrol"], T["coverage.walker"], T["coverage.started"],
                         T["coverage.finished"], "", T["coverage.missed"], T["coverage.photos"]],
                        rx.foreach(C.patrol_rows, _patrol_row),
                    ),
                    empty(T["coverage.no_patrols"]),
                ),
                id="grid-patrols",
            ),
        ),
    )


def _stop_line(s) -> rx.Component:
    return rx.table.row(
        rx.table.cell(s.name),
        rx.table.cell(
            rx.text(s.scanned),
            rx.cond(s.offline, rx.badge(T["field.offline_mark"], color_scheme="amber", class_name="stop-offline")),
            rx.cond(s.phone != "", rx.text(T["field.phone_time"], " ", s.phone, size="1", color_scheme="gray",
                                           class_name="stop-phone-time")),
            rx.cond(s.clock_off, rx.text(T["field.clock_off"], size="1", color="var(--red-11)",
                                         class_name="stop-clock-off")),
        ),
        rx.table.cell(rx.cond(s.method == "typed", T["patrol.method.typed"],
                              rx.cond(s.method == "scan", T["patrol.method.scan"], ""))),
        rx.table.cell(s.photos),
        rx.table.cell(rx.badge(T["patrol.stop." + s.state],
                               color_scheme=rx.match(s.state, ("visited", "green"),
                                                     ("scanned", "amber"), "red"))),
        class_name="detail-stop",
    )


def detail_page() -> rx.Component:
    p = D.patrol
    return desk_shell(
        T["coverage.detail"],
        rx.cond(
            p.id != 0,
            rx.vstack(
                section(
                    rx.text(p.grid, " · ", p.route, " · ", p.period),
                    rx.text(T["coverage.walker"], ": ", p.walker, " · ", T["coverage.started"], " ",
                            p.started, " · ", T["coverage.finished"], " ", p.finished, size="2"),
                    rx.text(T["coverage.missed"], ": ", p.missed,
                            rx.cond(p.late, rx.text(" · ", T["patrol.late"], as_="span")),
                            rx.cond(p.offline, rx.text(" · ", T["field.offline_mark"], as_="span",
                                                       id="patrol-offline")),
                            rx.cond(p.clock_off, rx.text(" · ", T["field.clock_off"], as_="span")),
                            size="2"),
                    data_table([T["patrol.stops"], T["coverage.scanned"], "", T["coverage.photos"], ""],
                               rx.foreach(D.stops, _stop_line)),
                ),
                section(
                    T["coverage.findings"],
                    rx.cond(
                        D.checks.length() > 0,
                        rx.foreach(D.checks, lambda c: rx.text(c.stop, " · ", c.text, " — ",
                                                               c.note, size="2",
                                                               class_name="detail-finding")),
                        empty(T["coverage.no_findings"]),
                    ),
                ),
                section(T["coverage.photos"], photo_strip(D.photos)),
                width="100%",
                spacing="4",
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(coverage_page, route="/desk/coverage", title="巡查统计 · 网格管家",
                 on_load=[AppState.guard("patrol.coverage"), C.load])
    app.add_page(detail_page, route="/desk/patrols/[patrol_id]", title="巡查详情 · 网格管家",
                 on_load=[AppState.guard("patrol.coverage"), D.load])

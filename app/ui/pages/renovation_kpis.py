"""The supervisor's renovation figures (/desk/renovation-kpis): violation and rectification rates
against the handbook's targets, renovations by stage, passes active, gate refusals."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.renovation_site import RenovationKpiState as K
from app.ui.components.cards import section, stat
from app.ui.components.shell import desk_shell

T = AppState.t
F = K.figures


def _rate(label_key: str, value_key: str, target_key: str, ok_key: str, box_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(T[label_key], size="2", color_scheme="gray"),
            rx.text(F[value_key], size="7", weight="bold", id=box_id,
                    color=rx.cond(F[ok_key] != "", "var(--green-11)", "var(--red-11)")),
            rx.text(T["site.kpi_target"], " ", F[target_key], size="2"),
            spacing="1",
        ),
        min_width="220px",
    )


def kpi_page() -> rx.Component:
    return desk_shell(
        T["site.kpi_title"],
        rx.vstack(
            rx.text(T["site.kpi_period"], " ", F["period"], " · ", T["site.kpi_households"], " ", F["households"],
                    size="2", color_scheme="gray"),
            rx.flex(
                _rate("renovation.kpi.violation_rate", "violation_rate", "violation_target", "violation_ok",
                      "kpi-violation-rate"),
                _rate("renovation.kpi.rectification_rate", "rectification_rate", "rectification_target",
                      "rectification_ok", "kpi-rectification-rate"),
                gap="3", wrap="wrap",
            ),
            section(
                T["site.kpi_checks"],
                rx.flex(
                    stat(T["site.kpi_site_checks"], F["site_checks"], id="kpi-site-checks"),
                    stat(T["site.kpi_violating"], F["violating"], id="kpi-violating"),
                    stat(T["site.kpi_rectifications"], F["rectifications"], id="kpi-rectifications"),
                    stat(T["renovation.rectification.rectified"], F["rectified"], id="kpi-rectified"),
                    stat(T["renovation.rectification.failed"], F["failed"], id="kpi-failed"),
                    stat(T["site.kpi_open"], F["open"], id="kpi-open"),
                    stat(T["site.kpi_overdue"], F["overdue"], id="kpi-overdue"),
                    gap="4", wrap="wrap",
                ),
            ),
            section(
                T["renovation.kpi.by_stage"],
                rx.flex(rx.foreach(K.by_stage, lambda s: stat(T[s["key"]], s["count"], class_name="kpi-stage")),
                        gap="4", wrap="wrap", id="kpi-by-stage"),
            ),
            section(
                T["site.kpi_gate"],
                rx.flex(
                    stat(T["renovation.kpi.passes_active"], F["passes_active"], id="kpi-passes-active"),
                    stat(T["site.kpi_gate_scans"], F["gate_scans"], id="kpi-gate-scans"),
                    stat(T["renovation.kpi.gate_refusals"], F["gate_refusals"], id="kpi-gate-refusals"),
                    gap="4", wrap="wrap",
                ),
                rx.foreach(K.refusals, lambda r: rx.text(T[r["key"]], ": ", r["count"], size="2")),
            ),
            spacing="4", width="100%", max_width="960px",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(kpi_page, route="/desk/renovation-kpis", title="装修指标 · 网格管家",
                 on_load=[AppState.guard("renovation.kpi"), K.load])

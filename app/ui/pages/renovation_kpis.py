"""The supervisor's renovation figures (/desk/renovation-kpis) over a picked period: violation and
rectification rates against the handbook's targets, renovations by stage, passes active, gate refusals."""

from __future__ import annotations

import reflex as rx

from app.domain import renovation_checks
from app.state.base import AppState
from app.state.renovation_site import RenovationKpiState as K
from app.ui.components.cards import section, stat
from app.ui.components.shell import desk_shell
from app.ui.texts import T

F = K.figures


def _rate(label_key: str, value_key: str, target_key: str, ok_key: str, box_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(T[label_key], size="2", color_scheme="gray"),
            rx.text(getattr(F, value_key), size="7", weight="bold", id=box_id,
                    color=rx.cond(getattr(F, ok_key), "var(--green-11)", "var(--red-11)")),
            rx.text(T["site.kpi_target"], " ", getattr(F, target_key), size="2"),
            spacing="1",
        ),
        min_width="220px",
    )


_NATIVE = {"min_height": "44px", "font_size": "16px", "border_radius": "8px", "padding": "0 8px"}


def _period_picker() -> rx.Component:
    """This month / last month / this quarter at once; a custom range after its two days."""
    return rx.vstack(
        rx.el.select(
            *[rx.el.option(T["site.kpi_period." + p], value=p) for p in renovation_checks.KPI_PERIODS],
            value=K.period, on_change=K.set_period, id="kpi-period", style=_NATIVE,
        ),
        rx.cond(
            K.period == renovation_checks.CUSTOM,
            rx.form(
                rx.hstack(
                    rx.el.label(T["site.kpi_from"], rx.input(type="date", name="kpi_from", id="kpi-from",
                                                              default_value=K.custom_from, size="3", required=True)),
                    rx.el.label(T["site.kpi_to"], rx.input(type="date", name="kpi_to", id="kpi-to",
                                                            default_value=K.custom_to, size="3", required=True)),
                    rx.button(T["site.kpi_apply"], type="submit", size="3", id="kpi-apply"),
                    align="end", wrap="wrap",
                ),
                on_submit=K.set_custom, reset_on_submit=False,
            ),
        ),
        spacing="2",
    )


def kpi_page() -> rx.Component:
    return desk_shell(
        T["site.kpi_title"],
        rx.vstack(
            _period_picker(),
            rx.text(T["site.kpi_period"], " ", rx.el.span(F.period, id="kpi-period-days"), " · ",
                    T["site.kpi_households"], " ", F.households, size="2", color_scheme="gray"),
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
                    stat(T["site.kpi_site_checks"], F.site_checks, id="kpi-site-checks"),
                    stat(T["site.kpi_violating"], F.violating, id="kpi-violating"),
                    stat(T["site.kpi_rectifications"], F.rectifications, id="kpi-rectifications"),
                    stat(T["renovation.rectification.rectified"], F.rectified, id="kpi-rectified"),
                    stat(T["renovation.rectification.failed"], F.failed, id="kpi-failed"),
                    stat(T["site.kpi_open"], F.open, id="kpi-open"),
                    stat(T["site.kpi_overdue"], F.overdue, id="kpi-overdue"),
                    gap="4", wrap="wrap",
                ),
            ),
            section(
                T["renovation.kpi.by_stage"],
                rx.flex(rx.foreach(K.by_stage, lambda s: stat(T[s.label_key], s.count, class_name="kpi-stage")),
                        gap="4", wrap="wrap", id="kpi-by-stage"),
            ),
            section(
                T["site.kpi_gate"],
                rx.flex(
                    stat(T["renovation.kpi.passes_active"], F.passes_active, id="kpi-passes-active"),
                    stat(T["site.kpi_gate_scans"], F.gate_scans, id="kpi-gate-scans"),
                    stat(T["renovation.kpi.gate_refusals"], F.gate_refusals, id="kpi-gate-refusals"),
                    gap="4", wrap="wrap",
                ),
                rx.foreach(K.refusals, lambda r: rx.text(T[r.label_key], ": ", r.count, size="2")),
            ),
            spacing="4", width="100%", max_width="960px",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(kpi_page, route="/desk/renovation-kpis", title="装修指标 · 网格管家",
                 on_load=[AppState.guard("renovation.kpi"), K.load])

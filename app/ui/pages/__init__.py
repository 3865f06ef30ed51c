"""One module per screen family; `register()` adds them all to the app."""

from __future__ import annotations

import reflex as rx


def register(app: rx.App) -> None:
    from app.ui.pages import (
        account,
        alerts,
        audit,
        butler_request,
        coverage,
        desk,
        gate,
        gate_log,
        gate_register,
        grid,
        grid_planning,
        login,
        notices,
        notify,
        patrol,
        patrol_setup,
        printed,
        renovation_kpis,
        renovation_site,
        renovations,
        repairs,
        reports,
        request_link,
        requests,
        resident,
        staff,
        work_orders,
    )

    for module in (
        login, account, grid, gate, gate_register, repairs, desk, staff, audit, grid_planning, resident,
        patrol, coverage, work_orders, patrol_setup, requests, request_link,
        notices, notify, reports, renovation_site, renovation_kpis, renovations, gate_log, printed, alerts,
        butler_request,
    ):
        module.add(app)

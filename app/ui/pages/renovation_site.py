"""Phone pages of renovations on site: the list (/m/renovations) and one renovation (/m/renovations/[id])."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.renovation_site import RenovationSiteState as S
from app.ui.components.cards import empty
from app.ui.components.renovation_site import site_sections
from app.ui.components.shell import phone_shell
from app.ui.texts import T


def _row(r: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(r.household, size="4", weight="bold", flex="1"),
                    rx.cond(r.stage != "",
                            rx.badge(T["renovation.stage." + r.stage], color_scheme="blue", size="2"),
                            rx.badge(T["renovation.status." + r.status], size="2")),
                    align="center", width="100%",
                ),
                rx.text(r.contractor, size="2", color_scheme="gray"),
                rx.cond(r.hold != "", rx.text(T[r.hold], size="2", color="var(--red-11)", weight="bold")),
                rx.cond(r.rect_due != "",
                        rx.text(T["site.open_notice_due"], " ", r.rect_due, size="2",
                                color=rx.cond(r.overdue, "var(--red-11)", "var(--orange-11)"))),
                spacing="1", width="100%",
            ),
            width="100%",
        ),
        href=f"/m/renovations/{r.id}",
        underline="none",
        color="inherit",
        width="100%",
        class_name="site-renovation",
        custom_attrs={"data-renovation": r.id},
    )


def list_page() -> rx.Component:
    return phone_shell(
        T["site.list_title"],
        rx.cond(S.rows.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(rx.foreach(S.rows, _row), spacing="3", width="100%"),
                empty(T["site.none"])),
    )


def detail_page() -> rx.Component:
    return phone_shell(T["site.title"], site_sections(load=False))


def add(app: rx.App) -> None:
    app.add_page(list_page, route="/m/renovations", title="装修巡查 · 网格管家",
                 on_load=[AppState.guard("renovation.view"), S.load_list])
    app.add_page(detail_page, route="/m/renovations/[renovation_id]", title="装修巡查 · 网格管家",
                 on_load=[AppState.guard("renovation.view"), S.load])

"""The gate's registers on the phone: goods in and out (/gate/goods) and visitors (/gate/visitors).

Guards and the front desk. Goods going out need the renovation permit or the
owner's confirmation; typing the household shows whether a renovation is
under way (its permit number), so the guard knows. A photo of the goods is
taken right after registering.

Both registers work without signal: the forms and lists are drawn by the browser
(assets/js/field_registers.js) into the empty roots rendered here, from the phone's own
store; every tap is queued on the phone first and sent through its outbox
(`app.api.gate_registers`). No part of them waits for the server, so the pages open
offline (the service worker keeps them); the server still guards the page (on_load)
and every action (the API).
"""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.gate import GateState
from app.ui.components.shell import phone_shell
from app.ui.texts import T


def register_links(current: str = "") -> rx.Component:
    """The two big buttons to the registers (goods, visitors); the gate screen shows them too."""

    def link(key: str, href: str, link_id: str, icon: str, here: bool) -> rx.Component:
        return rx.link(
            rx.button(rx.icon(icon, size=20), T[key], size="3", width="100%", min_height="48px",
                      variant="solid" if here else "soft"),
            href=href, id=link_id, flex="1",
        )

    return rx.hstack(
        link("gate_reg.to_goods", "/gate/goods", "to-goods", "package", current == "goods"),
        link("gate_reg.to_visitors", "/gate/visitors", "to-visitors", "user-plus", current == "visitors"),
        width="100%",
    )


def _links(current: str) -> rx.Component:
    """Between the gate's screens: pass checks (guards only), goods, visitors; the gate's name."""
    return rx.vstack(
        register_links(current),
        rx.hstack(
            rx.cond(
                AppState.user_roles.contains("guard"),
                rx.link(rx.icon("arrow-left", size=16), T["gate_reg.to_gate"], href="/gate", id="to-gate",
                        size="2", display="flex", align_items="center", gap="4px", min_height="44px"),
            ),
            rx.spacer(),
            rx.cond(GateState.gate_name != "",
                    rx.text(T["gate_reg.gate"], "：", GateState.gate_name, size="2", color_scheme="gray",
                            id="gate-name-shown")),
            width="100%",
            align="center",
        ),
        width="100%",
        spacing="2",
    )


def _field_root(root_id: str) -> rx.Component:
    return rx.el.div(id=root_id, class_name="walk reg", style={"width": "100%"})


def goods_page() -> rx.Component:
    return phone_shell(
        T["gate_reg.goods_title"],
        field=rx.vstack(_links("goods"), _field_root("goods-root"), spacing="4", width="100%"),
    )


def visitors_page() -> rx.Component:
    return phone_shell(
        T["gate_reg.visitors_title"],
        field=rx.vstack(_links("visitors"), _field_root("visitors-root"), spacing="4", width="100%"),
    )


def add(app: rx.App) -> None:
    app.add_page(goods_page, route="/gate/goods", title="物品放行 · 网格管家",
                 on_load=AppState.guard("gate.goods"))
    app.add_page(visitors_page, route="/gate/visitors", title="访客登记 · 网格管家",
                 on_load=AppState.guard("gate.visitor"))

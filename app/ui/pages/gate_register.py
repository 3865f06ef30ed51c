"""The gate's registers on the phone: goods in and out (/gate/goods) and visitors (/gate/visitors).

Guards and the front desk. Goods going out need the renovation permit or the
owner's confirmation; typing the household shows whether a renovation is
under way (its permit number), so the guard knows. A photo of the goods is
taken right after registering.
"""

from __future__ import annotations

import reflex as rx

from app.domain import gate
from app.state.base import AppState
from app.state.gate import GateState
from app.state.gate_register import GateRegisterState as G
from app.ui.components.cards import empty, section
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.components.forms import labelled_input
from app.ui.components.shell import phone_shell

T = AppState.t


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


def _register_form(fields: list[rx.Component], *, client_id: rx.Var, icon: str, label_key: str,
                   submit_id: str, on_submit, form_key: rx.Var, which: str) -> rx.Component:
    """A register's form: its fields, the gate's name and the client id (made on the server, new after each
    entry), a big submit button with a refusal said right above it (where the guard tapped). It keeps what
    was typed when refused; a new key empties it after an entry."""
    return rx.form(
        rx.vstack(
            *fields,
            rx.el.input(type="hidden", name="gate", value=GateState.gate_name),
            rx.el.input(type="hidden", name="client_id", value=client_id),
            rx.cond(
                (G.form_error != "") & (G.form_error_for == which),
                rx.callout(G.form_error, icon="triangle-alert", color_scheme="red", size="1", width="100%",
                           id=f"{submit_id}-error", role="alert"),
            ),
            rx.button(rx.icon(icon, size=22), T[label_key], type="submit", size="4", width="100%",
                      min_height="56px", id=submit_id),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        key=form_key,
        width="100%",
    )


def _segmented(values: list[tuple[str, str]], value: rx.Var, on_change, seg_id: str) -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(T[key], value=v) for v, key in values],
        value=value, on_change=on_change, id=seg_id, size="3", width="100%",
    )


# ---- goods -------------------------------------------------------------------------------


def _household_hint() -> rx.Component:
    h = G.household_hint
    return rx.cond(
        h.error != "",
        rx.text(h.error, size="2", color="var(--red-11)", id="household-error"),
        rx.cond(
            h.permit_no != "",
            rx.callout(
                rx.vstack(
                    rx.text(h.label, " · ", T["gate_reg.permit_prefix"], weight="bold"),
                    rx.text(T["gate_reg.permit_no"], " ", h.permit_no, " · ", T["gate_reg.owner"], " ",
                            h.owner, " · ", T["gate_reg.until"], " ", h.until),
                    spacing="1",
                ),
                icon="badge-check", color_scheme="green", size="1", width="100%", id="permit-hint",
            ),
            rx.cond(
                h.label != "",
                rx.text(h.label, " · ", T["gate_reg.no_permit"], size="2", color="var(--orange-11)",
                        id="no-permit-hint"),
            ),
        ),
    )


def _goods_form() -> rx.Component:
    return _register_form(
        [
            rx.text(T["gate_reg.direction"], size="2", weight="medium"),
            _segmented([(gate.IN, "gate.direction.in"), (gate.OUT, "gate.direction.out")], G.direction,
                       G.set_direction, "goods-direction"),
            labelled_input("gate_reg.household", "goods-household", name="household", max_length=40,
                           on_blur=G.check_household, required=True),
            _household_hint(),
            rx.text(T["gate_reg.items"], as_="label", html_for="goods-items", size="2", weight="medium"),
            rx.text_area(name="items", id="goods-items", width="100%", size="3", rows="2", max_length=300,
                         required=True),
            rx.cond(
                G.direction == gate.OUT,
                rx.vstack(
                    rx.text(T["gate_reg.confirm"], size="2", weight="medium"),
                    _segmented([(gate.BY_PERMIT, "gate.confirmed.permit"), (gate.BY_OWNER, "gate.confirmed.owner")],
                               G.confirm_by, G.set_confirm_by, "goods-confirm"),
                    rx.text(T["gate_reg.confirm_hint"], size="1", color_scheme="gray"),
                    rx.cond(G.confirm_by == gate.BY_OWNER,
                            labelled_input("gate_reg.confirmed_name", "goods-confirmed-name",
                                           name="confirmed_name", max_length=40)),
                    spacing="2", width="100%",
                    padding="10px", border_radius="8px", background="var(--amber-a3)",
                ),
            ),
            labelled_input("gate_reg.carrier_name", "goods-carrier-name", name="carrier_name", max_length=40,
                           required=True),
            labelled_input("gate_reg.carrier_phone", "goods-carrier-phone", name="carrier_phone", type="tel",
                           max_length=20),
        ],
        client_id=AppState.form_id, icon="package-check", label_key="gate_reg.submit_goods",
        submit_id="goods-submit", on_submit=G.submit_goods, form_key=G.goods_form_key, which="goods",
    )


def _last_goods() -> rx.Component:
    g = G.last_goods
    return rx.cond(
        G.last_goods_id > 0,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(T["gate_reg.last_goods"], " #", g.id, size="3"),
                    rx.badge(T["gate.direction." + g.direction], size="2",
                             color_scheme=rx.cond(g.direction == gate.OUT, "orange", "blue")),
                    align="center",
                ),
                rx.text(g.household, " · ", g.what, size="2"),
                photo_picker(gate.GOODS_PHOTO_KIND, G.last_goods_id, G.goods_photos_done,
                             label=T["gate_reg.add_photo"], input_id="goods-photo"),
                photo_strip(G.last_photos),
                spacing="2",
                width="100%",
            ),
            width="100%",
            key=G.last_goods_id,  # a new record: a fresh picker (no status of the last upload)
            id="last-goods",
            custom_attrs={"data-goods": g.id},
        ),
    )


def _goods_row(g: rx.Var) -> rx.Component:
    out = g.direction == gate.OUT
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(g.at, size="2", weight="bold"),
                rx.badge(T["gate.direction." + g.direction], color_scheme=rx.cond(out, "orange", "blue")),
                rx.text(g.household, size="2"),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.text(g.what, size="3"),
            rx.text(g.carrier, size="1", color_scheme="gray"),
            rx.cond(
                g.confirmed_by != "",
                rx.text(T["gate.confirmed." + g.confirmed_by], " ", g.confirmed_name, size="1",
                        color_scheme="gray", class_name="goods-confirmed"),
            ),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.cond(g.thumb != "",
                rx.image(src=g.thumb, width="56px", height="56px", object_fit="cover", border_radius="6px",
                         class_name="goods-thumb", alt=T["gate_reg.has_photo"])),
        width="100%",
        padding_y="8px",
        border_bottom="1px solid var(--gray-a4)",
        class_name="goods-row",
        custom_attrs={"data-goods": g.id, "data-direction": g.direction},
    )


def goods_page() -> rx.Component:
    return phone_shell(
        T["gate_reg.goods_title"],
        _links("goods"),
        _last_goods(),
        section(T["gate_reg.goods_title"], _goods_form()),
        section(
            T["gate_reg.today"],
            rx.cond(G.goods.length() > 0,  # type: ignore[attr-defined]
                    rx.vstack(rx.foreach(G.goods, _goods_row), spacing="0", width="100%", id="goods-today"),
                    empty(T["gate_reg.no_goods"])),
        ),
    )


# ---- visitors ----------------------------------------------------------------------------


def _visitor_form() -> rx.Component:
    return _register_form(
        [
            labelled_input("gate_reg.visitor_name", "visitor-name", name="visitor_name", max_length=40,
                           required=True),
            labelled_input("gate_reg.visitor_phone", "visitor-phone", name="visitor_phone", type="tel",
                           max_length=20),
            labelled_input("gate_reg.household_optional", "visitor-household", name="household", max_length=40),
            labelled_input("gate_reg.purpose", "visitor-purpose", name="purpose", max_length=120),
        ],
        client_id=AppState.form_id, icon="log-in", label_key="gate_reg.submit_visitor",
        submit_id="visitor-submit", on_submit=G.submit_visitor, form_key=G.visitor_form_key, which="visitor",
    )


def _visitor_row(v: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(v.name, size="3", weight="bold"),
                rx.text(v.phone, size="2", color_scheme="gray"),
                align="center",
                wrap="wrap",
            ),
            rx.text(rx.cond(v.household != "", v.household, T["gate_reg.office"]),
                    rx.cond(v.purpose != "", " · ", ""), v.purpose, size="2"),
            rx.text(T["gate_reg.arrived"], " ", v.at, " ", v.gate, size="1", color_scheme="gray"),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.button(rx.icon("log-out", size=20), T["gate_reg.left"], on_click=G.visitor_left(v.id),
                  size="3", min_height="48px", variant="soft", color_scheme="gray",
                  id=f"visitor-left-{v.id}", class_name="visitor-left"),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom="1px solid var(--gray-a4)",
        class_name="visitor-row",
        custom_attrs={"data-visitor": v.id},
    )


def visitors_page() -> rx.Component:
    return phone_shell(
        T["gate_reg.visitors_title"],
        _links("visitors"),
        section(T["gate_reg.visitors_title"], _visitor_form()),
        section(
            T["gate_reg.inside"],
            rx.cond(G.visitors.length() > 0,  # type: ignore[attr-defined]
                    rx.vstack(rx.foreach(G.visitors, _visitor_row), spacing="0", width="100%",
                              id="visitors-inside"),
                    empty(T["gate_reg.nobody_inside"])),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(goods_page, route="/gate/goods", title="物品放行 · 网格管家",
                 on_load=[AppState.guard("gate.goods"), G.load_goods])
    app.add_page(visitors_page, route="/gate/visitors", title="访客登记 · 网格管家",
                 on_load=[AppState.guard("gate.visitor"), G.load_visitors])

"""The public pages a printed QR opens with a phone's own camera app or WeChat (no sign-in): the permit
on the door (/p/<token>), a worker's pass card (/w/<token>), a checkpoint tag (/c/<token>)."""

from __future__ import annotations

import reflex as rx

from app.state.printed import PassPageState as W
from app.state.printed import PermitPageState as P
from app.state.printed import TagPageState as C
from app.ui.components.shell import language_button, phone_style, reconnect_banner
from app.ui.texts import T


def _frame(title: rx.Var | str, body: rx.Component) -> rx.Component:
    return rx.box(
        reconnect_banner(),
        rx.hstack(
            rx.heading(title, size="4", id="page-title", trim="both"),
            rx.spacer(),
            language_button(),
            align="center",
            height="52px",
            padding_x="16px",
            background="var(--color-panel-solid)",
            border_bottom="1px solid var(--gray-a5)",
            width="100%",
        ),
        rx.vstack(body, spacing="4", padding="16px", max_width="480px", margin_x="auto", width="100%"),
        phone_style(),
        min_height="100vh",
        background="var(--gray-2)",
        class_name="phone-ui",
    )


def _card(*children: rx.Component, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", size="3", **props)


def _line(label: rx.Var, value: rx.Component | rx.Var, **props) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="96px", flex_shrink="0"),
        rx.text(value, size="3", weight="medium") if isinstance(value, rx.Var) else value,
        align="start", width="100%", **props,
    )


def _refused(state) -> rx.Component:
    return _card(
        rx.hstack(rx.icon("shield-x", size=36, color="var(--red-11)"),
                  rx.heading(T["printed.refused_title"], size="6", color="var(--red-11)"),
                  align="center", spacing="3"),
        rx.text(T[state.refusal], size="4", weight="medium", id="refusal-reason"),
        rx.text(T["printed.refused_hint"], size="2", color_scheme="gray"),
        id="printed-refused",
    )


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), width="100%", padding="48px")


def _page(state, ok: rx.Component) -> rx.Component:
    return rx.cond(state.view_state == "ok", ok,
                   rx.cond(state.view_state == "refused", _refused(state), _loading()))


# --- /p/<token> ---------------------------------------------------------------------------------


def _permit_body() -> rx.Component:
    p = P.permit
    held = p.hold != ""
    return rx.vstack(
        _card(
            rx.text(p.community, size="2", color_scheme="gray"),
            rx.hstack(rx.heading(T["printed.permit.title"], size="6"), rx.spacer(),
                      rx.text(T["printed.permit.no"], " ", p.permit_no, size="2", weight="medium"),
                      align="center", width="100%"),
            rx.box(
                rx.text(T["printed.permit.status"], size="2", color="white"),
                rx.heading(T[p.status], size="5", color="white", id="permit-status"),
                rx.cond(held, rx.text(T[p.hold], size="2", color="white", id="permit-hold")),
                background=rx.cond(
                    (p.status == "printed.permit.status.permit_valid")
                    | (p.status == "printed.permit.status.permit_hot_work"),
                    "#15803d",
                    rx.cond(p.status == "printed.permit.status.permit_outside_hours", "#b45309", "#b91c1c"),
                ),
                padding="12px", border_radius="10px", width="100%",
            ),
            _line(T["printed.permit.household"], p.household),
            _line(T["printed.permit.works"], rx.text(
                rx.foreach(P.scope_keys, lambda k: rx.text.span(T[k], " ")), size="3", weight="medium")),
            rx.cond(P.area_keys.length() > 0,  # type: ignore[attr-defined]
                    _line(T["printed.permit.waterproofing"], rx.text(
                        rx.foreach(P.area_keys, lambda k: rx.text.span(T[k], " ")), size="3", weight="medium"))),
            rx.cond(p.hot_work_scope, rx.text(T["printed.permit.hot_work_scope"], size="2",
                                              color="var(--orange-11)")),
            _line(T["printed.permit.dates"], p.dates),
            _line(T["printed.permit.hours"], p.hours),
            rx.cond(p.stage != "", _line(T["printed.permit.stage"], T[p.stage])),
            rx.cond(p.hot_work_scope, _line(T["printed.permit.hot_work_today"], rx.cond(
                p.hot_work_today, T["printed.permit.hot_work_yes"], T["printed.permit.hot_work_no"]),
                id="permit-hot-work")),
            _line(T["printed.permit.rectifications"], p.open_rectifications.to_string(),
                  id="permit-rectifications"),
            id="permit-page",
        ),
        _card(
            rx.text(T["printed.permit.code"], size="2", color_scheme="gray"),
            rx.heading(p.short_code, size="8", id="permit-code", letter_spacing="0.05em"),
            rx.text(T["printed.permit.code_hint"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            P.can_check,
            rx.link(rx.button(rx.icon("clipboard-check", size=20), T["printed.permit.start_check"], size="4",
                              width="100%"),
                    href=f"/m/renovations/{p.application_id}", id="start-site-check", underline="none",
                    width="100%"),
        ),
        spacing="4",
        width="100%",
    )


def permit_page() -> rx.Component:
    return _frame(T["printed.permit.title"], _page(P, _permit_body()))


# --- /w/<token> ---------------------------------------------------------------------------------


def _pass_body() -> rx.Component:
    c = W.card
    return _card(
        rx.text(c.community, size="2", color_scheme="gray"),
        rx.heading(T["printed.pass.title"], size="6"),
        rx.text(T["printed.pass.what"], size="3"),
        _line(T["printed.pass.worker"], c.worker),
        rx.cond(c.trade != "", _line(T["printed.pass.trade"], T[c.trade])),
        _line(T["printed.pass.dates"], c.dates),
        rx.hstack(
            rx.text(T["printed.pass.state"], size="2", color_scheme="gray", min_width="96px"),
            rx.badge(T[c.state], color_scheme=rx.cond(c.valid, "green", "red"), size="3", id="pass-state"),
            align="center", width="100%",
        ),
        rx.text(T["printed.pass.gate_decides"], size="2", color_scheme="gray"),
        id="pass-page",
    )


def pass_page() -> rx.Component:
    return _frame(T["printed.pass.title"], _page(W, _pass_body()))


# --- /c/<token> ---------------------------------------------------------------------------------


def _tag_body() -> rx.Component:
    t = C.tag
    return rx.vstack(
        rx.cond(C.opening, rx.callout(T["printed.tag.opening"], icon="loader", width="100%")),
        rx.cond(C.note != "", rx.callout(C.note, icon="info", color_scheme="orange", width="100%",
                                         id="tag-note")),
        _card(
            rx.text(t.community, size="2", color_scheme="gray"),
            rx.hstack(rx.icon("map-pin", size=28), rx.heading(T["printed.tag.title"], " · ", t.name, size="6",
                                                             id="tag-name"),
                      align="center", spacing="2"),
            rx.text(T["printed.tag.what"], size="4", weight="medium", id="tag-what"),
            rx.cond(t.place != "", _line(T["printed.tag.place"], t.place)),
            rx.cond(t.grid != "", _line(T["printed.tag.grid"], t.grid)),
            rx.text(T["printed.tag.explain"], size="2", color_scheme="gray"),
            id="tag-page",
        ),
        spacing="4",
        width="100%",
    )


def tag_page() -> rx.Component:
    return _frame(T["printed.tag.title"], _page(C, _tag_body()))


def add(app: rx.App) -> None:
    app.add_page(permit_page, route="/p/[permit_qr]", title="装修许可证 · 网格管家", on_load=P.load)
    app.add_page(pass_page, route="/w/[pass_qr]", title="装修工人出入证 · 网格管家", on_load=W.load)
    app.add_page(tag_page, route="/c/[tag_qr]", title="巡查点 · 网格管家", on_load=C.load)

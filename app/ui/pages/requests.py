"""Request screens: intake form and one request (desk, wide) and the phone page of one request."""

from __future__ import annotations

import reflex as rx

from app.domain import requests
from app.state.base import AppState
from app.state.requests import LIMIT_FIELDS, RequestIntakeState, RequestLimitsState, RequestState
from app.ui.components.requests import request_detail
from app.ui.components.shell import desk_shell, phone_shell
from app.ui.texts import T

I = RequestIntakeState  # noqa: E741


def _input(label_key: str, name: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(T[label_key], as_="label", html_for=name, size="2", weight="medium"),
        rx.input(name=name, id=name, width="100%", size="3", **props),
        spacing="1",
        width="100%",
    )


def _filed() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(T["request.filed_title"], " #", I.filed_id, size="4", id="filed-number"),
            rx.cond(
                I.filed_link != "",
                rx.vstack(
                    rx.text(T["request.link_for_resident"], size="2"),
                    rx.code(I.filed_link, id="filed-link",
                            style={"word_break": "break-all"}),
                    spacing="1",
                ),
            ),
            rx.hstack(
                rx.link(rx.button(T["request.open"], size="3"), href="/desk/requests/" + I.filed_id,
                        id="open-filed"),
                rx.button(T["request.new_another"], on_click=I.again, variant="soft", size="3"),
            ),
            spacing="3",
        ),
        width="100%",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(T["field.channel"], size="2", weight="medium"),
            rx.segmented_control.root(
                *[rx.segmented_control.item(T["request.channel." + c], value=c) for c in requests.DESK_CHANNELS],
                value=I.channel,
                on_change=I.set_channel,
                id="channel",
                size="3",
            ),
            rx.cond(I.channel == "phone", _input("field.recording_ref", "recording_ref", max_length=60)),
            _input("field.household", "household", placeholder=T["request.household_hint"]),
            rx.hstack(
                _input("field.contact_name", "contact_name", max_length=40),
                _input("field.contact_phone", "contact_phone", type="tel", max_length=20),
                width="100%",
            ),
            rx.text(T["field.content"], as_="label", html_for="content", size="2", weight="medium"),
            rx.text_area(name="content", id="content", width="100%", size="3", rows="4", max_length=1000),
            rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
            rx.button(T["request.register"], type="submit", size="3", id="intake-submit"),
            spacing="3",
            width="100%",
            max_width="720px",
        ),
        on_submit=I.submit,
        reset_on_submit=True,
        width="100%",
    )


def intake_page() -> rx.Component:
    return desk_shell(T["request.intake_title"], rx.cond(I.filed_id != "", _filed(), _form()))


def desk_request_page() -> rx.Component:
    return desk_shell(T["request.title"], rx.box(request_detail(), max_width="760px", width="100%"))


def phone_request_page() -> rx.Component:
    return phone_shell(T["request.title"], request_detail())


def limits_page() -> rx.Component:
    L = RequestLimitsState  # noqa: N806
    rows = [(name, "field." + name) for name in LIMIT_FIELDS]
    return desk_shell(
        T["request.limits_title"],
        rx.form(
            rx.vstack(
                rx.text(T["request.limits_hint"], size="2", color_scheme="gray"),
                *[
                    _input(key, name, type="number", min="1", default_value=L.values[name],
                           key=L.values[name])
                    for name, key in rows
                ],
                rx.hstack(
                    rx.switch(checked=L.urgent_same_day, on_change=L.set_urgent_same_day,
                              id="urgent_same_day", name="urgent_same_day"),
                    rx.text(T["request.limit.urgent_same_day"], as_="label", html_for="urgent_same_day",
                            size="2"),
                    align="center",
                ),
                rx.button(T["request.limits_save"], type="submit", size="3", id="limits-save"),
                spacing="3",
                width="100%",
                max_width="480px",
            ),
            on_submit=L.save,
            reset_on_submit=False,
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(intake_page, route="/desk/requests/new", title="受理登记 · 网格管家",
                 on_load=[AppState.guard("request.intake"), I.again])
    app.add_page(limits_page, route="/desk/request-limits", title="时限设置 · 网格管家",
                 on_load=[AppState.guard("request.limits"), RequestLimitsState.load])
    app.add_page(desk_request_page, route="/desk/requests/[request_id]", title="工单 · 网格管家",
                 on_load=[AppState.guard("request.open"), RequestState.load])
    app.add_page(phone_request_page, route="/m/requests/[request_id]", title="工单 · 网格管家",
                 on_load=[AppState.guard("request.open"), RequestState.load])

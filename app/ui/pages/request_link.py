"""The resident's private status page /q/<link>: one request, its progress, history, photos; add information.

No sign-in: the unguessable link is the key (app.state.resident.RequestLinkState).
Every text a resident or staff member typed is shown as text (Reflex escapes it).
"""

from __future__ import annotations

import reflex as rx

from app.domain.resident_requests import STEPS
from app.state.resident import RequestLinkState as L
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.components.forms import form_error
from app.ui.components.shell import language_button
from app.ui.texts import T


def _card(*children: rx.Component, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", size="3", **props)


def _progress() -> rx.Component:
    def dot(i: int, step: str) -> rx.Component:
        reached = L.step >= i
        return rx.vstack(
            rx.center(
                rx.cond(reached, rx.icon("check", size=14, color="white"), rx.text(str(i + 1), size="1")),
                width="26px",
                height="26px",
                border_radius="50%",
                background=rx.cond(reached, "var(--teal-9)", "var(--gray-a4)"),
            ),
            rx.text(T["rr.step." + step], size="1", weight=rx.cond(L.step == i, "bold", "regular"),
                    color=rx.cond(reached, "var(--gray-12)", "var(--gray-10)"), white_space="nowrap"),
            align="center",
            spacing="1",
            class_name="rq-step",
            data_reached=rx.cond(reached, "1", "0"),
        )

    parts: list[rx.Component] = []
    for i, step in enumerate(STEPS):
        if i:
            parts.append(rx.box(height="2px", flex="1", margin_top="12px",
                                background=rx.cond(L.step >= i, "var(--teal-9)", "var(--gray-a5)")))
        parts.append(dot(i, step))
    return rx.hstack(*parts, width="100%", align="start", spacing="1", id="rq-progress")


def _who(who: rx.Var) -> rx.Component:
    return rx.match(
        who,
        ("resident", T["rr.by_you"]),
        ("staff", T["rr.by_staff"]),
        ("", ""),
        T["role." + who.to(str)],
    )


def _history_row(h: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T["request.event." + h.kind], size="2", weight="medium"),
            rx.text(_who(h.who), size="1", color_scheme="gray"),
            rx.spacer(),
            rx.text(h.at, size="1", color_scheme="gray", white_space="nowrap"),
            width="100%",
            align="center",
        ),
        rx.cond(h.note != "", rx.text(h.note, size="2", class_name="rq-note",
                                         style={"white_space": "pre-wrap", "word_break": "break-word"})),
        rx.cond(h.note_key != "", rx.text(T[h.note_key], size="2", color_scheme="gray")),
        spacing="1",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        class_name="rq-event",
        data_kind=h.kind,
    )


def _fact(label_key: str, value: rx.Var, fact_id: str) -> rx.Component:
    return rx.hstack(
        rx.text(T[label_key], size="2", color_scheme="gray", min_width="72px"),
        rx.text(value, size="2", id=fact_id, style={"word_break": "break-word"}),
        align="start",
        width="100%",
    )


def _summary() -> rx.Component:
    return _card(
        rx.hstack(
            rx.heading("#", L.req_id, size="6", id="rq-number"),
            rx.badge(T["request.category." + L.category], size="2", id="rq-category"),
            rx.spacer(),
            rx.badge(T["request.status." + L.status], size="3", id="rq-status",
                     color_scheme=rx.cond(L.is_open, "teal", "gray")),
            align="center",
            width="100%",
        ),
        _progress(),
        _fact("rr.received_at", L.received, "rq-received"),
        rx.cond(L.promised != "", _fact("rr.promised_at", L.promised, "rq-promised")),
        rx.cond(L.household != "", _fact("rr.household_label", L.household, "rq-household")),
        rx.vstack(
            rx.text(T["rr.content_label"], size="2", color_scheme="gray"),
            rx.text(L.content, size="3", id="rq-content",
                    style={"white_space": "pre-wrap", "word_break": "break-word"}),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            L.resolution != "",
            rx.callout(rx.text(T["rr.resolution"], ": ", L.resolution), icon="wrench", color_scheme="green",
                       id="rq-resolution", width="100%"),
        ),
        rx.cond(
            ~L.ours,
            rx.callout(rx.text(T["rr.referred"], rx.cond(L.referral != "", rx.text(L.referral))),
                       icon="info", color_scheme="blue", id="rq-referred", width="100%"),
        ),
        rx.cond(L.follow_up != "", _fact("rr.follow_up", L.follow_up, "rq-follow-up")),
        id="rq-summary",
    )


def _photos() -> rx.Component:
    return _card(
        rx.heading(T["rr.photos_title"], size="3"),
        rx.box(photo_strip(L.photos), id="rq-photos", width="100%"),
        rx.cond(
            L.is_open,
            # photo_upload.js sends the link instead of a sign-in inside [data-evidence-link]
            rx.box(
                photo_picker("request", L.req_id, L.photos_done, label=T["rr.add_photo"], input_id="rq-photo"),
                custom_attrs={"data-evidence-link": L.link},
                width="100%",
            ),
        ),
    )


def _add_info() -> rx.Component:
    return rx.cond(
        L.is_open,
        _card(
            rx.heading(T["rr.add_info"], size="3"),
            rx.form(
                rx.vstack(
                    rx.text_area(name="note", id="rq-note-input", placeholder=T["rr.add_info_ph"], rows="3",
                                 width="100%", size="3", required=True),
                    form_error(L.note_error, "rq-note-error"),
                    rx.cond(L.note_ok != "", rx.text(L.note_ok, size="2", color="var(--green-11)",
                                                     id="rq-note-ok")),
                    rx.button(T["rr.send"], type="submit", id="rq-send", size="3", width="100%"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=L.add_note,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        rx.callout(T["rr.closed_note"], icon="lock", color_scheme="gray", id="rq-closed", width="100%"),
    )


def _history() -> rx.Component:
    return _card(
        rx.heading(T["rr.history"], size="3"),
        rx.foreach(L.history, _history_row),
        id="rq-history",
    )


def _body() -> rx.Component:
    return rx.match(
        L.view_state,
        ("ok", rx.vstack(_summary(), _add_info(), _photos(), _history(), spacing="4", width="100%")),
        (
            "invalid",
            rx.callout(
                rx.vstack(rx.text(T["rr.invalid"], weight="bold", id="rq-invalid-title"),
                          rx.text(T["rr.invalid_hint"], size="2")),
                icon="triangle-alert",
                color_scheme="red",
                size="3",
                id="rq-invalid",
                width="100%",
            ),
        ),
        rx.center(rx.spinner(size="3"), padding_y="20vh", width="100%"),
    )


def request_link_page() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(T["rr.page_title"], size="4", id="page-title", trim="both"),
            rx.spacer(),
            language_button(),
            align="center",
            height="52px",
            padding_x="16px",
            background="var(--color-panel-solid)",
            border_bottom="1px solid var(--gray-a5)",
            width="100%",
        ),
        rx.vstack(_body(), spacing="4", padding="16px", max_width="480px", margin_x="auto", width="100%"),
        min_height="100vh",
        background="var(--gray-2)",
    )


def add(app: rx.App) -> None:
    app.add_page(
        request_link_page,
        route="/q/[req_link]",
        title="我的申请 · 网格管家",
        on_load=L.load,
    )

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


# --- closing the loop: 已修好 + rating, 没修好 (app.domain.requests.resident_loop) ------------------

_RATINGS = ("satisfied", "mostly_satisfied", "unsatisfied")


def _rating(word: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="radio", name="rating", value=word, id=f"rq-rating-{word}",
                    style={"width": "20px", "height": "20px", "margin": "0"}),
        rx.text(T[f"loop.rating.{word}"], size="3"),
        html_for=f"rq-rating-{word}",
        style={"display": "flex", "align_items": "center", "gap": "8px", "min_height": "44px",
               "padding": "0 12px", "border": "1px solid var(--gray-a6)", "border_radius": "8px",
               "flex": "1", "justify_content": "center", "white_space": "nowrap"},
    )


def _answer_form(*children: rx.Component, on_submit, form_id: str) -> rx.Component:
    """A form of the loop; without a connection assets/js/online_only.js keeps it from being sent
    (nothing queued to replay later) and shows the not-sent message in #rq-answer-offline."""
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="answer_id", value=L.answer_id, read_only=True),
            *children,
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        id=form_id,
        width="100%",
        custom_attrs={"data-online-only": "rq-answer-offline", "data-not-sent": T["loop.not_sent"]},
    )


def _answer() -> rx.Component:
    return rx.cond(
        L.can_answer,
        _card(
            rx.heading(T["loop.title"], size="4"),
            rx.text(T["loop.hint"], size="2", color_scheme="gray"),
            _answer_form(
                rx.text(T["loop.rating"], size="2", weight="medium"),
                rx.hstack(*[_rating(w) for w in _RATINGS], spacing="2", width="100%", wrap="wrap"),
                rx.button(rx.icon("circle-check", size=20), T["loop.fixed"], type="submit", id="rq-fixed",
                          size="4", width="100%", color_scheme="green"),
                on_submit=L.confirm_fixed,
                form_id="rq-fixed-form",
            ),
            rx.separator(size="4"),
            _answer_form(
                rx.text(T["loop.not_fixed"], size="2", weight="medium"),
                rx.text_area(name="note", id="rq-not-fixed-note", placeholder=T["loop.not_fixed_ph"], rows="2",
                             width="100%", size="3", max_length=200),
                rx.button(rx.icon("rotate-ccw", size=20), T["loop.not_fixed_send"], type="submit",
                          id="rq-not-fixed", size="4", width="100%", color_scheme="orange", variant="soft"),
                on_submit=L.report_not_fixed,
                form_id="rq-not-fixed-form",
            ),
            rx.box(id="rq-answer-offline", width="100%"),
            form_error(L.answer_error, "rq-answer-error"),
            id="rq-answer",
        ),
    )


def _answer_result() -> rx.Component:
    return rx.vstack(
        rx.cond(
            L.answer_ok != "",
            rx.callout(L.answer_ok, icon="circle-check", color_scheme="green", id="rq-answer-ok", width="100%"),
        ),
        rx.cond(~L.can_answer, form_error(L.answer_error, "rq-answer-error")),
        width="100%",
        spacing="2",
    )


def _call(phone: rx.Var, label: rx.Component, link_id: str, **props) -> rx.Component:
    return rx.link(
        rx.button(rx.icon("phone", size=20), label, " ", phone, size="4", width="100%", white_space="nowrap",
                  **props),
        href="tel:" + phone,
        id=link_id,
        underline="none",
        width="100%",
    )


def _contacts() -> rx.Component:
    """Always on the page: call today's answerer of the grid and the desk, file a new problem."""
    return _card(
        rx.heading(T["loop.contacts"], size="3"),
        rx.cond(
            L.butler_phone != "",
            _call(L.butler_phone,
                  rx.text(rx.cond(L.butler_covering, T["loop.call_deputy"], T["loop.call_butler"]), " ",
                          L.butler_name, as_="span"),
                  "rq-call-butler"),
        ),
        rx.cond(L.desk_phone != "", _call(L.desk_phone, T["loop.call_desk"], "rq-call-desk", variant="outline")),
        rx.cond(
            L.new_request_path != "",
            rx.link(
                rx.button(rx.icon("circle-plus", size=20), T["loop.new_request"], size="4", width="100%",
                          variant="soft"),
                href=L.new_request_path,
                id="rq-new-request",
                underline="none",
                width="100%",
            ),
        ),
        id="rq-contacts",
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
        ("ok", rx.vstack(_summary(), _answer_result(), _answer(), _contacts(), _add_info(), _photos(), _history(),
                         spacing="4", width="100%")),
        (
            "invalid",
            rx.vstack(
                rx.callout(
                    rx.vstack(rx.text(T["rr.invalid"], weight="bold", id="rq-invalid-title"),
                              rx.text(T["rr.invalid_hint"], size="2")),
                    icon="triangle-alert",
                    color_scheme="red",
                    size="3",
                    id="rq-invalid",
                    width="100%",
                ),
                # not a dead end: the front desk (the only / first community's phone)
                rx.cond(L.desk_phone != "", _card(
                    rx.text(T["loop.desk_phone"], size="2", color_scheme="gray"),
                    _call(L.desk_phone, T["loop.call_desk"], "rq-call-desk"),
                    id="rq-desk",
                )),
                spacing="4",
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

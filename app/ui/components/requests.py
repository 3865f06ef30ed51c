"""Request pieces shared by the desk and the phone: status badge, list rows, the detail with its forms.

The forms shown come from `RequestState.actions` (app.domain.requests.allowed_actions);
the server checks each again when it is submitted.
"""

from __future__ import annotations

import reflex as rx

from app.domain import requests
from app.state.base import AppState
from app.state.requests import RequestState
from app.ui.components.cards import empty, section
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.texts import T

R = RequestState

STATUS_COLORS = (
    ("received", "gray"),
    ("classified", "blue"),
    ("dispatched", "orange"),
    ("accepted", "orange"),
    ("on_site", "amber"),
    ("resolved", "teal"),
    ("followed_up", "green"),
)


def status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(
        T["request.status." + status],
        color_scheme=rx.match(status, *STATUS_COLORS, "gray"),
        size="2",
        class_name="request-status",
        data_status=status,
    )


def category_badge(category: rx.Var) -> rx.Component:
    return rx.badge(T["request.category." + category], variant="soft", size="1")


def due_text(row) -> rx.Component:
    """The clock of an open item (a RequestItem or RequestDetail): red and bold once overdue."""
    return rx.text(
        row.due,
        size="2",
        color=rx.cond(row.overdue, "var(--red-11)", "inherit"),
        weight=rx.cond(row.overdue, "bold", "regular"),
        class_name="request-due",
        data_overdue=rx.cond(row.overdue, "1", ""),
    )


def request_card(row, href: rx.Var | str) -> rx.Component:
    """One request as a tappable card (phone lists and desk panels)."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text("#", row.id, weight="bold"),
                    category_badge(row.category),
                    rx.cond(row.major, rx.badge(T["request.major"], color_scheme="red")),
                    rx.spacer(),
                    status_badge(row.status),
                    width="100%",
                    align="center",
                ),
                rx.text(row.content, size="2", trim="both", class_name="request-content"),
                rx.hstack(
                    rx.text(row.household, size="1", color_scheme="gray"),
                    rx.text(row.grid, size="1", color_scheme="gray"),
                    rx.spacer(),
                    rx.cond(row.due != "", rx.hstack(rx.icon("clock", size=14), due_text(row),
                                                        spacing="1", align="center")),
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            width="100%",
            border_left=rx.cond(row.overdue, "4px solid var(--red-9)", "4px solid transparent"),
        ),
        href=href,
        underline="none",
        color="inherit",
        width="100%",
        class_name="request-card",
        data_request=row.id,
        data_overdue=rx.cond(row.overdue, "1", ""),
    )


def alert_list(rows: rx.Var, on_open) -> rx.Component:
    """Unread alerts to this person (escalations, new jobs); tapping one opens its request."""
    return rx.cond(
        rx.Var.create(rows).length() > 0,
        section(
            T["alert.title"],
            rx.foreach(
                rows,
                lambda a: rx.button(
                    rx.icon("bell", size=16),
                    T["alert.kind." + a.kind],
                    # a renovation's alert names no request: no "#0"
                    rx.text(rx.cond(a.request_id > 0, f" #{a.request_id} · ", " "), a.at, size="1"),
                    on_click=on_open(a.id, a.request_id),
                    variant="soft",
                    color_scheme=rx.cond(a.urgent, "red", "blue"),
                    width="100%",
                    justify="start",
                    size="3",
                    class_name="staff-alert",
                    data_kind=a.kind,
                ),
            ),
            id="alerts",
        ),
    )


def _field(label: rx.Var, value: rx.Var, **props) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.text(label, size="2", color_scheme="gray", min_width="84px"),
            rx.text(value, size="2", **props),
            align="start",
            width="100%",
        ),
    )


def _select(name: str, options: list[tuple[str, rx.Var]], **props) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(label, value=value) for value, label in options],
        name=name,
        id=props.pop("id", name),
        style={"width": "100%", "min_height": "44px", "font_size": "16px", "padding": "6px"},
        **props,
    )


def _label(key: str, for_id: str) -> rx.Component:
    return rx.text(T[key], as_="label", html_for=for_id, size="2", weight="medium")


def _textarea(name: str, **props) -> rx.Component:
    return rx.text_area(name=name, id=props.pop("id", name), width="100%", size="3", **props)


def _classify_form() -> rx.Component:
    cats = [(c, T["request.category." + c]) for c in requests.CATEGORIES]
    return rx.form(
        rx.vstack(
            _label("field.category", "category"),
            _select("category", cats, default_value=R.req.category),
            rx.hstack(rx.checkbox(name="major", id="major"), _label("request.major_label", "major"),
                      align="center"),
            rx.hstack(
                rx.switch(checked=R.not_ours, on_change=R.set_not_ours, id="not-ours", name="not_ours"),
                _label("request.not_ours", "not-ours"),
                align="center",
            ),
            rx.cond(
                R.not_ours,
                rx.vstack(
                    _label("field.referral_note", "referral_note"),
                    _textarea("referral_note", max_length=200),
                    _label("field.referral_channel", "referral_channel"),
                    rx.input(name="referral_channel", id="referral_channel", width="100%", size="3",
                             max_length=80),
                    width="100%",
                ),
            ),
            _label("field.reply_by", "reply_by"),
            rx.input(type="datetime-local", name="reply_by", id="reply_by", width="100%", size="3"),
            rx.button(T["request.classify"], type="submit", size="3", width="100%", id="classify-submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.classify,
        reset_on_submit=False,
        width="100%",
    )


def _dispatch_form() -> rx.Component:
    depts = [(d, T["request.dept." + d]) for d in requests.DEPARTMENTS]
    return rx.form(
        rx.vstack(
            _label("field.department", "department"),
            _select("department", depts,
                    default_value=rx.cond(R.req.is_repair, "technician", "service")),
            _label("field.assignee", "assignee"),
            rx.el.select(
                rx.el.option("—", value=""),
                rx.cond(
                    R.req.is_repair,
                    rx.foreach(R.technicians, lambda p: rx.el.option(p.name, value=p.id)),
                    rx.foreach(R.staff, lambda p: rx.el.option(p.name, value=p.id)),
                ),
                name="assignee",
                id="assignee",
                style={"width": "100%", "min_height": "44px", "font_size": "16px", "padding": "6px"},
            ),
            rx.cond(
                ~R.req.is_repair,
                rx.vstack(
                    _label("field.reply_by", "dispatch-reply-by"),
                    rx.input(type="datetime-local", name="reply_by", id="dispatch-reply-by",
                             width="100%", size="3"),
                    width="100%",
                ),
            ),
            rx.button(T["request.dispatch"], type="submit", size="3", width="100%", id="dispatch-submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.dispatch,
        width="100%",
    )


def _resolve_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _label("field.resolution", "resolution"),
            _textarea("resolution", max_length=300),
            rx.button(T["request.resolve"], type="submit", size="3", width="100%", id="resolve-submit",
                      color_scheme="teal"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.resolve,
        width="100%",
    )


def _follow_up_form() -> rx.Component:
    methods = [(m, T["request.method." + m]) for m in requests.FOLLOW_UP_METHODS]
    return rx.form(
        rx.vstack(
            _label("request.follow_up_method", "method"),
            _select("method", methods),
            _label("request.satisfaction", "satisfaction-5"),
            rx.radio_group.root(
                rx.hstack(
                    *[
                        rx.el.label(
                            rx.radio_group.item(value=str(n), id=f"satisfaction-{n}"),
                            rx.text(T[f"request.satisfaction.{n}"], size="2"),
                            display="flex", align_items="center", gap="6px", min_height="44px",
                        )
                        for n in (5, 4, 3, 2, 1)
                    ],
                    wrap="wrap",
                    spacing="3",
                ),
                name="satisfaction",
                default_value="5",
            ),
            _label("field.comment", "comment"),
            _textarea("comment", max_length=300),
            rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
            rx.button(T["request.record_follow_up"], type="submit", size="3", width="100%",
                      id="follow-up-submit", color_scheme="green"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.follow_up,
        width="100%",
    )


def _acknowledge_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.callout(T["request.major_waiting"], icon="siren", color_scheme="red", width="100%"),
            _textarea("note", max_length=300, placeholder=T["request.acknowledge_note"]),
            rx.button(T["request.acknowledge"], type="submit", size="3", width="100%",
                      id="acknowledge-submit", color_scheme="red"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.acknowledge,
        width="100%",
    )


def _actions() -> rx.Component:
    has = R.actions.contains
    big = {"size": "4", "width": "100%"}
    return rx.vstack(
        rx.cond(has("acknowledge"), _acknowledge_form()),
        rx.cond(has("accept"), rx.button(T["request.accept"], on_click=R.accept, id="accept", **big)),
        rx.cond(has("arrive"), rx.button(rx.icon("map-pin-check"), T["request.arrive"], on_click=R.arrive,
                                         id="arrive", color_scheme="amber", **big)),
        rx.cond(has("classify"), section(T["request.classify"], _classify_form())),
        rx.cond(has("dispatch"), section(T["request.dispatch"], _dispatch_form())),
        rx.cond(has("photo"), photo_picker(requests.PHOTO_KIND, R.req.id, R.photos_done,
                                           label=T["request.add_photo"], input_id="request-photo")),
        rx.cond(has("resolve"), section(T["request.resolve"], _resolve_form())),
        rx.cond(has("follow_up"), section(T["request.follow_up"], _follow_up_form(), id="follow-up")),
        rx.cond(has("close"), rx.button(T["request.close"], on_click=R.close, id="close-request",
                                        color_scheme="green", **big)),
        spacing="3",
        width="100%",
    )


def _history_row(e) -> rx.Component:
    return rx.hstack(
        rx.text(e.at, size="1", color_scheme="gray", min_width="76px"),
        rx.vstack(
            rx.text(T["request.event." + e.kind], size="2", weight="medium"),
            rx.cond(e.note != "", rx.text(e.note, size="1", color_scheme="gray")),
            spacing="0",
        ),
        rx.spacer(),
        rx.text(e.actor, size="1"),
        width="100%",
        class_name="history-row",
        data_kind=e.kind,
    )


def request_detail() -> rx.Component:
    r = R.req
    return rx.cond(
        R.missing,
        empty(T["request.not_found"]),
        rx.vstack(
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.heading("#", r.id, size="5"),
                        category_badge(r.category),
                        rx.cond(r.major, rx.badge(T["request.major"], color_scheme="red", size="2",
                                                            id="major-badge")),
                        rx.spacer(),
                        status_badge(r.status),
                        width="100%",
                        align="center",
                    ),
                    rx.text(r.content, size="3", white_space="pre-wrap", id="request-content"),
                    _field(T["field.household"], r.household),
                    _field(T["field.grid"], r.grid),
                    _field(T["field.contact_name"], r.contact),
                    rx.cond(r.phone != "", _field(T["field.contact_phone"],
                                                     rx.link(r.phone, href="tel:" + r.phone,
                                                             class_name="tap-link", id="contact-phone"))),
                    _field(T["field.channel"], rx.cond(r.channel != "", T["request.channel." + r.channel], "")),
                    _field(T["field.recording_ref"], r.recording_ref),
                    _field(T["field.received_at"], r.received),
                    _field(T["field.department"], rx.cond(r.department != "", T["request.dept." + r.department], "")),
                    _field(T["field.assignee"], r.assignee),
                    _field(T["field.reply_by"], r.reply_by),
                    rx.cond(
                        r.due != "",
                        rx.hstack(
                            rx.text(T["field.due_at"], size="2", color_scheme="gray", min_width="84px"),
                            due_text(r),
                            rx.cond(r.overdue, rx.badge(T["request.status.overdue"], color_scheme="red")),
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        r.arrival != "",
                        _field(T["request.arrival"], T["request.arrival_minutes"].replace("{n}", r.arrival),
                               color=rx.cond(r.arrival_late, "var(--red-11)", "var(--green-11)"),
                               id="arrival-minutes"),
                    ),
                    _field(T["field.resolution"], r.resolution),
                    rx.cond(
                        R.answered_by.length() > 0,
                        rx.hstack(
                            rx.text(T["request.answered_by"], size="2", color_scheme="gray", min_width="84px"),
                            rx.foreach(R.answered_by, lambda i: rx.badge(T["request.notice_no"], i, variant="soft")),
                            wrap="wrap",
                            width="100%",
                            id="answered-by",
                        ),
                    ),
                    _field(T["request.acknowledged_at"], r.acknowledged),
                    rx.cond(~r.ours, rx.callout.root(
                        rx.callout.icon(rx.icon("info")),
                        rx.callout.text(T["request.referred_to"].replace("{channel}", r.referral_channel)),
                        rx.callout.text(r.referral_note, size="1"),
                        width="100%", id="referral")),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
            _actions(),
            rx.cond(R.photos.length() > 0, section(T["request.photos"], photo_strip(R.photos))),
            rx.cond(
                R.follow_ups.length() > 0,
                section(
                    T["request.follow_up"],
                    rx.foreach(
                        R.follow_ups,
                        lambda f: rx.hstack(
                            rx.text(f.at, size="1"),
                            rx.text(T["request.method." + f.method], size="2"),
                            rx.badge(T["request.satisfaction." + f.satisfaction.to_string()],
                                     color_scheme=rx.cond(f.satisfied, "green", "red")),
                            rx.text(f.comment, size="2"),
                            rx.spacer(),
                            rx.text(f.by, size="1"),
                            width="100%",
                            wrap="wrap",
                            class_name="follow-up-row",
                        ),
                    ),
                ),
            ),
            section(T["request.history"], rx.foreach(R.history, _history_row), id="history"),
            spacing="4",
            width="100%",
        ),
    )

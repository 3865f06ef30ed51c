"""The public resident page behind the grid poster's QR (/r/<token>): no sign-in, phone layout."""

from __future__ import annotations

import reflex as rx

from app.state.grid_planning import ResidentState as S
from app.state.notice_board import NoticeBoardState as NB
from app.state.resident import UPLOAD_STATUS_ID
from app.state.resident import ResidentRequestState as R
from app.ui.components.forms import form_error
from app.ui.components.notice_board import notice_board
from app.ui.components.shell import language_button, phone_style
from app.ui.texts import T


def _call(phone: rx.Var, label: rx.Var, link_id: str, **props) -> rx.Component:
    return rx.link(
        rx.button(rx.icon("phone", size=20), label, " ", phone, size="4", width="100%", white_space="nowrap", **props),
        href="tel:" + phone,
        id=link_id,
        underline="none",
        width="100%",
    )


def _card(*children: rx.Component, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", size="3", **props)


def _butler_card() -> rx.Component:
    return _card(
        rx.text(T["res.butler"], size="2", color_scheme="gray"),
        rx.hstack(
            rx.cond(
                S.butler_photo_url != "",
                rx.image(src=S.butler_photo_url, width="88px", height="88px", border_radius="50%",
                         object_fit="cover", alt=S.butler_name, id="res-butler-photo", flex_shrink="0"),
                rx.center(rx.icon("user", size=40, color="var(--gray-9)"), width="88px", height="88px",
                          border_radius="50%", background="var(--gray-a3)", flex_shrink="0"),
            ),
            rx.vstack(
                rx.heading(S.butler_name, size="6", id="res-butler-name"),
                rx.cond(S.butler_gold, rx.badge(rx.icon("award", size=14), T["gp.gold"],
                                                color_scheme="amber", size="2", id="res-gold")),
                rx.text(S.grid_name, size="2", color_scheme="gray"),
                spacing="1",
                align="start",
            ),
            spacing="4",
            align="center",
            width="100%",
        ),
        _call(S.butler_phone, T["res.call"], "res-call-butler"),
        rx.cond(
            S.service_hours != "",
            rx.hstack(rx.icon("clock", size=16), rx.text(T["res.service_hours"], ": ", S.service_hours, size="2"),
                      align="center"),
        ),
        rx.cond(
            S.buildings != "",
            rx.hstack(rx.icon("building-2", size=16, flex_shrink="0"),
                      rx.text(T["res.buildings"], ": ", S.buildings, size="2"), align="start"),
        ),
        id="res-butler",
    )


def _deputy_card() -> rx.Component:
    return _card(
        rx.hstack(rx.icon("user-check", size=18), rx.text(T["res.deputy"], size="2", weight="medium"), align="center"),
        rx.heading(S.deputy_name, size="5", id="res-deputy-name"),
        rx.text(T["res.deputy_until"].replace("{date}", S.deputy_until), size="2", color_scheme="gray"),
        _call(S.deputy_phone, T["res.call"], "res-call-deputy", variant="soft"),
        id="res-deputy",
        background="var(--blue-a2)",
    )


def _desk_card() -> rx.Component:
    return _card(
        rx.text(T["res.front_desk"], size="2", color_scheme="gray"),
        _call(S.front_desk_phone, T["res.call"], "res-call-desk", variant="outline"),
        id="res-desk",
    )


def _notice(text: rx.Var, icon: str, notice_id: str, color: str) -> rx.Component:
    return rx.callout(text, icon=icon, color_scheme=color, size="3", id=notice_id, width="100%")


def _body() -> rx.Component:
    return rx.match(
        S.card_state,
        (
            "ok",
            rx.vstack(
                rx.cond(
                    S.butler_name != "",
                    _butler_card(),
                    _notice(T["res.no_butler"], "info", "res-no-butler", "blue"),
                ),
                rx.cond(S.deputy_name != "", _deputy_card()),
                rx.cond(S.front_desk_phone != "", _desk_card()),
                rx.cond(R.form_ready, _request_card()),
                _my_requests(),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "outdated",
            rx.vstack(
                _notice(T["res.outdated"], "refresh-cw", "res-outdated", "amber"),
                rx.cond(S.front_desk_phone != "", _desk_card()),
                spacing="4",
                width="100%",
            ),
        ),
        (
            "invalid",
            rx.vstack(
                _notice(T["res.invalid"], "triangle-alert", "res-invalid", "red"),
                # not a dead end: the front desk answers (the only / first community's phone)
                rx.cond(S.front_desk_phone != "", _desk_card()),
                spacing="4",
                width="100%",
            ),
        ),
        rx.center(rx.spinner(size="3"), padding_y="20vh", width="100%"),
    )


# --- the request form (app.state.resident) -------------------------------------------------

_KINDS = ("repair", "complaint", "inquiry", "suggestion", "praise")
_FIELD = {"width": "100%", "size": "3"}


def _label(key: str, for_id: str) -> rx.Component:
    return rx.text(T[key], as_="label", html_for=for_id, size="2", weight="medium")


def _photo_field() -> rx.Component:
    """Photos picked here wait in the browser until the request exists (photo_upload.js)."""
    return rx.box(
        rx.el.label(
            rx.icon("camera", size=20),
            rx.el.span(T["rr.photos"]),
            rx.el.input(
                type="file",
                accept="image/*",
                multiple=True,
                id="rr-photos",
                name="rr-photos",  # submitted as a file name only; the files go by photo_upload.js
                style={"position": "absolute", "width": "1px", "height": "1px", "opacity": "0",
                       "overflow": "hidden", "pointer_events": "none"},
                custom_attrs={"data-resident-photos": ""},
            ),
            html_for="rr-photos",
            style={"display": "flex", "align_items": "center", "justify_content": "center",
                   "gap": "0.5rem", "min_height": "48px", "width": "100%", "border_radius": "10px",
                   "border": "1px dashed var(--gray-a8)", "color": "var(--gray-12)",
                   "cursor": "pointer", "position": "relative"},
        ),
        rx.el.p(T["rr.photos_hint"], id="rr-photos-status", custom_attrs={"data-status": "", "aria-live": "polite"},
                style={"font_size": "0.8125rem", "color": "var(--gray-11)", "margin": "0.25rem 0 0"}),
        custom_attrs={"data-evidence-picker": ""},
        width="100%",
    )


def _request_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _label("rr.kind", "rr-kind"),
            # radio cards in three columns: the five kinds fit 390 px in either language (a segmented
            # control grew to 584 px in English), each at least 44 px high
            rx.radio_cards.root(
                *[rx.radio_cards.item(T["rr.kind." + k], value=k, min_height="44px", padding="6px")
                  for k in _KINDS],
                value=R.kind,
                on_value_change=R.set_kind,
                id="rr-kind",
                columns="3",
                gap="6px",
                size="1",
                width="100%",
            ),
            _label("rr.content", "rr-content"),
            rx.text_area(id="rr-content", name="content", placeholder=T["rr.content_ph"], rows="4",
                         width="100%", size="3", required=True),
            _label("rr.household", "rr-household"),
            rx.input(id="rr-household", name="household", placeholder=T["rr.household_ph"],
                     default_value=R.household_prefill, on_blur=R.check_household, required=True, **_FIELD),
            rx.cond(
                R.household_note != "",
                rx.text(R.household_note, id="rr-household-note", size="2",
                        color=rx.cond(R.household_other, "var(--amber-11)", "var(--gray-11)")),
            ),
            _label("rr.phone", "rr-phone"),
            rx.input(id="rr-phone", name="phone", type="tel", input_mode="tel", auto_complete="tel",
                     required=True, **_FIELD),
            _label("rr.name", "rr-name"),
            rx.input(id="rr-name", name="name", auto_complete="name", **_FIELD),
            _photo_field(),
            rx.el.input(type="hidden", name="client_id", value=R.form_id, read_only=True),
            form_error(R.error, "rr-error"),
            rx.button(T["rr.submit"], type="submit", id="rr-submit", size="4", width="100%"),
            spacing="2",
            width="100%",
        ),
        on_submit=R.submit,
        width="100%",
    )


def _filed() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.icon("circle-check", size=22, color="var(--green-9)"),
                  rx.heading(T["rr.filed_title"], size="5"), align="center"),
        rx.heading(T["rr.filed_number"].replace("{id}", R.filed_id.to_string()), size="6", id="rr-number"),
        rx.cond(R.filed_note != "", rx.callout(R.filed_note, icon="info", id="rr-filed-note", width="100%")),
        rx.cond(
            R.filed_link != "",
            rx.vstack(
                rx.text(T["rr.filed_keep"], size="2", color="var(--amber-11)"),
                rx.code(R.filed_url, id="rr-link", variant="outline", size="2",
                        style={"word_break": "break-all", "white_space": "normal", "width": "100%"}),
                rx.hstack(
                    rx.button(rx.icon("copy", size=18), rx.cond(R.copied, T["rr.copied"], T["rr.copy"]),
                              on_click=R.copy_link, id="rr-copy", size="3", variant="soft", flex="1",
                              type="button"),
                    rx.link(rx.button(rx.icon("external-link", size=18), T["rr.open_link"], size="3",
                                      width="100%"),
                            href=R.filed_path, id="rr-open", flex="1", underline="none"),
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.el.p("", id=UPLOAD_STATUS_ID, custom_attrs={"data-status": "", "aria-live": "polite"},
                style={"font_size": "0.875rem", "color": "var(--gray-11)", "white_space": "pre-line",
                       "margin": "0"}),
        rx.button(T["rr.new"], on_click=R.again, id="rr-again", variant="outline", size="3", width="100%",
                  type="button"),
        spacing="3",
        width="100%",
        id="rr-filed",
    )


def _request_card() -> rx.Component:
    return _card(
        rx.heading(T["rr.form_title"], size="4"),
        rx.text(T["rr.form_hint"], size="2", color_scheme="gray"),
        rx.cond(R.filed_id != 0, _filed(), _request_form()),
        id="rr-card",
    )


def _mine_row(r: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text("#", r.id, " · ", T["request.category." + r.category], size="2",
                        weight="medium"),
                rx.text(r.received, size="1", color_scheme="gray"),
                spacing="0",
            ),
            rx.spacer(),
            rx.badge(T["request.status." + r.status], size="2"),
            rx.icon("chevron-right", size=16),
            align="center",
            width="100%",
        ),
        href="/q/" + r.link,
        class_name="rr-mine-row",
        underline="none",
        color="inherit",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _my_requests() -> rx.Component:
    return rx.cond(
        R.mine.length() > 0,  # type: ignore[attr-defined]
        _card(
            rx.heading(T["rr.mine"], size="3"),
            rx.text(T["rr.mine_hint"], size="1", color_scheme="gray"),
            rx.foreach(R.mine, _mine_row),
            id="rr-mine",
        ),
    )


def resident_page() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(rx.cond(S.community_name != "", S.community_name, T["res.title"]), size="4",
                       id="page-title", trim="both"),
            rx.spacer(),
            language_button(),
            align="center",
            height="52px",
            padding_x="16px",
            background="var(--color-panel-solid)",
            border_bottom="1px solid var(--gray-a5)",
            width="100%",
        ),
        rx.vstack(
            _body(),
            notice_board(),
            spacing="4",
            padding="16px",
            max_width="480px",
            margin_x="auto",
            width="100%",
        ),
        phone_style(),
        min_height="100vh",
        background="var(--gray-2)",
        class_name="phone-ui",
    )


def add(app: rx.App) -> None:
    app.add_page(
        resident_page,
        route="/r/[code]",
        title="联系管家 · 网格管家",
        on_load=[S.load_card, R.load, NB.load_board],
    )

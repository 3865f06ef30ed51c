"""Desk pages of renovation applications: the list with the approver's inbox (/desk/renovations),
the application form (/desk/renovations/new) and one application (/desk/renovations/[id]):
three-level approval, workers and passes, deposit, letter, printed documents, and the on-site
sections of `app.ui.components.renovation_site.site_sections()`.

No rules here: the decision buttons show for the level the application waits for when the
person holds its role (the state says so, the domain re-checks).
"""

from __future__ import annotations

import reflex as rx

from app.domain import constants, renovation_passes, renovations
from app.state.base import AppState
from app.state.renovations import RenovationsState as S
from app.ui.components.cards import empty, section
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.components.renovation_site import site_sections
from app.ui.components.shell import desk_shell, field_error
from app.ui.texts import T


def _field(label_key: str, name: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(T[label_key], as_="label", html_for=name, size="2", weight="medium"),
        rx.input(name=name, id=name, width="100%", size="3", **props),
        spacing="1", width="100%",
    )


def _tick(name: str, label: rx.Var | str, **props) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=name, value="1", style={"width": "22px", "height": "22px"},
                    **props),
        rx.el.span(label),
        html_for=name,
        style={"display": "flex", "align_items": "center", "gap": "8px", "min_height": "44px",
               "padding": "0 12px", "border": "1px solid var(--gray-6)", "border_radius": "10px"},
    )


# ---- list --------------------------------------------------------------------------------


def _row(r: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.text(r.household, size="4", weight="bold"),
                    rx.text(r.owner, " · ", r.contractor, size="2", color_scheme="gray"),
                    rx.text(r.planned, size="2", color_scheme="gray"),
                    spacing="1", flex="1",
                ),
                rx.badge(T["renovation.status." + r.status], size="2"),
                align="center", width="100%",
            ),
            width="100%",
        ),
        href=f"/desk/renovations/{r.id}", underline="none", color="inherit", width="100%",
        class_name="reno-row", custom_attrs={"data-renovation": r.id, "data-status": r.status},
    )


def list_page() -> rx.Component:
    options = ["all", *renovations.STATUSES]
    return desk_shell(
        T["reno.title"],
        rx.hstack(
            rx.link(rx.button(rx.icon("plus"), T["reno.new"], size="3", id="reno-new"),
                    href="/desk/renovations/new"),
            rx.select.root(
                rx.select.trigger(id="reno-filter"),
                rx.select.content(*[rx.select.item(T["reno.filter." + o] if o == "all"
                                                   else T["renovation.status." + o], value=o) for o in options]),
                value=S.status_filter, on_change=S.set_filter, size="3",
            ),
            wrap="wrap", width="100%",
        ),
        rx.cond(
            S.inbox.length() > 0,  # type: ignore[attr-defined]
            section(T["reno.inbox"], rx.vstack(rx.foreach(S.inbox, _row), spacing="2", width="100%"),
                    id="reno-inbox"),
        ),
        section(T["reno.all"],
                rx.cond(S.rows.length() > 0,  # type: ignore[attr-defined]
                        rx.vstack(rx.foreach(S.rows, _row), spacing="2", width="100%", id="reno-list"),
                        empty(T["reno.none"]))),
    )


# ---- the application form -------------------------------------------------------------------


def form_page() -> rx.Component:
    return desk_shell(
        T["reno.new_title"],
        rx.form(
            rx.vstack(
                _field("reno.household", "household", placeholder="3-1-502", required=True),
                rx.grid(
                    _field("field.owner_name", "owner_name", required=True),
                    _field("field.owner_phone", "owner_phone", type="tel", required=True),
                    _field("field.contractor_company", "contractor_company"),
                    _field("field.contractor_contact", "contractor_contact", required=True),
                    _field("field.contractor_phone", "contractor_phone", type="tel", required=True),
                    columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
                ),
                rx.text(T["reno.scope"], size="2", weight="medium"),
                rx.flex(*[_tick(f"scope_{s}", T[f"renovation.scope.{s}"]) for s in renovations.SCOPES],
                        wrap="wrap", gap="2"),
                rx.text(T["reno.areas"], size="2", weight="medium"),
                rx.flex(*[_tick(f"area_{a}", T[f"renovation.area.{a}"]) for a in renovations.WATERPROOFING_AREAS],
                        wrap="wrap", gap="2"),
                _tick("hot_work", T["reno.hot_work"]),
                _field("field.scope_note", "scope_note", max_length=300),
                rx.grid(
                    _field("reno.planned_start", "planned_start", type="date", required=True),
                    _field("reno.planned_end", "planned_end", type="date", required=True),
                    _field("field.hours_start", "hours_start", type="time", default_value=constants.CONSTRUCTION_START),
                    _field("field.hours_end", "hours_end", type="time", default_value=constants.CONSTRUCTION_END),
                    columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%",
                ),
                rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
                rx.button(T["reno.submit"], type="submit", size="3", width="100%", id="reno-submit"),
                spacing="3", width="100%", max_width="720px",
            ),
            on_submit=S.submit, reset_on_submit=False, width="100%",
        ),
    )


# ---- one application -------------------------------------------------------------------------


def _kv(label: rx.Var | str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", min_width="88px"), rx.text(value, size="2"),
                     align="start", width="100%")


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.app.household, size="5"),
                rx.badge(T["renovation.status." + S.app.status], size="2", id="reno-status",
                         custom_attrs={"data-status": S.app.status}),
                rx.cond(S.app.permit_no != "", rx.badge(S.app.permit_no, color_scheme="green", size="2")),
                wrap="wrap", align="center",
            ),
            _kv(T["field.owner_name"], S.app.owner),
            _kv(T["field.contractor_company"], S.app.company),
            _kv(T["field.contractor_contact"], S.app.contact),
            _kv(T["reno.scope"], rx.hstack(rx.foreach(S.scope, lambda s: rx.badge(T["renovation.scope." + s])),
                                           wrap="wrap")),
            _kv(T["reno.areas"], rx.hstack(rx.foreach(S.areas, lambda a: rx.badge(T["renovation.area." + a],
                                                                                    color_scheme="cyan")),
                                           wrap="wrap")),
            rx.cond(S.app.hot_work, rx.badge(T["reno.hot_work"], color_scheme="orange")),
            _kv(T["field.scope_note"], S.app.note),
            _kv(T["field.planned_dates"], S.app.planned),
            _kv(T["reno.hours"], S.app.hours),
            _kv(T["reno.submitted"], S.app.submitted + " " + S.app.by + " · " + T["reno.round"] + " "
                + S.app.round.to_string()),
            spacing="2", width="100%",
        ),
        width="100%",
    )


def _decision(d: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(T["renovation.level." + d.level], weight="bold", size="2"),
            rx.badge(T["renovation.decision." + d.decision],
                     color_scheme=rx.match(d.decision, ("approve", "green"), ("return", "orange"), "red")),
            rx.text(d.by, " · ", d.at, " · ", T["reno.round"], " ", d.round, size="1", color_scheme="gray"),
            wrap="wrap", align="center",
        ),
        rx.cond(d.reasons != "", rx.text(d.reasons, size="2")),
        class_name="reno-decision", custom_attrs={"data-decision": d.decision, "data-level": d.level},
        width="100%", padding_y="6px", border_bottom="1px solid var(--gray-4)",
    )


def _decide_button(decision: str, color: str) -> rx.Component:
    return rx.button(T[f"renovation.decision.{decision}"], type="button", on_click=S.decide(decision),
                     color_scheme=color, size="3", id=f"decide-{decision}", flex="1", min_height="48px")


def _resubmit_form() -> rx.Component:
    """The returned application's changeable fields, prefilled; checked as at application."""
    a = S.app
    return rx.form(
        rx.vstack(
            rx.text(T["reno.resubmit_hint"], size="2"),
            rx.grid(
                _field("field.contractor_company", "contractor_company", default_value=a.contractor_company),
                _field("field.contractor_contact", "contractor_contact", default_value=a.contractor_contact,
                       required=True),
                _field("field.contractor_phone", "contractor_phone", type="tel", default_value=a.contractor_phone,
                       required=True),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
            ),
            rx.text(T["reno.scope"], size="2", weight="medium"),
            rx.flex(*[_tick(f"scope_{s}", T[f"renovation.scope.{s}"], default_checked=S.scope.contains(s))
                      for s in renovations.SCOPES], wrap="wrap", gap="2"),
            rx.text(T["reno.areas"], size="2", weight="medium"),
            rx.flex(*[_tick(f"area_{w}", T[f"renovation.area.{w}"], default_checked=S.areas.contains(w))
                      for w in renovations.WATERPROOFING_AREAS], wrap="wrap", gap="2"),
            _tick("hot_work", T["reno.hot_work"], default_checked=a.hot_work),
            rx.vstack(
                rx.text(T["field.scope_note"], as_="label", html_for="resubmit-note", size="2", weight="medium"),
                rx.input(name="scope_note", id="resubmit-note", default_value=a.note, size="3", width="100%",
                         max_length=300),
                spacing="1", width="100%",
            ),
            rx.grid(
                _field("reno.planned_start", "planned_start", type="date", default_value=a.planned_start,
                       required=True),
                _field("reno.planned_end", "planned_end", type="date", default_value=a.planned_end, required=True),
                _field("field.hours_start", "hours_start", type="time", default_value=a.hours_start),
                _field("field.hours_end", "hours_end", type="time", default_value=a.hours_end),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%",
            ),
            rx.button(T["reno.resubmit"], type="submit", size="3", id="reno-resubmit", width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=S.resubmit, reset_on_submit=False, width="100%", id="resubmit-form",
    )


def _approval() -> rx.Component:
    return section(
        T["reno.approval"],
        rx.vstack(
            rx.foreach(S.history, _decision),
            rx.cond(S.history.length() == 0, rx.text(T["reno.no_decisions"], size="2", color_scheme="gray")),  # type: ignore[attr-defined]
            rx.cond(
                S.waiting != "",
                rx.text(T["reno.waiting"], " ", T["renovation.level." + S.waiting], size="3", weight="medium",
                        id="reno-waiting"),
            ),
            rx.cond(
                S.can_decide,
                rx.vstack(
                    rx.text_area(id="decide-reasons", placeholder=T["reno.reasons_hint"], value=S.reasons,
                                 on_change=S.set_reasons, width="100%", max_length=500),
                    rx.hstack(_decide_button("approve", "green"), _decide_button("return", "orange"),
                              _decide_button("reject", "red"), width="100%"),
                    spacing="2", width="100%", id="decide-form",
                ),
                rx.cond(S.waiting != "", rx.text(T["reno.not_yours"], size="2", color_scheme="gray",
                                                 id="reno-not-yours")),
            ),
            rx.cond(S.can_resubmit, _resubmit_form()),
            spacing="2", width="100%",
        ),
        id="reno-approval",
    )


def _day_pick(label_key: str, name: str, value: rx.Var) -> rx.Component:
    """A date within the permit's planned dates."""
    return rx.el.label(
        rx.text(T[label_key], size="1", color_scheme="gray"),
        rx.input(type="date", name=name, default_value=value, min=S.app.planned_start, max=S.app.planned_end,
                 size="3", required=True, class_name="reissue-" + name.removeprefix("valid_")),
        style={"display": "flex", "flex_direction": "column", "gap": "2px", "flex": "1", "min_width": "140px"},
    )


def _reissue_form(w: rx.Var) -> rx.Component:
    """A new card for the pass, with its days picked (the current ones first)."""
    return rx.form(
        rx.el.input(type="hidden", name="pass_id", value=w.pass_id),
        rx.hstack(
            _day_pick("reno.valid_from", "valid_from", w.valid_from),
            _day_pick("reno.valid_until", "valid_until", w.valid_until),
            rx.button(T["reno.reissue"], type="submit", variant="soft", size="3", class_name="reissue-pass"),
            align="end", wrap="wrap", width="100%",
        ),
        on_submit=S.reissue_pass, reset_on_submit=False, width="100%",
    )


def _worker(w: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(w.name, weight="bold", size="3"),
                rx.badge(T["renovation.trade." + w.trade]),
                rx.cond(w.live, rx.badge(T["reno.pass_live"], color_scheme="green")),
                rx.cond(w.revoked, rx.badge(T["reno.pass_revoked"], color_scheme="red")),
                rx.cond(~w.active, rx.badge(T["reno.worker_left"], color_scheme="gray")),
                wrap="wrap", align="center",
            ),
            rx.text(w.phone, " · ", w.id_number, size="2", color_scheme="gray"),
            rx.cond(w.valid != "", rx.text(T["reno.valid"], " ", w.valid, " · v", w.version, size="2")),
            rx.cond(w.code != "", rx.text(T["reno.pass_code"], " ", rx.el.strong(w.code), size="2",
                                          class_name="reno-pass-code")),
            rx.cond(w.revoked_reason != "", rx.text(T["reno.revoke_reason"], ": ", w.revoked_reason, size="2",
                                                      color="var(--red-11)")),
            rx.cond(
                S.can_documents & w.active,
                rx.vstack(
                    photo_picker(renovation_passes.WORKER_PHOTO_KIND, w.id.to(int), S.photos_done,
                                 label=rx.cond(w.has_photo, T["reno.photo_again"], T["reno.photo"]),
                                 input_id="worker-photo-" + w.id),
                    rx.cond(
                        w.live,
                        rx.form(
                            rx.hstack(
                                rx.el.input(type="hidden", name="pass_id", value=w.pass_id),
                                rx.input(name="reason", placeholder=T["reno.revoke_reason"], size="3", flex="1",
                                         required=True, class_name="revoke-reason"),
                                rx.button(T["reno.revoke"], type="submit", color_scheme="red", size="3",
                                          class_name="revoke-pass"),
                                width="100%",
                            ),
                            on_submit=S.revoke_pass, width="100%",
                        ),
                    ),
                    rx.cond(w.live, _reissue_form(w)),
                    rx.button(T["reno.remove_worker"], type="button", variant="soft", color_scheme="gray",
                              size="3", on_click=S.remove_worker(w.id), class_name="remove-worker"),
                    spacing="2", width="100%",
                ),
            ),
            spacing="1", width="100%",
        ),
        width="100%", class_name="reno-worker", custom_attrs={"data-worker": w.id, "data-live": rx.cond(w.live, "1", "")},
    )


def _workers() -> rx.Component:
    return section(
        T["reno.workers"],
        rx.vstack(
            rx.foreach(S.workers, _worker),
            rx.cond(
                S.can_documents & S.app.open,
                rx.form(
                    rx.vstack(
                        rx.grid(
                            _field("reno.worker_name", "worker_name", required=True),
                            _field("reno.worker_phone", "worker_phone", type="tel", required=True),
                            rx.vstack(
                                rx.text(T["reno.worker_trade"], as_="label", html_for="worker-trade", size="2", weight="medium"),
                                rx.el.select(
                                    *[rx.el.option(T[f"renovation.trade.{t}"], value=t)
                                      for t in renovation_passes.TRADES],
                                    name="worker_trade", id="worker-trade", default_value="general",
                                    style={"width": "100%", "min_height": "44px", "font_size": "16px",
                                           "border_radius": "8px", "padding": "0 8px"},
                                ),
                                spacing="1", width="100%",
                            ),
                            _field("reno.worker_id_number", "worker_id_number"),
                            columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
                        ),
                        rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
                        rx.button(T["reno.add_worker"], type="submit", size="3", id="worker-add", width="100%"),
                        spacing="2", width="100%",
                    ),
                    on_submit=S.add_worker, reset_on_submit=True, width="100%",
                ),
            ),
            spacing="2", width="100%",
        ),
        id="reno-workers",
    )


def _paperwork() -> rx.Component:
    return section(
        T["reno.paperwork"],
        rx.vstack(
            rx.cond(
                S.app.deposit != "",
                _kv(T["field.deposit"], S.app.deposit + " · " + T["field.receipt_no"] + " " + S.app.receipt),
                rx.cond(S.can_documents & S.app.open, rx.form(
                    rx.hstack(
                        rx.input(name="deposit_yuan", id="deposit-yuan", placeholder=T["reno.deposit_yuan"], size="3",
                                 input_mode="decimal", flex="1", required=True),
                        rx.input(name="receipt_no", id="receipt-no", placeholder=T["field.receipt_no"], size="3",
                                 flex="1", required=True),
                        rx.button(T["reno.record"], type="submit", size="3", id="deposit-submit"),
                        width="100%", wrap="wrap",
                    ),
                    field_error("deposit"),
                    on_submit=S.record_deposit, width="100%",
                )),
            ),
            rx.cond(S.app.letter_signed != "",
                    _kv(T["reno.letter_signed"], S.app.letter_signed)),
            rx.cond(
                S.can_documents,
                rx.vstack(
                    photo_strip(S.letter_photos),
                    rx.cond(S.app.open, photo_picker(
                        renovation_passes.LETTER_KIND, S.app.id, S.photos_done,
                        label=T["reno.letter_photo"], input_id="letter-photo")),
                    rx.cond((S.app.letter_signed == "") & S.app.open, rx.form(
                        rx.hstack(
                            rx.input(name="signed_on", id="letter-signed-on", type="date", size="3", flex="1",
                                     required=True),
                            rx.button(T["reno.record_letter"], type="submit", size="3", id="letter-submit"),
                            width="100%",
                        ),
                        on_submit=S.record_letter, width="100%",
                    )),
                    spacing="2", width="100%",
                ),
            ),
            rx.hstack(
                rx.cond(S.permit_link != "", rx.link(rx.button(rx.icon("file-badge"), T["reno.permit_pdf"], size="3",
                                                                variant="soft"),
                                                      href=S.permit_link, is_external=True, id="doc-permit")),
                rx.link(rx.button(rx.icon("file-text"), T["reno.letter_pdf"], size="3", variant="soft"),
                        href=S.letter_link, is_external=True, id="doc-letter"),
                rx.cond(S.passes_link != "", rx.link(rx.button(rx.icon("id-card"), T["reno.passes_pdf"], size="3",
                                                                variant="soft"),
                                                      href=S.passes_link, is_external=True, id="doc-passes")),
                wrap="wrap",
            ),
            spacing="3", width="100%",
        ),
        id="reno-paperwork",
    )


def detail_page() -> rx.Component:
    return desk_shell(
        T["reno.detail_title"],
        rx.link(T["reno.back"], href="/desk/renovations", size="2"),
        rx.cond(
            S.missing,
            empty(T["renovation.not_found"]),
            rx.cond(
                S.app.id != 0,
                rx.vstack(
                    _summary(),
                    _approval(),
                    _paperwork(),
                    _workers(),
                    # ---- on-site sections: owned by app/ui/components/renovation_site.py ----
                    rx.cond(S.app.permitted, site_sections()),
                    # ---- end of on-site sections ----
                    spacing="4", width="100%",
                ),
            ),
        ),
    )


def add(app: rx.App) -> None:
    title = "装修管理 · 网格管家"
    app.add_page(list_page, route="/desk/renovations", title=title,
                 on_load=[AppState.guard("renovation.view"), S.load_list])
    app.add_page(form_page, route="/desk/renovations/new", title=title,
                 on_load=[AppState.guard("renovation.apply"), S.new_form])
    app.add_page(detail_page, route="/desk/renovations/[renovation_id]", title=title,
                 on_load=[AppState.guard("renovation.view"), S.load])

"""Renovation on site: site check, rectifications and re-checks, stage gates, hot work, completion.

`site_sections()` is the body of the phone page /m/renovations/[renovation_id]
and the site part of the desk renovation page; it reads RenovationSiteState
(app.state.renovation_site), loaded on mount. No rules here: the domain says
what is allowed, the state reports refusals.
"""

from __future__ import annotations

import reflex as rx

from app.domain import renovation_checks, renovation_completion
from app.state.base import AppState
from app.state.renovation_site import RenovationSiteState as S
from app.ui.components.cards import empty, section
from app.ui.components.evidence import photo_picker, photo_strip
from app.ui.components.shell import field_error
from app.ui.texts import T


def _label(text: rx.Var | str, html_for: str) -> rx.Component:
    return rx.text(text, as_="label", html_for=html_for, size="2", weight="medium")


def _field(label_key: str, name: str, **props) -> rx.Component:
    return rx.vstack(_label(T[label_key], name), rx.input(name=name, id=name, width="100%", size="3", **props),
                     spacing="1", width="100%")


def hold_banner() -> rx.Component:
    return rx.cond(
        S.reno.hold != "",
        rx.callout(T[S.reno.hold], icon="octagon-alert", color_scheme="red", id="site-hold", width="100%"),
    )


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.reno.household, size="5"),
                rx.badge(T["renovation.status." + S.reno.status], id="site-status", size="2"),
                rx.cond(S.reno.stage != "",
                        rx.badge(T["renovation.stage." + S.reno.stage], id="site-stage", color_scheme="blue",
                                 size="2")),
                wrap="wrap", align="center",
            ),
            rx.text(T["site.permit"], " ", S.reno.permit_no, " · ", S.reno.contractor, size="2"),
            rx.text(T["site.planned"], " ", S.reno.planned, " · ", T["site.hours"], " ", S.reno.hours,
                    size="2", color_scheme="gray"),
            rx.text(T["site.deposit"], " ", S.reno.deposit, " · ", T["site.deducted"], " ",
                    rx.el.span(S.reno.deducted, id="site-deducted"), " · ", T["site.refund_due"], " ",
                    rx.el.span(S.reno.refund_due, id="site-refund-due"), size="2"),
            hold_banner(),
            spacing="2", width="100%",
        ),
        width="100%",
    )


# ---- site check -------------------------------------------------------------------------


def _check_row(item: str) -> rx.Component:
    bad = S.failing.contains(item)
    return rx.vstack(
        rx.hstack(
            rx.text(T["renovation.check." + item], size="3", flex="1"),
            rx.button(
                rx.cond(bad, T["site.violation"], T["site.ok"]),
                type="button", on_click=S.toggle_item(item), id=f"check-{item}",
                color_scheme=rx.cond(bad, "red", "green"), variant=rx.cond(bad, "solid", "soft"),
                size="3", min_width="96px", custom_attrs={"data-failing": rx.cond(bad, "1", "")},
            ),
            align="center", width="100%",
        ),
        rx.cond(bad, rx.input(name=f"note_{item}", id=f"note_{item}", placeholder=T["site.violation_note"],
                              width="100%", size="3", max_length=200)),
        spacing="1", width="100%",
    )


def _site_check() -> rx.Component:
    return section(
        T["site.check_title"],
        rx.form(
            rx.vstack(
                rx.text(T["site.check_hint"], size="2", color_scheme="gray"),
                *[_check_row(i) for i in renovation_checks.CHECK_ITEMS],
                rx.cond(S.failing.length() > 0,  # type: ignore[attr-defined]
                        _field("site.deadline_days", "deadline_days", type="number", min="1", max="30",
                               default_value=str(renovation_checks.DEFAULT_DEADLINE_DAYS))),
                _field("site.check_note", "note", max_length=300),
                rx.el.input(type="hidden", name="client_id", value=AppState.form_id, read_only=True),
                rx.button(T["site.check_submit"], type="submit", size="3", id="check-submit", width="100%"),
                spacing="3", width="100%",
            ),
            on_submit=S.submit_check, reset_on_submit=True, width="100%",
        ),
        rx.cond(
            S.last_check_id > 0,
            rx.vstack(
                rx.text(T["site.check_photos"], size="2", weight="medium"),
                photo_picker(renovation_checks.CHECK_PHOTO_KIND, S.last_check_id, S.photos_done,
                             label=T["evidence.take_photo"], input_id="check-photo"),
                photo_strip(S.check_photos),
                spacing="2", width="100%",
            ),
        ),
        rx.foreach(S.checks, lambda c: rx.text(
            c.at, " · ", c.by, " · ", T["site.violations"], " ", c.violations,
            rx.cond(c.failed != "", " (" + c.failed + ")", ""), size="2", class_name="site-check-row")),
    )


# ---- rectifications ------------------------------------------------------------------------


def _recheck_form(r: rx.Var) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="rect_id", value=r.id),
            _label(T["site.recheck_outcome"], "outcome"),
            rx.el.select(
                rx.el.option(T["site.rectified"], value="rectified"),
                rx.el.option(T["site.not_rectified"], value="failed"),
                name="outcome", id="outcome",
                style={"width": "100%", "min_height": "44px", "font_size": "16px"},
            ),
            _field("site.recheck_note", "recheck_note", max_length=300),
            rx.hstack(
                _field("site.deduction_yuan", "deduction", type="number", min="0", step="0.01"),
                _field("site.deduction_reason", "deduction_reason", max_length=200),
                width="100%",
            ),
            field_error("deduction"),
            rx.button(T["site.recheck_submit"], type="submit", size="3", id="recheck-submit", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=S.submit_recheck, reset_on_submit=True, width="100%",
    )


def _rect(r: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(T["renovation.rectification." + r.status],
                         color_scheme=rx.match(r.status, ("open", "orange"), ("rectified", "green"), "red")),
                rx.text(T["site.notice"], " #", r.id, weight="bold", size="2"),
                rx.text(T["site.deadline"], " ", r.due, size="2",
                        color=rx.cond(r.overdue, "var(--red-11)", "inherit"), class_name="rect-due"),
                wrap="wrap", align="center",
            ),
            rx.text(r.what, size="2", weight="bold", class_name="rect-items"),
            rx.text(r.note, size="2"),
            rx.cond(r.deduction != "",
                    rx.text(T["site.deduction"], " ", r.deduction, " · ", r.reason, size="2",
                            color="var(--red-11)", class_name="rect-deduction")),
            rx.cond(r.recheck_note != "", rx.text(r.rechecked, " ", r.recheck_note, size="2",
                                                     color_scheme="gray")),
            rx.cond(r.status == "open", _recheck_form(r)),
            spacing="2", width="100%",
        ),
        width="100%", class_name="rectification", custom_attrs={"data-status": r.status},
    )


def _rectifications() -> rx.Component:
    return section(
        T["site.rectifications"],
        rx.cond(S.rects.length() > 0, rx.foreach(S.rects, _rect), empty(T["site.no_rectifications"])),  # type: ignore[attr-defined]
        rx.cond(
            S.escalated.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.text(T["site.escalations"], size="2", weight="bold", color="var(--red-11)"),
                rx.foreach(S.escalated, lambda e: rx.text(
                    e.at, " #", e.id, " ", e.what, " · ", e.deduction, " · ", e.reason,
                    size="2", class_name="site-escalation")),
                spacing="1", width="100%",
            ),
        ),
    )


# ---- stage gates ----------------------------------------------------------------------------


def _gate(g: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T["renovation.stage." + g.kind], " · ", T[g.label_key], size="3", flex="1"),
            rx.badge(T["renovation.gate_status." + g.status],
                     color_scheme=rx.match(g.status, ("passed", "green"), ("declared", "orange"), "red")),
            align="center", width="100%",
        ),
        rx.cond(g.note != "", rx.text(g.at, " ", g.note, size="1", color_scheme="gray")),
        rx.cond(
            g.status == "declared",
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="gate_id", value=g.id),
                    rx.el.select(
                        rx.el.option(T["renovation.gate_status.passed"], value="passed"),
                        rx.el.option(T["renovation.gate_status.failed"], value="failed"),
                        name="outcome", id="gate_outcome",
                        style={"width": "100%", "min_height": "44px", "font_size": "16px"},
                    ),
                    rx.input(name="inspect_note", id="inspect_note", placeholder=T["site.inspect_note"],
                             width="100%", size="3", max_length=200),
                    rx.button(T["site.inspect_submit"], type="submit", size="3", id="inspect-submit", width="100%",
                              color_scheme="green"),
                    spacing="2", width="100%",
                ),
                on_submit=S.inspect, reset_on_submit=True, width="100%",
            ),
        ),
        spacing="1", width="100%", class_name="stage-gate",
        custom_attrs={"data-status": g.status, "data-item": g.item},
    )


def _gates() -> rx.Component:
    return section(
        T["site.gates_title"],
        rx.foreach(S.gates, _gate),
        rx.cond(
            S.declarable.length() > 0,  # type: ignore[attr-defined]
            rx.form(
                rx.vstack(
                    _label(T["site.declare_item"], "gate_item"),
                    rx.el.select(
                        rx.foreach(S.declarable, lambda d: rx.el.option(T[d.label_key], value=d.value)),
                        name="gate_item", id="gate_item",
                        style={"width": "100%", "min_height": "44px", "font_size": "16px"},
                    ),
                    rx.button(T["site.declare"], type="submit", size="3", id="declare-submit", width="100%",
                              variant="soft"),
                    spacing="2", width="100%",
                ),
                on_submit=S.declare, reset_on_submit=True, width="100%",
            ),
        ),
        rx.cond(
            ~S.reno.last_stage,
            rx.button(T["site.next_stage"], on_click=S.advance, size="3", id="advance-stage", width="100%",
                      color_scheme=rx.cond(S.reno.hold != "", "gray", "blue")),
        ),
    )


# ---- hot work -------------------------------------------------------------------------------


def _hot_work() -> rx.Component:
    return section(
        T["site.hot_work_title"],
        rx.foreach(S.hot_work, lambda h: rx.hstack(
            rx.text(h.window, " · ", T["site.fire_watch"], " ", h.fire_watch, " ", h.phone, size="2",
                    flex="1", text_decoration=rx.cond(h.revoked, "line-through", "none")),
            rx.cond(~h.revoked, rx.button(T["site.revoke"], on_click=S.revoke_hot_work(h.id),
                                                  size="2", variant="soft", color_scheme="red")),
            align="center", width="100%", class_name="hot-work-row",
        )),
        rx.form(
            rx.vstack(
                # one date a line: two date inputs side by side ran past 390 px
                _field("site.hw_from", "hw_from", type="date"),
                _field("site.hw_to", "hw_to", type="date"),
                rx.hstack(_field("site.fire_watch", "fire_watch", max_length=40),
                          _field("site.fire_watch_phone", "fire_watch_phone", type="tel", max_length=20),
                          width="100%"),
                rx.button(T["site.hot_work_grant"], type="submit", size="3", id="hot-work-submit", width="100%",
                          variant="soft"),
                spacing="2", width="100%",
            ),
            on_submit=S.grant_hot_work, reset_on_submit=True, width="100%",
        ),
    )


# ---- completion -----------------------------------------------------------------------------


def _acceptance() -> rx.Component:
    return section(
        T["site.acceptance_title"],
        rx.form(
            rx.vstack(
                *[
                    # the box inside its label: the whole line (at least 44 px high) is the tap target
                    rx.el.label(
                        rx.el.input(type="checkbox", name=f"acc_{i}", id=f"acc_{i}",
                                    style={"width": "24px", "height": "24px", "flex_shrink": "0"}),
                        rx.text(T["renovation.acceptance." + i], size="3"),
                        class_name="tap-label", width="100%",
                    )
                    for i in renovation_completion.ACCEPTANCE_ITEMS
                ],
                rx.text(T["site.asbuilt"], size="2", weight="medium"),
                photo_picker(renovation_completion.ASBUILT_KIND, S.reno.id, S.photos_done,
                             label=T["site.asbuilt_upload"], input_id="asbuilt-photo"),
                rx.box(photo_strip(S.asbuilt_photos), id="asbuilt-strip", width="100%"),
                _field("site.acceptance_note", "acceptance_note", max_length=300),
                rx.button(T["site.complete"], type="submit", size="3", id="complete-submit", width="100%"),
                spacing="2", width="100%",
            ),
            on_submit=S.complete, reset_on_submit=False, width="100%",
        ),
    )


def _after() -> rx.Component:
    return section(
        T["site.after_title"],
        rx.text(T["site.revisit_due"], " ", rx.el.span(S.reno.revisit_due, id="revisit-due"), size="3"),
        rx.cond(
            S.reno.revisit_at != "",
            rx.text(T["site.revisited_at"], " ", S.reno.revisit_at, " · ", S.reno.revisit_note, size="2",
                    id="revisit-done"),
            rx.form(
                rx.vstack(
                    _field("site.revisit_note", "revisit_note", max_length=300),
                    rx.button(T["site.revisit_submit"], type="submit", size="3", id="revisit-submit",
                              width="100%", variant="soft"),
                    spacing="2", width="100%",
                ),
                on_submit=S.revisit, reset_on_submit=True, width="100%",
            ),
        ),
        rx.text(T["site.refund_due"], " ", S.reno.refund_due, " (", S.reno.deposit, " − ",
                S.reno.deducted, ")", size="3", id="refund-figure"),
        rx.cond(S.reno.revisit_at != "",
                rx.button(T["site.refund"], on_click=S.refund, size="3", id="refund-submit", width="100%")),
    )


def _body() -> rx.Component:
    return rx.vstack(
        _summary(),
        rx.cond(
            S.reno.under_way,
            rx.fragment(
                _rectifications(),
                _site_check(),
                _gates(),
                rx.cond(S.reno.hot_work_scope, _hot_work()),
                _acceptance(),
            ),
        ),
        rx.cond(S.reno.completed, rx.fragment(_rectifications(), _after())),
        rx.cond(S.reno.refunded != "",
                rx.text(T["site.refunded_amount"], " ", S.reno.refunded, size="3", id="refunded")),
        spacing="4", width="100%",
    )


def site_sections(load: bool = True) -> rx.Component:
    """The on-site sections of one renovation (route param `renovation_id`); loads itself on mount."""
    extra = {"on_mount": S.load} if load else {}
    return rx.box(
        rx.cond(S.missing, empty(T["site.missing"]), rx.cond(S.reno.id != 0, _body())),
        width="100%",
        id="renovation-site",
        **extra,
    )

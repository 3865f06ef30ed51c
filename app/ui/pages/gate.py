"""The guard's home: scan a worker pass (camera or typed code) and see the verdict in large colour."""

from __future__ import annotations

import reflex as rx
from reflex.vars.function import FunctionStringVar

from app.api.static_files import versioned
from app.state.base import AppState
from app.state.gate import GateState
from app.ui.components.cards import empty, section
from app.ui.components.scanner import qr_scanner
from app.ui.components.shell import phone_shell
from app.ui.pages.gate_register import register_links
from app.ui.texts import T

G = GateState


def _verdict() -> rx.Component:
    v = G.verdict
    ok = v.ok
    return rx.cond(
        v.verdict != "",
        rx.box(
            rx.vstack(
                rx.hstack(
                    rx.icon(rx.cond(ok, "circle-check", "circle-x"), size=48, color="white"),
                    rx.heading(v.words, size="8", color="white", id="verdict-words"),
                    align="center",
                    spacing="3",
                ),
                rx.cond(
                    v.name != "",
                    rx.hstack(
                        rx.cond(
                            v.photo != "",
                            rx.image(src=v.photo, width="120px", height="150px", object_fit="cover",
                                     border_radius="8px", id="worker-photo", alt=v.name),
                            rx.center(rx.icon("user", size=56, color="var(--gray-9)"), width="120px",
                                      height="150px", background="white", border_radius="8px",
                                      id="worker-photo-missing"),
                        ),
                        rx.vstack(
                            rx.heading(v.name, size="6", color="white", id="worker-name"),
                            rx.text(rx.cond(v.trade != "", T["renovation.trade." + v.trade], ""), size="4",
                                    color="white"),
                            rx.text(v.household, size="3", color="white"),
                            rx.text(v.valid, size="2", color="white"),
                            rx.text(T["gate_ui.hours"], " ", v.hours, size="2", color="white"),
                            spacing="1",
                        ),
                        spacing="4",
                        align="start",
                    ),
                ),
                rx.text(v.at, size="1", color="white"),
                spacing="3",
                width="100%",
            ),
            # a permit scanned at the gate shows its status in amber: not a worker let in or refused
            background=rx.cond(ok, "#15803d", rx.cond(v.permit, "#b45309", "#b91c1c")),
            padding="16px",
            border_radius="12px",
            width="100%",
            id="verdict",
            data_verdict=v.verdict,
        ),
    )


def _scan_row(s) -> rx.Component:
    return rx.hstack(
        rx.text(s.at, size="2", min_width="84px"),
        # a long verdict (English) wraps inside the row instead of running past the screen
        rx.badge(T["gate.verdict." + s.verdict],
                 color_scheme=rx.cond(s.valid, "green", "red"),
                 white_space="normal", min_width="0", flex_shrink="1"),
        rx.spacer(),
        rx.text(s.gate, size="1", color_scheme="gray", flex_shrink="0"),
        width="100%",
        align="center",
        class_name="scan-row",
        data_verdict=s.verdict,
    )


# The scanner's handler is a plain JS function, not a Reflex event: window.gbGate
# (assets/js/gate_offline.js) sends the text to the server through the hidden form below while
# connected, and judges it from the phone's pass list while offline, so that Reflex never holds a
# scan made offline to replay it later. Before the script is loaded the form is used directly.
ON_SCAN = FunctionStringVar.create(
    "((text) => { if (window.gbGate) { window.gbGate.scan(text); return; }"
    " const f = document.getElementById('gate-online-form');"
    " if (f) { f.elements.raw.value = String(text ?? ''); f.requestSubmit(); } })"
)

# loads the verdict rule, then the offline screen, once per page load (scripts a component adds
# to the page are not run by React); a second mount tells it that its slots are new
_LOADER = (
    "((el) => { if (!el) return; if (window.gbGate) { window.gbGate.mounted(); return; }"
    " if (window.__gbGateLoading) return; window.__gbGateLoading = true;"
    " const add = (src, then) => { const s = document.createElement('script'); s.src = src;"
    " s.onload = then; document.head.appendChild(s); };"
    f" add('{versioned('/js/short_codes.js')}', () => add('{versioned('/js/gate_verdict.js')}',"
    f" () => add('{versioned('/js/gate_offline.js')}'))); }})"
)


def _online_form() -> rx.Component:
    """The online path: the text the scanner read, submitted as the server event GateState.scan."""
    return rx.el.form(
        rx.el.input(type="hidden", name="raw", id="gate-online-raw"),
        on_submit=lambda form_data: G.scan(form_data.to(dict[str, str])["raw"].to(str)),
        id="gate-online-form",
        style={"display": "none"},
    )


def _offline_slots() -> tuple[rx.Component, rx.Component, rx.Component]:
    """Where gate_offline.js writes: the banner, the offline verdict, the queue count."""
    return (
        rx.el.div(id="gate-offline-banner", style={"width": "100%"}),
        rx.el.div(id="gate-offline-verdict", style={"width": "100%"}),
        rx.el.div(
            rx.el.button(on_click=G.reload_scans, id="gate-offline-synced", type="button",
                         style={"display": "none"}, aria_hidden="true", tab_index=-1),
            rx.el.span(hidden=True, custom_attrs={"ref": rx.Var(_LOADER)}),
            id="gate-offline-tools",
        ),
    )


def gate_home() -> rx.Component:
    banner, offline_verdict, tools = _offline_slots()
    return phone_shell(
        T["home.gate.title"],
        rx.text(G.community, size="2", color_scheme="gray"),
        register_links(),
        # the scanning part opens without the server (an offline reload, from the service worker's
        # shell): the verdicts then come from the phone's pass list (assets/js/gate_offline.js)
        field=rx.vstack(
            rx.hstack(
                rx.input(value=G.gate_name, on_change=G.set_gate_name, placeholder=T["gate_ui.gate_name"],
                         id="gate-name", size="3", flex="1"),
                # the switch inside its label: the whole label (at least 44x44) is the tap target
                rx.el.label(
                    rx.switch(checked=G.hot_work, on_change=G.set_hot_work, id="hot-work", name="hot_work",
                              size="3"),
                    rx.text(T["gate_ui.hot_work"], size="2"),
                    class_name="tap-label",
                    id="hot-work-label",
                ),
                width="100%",
                align="center",
            ),
            banner,
            _verdict(),
            offline_verdict,
            qr_scanner(ON_SCAN, placeholder=T["gate_ui.code_placeholder"], submit_label=T["gate_ui.check"],
                       camera_error_text=T["gate_ui.camera_error"]),
            rx.el.div(id="gate-offline-pending", style={"width": "100%"}),
            _online_form(),
            tools,
            section(
                T["gate_ui.recent"],
                rx.cond(G.scans.length() > 0, rx.vstack(rx.foreach(G.scans, _scan_row), width="100%",
                                                        id="recent-scans"),
                        empty(T["home.gate.empty"])),
            ),
            spacing="4",
            width="100%",
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(
        gate_home,
        route="/gate",
        title="门岗 · 网格管家",
        on_load=[AppState.guard("home.gate"), GateState.load],
    )

"""The two layouts: phone (top bar + bottom tabs) and desk (sidebar), and page guards."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from app.state.base import AppState
from app.state.inbox import InboxState
from app.ui.components.inbox import inbox_count
from app.ui.components.live import alert_badge, alert_banner
from app.ui.texts import T

TOP_BAR_H = "52px"
TAB_BAR_H = "60px"


# Phone screens: every tap target at least 44x44 px (Apple's and Material's minimum), whatever size
# the Radix control was given. Scoped to the phone layouts (class "phone-ui"); the desk keeps its density.
MIN_TAP = "44px"
PHONE_CSS = """
.phone-ui .rt-BaseButton { min-height: 44px; min-width: 44px; }
.phone-ui .rt-TextFieldRoot { height: auto; min-height: 46px; }
.phone-ui .rt-TextFieldInput { min-height: 44px; }
.phone-ui .rt-SelectTrigger { min-height: 44px; }
.phone-ui .rt-SegmentedControlRoot { height: auto; min-height: 44px; min-width: 0; max-width: 100%; }
.phone-ui .rt-SegmentedControlItem { min-height: 44px; }
.phone-ui .rt-SegmentedControlItem .rt-SegmentedControlItemLabel { white-space: normal; }
.phone-ui .tap-label { display: inline-flex; align-items: center; gap: 8px; min-height: 44px; min-width: 44px;
  cursor: pointer; }
.phone-ui a.tap-link { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px; }
"""


def phone_style() -> rx.Component:
    """The phone layouts' tap-target rules (put once in a page whose root has class "phone-ui")."""
    return rx.el.style(PHONE_CSS)


def language_button() -> rx.Component:
    return rx.button(
        T["lang.switch"],
        on_click=AppState.toggle_language,
        variant="soft",
        size="2",
        id="lang-switch",
        min_height=MIN_TAP,
        min_width=MIN_TAP,
    )


def reconnect_banner() -> rx.Component:
    """Shown whenever the live connection to the server is lost."""
    return rx.cond(
        has_connection_errors,
        rx.box(
            rx.hstack(
                rx.icon("wifi-off", size=18),
                rx.text(T["net.reconnecting"], size="2", weight="medium"),
                align="center",
                justify="center",
                spacing="2",
            ),
            id="reconnecting",
            position="fixed",
            top="0",
            left="0",
            right="0",
            z_index="1000",
            padding="8px",
            background="var(--amber-9)",
            color="black",
        ),
    )


def flash() -> rx.Component:
    """The last message of an action: green when it succeeded, red when refused."""
    return rx.cond(
        AppState.flash != "",
        rx.callout(
            AppState.flash,
            icon=rx.cond(AppState.flash_ok, "circle-check", "triangle-alert"),
            color_scheme=rx.cond(AppState.flash_ok, "green", "red"),
            id="flash",
            width="100%",
            size="2",
        ),
    )


def field_error(field: str, **props) -> rx.Component:
    """The last refusal again, beside the form field it names (`DomainError(..., field=field)`)."""
    return rx.cond(
        (AppState.flash != "") & ~AppState.flash_ok & (AppState.flash_field == field),
        rx.text(AppState.flash, id=f"{field}-error", color="var(--red-11)", size="2", role="alert", **props),
    )


def refused_panel() -> rx.Component:
    return rx.vstack(
        rx.icon("shield-x", size=48, color="var(--red-9)"),
        rx.heading(T["auth.no_permission_page"], size="5", id="refused", text_align="center"),
        rx.link(rx.button(T["common.back_home"], size="3"), href=AppState.home),
        align="center",
        spacing="4",
        padding_y="15vh",
        width="100%",
    )


def refused_only() -> rx.Component:
    """A page drawn entirely by the browser still says so when the server refuses it."""
    return rx.cond(AppState.page_refused, refused_panel(), rx.fragment())


def guarded(*content: rx.Component) -> rx.Component:
    """Content only once the server has let this person in; a refusal otherwise."""
    return rx.cond(
        AppState.page_refused,
        refused_panel(),
        rx.cond(
            AppState.page_ready,
            rx.fragment(*content),
            # without signal the server cannot let the page in: say so instead of a bare spinner
            rx.cond(
                has_connection_errors,
                rx.callout(T["field.server_part_offline"], icon="wifi-off", color_scheme="amber",
                           width="100%", id="page-offline"),
                rx.center(rx.spinner(size="3"), padding_y="20vh", width="100%"),
            ),
        ),
    )


def _top_bar(title: rx.Var | str) -> rx.Component:
    return rx.hstack(
        rx.heading(title, size="4", id="page-title", trim="both"),
        rx.spacer(),
        rx.cond(AppState.user_name != "", rx.text(AppState.user_name, size="2", color_scheme="gray")),
        alert_badge(),
        language_button(),
        alert_banner(),
        align="center",
        height=TOP_BAR_H,
        padding_x="16px",
        position="sticky",
        top="0",
        z_index="10",
        background="var(--color-panel-solid)",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )


def _tab(icon: str, label: rx.Var, href: rx.Var | str, tab_id: str) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.icon(icon, size=22),
            rx.text(label, size="1"),
            align="center",
            spacing="1",
        ),
        href=href,
        id=tab_id,
        underline="none",
        color="var(--gray-12)",
        flex="1",
        display="flex",
        justify_content="center",
        align_items="center",
        min_height="48px",
    )


def _tab_bar() -> rx.Component:
    return rx.hstack(
        _tab("house", T["nav.home"], AppState.home, "tab-home"),
        rx.cond(
            AppState.perms.contains("renovation.check"),
            _tab("hammer", T["nav.site_renovations"], "/m/renovations", "tab-renovations"),
        ),
        _tab("user", T["nav.account"], "/account", "tab-account"),
        position="fixed",
        bottom="0",
        left="0",
        right="0",
        height=TAB_BAR_H,
        padding_bottom="env(safe-area-inset-bottom)",
        background="var(--color-panel-solid)",
        border_top="1px solid var(--gray-a5)",
        z_index="10",
        spacing="0",
    )


def phone_shell(title: rx.Var | str, *content: rx.Component, field: rx.Component | None = None) -> rx.Component:
    """Phone roles: top bar, one column, bottom tabs. Large touch targets.

    `field`: a part the browser draws from the phone's own store (the offline walk): shown
    at once, without waiting for the server to let the page in, so that it opens without
    signal; it gets its data only through the API's own access checks. Hidden when the
    server refuses the page."""
    return rx.box(
        phone_style(),
        _top_bar(title),
        rx.vstack(
            flash(),
            rx.cond(AppState.page_refused, rx.fragment(), field) if field is not None else rx.fragment(),
            guarded(*content) if content or field is None else refused_only(),
            spacing="4",
            padding="16px",
            padding_bottom=f"calc({TAB_BAR_H} + 24px)",
            max_width="640px",
            margin_x="auto",
            width="100%",
        ),
        _tab_bar(),
        min_height="100vh",
        background="var(--gray-2)",
        class_name="phone-ui",
    )


def _side_link(icon: str, label: rx.Var, href: str, link_id: str, *extra: rx.Component, **props) -> rx.Component:
    """A sidebar link; `extra` after its words (a count), `props` on the link (an on_mount)."""
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="2", white_space="nowrap"), *extra, align="center",
                  spacing="2"),
        href=href,
        id=link_id,
        underline="none",
        color="var(--gray-12)",
        padding="10px 12px",
        min_height="44px",
        display="flex",
        align_items="center",
        border_radius="8px",
        _hover={"background": "var(--gray-a3)"},
        width=["auto", "auto", "100%"],
        flex_shrink="0",
        **props,
    )


def desk_shell(title: rx.Var | str, *content: rx.Component) -> rx.Component:
    """Desk roles: a sidebar of the screens they may open and a wide work area."""
    nav = rx.flex(
        rx.heading(T["app.name"], size="4", padding="12px", display=["none", "none", "block"]),
        rx.cond(
            AppState.perms.contains("home.desk"),
            _side_link("layout-dashboard", T["nav.desk"], "/desk", "nav-desk"),
        ),
        # the count of applications waiting for a level she decides, loaded on every desk page
        rx.cond(AppState.perms.contains("renovation.inbox"),
                _side_link("inbox", T["inbox.nav"], "/desk#inbox", "nav-inbox", inbox_count(),
                           on_mount=InboxState.load_count)),
        rx.cond(
            AppState.perms.contains("workorder.view"),
            _side_link("wrench", T["nav.work_orders"], "/desk/work-orders", "nav-work-orders"),
        ),
        rx.cond(
            AppState.perms.contains("patrol.coverage"),
            _side_link("chart-column", T["nav.coverage"], "/desk/coverage", "nav-coverage"),
        ),
        rx.cond(
            AppState.perms.contains("grid.plan"),
            _side_link("map", T["nav.grids"], "/desk/grids", "nav-grids"),
        ),
        rx.cond(
            AppState.perms.contains("patrol.setup"),
            _side_link("map-pin", T["nav.patrol_setup"], "/desk/patrol-setup", "nav-patrol-setup"),
        ),
        rx.cond(
            AppState.perms.contains("notice.manage"),
            _side_link("megaphone", T["nav.notices"], "/desk/notices", "nav-notices"),
        ),
        rx.cond(
            AppState.perms.contains("report.view"),
            _side_link("chart-pie", T["nav.reports"], "/desk/reports", "nav-reports"),
        ),
        rx.cond(
            AppState.perms.contains("renovation.view") & AppState.perms.contains("home.desk"),
            _side_link("hammer", T["nav.renovations"], "/desk/renovations", "nav-renovations"),
        ),
        rx.cond(
            AppState.perms.contains("renovation.kpi"),
            _side_link("gauge", T["nav.renovation_kpis"], "/desk/renovation-kpis", "nav-renovation-kpis"),
        ),
        rx.cond(
            AppState.perms.contains("gate.log"),
            _side_link("shield-check", T["nav.gate_log"], "/desk/gate-log", "nav-gate-log"),
        ),
        rx.cond(
            AppState.perms.contains("gate.goods") & AppState.perms.contains("home.desk"),
            _side_link("package", T["nav.gate_registers"], "/gate/goods", "nav-gate-registers"),
        ),
        rx.cond(
            AppState.perms.contains("staff.manage"),
            _side_link("users", T["nav.staff"], "/admin/staff", "nav-staff"),
        ),
        rx.cond(
            AppState.perms.contains("audit.view"),
            _side_link("scroll-text", T["nav.audit"], "/admin/audit", "nav-audit"),
        ),
        _side_link("bell", T["live.badge"], "/alerts", "nav-alerts"),
        rx.cond(
            AppState.perms.contains("notify.manage"),
            _side_link("bell-ring", T["notify.title"], "/desk/notify", "nav-notify"),
        ),
        _side_link("user", T["nav.account"], "/account", "nav-account"),
        direction=rx.breakpoints(initial="row", md="column"),
        gap="1",
        overflow_x="auto",
        width="100%",
    )
    return rx.box(
        rx.flex(
            rx.box(
                nav,
                width=["100%", "100%", "220px"],
                flex_shrink="0",
                border_right=["none", "none", "1px solid var(--gray-a5)"],
                border_bottom=["1px solid var(--gray-a5)", "1px solid var(--gray-a5)", "none"],
                background="var(--color-panel-solid)",
                padding="8px",
                min_height=["auto", "auto", "100vh"],
            ),
            rx.box(
                _top_bar(title),
                rx.vstack(flash(), guarded(*content), spacing="4", padding="16px", width="100%"),
                flex="1",
                min_width="0",
            ),
            direction=rx.breakpoints(initial="column", md="row"),
            width="100%",
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )

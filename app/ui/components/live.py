"""The live alert badge (unread count, on every signed-in screen's top bar) and the banner of a
new alert. The badge's mount starts the tab's listener (app.state.live); it is drawn afresh when
the connection comes back, which starts the listener again after a long time offline."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from app.state.base import AppState
from app.state.live import LiveState
from app.ui.texts import T

L = LiveState


def _count() -> rx.Component:
    return rx.cond(
        L.unread > 0,
        rx.box(
            rx.cond(L.unread > 99, "99+", L.unread.to_string()),
            class_name="alert-count",
            position="absolute",
            top="2px",
            right="0",
            min_width="18px",
            height="18px",
            padding_x="4px",
            border_radius="9px",
            background="var(--red-9)",
            color="white",
            font_size="11px",
            font_weight="bold",
            line_height="18px",
            text_align="center",
        ),
    )


def _badge(online: bool) -> rx.Component:
    extra = {"on_mount": L.listen} if online else {}
    return rx.link(
        rx.icon("bell", size=22),
        _count(),
        href="/alerts",
        id="alert-badge",
        key="alert-badge-on" if online else "alert-badge-off",
        custom_attrs={"data-count": L.unread, "aria-label": T["live.badge_label"]},
        position="relative",
        display="inline-flex",
        align_items="center",
        justify_content="center",
        min_width="44px",
        min_height="44px",
        color="var(--gray-12)",
        **extra,
    )


def alert_badge() -> rx.Component:
    """The bell with the unread count; tap opens /alerts. Only once someone is signed in."""
    return rx.cond(
        AppState.signed_in,
        rx.cond(has_connection_errors, _badge(False), _badge(True)),
    )


def alert_banner() -> rx.Component:
    """A new alert, in her language: its kind and summary; tap opens it."""
    return rx.cond(
        L.banner_id > 0,
        rx.hstack(
            rx.box(
                rx.hstack(
                    rx.icon("bell-ring", size=18),
                    rx.cond(L.banner_urgent, rx.badge(T["alerts.urgent"], color_scheme="red")),
                    rx.text(T["alert.kind." + L.banner_kind], weight="bold", size="2", class_name="banner-kind"),
                    align="center",
                    spacing="2",
                ),
                rx.text(L.banner_summary, size="2", class_name="banner-summary"),
                on_click=L.open_banner,
                cursor="pointer",
                flex="1",
                min_height="44px",
                id="alert-banner-open",
            ),
            rx.icon_button(rx.icon("x", size=16), on_click=L.dismiss_banner, variant="ghost", size="2",
                           id="alert-banner-close", custom_attrs={"aria-label": T["live.banner_close"]}),
            id="alert-banner",
            role="status",
            custom_attrs={"data-alert": L.banner_id, "data-kind": L.banner_kind},
            position="fixed",
            top="60px",
            left="8px",
            right="8px",
            max_width="624px",
            margin_x="auto",
            z_index="1001",
            padding="10px 12px",
            border_radius="10px",
            background="var(--color-panel-solid)",
            border=rx.cond(L.banner_urgent, "2px solid var(--red-9)", "1px solid var(--accent-8)"),
            box_shadow="0 6px 20px rgba(0,0,0,0.18)",
            align="center",
            spacing="2",
        ),
    )

"""Reflex configuration. URLs come from the environment via app.settings."""

import reflex as rx

from app import settings

config = rx.Config(
    app_name="app",
    db_url=settings.database_url(),
    redis_url=settings.redis_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="large")),
    ],
)

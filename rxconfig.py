"""Reflex configuration. URLs come from the environment via app.settings."""

import reflex as rx

from app import settings
from app.api.static_files import CompressRest
from app.i18n.bundle import CatalogBundle

# Without Redis, state lives in the one worker's memory (Reflex would otherwise write
# every session's state to disk after each event); the sign-in token is in the
# browser, so a restarted server only costs a reconnect.
config = rx.Config(
    app_name="app",
    db_url=settings.database_url(),
    redis_url=settings.redis_url(),
    state_manager_mode=rx.constants.StateManagerMode.REDIS if settings.redis_url() else rx.constants.StateManagerMode.MEMORY,
    telemetry_enabled=False,
    # CORS: same origin only unless APP_CORS_ORIGINS lists origins (Reflex's default "*"
    # reflected any Origin with credentials); the websocket's check is app.api.security
    cors_allowed_origins=tuple(settings.CORS_ORIGINS),
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
    # brotli where the phone accepts it (about 15% smaller than gzip on our JS), else gzip;
    # CompressRest adds the sidecars Reflex skips (the gate's wasm decoder): app.api.static_files
    frontend_compression_formats=["brotli", "gzip"],
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="teal", radius="large")),
        CompressRest(),
        # the catalogs as one content-hashed script (app.i18n.bundle)
        CatalogBundle(),
    ],
)

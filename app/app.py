"""Builds the Reflex app: pages, head (PWA manifest), overlay."""

import reflex as rx
from reflex.app import default_error_boundary

from app import settings
from app.api import build as build_api
from app.api import security
from app.api.static_files import built_frontend, versioned
from app.background import orphan_sweeper, outbox_sender, overdue_sweeper
from app.db import models  # noqa: F401  (tables on SQLModel.metadata, which `reflex db` reads)
from app.state.base import on_backend_exception
from app.ui.components.shell import reconnect_banner
from app.ui.pages import errors as error_pages
from app.ui.pages import register

HEAD = [
    rx.el.link(rel="manifest", href="/manifest.webmanifest"),
    rx.el.meta(name="theme-color", content="#0f766e"),
    rx.el.meta(name="mobile-web-app-capable", content="yes"),
    rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
    rx.el.meta(name="apple-mobile-web-app-title", content="网格管家"),
    rx.el.link(rel="apple-touch-icon", href=versioned("/icons/icon-192.png")),
    rx.el.link(rel="icon", href=versioned("/icons/icon-192.png"), type="image/png"),
    # the field screens the browser draws itself (the walk)
    rx.el.link(rel="stylesheet", href=versioned("/field.css")),
    # photo evidence: shrinks and uploads picked photos (app/ui/components/evidence.py)
    rx.script(src=versioned("/js/photo_upload.js"), defer=True),
    # the phone's own store for work that must survive without signal (IndexedDB outbox)
    rx.script(src=versioned("/js/field_store.js"), defer=True),
    # the service worker registered on every load (the offline shell) and the phone's waiting work
    rx.script(src=versioned("/js/field_shell.js"), defer=True),
    # the patrol walk: drawn by the browser from the phone's store, sent through its outbox
    rx.script(src=versioned("/js/field_walk.js"), defer=True),
    # the gate's goods and visitor registers: drawn by the browser, sent through the same outbox
    rx.script(src=versioned("/js/field_registers.js"), defer=True),
    # a short beep when a new alert arrives (app.state.live), unlocked by the first tap
    rx.script(src=versioned("/js/alert_sound.js"), defer=True),
    # forms that must not be queued without a connection (the resident's 已修好 / 没修好)
    rx.script(src=versioned("/js/online_only.js"), defer=True),
    # the butler's request form: drawn by the browser, queued on the phone, sent once by client id
    rx.script(src=versioned("/js/butler_request.js"), defer=True),
    # Web Push: subscribes this browser from /account when the server has VAPID keys (app.domain.outbox)
    rx.script(src=versioned("/js/notify_push.js"), defer=True),
]



async def _session_token_of(client_token: str) -> str | None:
    """The sign-in token held by the state of one Reflex client (None: no such client).

    Used by `security.hardening` to let only signed-in sessions POST to `/_upload`."""
    from reflex.istate.manager import get_state_manager
    from reflex.istate.manager.memory import StateManagerMemory
    from reflex.istate.wrappers import get_state

    from app.state.base import AppState

    manager = get_state_manager()
    if isinstance(manager, StateManagerMemory) and client_token not in manager.states:
        return None  # never create a state for a token nobody connected with
    state = await get_state(client_token, AppState)
    return state.token or None


app = rx.App(
    html_lang="zh-CN",
    head_components=HEAD,
    # evidence photos, posters and tag sheets: routes with their own access checks;
    # around everything: security headers, /_upload gated, error pages (app.api.security)
    # the compiled frontend too, when the backend was started without building it (./run.sh with
    # this version's build already made): app.api.static_files.built_frontend
    api_transformer=[build_api(), security.hardening(
        _session_token_of, built_frontend() if settings.FRONTEND_PREBUILT else None)],
    # an exception escaping any event handler: logged, and answered in the user's language
    backend_exception_handler=on_backend_exception,
    # our own connection banner (in the user's language) replaces Reflex's English toaster
    app_wraps={
        (55, "ErrorBoundary"): lambda stateful: default_error_boundary(),
        (5, "Overlay"): lambda stateful: reconnect_banner() if stateful else None,
    },
)
# the websocket: same origin only, or APP_CORS_ORIGINS (Reflex hands Socket.IO an empty
# list when no origin is configured, which switches its origin check off)
if app.sio is not None:
    from reflex.utils.exec import is_prod_mode

    _dev = not is_prod_mode()
    app.sio.eio.cors_allowed_origins = lambda origin, environ=None: security.socket_origin_allowed(
        origin, environ, dev=_dev)
register(app)
# Reflex's 404 page replaced by one in the user's language with a way home
error_pages.add(app)
# escalates overdue requests every 30 s (app.background)
app.register_lifespan_task(overdue_sweeper)
# removes evidence files left without a row (crash, interrupted upload) at start and hourly
app.register_lifespan_task(orphan_sweeper)
# delivers the messages that leave the app (WeCom, SMS, Web Push) every second (app.background)
app.register_lifespan_task(outbox_sender)

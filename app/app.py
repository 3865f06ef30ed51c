"""Builds the Reflex app: pages, head (PWA manifest), overlay."""

import reflex as rx
from reflex.app import default_error_boundary

from app.api import build as build_api
from app.background import overdue_sweeper
from app.db import models  # noqa: F401  (tables on SQLModel.metadata, which `reflex db` reads)
from app.state.base import on_backend_exception
from app.ui.components.shell import reconnect_banner
from app.ui.pages import register

HEAD = [
    rx.el.link(rel="manifest", href="/manifest.webmanifest"),
    rx.el.meta(name="theme-color", content="#0f766e"),
    rx.el.meta(name="mobile-web-app-capable", content="yes"),
    rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
    rx.el.meta(name="apple-mobile-web-app-title", content="网格管家"),
    rx.el.link(rel="apple-touch-icon", href="/icons/icon-192.png"),
    rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png"),
    # photo evidence: shrinks and uploads picked photos (app/ui/components/evidence.py)
    rx.script(src="/js/photo_upload.js", defer=True),
    rx.script(
        "if ('serviceWorker' in navigator) { window.addEventListener('load', function () {"
        " navigator.serviceWorker.register('/sw.js').catch(function () {}); }); }"
    ),
]

app = rx.App(
    html_lang="zh-CN",
    head_components=HEAD,
    # evidence photos, posters and tag sheets: routes with their own access checks
    api_transformer=build_api(),
    # an exception escaping any event handler: logged, and answered in the user's language
    backend_exception_handler=on_backend_exception,
    # our own connection banner (in the user's language) replaces Reflex's English toaster
    app_wraps={
        (55, "ErrorBoundary"): lambda stateful: default_error_boundary(),
        (5, "Overlay"): lambda stateful: reconnect_banner() if stateful else None,
    },
)
register(app)
# escalates overdue requests every 30 s (app.background)
app.register_lifespan_task(overdue_sweeper)

"""Who is on the other end of a connection, for the per-client limits (no account needed).

The address is the socket peer Reflex recorded for the websocket; X-Forwarded-For
counts only for the `APP_TRUSTED_PROXY_HOPS` proxies configured in front of the app
(`app.domain.rate_limits.client_address`). The key the limits and the audit log use
is a hash of that address and the server secret, never the address itself.
"""

from __future__ import annotations

import reflex as rx

from app import settings
from app.domain import rate_limits
from app.domain import resident_requests as rr


def client_address(state: rx.State) -> str:
    headers = state.router.headers.raw_headers
    # set by Reflex from the ASGI scope (the real peer), over any header of that name
    peer = headers.get("asgi-scope-client") or state.router.session.client_ip or ""
    return rate_limits.client_address(str(peer), headers.get("x-forwarded-for"), settings.TRUSTED_PROXY_HOPS)


def client_key(state: rx.State) -> str:
    """The client's name for the limits: SHA-256 of its address and the server secret (hex)."""
    return rr.client_key(client_address(state), settings.secret_key())

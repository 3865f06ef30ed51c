"""The outer ASGI layer of the backend: security headers, Reflex's `/_upload` gated,
error pages for browsers, and the websocket's origin check.

Mounted by `rx.App(api_transformer=[build(), hardening(...)])` (app/app.py) around
everything the backend serves: pages (the compiled frontend), the api routes
and Reflex's own endpoints.

- Every HTTP response gets `X-Frame-Options: DENY` and `Content-Security-Policy:
  frame-ancestors 'none'` (no page may be framed: desk pages could otherwise be
  clickjacked), `X-Content-Type-Options: nosniff` and `Referrer-Policy:
  same-origin` (signed links never leak to other sites).
- `POST /_upload` (Reflex's upload endpoint; the app's only use is the staff
  photo on the grid-planning page) is refused before its body is read unless
  the request declares a Content-Length within `UPLOAD_MAX_BYTES` and its Reflex
  client token belongs to a signed-in session; the body is then cut off at the
  declared length. `GET /_upload/...` (Reflex serves its upload folder publicly)
  is always 404: the app keeps nothing there.
- An `/api/...` error answered in plain text (403/404/400/500...) to a browser
  opening it as a page becomes the error page in the user's language
  (`app.api.errors`).
- Frontend files get their cache lifetime (`app.api.static_files.cache_control`:
  hashed `/assets/` immutable, the rest revalidated) unless the response set one.
- CORS: same origin only, unless `APP_CORS_ORIGINS` lists origins (rxconfig's
  `cors_allowed_origins` is that list; Reflex's own CORS middleware applies it to
  HTTP); `socket_origin_allowed` is the websocket's check (Reflex would pass an
  empty list to Socket.IO, which switches its origin check off).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app import settings
from app.api import errors, static_files
from app.db.session import session_scope
from app.domain import auth, evidence
from app.i18n import translate

log = logging.getLogger("app.api.security")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_HEADER_NAMES = {name for name, _ in HEADERS}

UPLOAD_PATH = "/_upload"
# the staff photo: at most evidence.MAX_BYTES, plus the form around it
UPLOAD_MAX_BYTES = evidence.MAX_BYTES + 64 * 1024
# plain-text errors of the api routes that a browser page gets as a page
_PAGE_FOR_STATUS = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_found",
                    410: "not_found", 500: "server", 502: "server", 503: "server"}

# (Reflex client token) -> the app's session token held by that client's state, or None
SessionTokenOf = Callable[[str], Awaitable[str | None]]


def _with_headers(message: dict[str, Any], cache: bytes | None = None) -> dict[str, Any]:
    """The response start with our security headers, and `cache` as Cache-Control unless it chose one."""
    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _HEADER_NAMES]
    extra = list(HEADERS)
    if cache is not None and not any(k.lower() == b"cache-control" for k, _ in kept):
        extra.append((b"cache-control", cache))
    return {**message, "headers": kept + extra}


def _signed_in(session_token: str | None) -> bool:
    if not session_token:
        return False
    with session_scope() as db:
        actor = auth.resolve(db, session_token)
    return actor is not None and not actor.must_change_password


def _refuse_upload(request: Request, status: int, key: str, **params: object) -> Response:
    lang = errors.lang_of(request)
    return JSONResponse({"error": translate(lang, key, **params), "key": key, "detail": key},
                        status_code=status, headers={"Cache-Control": "no-store"})


async def upload_refusal(request: Request, session_token_of: SessionTokenOf) -> Response | None:
    """Why this request to Reflex's upload endpoint is refused (None: let it through).

    Decided from the headers only: nothing of the body has been read."""
    if request.url.path != UPLOAD_PATH:
        return Response("not found", status_code=404, media_type="text/plain")
    if request.method != "POST":
        return Response("method not allowed", status_code=405, media_type="text/plain")
    client_token = request.headers.get("reflex-client-token", "")
    if not client_token or len(client_token) > 128:
        return _refuse_upload(request, 401, "http.sign_in_to_upload")
    length = request.headers.get("content-length", "")
    max_mb = evidence.MAX_BYTES // (1024 * 1024)
    if not length.isascii() or not length.isdigit() or len(length) > 12:
        return _refuse_upload(request, 411, "http.upload_too_large", max_mb=max_mb)
    try:
        session_token = await session_token_of(client_token)
        ok = await run_in_threadpool(_signed_in, session_token)
    except Exception:  # noqa: BLE001 - no state, no session: refused
        log.warning("upload refused: the client's session could not be read", exc_info=True)
        ok = False
    if not ok:
        return _refuse_upload(request, 401, "http.sign_in_to_upload")
    if int(length) > UPLOAD_MAX_BYTES:
        return _refuse_upload(request, 413, "http.upload_too_large", max_mb=max_mb)
    return None


def _limited(receive: Receive, limit: int) -> Receive:
    """`receive` that ends the request (a disconnect) once more than `limit` body bytes came.

    After the body, messages pass through untouched: the response of Reflex's upload
    streams and listens for the client's real disconnect."""
    seen = 0
    cut = False

    async def wrapped() -> dict[str, Any]:
        nonlocal seen, cut
        if cut:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                cut = True
                return {"type": "http.disconnect"}
        return message

    return wrapped


def hardening(session_token_of: SessionTokenOf, frontend: ASGIApp | None = None) -> Callable[[ASGIApp], ASGIApp]:
    """The api transformer that wraps the backend (see the module's docstring); `frontend`: the
    compiled frontend, served here for every path that is not the backend's (a backend started
    without building it, `static_files.built_frontend`)."""

    def transform(inner: ASGIApp) -> ASGIApp:
        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await inner(scope, receive, send)
                return
            path: str = scope.get("path", "")
            target = inner if frontend is None or static_files.is_backend_path(path) else frontend

            async def send_secured(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    cache = static_files.cache_control(path, scope.get("method", ""), message.get("status", 200),
                                                      scope.get("query_string", b""))
                    message = _with_headers(message, cache)
                await send(message)

            if path == UPLOAD_PATH or path.startswith(UPLOAD_PATH + "/"):
                request = Request(scope)
                refused = await upload_refusal(request, session_token_of)
                if refused is not None:
                    await refused(scope, receive, send_secured)
                    return
                length = int(request.headers["content-length"])
                await inner(scope, _limited(receive, length), send_secured)
                return
            if path.startswith("/api/"):
                await inner(scope, receive, _error_pages(Request(scope), send_secured))
                return
            await target(scope, receive, send_secured)

        return app

    return transform


def _error_pages(request: Request, send: Send) -> Send:
    """`send` that turns a plain-text api error into the error page, for a browser page."""
    if not errors.wants_html(request):
        return send
    replacing: dict[str, Any] = {}

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status = message.get("status", 200)
            ctype = dict(message.get("headers", [])).get(b"content-type", b"")
            if status in _PAGE_FOR_STATUS and (not ctype or ctype.startswith(b"text/plain")):
                replacing["kind"] = _PAGE_FOR_STATUS[status]
                replacing["status"] = status
                return
            await send(message)
            return
        if message["type"] == "http.response.body" and replacing:
            if message.get("more_body", False):
                return
            page = errors.page(replacing["kind"], replacing["status"], errors.lang_of(request))
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in page.headers.items()]
            await send({"type": "http.response.start", "status": page.status_code, "headers": headers})
            await send({"type": "http.response.body", "body": page.body})
            return
        await send(message)

    return wrapped


# --- CORS and the websocket ---------------------------------------------------------------


def allowed_origins() -> tuple[str, ...]:
    """Origins other than the app's own allowed to call it with credentials (APP_CORS_ORIGINS)."""
    return tuple(settings.CORS_ORIGINS)


def socket_origin_allowed(
    origin: str | None, environ: dict[str, Any] | None = None, *, dev: bool = False
) -> bool:
    """Socket.IO's origin check: the app's own origin (the Host the browser used), or a
    configured one. A client that sends no Origin is not a browser and is not checked here.
    `dev` (`reflex run` without `--env prod`: the frontend on its own port): the same host
    on any port."""
    if not origin:
        return True
    origin = origin.rstrip("/")
    if origin in allowed_origins():
        return True
    environ = environ or {}
    host_header = environ.get("HTTP_HOST", "")
    if dev and host_header:
        name = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        origin_host = origin.split("://", 1)[-1]
        if origin_host == name or origin_host.rsplit(":", 1)[0] == name:
            return True
    hosts = {host_header}
    if settings.TRUSTED_PROXY_HOPS > 0:
        # behind a configured proxy the browser's host is the forwarded one
        hosts.add(environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip())
    return origin in {f"{scheme}://{host}" for host in hosts if host for scheme in ("http", "https")}


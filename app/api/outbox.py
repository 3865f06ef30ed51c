"""What the routes that take a phone's outbox share: a bounded JSON body, and the sync handler.

The walk (`app.api.field`), the gate registers (`app.api.gate_registers`) and the gate's
offline scans (`app.api.gate_offline`) each take a batch the phone queued without signal.
`read_json` reads the body as a stream and stops at the bound (a declared or a chunked body
over it is refused before it is all read); `sync_handler` is the one POST handler of a batch
applied action by action (`apply_batch(token, payload, lang) -> (answer, refusal)`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from app.api.evidence import BEARER, _credential, _error, _lang
from app.domain.errors import DomainError, Refused
from app.i18n import CATALOGS

log = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "no-store"}


class BadBody(Exception):
    """The body is too large (413) or not a JSON object (400)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def read_json(request: Request, max_body: int) -> dict[str, Any]:
    """The JSON object of the body, read no further than `max_body` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise BadBody(413)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                raise BadBody(413)
    except ClientDisconnect:
        raise BadBody(400) from None
    try:
        data = json.loads(bytes(body).decode("utf-8"))
    except (ValueError, UnicodeError):
        raise BadBody(400) from None
    if not isinstance(data, dict):
        raise BadBody(400)
    return data


def token_of(request: Request) -> str | None:
    """The session token of `Authorization: Bearer ...`, if any."""
    cred = _credential(request)
    return cred[1] if cred and cred[0] == BEARER else None


def refusal(lang: str, err: DomainError) -> JSONResponse:
    status = 401 if err.key == "auth.signed_out" else 403 if isinstance(err, Refused) else 404
    return _error(lang, status, err.key, **err.params)


ApplyBatch = Callable[[str | None, dict[str, Any], str], tuple[dict[str, Any] | None, DomainError | None]]


def sync_handler(apply_batch: ApplyBatch, *, max_body: int, what: str) -> Callable[[Request], Awaitable[Response]]:
    """The POST handler of a queued batch: read it, apply it in a worker thread, answer in words."""

    async def sync(request: Request) -> Response:
        lang = _lang(request)
        try:
            payload = await read_json(request, max_body)
        except BadBody as bad:
            return _error(lang, bad.status, "form.invalid")
        if payload.get("lang") in CATALOGS:
            lang = payload["lang"]
        try:
            answer, err = await run_in_threadpool(apply_batch, token_of(request), payload, lang)
        except DomainError as err:  # a bad batch (the phone's clock not a number, ...)
            return _error(lang, 422, err.key, **err.params)
        except Exception:  # noqa: BLE001 - logged; the phone keeps its queue and retries
            log.exception("%s sync failed", what)
            return _error(lang, 500, "field.server_error")
        if err is not None:
            if isinstance(err, Refused):
                return refusal(lang, err)
            return _error(lang, 400, err.key, **err.params)
        return JSONResponse(answer, headers=NO_STORE)

    return sync

"""`POST /api/notify/push-subscription`: the browser a person subscribed to Web Push from (/account).

Sent by assets/js/notify_push.js with the session token as a bearer header and the browser's
`PushSubscription.toJSON()` (`{"endpoint", "keys": {"p256dh", "auth"}}`) as the body. The person
must be signed in (`account.self`) and Web Push switched on; the subscription is kept for her
(`app.domain.outbox.preferences.subscribe`). Answers `{"ok": true}` or `{"error", "key"}`.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.api import errors
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import auth
from app.domain.errors import DomainError
from app.domain.outbox import channels, preferences
from app.i18n import translate

NO_STORE = {"Cache-Control": "no-store"}
MAX_BODY = 4096


def _refused(request: Request, status: int, key: str) -> JSONResponse:
    return JSONResponse({"error": translate(errors.lang_of(request), key), "key": key}, status_code=status,
                        headers=NO_STORE)


def _keep(token: str, endpoint: str, p256dh: str, auth_key: str) -> str:
    with session_scope() as db:
        actor = auth.resolve(db, token)
        if actor is None or actor.must_change_password or not actor.can("account.self"):
            return "auth.signed_out"
        try:
            preferences.subscribe(db, actor, endpoint, p256dh, auth_key)
        except DomainError as err:
            return err.key
    return ""


async def subscribe(request: Request) -> JSONResponse:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        return _refused(request, 401, "auth.signed_out")
    if not channels.webpush_on():
        return _refused(request, 403, "err.forbidden.body")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return _refused(request, 400, "err.bad_request.body")
    try:
        body = json.loads(raw)
    except ValueError:
        return _refused(request, 400, "err.bad_request.body")
    keys = body.get("keys") if isinstance(body, dict) else None
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in (endpoint, keys.get("p256dh"), keys.get("auth"))):
        return _refused(request, 400, "err.bad_request.body")
    key = await run_in_threadpool(_keep, token.strip(), endpoint, keys["p256dh"], keys["auth"])
    if key:
        return _refused(request, 401 if key == "auth.signed_out" else 400, key)
    return JSONResponse({"ok": True}, headers=NO_STORE)


ROUTES.append(Route("/api/notify/push-subscription", subscribe, methods=["POST"]))

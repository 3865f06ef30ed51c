"""HTTP routes of the gate offline: the guard's phone fetches its pass list and sends queued scans.

`GET /api/gate/snapshot` (header `Authorization: Bearer <session token>`)
answers `app.domain.gate_snapshot.snapshot` for the signed-in guard's
community, plus the texts the offline screen shows (`texts: {zh: {...}, en:
{...}}`: verdicts, trades, the `gate_offline.js.*` keys), so the phone speaks
the user's language with no server at all. Never cached by the browser.

`POST /api/gate/offline-scans` (same header; JSON `{scans: [{client_id, text,
phone_at, shown, snapshot_at, gate, hot_work}], sent_at, gate, lang}`) logs the
queued scans, each client id exactly once (`gate_snapshot.record_offline`), and
answers `{results: [{client_id, status, verdict, clock_off, reason, message}]}`
with `status` logged / duplicate / refused (the message in the user's
language). The phone removes logged and duplicate entries from its outbox.

Both check the role on the server (`gate.scan`: the guard at the gate); a
refusal is audited (`auth.authorize`) and answered 401 (signed out) or 403 in
the user's language, as `{error, key}`.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.api import errors
from app.api.outbox import BadBody, read_json
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import auth, gate_snapshot
from app.domain.errors import DomainError, Refused
from app.i18n import CATALOGS, translate

log = logging.getLogger("app.api.gate_offline")

ACTION = "gate.scan"
MAX_BODY = 512 * 1024  # 200 scans of a 2 KB text fit
NO_STORE = {"Cache-Control": "no-store"}
_TEXT_PREFIXES = ("gate.verdict.", "renovation.trade.", "gate_offline.js.")


def _texts() -> dict[str, dict[str, str]]:
    return {lang: {k: v for k, v in cat.items() if k.startswith(_TEXT_PREFIXES)} for lang, cat in CATALOGS.items()}


TEXTS = _texts()


def _error(lang: str, status: int, key: str, **params: object) -> JSONResponse:
    return JSONResponse({"error": translate(lang, key, **params), "key": key}, status_code=status,
                        headers=NO_STORE)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    return token


class _Answer(Exception):
    def __init__(self, status: int, key: str, lang: str = "", **params: object) -> None:
        super().__init__(key)
        self.status, self.key, self.lang, self.params = status, key, lang, params


def _authorized(db, token: str) -> auth.Actor:
    """The actor, or _Answer after the refusal was audited (the session commits it)."""
    try:
        return auth.authorize(db, token, ACTION)
    except Refused as err:
        actor = auth.resolve(db, token)
        lang = actor.language if actor is not None else ""
        raise _Answer(401 if err.key == "auth.signed_out" else 403, err.key, lang) from None


def _snapshot(token: str) -> dict[str, Any]:
    refusal: _Answer | None = None
    with session_scope() as db:
        try:
            actor = _authorized(db, token)
        except _Answer as answer:
            refusal = answer  # committed: the refusal stays on record
        else:
            return {**gate_snapshot.snapshot(db, actor), "texts": TEXTS, "lang": actor.language}
    assert refusal is not None
    raise refusal


def _record(token: str, body: dict[str, Any]) -> dict[str, Any]:
    refusal: _Answer | None = None
    with session_scope() as db:
        try:
            actor = _authorized(db, token)
        except _Answer as answer:
            refusal = answer
        else:
            lang = body.get("lang") if body.get("lang") in CATALOGS else actor.language
            gate_name = body.get("gate") if isinstance(body.get("gate"), str) else ""
            try:
                results = gate_snapshot.record_offline(db, actor, body.get("scans"), sent_at=body.get("sent_at"),
                                                       gate_name=gate_name)
            except DomainError as err:
                raise _Answer(422, err.key, lang, **err.params) from None
            return {"results": [
                {"client_id": r.client_id, "status": r.status, "verdict": r.verdict, "clock_off": r.clock_off,
                 "reason": r.reason, "message": translate(lang, r.reason) if r.reason else ""}
                for r in results
            ]}
    assert refusal is not None
    raise refusal


async def get_snapshot(request: Request) -> JSONResponse:
    lang = errors.lang_of(request)
    token = _bearer(request)
    if token is None:
        return _error(lang, 401, "auth.signed_out")
    try:
        data = await run_in_threadpool(_snapshot, token)
    except _Answer as answer:
        return _error(answer.lang or lang, answer.status, answer.key, **answer.params)
    return JSONResponse(data, headers=NO_STORE)


async def post_scans(request: Request) -> JSONResponse:
    lang = errors.lang_of(request)
    token = _bearer(request)
    if token is None:
        return _error(lang, 401, "auth.signed_out")
    try:
        data = await read_json(request, MAX_BODY)
    except BadBody as bad:
        return _error(lang, bad.status, "err.bad_request.body")
    try:
        answer = await run_in_threadpool(_record, token, data)
    except _Answer as refused:
        return _error(refused.lang or lang, refused.status, refused.key, **refused.params)
    return JSONResponse(answer, headers=NO_STORE)


ROUTES.append(Route("/api/gate/snapshot", get_snapshot, methods=["GET"]))
ROUTES.append(Route("/api/gate/offline-scans", post_scans, methods=["POST"]))

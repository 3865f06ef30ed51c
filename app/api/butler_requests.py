"""HTTP routes of the butler's request form as the phone's outbox uses them (assets/js/butler_request.js).

- `GET /api/field/requests`: what the phone keeps to show the form without signal: the types, the
  grids she answers for today (names) and the form's messages in both languages.
- `POST /api/field/requests`: one request the phone queued: `{cid, kind, household, content, urgent,
  contact_phone, lang}`. Registered once by its client id (`app.domain.requests.butler_intake`):
  a resend answers the first registration. The answer: `{id, no, label, household_id}`; a refusal
  `{error, key, field}` (403 for another grid's household, audited; 422 for bad input), in the
  user's language. Its photos follow through `POST /api/evidence` (kind "request", the id answered).

Both need `Authorization: Bearer <session token>` of a butler (`request.butler_intake`); a refusal
of the role is audited (`auth.authorize`).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.evidence import _error, _lang
from app.api.field import _keep
from app.api.outbox import NO_STORE, BadBody, read_json, refusal, token_of
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import auth, clock, grids, households
from app.domain.errors import DomainError, Refused
from app.domain.requests import butler_intake
from app.domain.requests.vocabulary import RESIDENT_KINDS
from app.i18n import CATALOGS, translate

ACTION = butler_intake.ACTION
MAX_BODY = 16 * 1024
_PREFIXES = ("butler_request.", "field.", "rr.kind.", "household.", "request.bad_kind", "form.", "phone.invalid")
# the field a refusal is shown next to
_FIELD_OF = {
    "butler_request.other_grid": "household", "household.unreadable": "household",
    "household.not_found": "household", "household.need_entrance": "household",
    "request.bad_kind": "kind", "butler_request.urgent_repairs_only": "urgent",
}


def _texts() -> dict[str, dict[str, str]]:
    out = {}
    for lang, cat in CATALOGS.items():
        texts = {k: v for k, v in cat.items() if k.startswith(_PREFIXES)}
        for f in ("household", "content"):
            texts[f"required.{f}"] = translate(lang, "form.required", field=f)
        out[lang] = texts
    return out


def _form(token: str | None) -> tuple[dict[str, Any] | None, DomainError | None, str]:
    with session_scope() as db:
        try:
            actor = auth.authorize(db, token, ACTION)
        except Refused as err:
            refused = err  # committed: the refusal's audit entry stays
        else:
            lang = actor.language if actor.language in CATALOGS else "zh"
            mine = grids.grids_answered_for(db, actor.id, clock.today(), community_id=actor.community_id)
            names = dict((g, n) for g, n, _ in grids.grids_of(db, actor.community_id or 0))
            return {"staff": actor.id, "kinds": list(RESIDENT_KINDS), "grids": [names.get(g, "") for g in mine],
                    "texts": _texts(), "lang": lang}, None, lang
    return None, refused, ""


async def form(request: Request) -> Response:
    lang = _lang(request)
    body, err, actor_lang = await run_in_threadpool(_form, token_of(request))
    if err is not None:
        return refusal(actor_lang or lang, err)
    return JSONResponse(body, headers=NO_STORE)


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key, "")
    return value if isinstance(value, str) else ""


def _register(token: str | None, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | DomainError]:
    refused: Refused | None = None
    with session_scope() as db:
        try:
            auth.authorize(db, token, ACTION)
        except Refused as err:
            refused = err  # committed: the refusal's audit entry stays
    if refused is not None:
        return (401 if refused.key == "auth.signed_out" else 403), refused
    try:
        with session_scope() as db:
            actor = auth.authorize(db, token, ACTION)
            filed = butler_intake.register(
                db, actor, kind=_text(payload, "kind"), household=_text(payload, "household"),
                content=_text(payload, "content"), urgent=payload.get("urgent") is True,
                contact_phone=_text(payload, "contact_phone"), client_id=_text(payload, "cid") or None)
            req = filed.request
            return 200, {"id": req.id, "no": f"#{req.id}", "cid": req.client_id,
                         "household_id": req.household_id, "label": households.label(db, req.household_id)}
    except DomainError as err:
        _keep(err)  # the refusal of another grid's household is audited in its own transaction
        return (403 if isinstance(err, Refused) else 422), err


async def submit(request: Request) -> Response:
    lang = _lang(request)
    try:
        payload = await read_json(request, MAX_BODY)
    except BadBody as bad:
        return _error(lang, bad.status, "form.invalid")
    if payload.get("lang") in CATALOGS:
        lang = payload["lang"]
    status, answer = await run_in_threadpool(_register, token_of(request), payload)
    if isinstance(answer, DomainError):
        body = {"error": translate(lang, answer.key, **answer.params), "key": answer.key,
                "field": _FIELD_OF.get(answer.key, answer.params.get("field", ""))}
        return JSONResponse(body, status_code=status, headers=NO_STORE)
    return JSONResponse(answer, headers=NO_STORE)


ROUTES.extend(
    [
        Route("/api/field/requests", form, methods=["GET"]),
        Route("/api/field/requests", submit, methods=["POST"]),
    ]
)

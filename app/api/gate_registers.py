"""HTTP routes of the gate's registers as the phone's outbox uses them (assets/js/field_registers.js).

- `GET /api/gate/registers`: what the phone keeps for registering without signal: the
  community's renovations under way with their permits (household label, permit number,
  owner, until: never the resident list), today's goods and the visitors inside as the
  server has them, and the registers' messages in both languages.
- `POST /api/gate/registers/sync`: a batch of queued register actions in the order they were
  made: `{sent_at, lang, actions: [{cid, kind, at, offline, ...}]}` (kinds: goods, visitor,
  visitor_left). Each is applied once by its client id in its own transaction
  (`app.domain.gate_registers_field`); a refused one is answered with its reason in the user's
  language and the rest go on. The answer: `{results: [{cid, ok, kind, id, disputed, message,
  key}], snapshot, clock_off}`.
- `GET /api/gate/registers/household?text=3-1-502`: while online, the typed household's label and
  permit (or why it cannot be found, in the user's language), as the screen showed before.

Both need `Authorization: Bearer <session token>` of someone who may keep the gate's registers
(guards, the front desk); each action is authorized again for its own register. A refusal of the
role is audited.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.evidence import _error, _lang, photo_links
from app.api.field import _keep, _ms
from app.api.outbox import refusal as _refusal
from app.api.outbox import sync_handler
from app.api.outbox import token_of as _token
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import auth, clock, gate, households
from app.domain import gate_registers_field as registers
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.patrols.field import phone_clock
from app.i18n import CATALOGS, translate

log = logging.getLogger(__name__)

ACTION = "gate.goods"
MAX_BATCH = 100
MAX_BODY = 128 * 1024
_NO_STORE = {"Cache-Control": "no-store"}
_PREFIXES = ("field.", "gate_reg.", "gate_regf.", "gate.direction.", "gate.confirmed.", "household.",
             "gate.no_permit", "gate.goods_need_confirmation", "phone.invalid", "common.cancel")
# the client-side checks say what the server would: "请填写物品" for each required field
_REQUIRED = ("items", "name", "confirmed_name", "household")


def _texts() -> dict[str, dict[str, str]]:
    out = {}
    for lang, cat in CATALOGS.items():
        texts = {k: v for k, v in cat.items() if k.startswith(_PREFIXES)}
        for f in _REQUIRED:
            texts[f"required.{f}"] = translate(lang, "form.required", field=f)
        out[lang] = texts
    return out


def snapshot(db, actor: Actor) -> dict[str, Any]:
    """The registers as the phone keeps them (JSON-ready)."""
    goods = [
        {"id": g.id, "cid": g.client_id, "at": _ms(g.at), "phone_at": _ms(g.phone_at), "direction": g.direction,
         "items": g.items, "household": g.household,
         "carrier": " ".join(x for x in (g.carrier_name, g.carrier_phone) if x), "confirmed_by": g.confirmed_by,
         "confirmed_name": g.confirmed_name, "gate": g.gate,
         "thumb": photo_links(g.photo_id)[0] if g.photo_id else "", "offline": g.offline,
         "clock_off": g.clock_off, "disputed": g.permit_disputed}
        for g in registers.goods_today(db, actor)
    ] if actor.can("gate.goods") else []
    visitors = [
        {"id": v.id, "cid": v.client_id, "name": v.name, "phone": v.phone, "purpose": v.purpose,
         "household": v.household, "gate": v.gate, "at": _ms(v.arrived_at), "phone_at": _ms(v.phone_at),
         "offline": v.offline, "clock_off": v.clock_off}
        for v in registers.visitors_inside(db, actor)
    ] if actor.can("gate.visitor") else []
    permits = [
        {"b": p.building, "e": p.entrance, "room": p.room, "label": p.label, "permit_no": p.permit_no,
         "owner": p.owner, "until": p.until.isoformat()}
        for p in registers.permits(db, actor)
    ] if actor.can("gate.goods") else []
    return {"permits": permits, "goods": goods, "visitors": visitors, "staff": actor.id,
            "server_now": _ms(clock.now())}


def _read(token: str | None) -> tuple[dict[str, Any] | None, DomainError | None, str]:
    refusal: DomainError | None = None
    with session_scope() as db:
        try:
            actor = auth.authorize(db, token, ACTION)
        except Refused as err:
            refusal = err  # committed: the refusal's audit entry stays
        else:
            lang = actor.language if actor.language in CATALOGS else "zh"
            return {"snapshot": snapshot(db, actor), "texts": _texts(), "lang": lang}, None, lang
    return None, refusal, ""


async def registers_snapshot(request: Request) -> Response:
    lang = _lang(request)
    body, err, actor_lang = await run_in_threadpool(_read, _token(request))
    if err is not None:
        return _refusal(actor_lang or lang, err)
    return JSONResponse(body, headers=_NO_STORE)


def _look(token: str | None, text: str) -> tuple[dict[str, Any] | None, DomainError | None, str]:
    refusal: DomainError | None = None
    with session_scope() as db:
        try:
            actor = auth.authorize(db, token, ACTION)
        except Refused as err:
            refusal = err
        else:
            lang = actor.language if actor.language in CATALOGS else "zh"
            try:
                home = households.find(db, actor.community_id or 0, text)
            except DomainError as err:
                return None, err, lang
            permit = gate.permit_for(db, actor, home.id or 0)
            return {"label": households.label(db, home.id), "permit": None if permit is None else {
                "permit_no": permit.permit_no, "owner": permit.owner_name, "until": permit.planned_end.isoformat(),
                "label": households.label(db, home.id)}}, None, lang
    return None, refusal, ""


async def household(request: Request) -> Response:
    """The typed household while online: its label and permit, or why it cannot be found (as the server
    will say at sync); offline the phone checks against its permit list instead."""
    lang = _lang(request)
    text = request.query_params.get("text", "")[:80]
    body, err, actor_lang = await run_in_threadpool(_look, _token(request), text)
    if err is not None:
        if isinstance(err, Refused):
            return _refusal(actor_lang or lang, err)
        return _error(actor_lang or lang, 404, err.key, **err.params)
    return JSONResponse(body, headers=_NO_STORE)


def _apply_batch(token: str | None, payload: dict[str, Any], lang: str) -> tuple[dict[str, Any] | None, DomainError | None]:
    actions = payload.get("actions")
    if not isinstance(actions, list) or len(actions) > MAX_BATCH:
        return None, DomainError("form.invalid")
    with session_scope() as db:
        try:
            auth.authorize(db, token, ACTION)
        except Refused as err:
            return None, err
    pc = phone_clock(payload.get("sent_at"))
    results = []
    for action in actions:
        cid = action.get("cid") if isinstance(action, dict) and isinstance(action.get("cid"), str) else ""
        kind = action.get("kind") if isinstance(action, dict) else ""
        try:
            with session_scope() as db:
                actor = auth.authorize(db, token, registers.action_of(action))
                done = registers.apply(db, actor, action, pc)
            results.append({"cid": done.client_id, "ok": True, "kind": done.kind, "id": done.record_id,
                            "disputed": done.permit_disputed})
        except DomainError as err:
            _keep(err)
            if err.key == "auth.signed_out":
                return None, err
            results.append({"cid": cid[:40], "ok": False, "kind": kind if isinstance(kind, str) else "",
                            "key": err.key, "message": translate(lang, err.key, **err.params)})
    with session_scope() as db:
        state = snapshot(db, auth.authorize(db, token, ACTION))
    return {"results": results, "snapshot": state, "clock_off": pc.off}, None


sync = sync_handler(_apply_batch, max_body=MAX_BODY, what="gate registers")


ROUTES.extend(
    [
        Route("/api/gate/registers", registers_snapshot, methods=["GET"]),
        Route("/api/gate/registers/sync", sync, methods=["POST"]),
        Route("/api/gate/registers/household", household, methods=["GET"]),
    ]
)

"""HTTP routes of the patrol walk as the phone's outbox uses them (assets/js/field_walk.js).

- `GET /api/field/patrols/{id}`: the walk as the phone keeps it for going offline: the
  patrol, its stops with what the phone needs to recognise each tag without the server
  (the SHA-256 of the QR's token, the typed code), the visits and ticks recorded so far,
  the photos (signed links) and the walk's messages in both languages.
- `POST /api/field/sync`: a batch of queued actions of one patrol, in the order they were
  made: `{patrol_id, sent_at, lang, actions: [{cid, kind, at, ...}]}`. Each action is
  applied once by its client id in its own transaction (`app.domain.patrols.field`); a
  refused one is answered with its reason in the user's language and the rest go on.
  The answer: `{results: [{cid, ok, message, key, visit_id, checkpoint_id}], clock_off}`.

Both need `Authorization: Bearer <session token>` of someone who may walk patrols; the
patrol must be the caller's own (the domain checks it). A refusal of the role is audited.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.evidence import _lang, photo_items
from app.api.outbox import NO_STORE as _NO_STORE
from app.api.outbox import refusal, sync_handler, token_of
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import auth, clock, evidence, patrols, work_orders
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.i18n import CATALOGS, translate

log = logging.getLogger(__name__)

ACTION = "patrol.walk"
MAX_BATCH = 200  # actions per request; the phone sends the rest in the next one
MAX_BODY = 256 * 1024
# the messages the phone's walk screen uses, sent with the snapshot in both languages
_PREFIXES = ("field.", "patrol.", "workorder.dept.", "net.", "common.cancel")


def _texts() -> dict[str, dict[str, str]]:
    return {lang: {k: v for k, v in cat.items() if k.startswith(_PREFIXES)} for lang, cat in CATALOGS.items()}


def _ms(at) -> int | None:
    return int(at.timestamp() * 1000) if at else None


def snapshot(db, actor: Actor, patrol_id: int) -> dict[str, Any]:
    """The walk as the phone keeps it (JSON-ready)."""
    v = patrols.view(db, actor, patrol_id)
    stops = []
    for s in v.stops:
        photos = photo_items(evidence.photos_for(db, actor, patrols.VISIT_PHOTO_KIND, s.visit_id)) if s.visit_id else []
        stops.append({
            "checkpoint_id": s.checkpoint_id, "name": s.name, "place": s.place, "code": s.code,
            "tag_hash": s.tag_hash, "visit_id": s.visit_id or 0, "visit_cid": s.visit_client_id,
            "scanned": _ms(s.scanned_at), "phone_at": _ms(s.phone_at), "offline": s.offline,
            "clock_off": s.clock_off, "photos": s.photos,
            "thumbs": [p.thumb_url for p in photos][-6:],
            "items": [
                {"id": i.id, "category": i.category, "text": i.text, "note": i.note,
                 "result": "" if i.passed is None else ("pass" if i.passed else "fail")}
                for i in s.items
            ],
        })
    return {
        "id": v.id, "route": v.route_name, "grid": v.grid_name, "status": v.status,
        "started": _ms(v.started_at), "finished": _ms(v.finished_at), "late": v.late, "missed": v.missed,
        "offline": v.offline, "walker": v.walker_id, "stops": stops,
        "departments": list(work_orders.DEPARTMENTS), "server_now": _ms(clock.now()),
    }


def _actor(db, token: str | None) -> Actor:
    """The caller, who must be signed in and may walk patrols (a refused role is audited)."""
    return auth.authorize(db, token, ACTION)


def _read_patrol(token: str | None, patrol_id: int) -> tuple[dict[str, Any] | None, DomainError | None, str]:
    refusal: DomainError | None = None
    with session_scope() as db:
        try:
            actor = _actor(db, token)
        except Refused as err:
            refusal = err  # committed: the refusal's audit entry stays
        else:
            lang = actor.language if actor.language in CATALOGS else "zh"
            try:
                return {"patrol": snapshot(db, actor, patrol_id), "texts": _texts(), "lang": lang}, None, lang
            except DomainError as err:
                return None, err, lang
    return None, refusal, ""


async def patrol_snapshot(request: Request) -> Response:
    lang = _lang(request)
    patrol_id: int = request.path_params["patrol_id"]
    body, err, actor_lang = await run_in_threadpool(_read_patrol, token_of(request), patrol_id)
    if err is not None:
        return refusal(actor_lang or lang, err)
    return JSONResponse(body, headers=_NO_STORE)


def _keep(err: DomainError) -> None:
    for write in err.keep:
        with session_scope() as db:
            write(db)


def _apply_batch(token: str | None, payload: dict[str, Any], lang: str) -> tuple[dict[str, Any] | None, DomainError | None]:
    patrol_id = payload.get("patrol_id")
    actions = payload.get("actions")
    if not isinstance(patrol_id, int) or isinstance(patrol_id, bool) or patrol_id <= 0 or not isinstance(actions, list) \
            or len(actions) > MAX_BATCH:
        return None, DomainError("form.invalid")
    with session_scope() as db:
        try:
            actor = _actor(db, token)
        except Refused as err:
            refusal = err
        else:
            refusal = None
    if refusal is not None:
        return None, refusal
    pc = patrols.field.phone_clock(payload.get("sent_at"))
    results = []
    for action in actions:
        cid = action.get("cid") if isinstance(action, dict) and isinstance(action.get("cid"), str) else ""
        try:
            with session_scope() as db:
                actor = _actor(db, token)
                done = patrols.field.apply(db, actor, patrol_id, action, pc)
            results.append({"cid": done.client_id, "ok": True, "visit_id": done.visit_id,
                            "checkpoint_id": done.checkpoint_id})
        except DomainError as err:
            _keep(err)  # e.g. the audit entry of a refused (forged, superseded) tag
            if err.key == "auth.signed_out":
                return None, err
            results.append({"cid": cid[:40], "ok": False, "key": err.key,
                            "message": translate(lang, err.key, **err.params)})
    # the phone merges the results into its copy and fetches the whole walk once its queue is empty
    return {"results": results, "clock_off": pc.off}, None


sync = sync_handler(_apply_batch, max_body=MAX_BODY, what="field")


ROUTES.extend(
    [
        Route("/api/field/patrols/{patrol_id:int}", patrol_snapshot, methods=["GET"]),
        Route("/api/field/sync", sync, methods=["POST"]),
    ]
)

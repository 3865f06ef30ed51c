"""`POST /api/links/renew`: a fresh signed link for one that expired on a page left open.

The expired-link page (`app.api.errors`) runs in the app's origin, so it can
read the sign-in token the app keeps in the browser and ask for a fresh link
with it (`Authorization: Bearer <token>`, JSON body `{"link": "/api/...?exp=&sig="}`).
A link is renewed only when
- its signature is genuine (it was made by a state for someone once), and
- the person signed in now may open that file, checked here as the states check
  before they sign: evidence photos ("evidence.view" in the photo's community;
  a hidden photo only with "evidence.hide"), grid posters ("grid.plan" in the
  grid's community).
Anything else is refused (the page then offers its way back, which reloads the
page and so signs fresh links). Answers `{"link": fresh}` or `{"error", "key"}`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.api import errors, links
from app.api.routes import ROUTES
from app.db.models import EvidencePhoto, Grid
from app.db.session import session_scope
from app.domain import auth
from app.i18n import translate

_PHOTO = re.compile(r"/api/evidence/(\d{1,12})/(?:thumb|full)\.jpg")
_POSTER = re.compile(r"/api/grids/(\d{1,12})/poster\.(?:pdf|png)")
NO_STORE = {"Cache-Control": "no-store"}


def _may_open(token: str, path: str) -> bool:
    with session_scope() as db:
        actor = auth.resolve(db, token)
        if actor is None or actor.must_change_password or actor.community_id is None:
            return False
        if m := _PHOTO.fullmatch(path):
            photo = db.get(EvidencePhoto, int(m.group(1)))
            return (photo is not None and actor.can("evidence.view")
                    and photo.community_id == actor.community_id
                    and (not photo.hidden or actor.can("evidence.hide")))
        if m := _POSTER.fullmatch(path):
            grid = db.get(Grid, int(m.group(1)))
            return grid is not None and actor.can("grid.plan") and grid.community_id == actor.community_id
    return False


def _refused(request: Request, status: int, key: str) -> JSONResponse:
    lang = errors.lang_of(request)
    return JSONResponse({"error": translate(lang, key), "key": key}, status_code=status, headers=NO_STORE)


async def renew(request: Request) -> JSONResponse:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        return _refused(request, 401, "auth.signed_out")
    try:
        body = await request.json()
    except ValueError:
        return _refused(request, 400, "err.bad_request.body")
    link = body.get("link") if isinstance(body, dict) else None
    if not isinstance(link, str) or len(link) > 400:
        return _refused(request, 400, "err.bad_request.body")
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    exp = (query.get("exp") or [None])[0]
    sig = (query.get("sig") or [None])[0]
    if parts.scheme or parts.netloc or links.check(parts.path, exp, sig) == links.INVALID:
        return _refused(request, 403, "err.forbidden.body")
    if not await run_in_threadpool(_may_open, token.strip(), parts.path):
        return _refused(request, 403, "err.forbidden.body")
    return JSONResponse({"link": links.sign(parts.path)}, headers=NO_STORE)


ROUTES.append(Route("/api/links/renew", renew, methods=["POST"]))

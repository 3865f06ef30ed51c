"""HTTP routes for evidence photos: the upload from the phone, and the files by signed link.

`POST /api/evidence` (multipart: kind, subject_id, client_id, claimed_at_ms,
lang, file; header `Authorization: Bearer <session token>`) stores one photo
through `app.domain.evidence.attach`. A resident has no session: the header
`Authorization: Link <private link token>` stores the photo against the request
that link opens (`app.domain.resident_requests.attach_photo`, which decides:
open request only, capped; kind and subject_id of the form are then ignored). The body is read as a stream and cut off
past 25 MB; parsing, decoding and the database work run in a worker thread so
the event loop (every phone's websocket) never waits for an ingest, and the
row commits only after its files exist (`session_scope` around `attach`).
Answers JSON: `{id, thumb_url, full_url}` or `{error, key}` (the message in
the user's language) with a 4xx status.

`GET /api/evidence/{id}/thumb.jpg` and `/full.jpg` serve the stored files only
with a valid signed link (`app.api.links`), made by a state for someone who
passed the role check (`photo_links`). A hidden photo is still served by a
valid link: links are only made for people allowed to see it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import FormParser
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from app.api import links
from app.api.routes import ROUTES
from app.db.models import EvidencePhoto
from app.db.session import session_scope
from app.domain import auth, evidence, requests, resident_requests
from app.domain.errors import DomainError, Refused
from app.i18n import translate

log = logging.getLogger("app.api.evidence")

# the file may be 25 MB; the form around it (boundaries, small fields) gets a little room
FORM_SLACK = 64 * 1024
MAX_BODY = evidence.MAX_BYTES + FORM_SLACK
# at most this many ingests decode at once per worker (memory: a 12-MP decode is ~40 MB)
INGEST_SLOTS = threading.BoundedSemaphore(4)
CACHE = "private, max-age=600"
# one ingest at a time per client id in this worker: a phone's retries that arrive together
# wait for the first and get its answer, instead of decoding and writing files that the
# unique index then throws away (across workers the index still decides)
_CLIENT_LOCKS: dict[str, list] = {}
_CLIENT_LOCKS_GUARD = threading.Lock()
_FILES = {"thumb.jpg": True, "full.jpg": False}


def thumb_path(photo_id: int) -> str:
    return f"/api/evidence/{photo_id}/thumb.jpg"


def full_path(photo_id: int) -> str:
    return f"/api/evidence/{photo_id}/full.jpg"


def photo_links(photo: EvidencePhoto | evidence.PhotoView | int) -> tuple[str, str]:
    """(thumb_url, full_url): signed short-lived links to one photo's files.

    Make them only for someone who passed the role check for this photo.
    """
    photo_id = photo if isinstance(photo, int) else photo.id
    if photo_id is None:
        raise ValueError("photo has no id yet")
    return links.sign(thumb_path(photo_id)), links.sign(full_path(photo_id))


@dataclass(frozen=True)
class PhotoItem:
    """One photo as `app.ui.components.evidence.photo_strip` shows it, with signed links."""

    id: int
    thumb_url: str
    full_url: str
    time: str  # "YYYY-MM-DD HH:MM", local
    short: str  # "MM-DD HH:MM" under a 96 px thumbnail
    claimed: str
    author: str
    place: str
    hidden: bool
    stop: str = ""  # the checkpoint it was taken at, on a patrol's detail


def photo_items(views: Iterable[evidence.PhotoView]) -> list[PhotoItem]:
    """The photos with fresh signed links, for a screen's photo strip."""
    out = []
    for v in views:
        thumb, full = photo_links(v)
        out.append(PhotoItem(v.id, thumb, full, v.received_at, v.received_at[5:], v.claimed_at, v.author, v.place,
                             v.hidden))
    return out


# --- the upload -----------------------------------------------------------------------


def _lang(request: Request) -> str:
    """The language of an early answer: `lang` query, else Accept-Language, else zh.

    (Once the form is read, its `lang` field wins.)
    """
    if request.query_params.get("lang") in ("zh", "en"):
        return request.query_params["lang"]
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def _error(lang: str, status: int, key: str, **params: object) -> JSONResponse:
    return JSONResponse(
        {"error": translate(lang, key, **params), "key": key},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _status_of(err: DomainError) -> int:
    if isinstance(err, Refused):
        return 401 if err.key == "auth.signed_out" else 403
    if err.key == "evidence.too_large":
        return 413
    if err.key == "evidence.client_id_taken":
        return 409
    if err.key == "http.bad_form":
        return 400
    return 422


BEARER = "bearer"
LINK = "link"


def _credential(request: Request) -> tuple[str, str] | None:
    """("bearer", session token) for staff, ("link", private link token) for a resident."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    scheme = scheme.lower()
    if scheme not in (BEARER, LINK) or not token.strip() or len(token) > 512:
        return None
    return scheme, token.strip()


def _resolve(token: str | None) -> auth.Actor | None:
    with session_scope() as db:
        return auth.resolve(db, token)


def _link_open(link: str) -> bool:
    with session_scope() as db:
        return requests.by_link(db, link) is not None


def _parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None, str]:
    """(fields, file bytes, file name) of a multipart body; in memory, in the worker thread.

    A body that is not a multipart form (no boundary, garbage, cut short) raises
    DomainError("http.bad_form"): a 400 with a message, never a 500 the phone retries.
    """
    try:
        return _parse_form_unchecked(content_type, body)
    except DomainError:
        raise
    except (FormParserError, ValueError, UnicodeError, LookupError, AttributeError) as exc:
        raise DomainError("http.bad_form") from exc


def _parse_form_unchecked(content_type: str, body: bytes) -> tuple[dict[str, str], bytes | None, str]:
    fields: dict[str, str] = {}
    files: list[tuple[bytes, str]] = []

    def on_field(field) -> None:
        name = (field.field_name or b"").decode("utf-8", "replace")
        value = field.value or b""
        fields[name] = value.decode("utf-8", "replace")[:200]

    def on_file(file) -> None:
        if (file.field_name or b"") != b"file" or files:
            return
        file.file_object.seek(0)
        files.append((file.file_object.read(), (file.file_name or b"").decode("utf-8", "replace")))

    parser = FormParser(
        "multipart/form-data",
        on_field,
        on_file,
        boundary=_boundary(content_type),
        config={"MAX_MEMORY_FILE_SIZE": MAX_BODY + 1, "MAX_BODY_SIZE": MAX_BODY + 1},
    )
    parser.write(body)
    parser.finalize()
    if not files:
        return fields, None, ""
    return fields, files[0][0], files[0][1]


def _boundary(content_type: str) -> bytes:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "boundary" and value:
            try:
                boundary = value.strip('"').encode("latin-1")
            except UnicodeError:
                break
            # RFC 2046: 1-70 characters
            if 0 < len(boundary) <= 70:
                return boundary
            break
    raise DomainError("http.bad_form")


@contextmanager
def _one_at_a_time(client_id: str) -> Iterator[None]:
    with _CLIENT_LOCKS_GUARD:
        entry = _CLIENT_LOCKS.setdefault(client_id, [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _CLIENT_LOCKS_GUARD:
            entry[1] -= 1
            if entry[1] == 0:
                _CLIENT_LOCKS.pop(client_id, None)


def _int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text or len(text) > 16 or not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()):
        return None
    return int(text)


def _ingest(
    token: str | None, content_type: str, body: bytes, link: str | None = None
) -> dict[str, Any]:
    """Parse the form and attach the photo (worker thread). Returns the JSON answer.

    `token`: a staff session; or `link`: a resident's private link token.
    """
    try:
        fields, data, file_name = _parse_form(content_type, body)
    except DomainError as err:
        raise _WithLang(err, "") from err
    lang = fields.get("lang") if fields.get("lang") in ("zh", "en") else ""
    kind = fields.get("kind", "").strip()
    subject_id = _int_or_none(fields.get("subject_id"))
    if data is None or (link is None and (not kind or subject_id is None)):
        raise _WithLang(DomainError("evidence.bad_request"), lang)
    if len(data) > evidence.MAX_BYTES:
        raise _WithLang(
            DomainError("evidence.too_large", max_mb=evidence.MAX_BYTES // (1024 * 1024)), lang
        )
    common: dict[str, Any] = {
        "data": data,
        "client_id": fields.get("client_id", ""),
        "claimed_at_ms": _int_or_none(fields.get("claimed_at_ms")),
        "root": evidence.evidence_root(),
        "filename_hint": file_name,
    }

    def by_staff(db) -> EvidencePhoto:
        # re-resolved in this transaction: signed out meanwhile means refused
        actor = auth.resolve(db, token)
        if actor is None:
            raise Refused("auth.signed_out")
        if actor.must_change_password:
            raise Refused("auth.must_change_password")
        assert subject_id is not None
        return evidence.attach(db, actor, kind=kind, subject_id=subject_id, **common)

    def by_resident(db) -> EvidencePhoto:
        assert link is not None
        return resident_requests.attach_photo(db, link, **common)

    try:
        with _one_at_a_time(str(common["client_id"])[:64]), INGEST_SLOTS, session_scope() as db:
            photo_id = (by_staff if link is None else by_resident)(db).id
    except DomainError as err:
        raise _WithLang(err, lang) from err
    assert photo_id is not None
    thumb, full = photo_links(photo_id)
    return {"id": photo_id, "thumb_url": thumb, "full_url": full}


class _WithLang(Exception):
    """A domain error from the worker thread, with the language the form asked for."""

    def __init__(self, err: DomainError, lang: str) -> None:
        super().__init__(err.key)
        self.err = err
        self.lang = lang


async def upload(request: Request) -> Response:
    lang = _lang(request)
    cred = _credential(request)
    token = cred[1] if cred and cred[0] == BEARER else None
    link = cred[1] if cred and cred[0] == LINK else None
    if link is not None:
        # a resident: the link must open a request (checked again in the transaction)
        if not await run_in_threadpool(_link_open, link):
            return _error(lang, 403, "request.link_unknown")
    else:
        actor = await run_in_threadpool(_resolve, token) if token else None
        if actor is None:
            return _error(lang, 401, "auth.signed_out")
        if actor.language in ("zh", "en") and "lang" not in request.query_params:
            lang = actor.language
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return _error(lang, 415, "evidence.bad_request")
    try:
        _boundary(content_type)  # before reading the body
    except DomainError as err:
        return _error(lang, 400, err.key)
    too_large = {"max_mb": evidence.MAX_BYTES // (1024 * 1024)}
    declared = _int_or_none(request.headers.get("content-length"))
    if declared is not None and declared > MAX_BODY:
        return _error(lang, 413, "evidence.too_large", **too_large)
    # read the stream, never more than MAX_BODY + 1 bytes
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return _error(lang, 413, "evidence.too_large", **too_large)
            chunks.append(chunk)
    except ClientDisconnect:
        return Response(status_code=499)
    body = b"".join(chunks)
    del chunks
    try:
        answer = await run_in_threadpool(_ingest, token, content_type, body, link)
    except _WithLang as wrapped:
        err = wrapped.err
        return _error(wrapped.lang or lang, _status_of(err), err.key, **err.params)
    except Exception:  # noqa: BLE001 - logged; the phone retries a 5xx with the same client id
        log.exception("evidence upload failed")
        return _error(lang, 500, "evidence.server_error")
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


# --- the files ------------------------------------------------------------------------


def _stored_path(photo_id: int, thumb: bool):
    from app.db.session import get_engine

    with Session(get_engine()) as db:
        photo = db.get(EvidencePhoto, photo_id)
        if photo is None:
            return None
        return evidence.path_of(photo, thumb=thumb)


async def photo_file(request: Request) -> Response:
    photo_id: int = request.path_params["photo_id"]
    which: str = request.path_params["which"]
    if which not in _FILES:
        return Response(status_code=404)
    if (refused := links.refusal(request)) is not None:
        return refused
    path = await run_in_threadpool(_stored_path, photo_id, _FILES[which])
    if path is None or not path.is_file():
        return Response(status_code=404)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": CACHE})


ROUTES.extend(
    [
        Route("/api/evidence", upload, methods=["POST"]),
        Route("/api/evidence/{photo_id:int}/{which}", photo_file, methods=["GET", "HEAD"]),
    ]
)

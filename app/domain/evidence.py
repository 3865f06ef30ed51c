"""Photo evidence: the shared module patrols, requests and renovations attach photos with.

What a phone camera sends (JPEG, PNG, WebP) is checked, turned upright (EXIF
orientation), reduced to a ≤1600 px derivative and a ≤320 px thumbnail, and
stamped with the server's time, the place and the author. Only the two
derived files are kept; the SHA-256 of the bytes received and of the
derivative, and the capture time the phone claims, go into the row.

Evidence is append-only: a supervisor may hide a photo (audited), nobody
deletes one. Files are written atomically under the evidence root before the
row is added; a crash between the two leaves files without a row, which
`find_orphans` / `cleanup_orphans` find and remove.

Speed: a 12-MP JPEG is decoded at a reduced scale (`Image.draft`, before
anything loads it) and the small result is rotated, never the full image.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import settings
from app.db.models import EvidencePhoto, Staff
from app.domain import audit, auth, clock, roles, validation
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text

MAX_BYTES = 25 * 1024 * 1024
DERIVATIVE_PX = 1600
THUMB_PX = 320
DERIVATIVE_QUALITY = 82
THUMB_QUALITY = 75
LOCAL_TZ = clock.ZONE_NAME
RESAMPLE = Image.Resampling.BOX

# CJK fonts tried in order; the first that exists is used for the watermark.
FONT_CANDIDATES: list[str] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]

_ORIENTATION_TAG = 0x0112
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011

# EXIF orientation -> the transpose that turns the stored pixels upright
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_DARKEN = [round(v * 0.45) for v in range(256)] * 3
_TMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Processed:
    """The result of `process`: the two files to store and what the row records."""

    derivative: bytes  # JPEG, ≤1600 px, upright, watermarked
    thumb: bytes  # JPEG, ≤320 px
    width: int
    height: int
    sha256_original: str
    sha256_derivative: str
    bytes_original: int
    claimed_at: datetime | None
    source_format: str


# --- checking and decoding ------------------------------------------------------------


def sniff(data: bytes) -> str:
    """The format the bytes claim by their magic number: JPEG, PNG or WEBP.

    Refuses HEIC/HEIF (pillow-heif is not installed) and anything else.
    """
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(len(data), 64), 4)}
        if brands & _HEIC_BRANDS:
            raise DomainError("evidence.heic_unsupported")
    raise DomainError("evidence.not_image")


def _pixel_limit() -> int:
    """The most pixels a photo may have: `settings.MAX_IMAGE_PIXELS` (APP_MAX_IMAGE_PIXELS,
    default 50 MP, a 48-MP phone photo fits), or Pillow's own guard when that is lower."""
    limit = settings.MAX_IMAGE_PIXELS
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, int(Image.MAX_IMAGE_PIXELS))
    return limit


# Pillow's decompression-bomb guard (which every Image.open in the process checks, also
# outside this module) at the same limit; `_decode` checks the header size itself first.
Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS


def _parse_claimed(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal as aware UTC; its OffsetTimeOriginal, else Asia/Shanghai."""
    try:
        ifd = exif.get_ifd(_EXIF_IFD)
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the claim
        return None
    raw = ifd.get(_DATETIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = None
    offset = ifd.get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset.strip("\x00 ")) >= 6:
        text = offset.strip("\x00 ")
        try:
            sign = -1 if text[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))
        except (ValueError, IndexError):
            tz = None
    if tz is None:
        tz = clock.ZONE
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):
        img = img.point(lambda v: v / 256).convert("L") if img.mode != "F" else img.convert("L")
    return img.convert("RGB")


def _fit(img: Image.Image, limit: int) -> Image.Image:
    """`img` reduced (aspect kept) so its longer side is at most `limit`.

    An integer `reduce` first when the ratio allows (cheap box average), then
    an area-average (BOX) resize: after a draft decode the remaining ratio is
    small (2016 -> 1600), where BOX looks the same as bicubic at half the cost.
    """
    w, h = img.size
    longest = max(w, h)
    if longest <= limit:
        return img
    factor = longest // limit
    if factor >= 2:
        img = img.reduce(factor)
        w, h = img.size
        longest = max(w, h)
        if longest <= limit:
            return img
    scale = limit / longest
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return img.resize(size, RESAMPLE)


def _decode(data: bytes, fmt: str) -> tuple[Image.Image, datetime | None]:
    """Open, decode at the smallest scale that still gives ≥1600 px, turn upright.

    Returns an RGB image that fits in DERIVATIVE_PX x DERIVATIVE_PX, and the
    claimed capture time.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=[fmt])
            # the size comes from the header: nothing is decoded before this check
            w, h = img.size
            if w * h > _pixel_limit():
                raise DomainError("evidence.too_many_pixels")
            if w < 1 or h < 1:
                raise DomainError("evidence.corrupt")
            # read the tags before anything loads the pixels
            exif = img.getexif()
            orientation = exif.get(_ORIENTATION_TAG, 1)
            claimed = _parse_claimed(exif)
            scale = min(1.0, DERIVATIVE_PX / max(w, h))
            if fmt == "JPEG" and scale < 1.0:
                # a size with the image's aspect, so the decoder can scale by 1/2..1/8
                img.draft("RGB", (max(1, int(w * scale)), max(1, int(h * scale))))
            img.load()
            img = _to_rgb(img)
            img = _fit(img, DERIVATIVE_PX)
        except DomainError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise DomainError("evidence.too_many_pixels") from exc
        except UnidentifiedImageError as exc:
            # the magic number said image, the decoder found none
            raise DomainError("evidence.corrupt") from exc
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
            raise DomainError("evidence.corrupt") from exc
        except Exception as exc:  # noqa: BLE001 - any decoder failure is a corrupt file
            raise DomainError("evidence.corrupt") from exc
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    if method is not None:
        img = img.transpose(method)
    return img, claimed


# --- watermark ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The first CJK font found on the system, or None."""
    for path in FONT_CANDIDATES:
        if os.path.isfile(path):
            return path
    for base in ("/usr/share/fonts", "/usr/local/share/fonts"):
        for found in sorted(Path(base).glob("**/*CJK*.tt[cf]")) if os.path.isdir(base) else []:
            return str(found)
    return None


@lru_cache(maxsize=32)
def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """(font, covers CJK) at this pixel size; Pillow's default font when no CJK font exists."""
    path = cjk_font_path()
    if path is not None:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            pass
    try:
        return ImageFont.load_default(size), False
    except TypeError:  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default(), False


def watermark_text(received_at: datetime, place: str, author_name: str, author_id: int) -> str:
    local = clock.local(received_at, LOCAL_TZ)
    parts = [local.strftime("%Y-%m-%d %H:%M:%S"), place, author_name or f"#{author_id}"]
    return "  ".join(p for p in parts if p)


def _ascii_only(text: str, author_id: int) -> str:
    """What can be burnt without a CJK font: the ASCII parts, and the author's id."""
    kept = "".join(ch for ch in text if ord(ch) < 128)
    kept = " ".join(kept.split())
    return f"{kept}  #{author_id}" if f"#{author_id}" not in kept else kept


def burn_watermark(img: Image.Image, text: str, author_id: int = 0) -> None:
    """Darken a band at the bottom of `img` and write `text` in it, in place."""
    w, h = img.size
    size = max(10, min(48, round(w * 0.028), round(h * 0.06)))
    font, cjk = _font(size)
    if not cjk:
        text = _ascii_only(text, author_id)
    margin = max(4, size // 2)
    draw = ImageDraw.Draw(img)
    width = draw.textlength(text, font=font)
    if width > w - 2 * margin and width > 0:
        size = max(8, int(size * (w - 2 * margin) / width))
        font, cjk = _font(size)
    band_h = min(h, int(size * 1.7))
    box = (0, h - band_h, w, h)
    img.paste(img.crop(box).point(_DARKEN), box)
    draw.text(
        (margin, h - band_h + (band_h - size) // 2 - size // 10),
        text,
        font=font,
        fill=(255, 255, 255),
    )


# --- processing -----------------------------------------------------------------------


def process(data: bytes, *, watermark: str, author_id: int = 0) -> Processed:
    """Check, decode, orient, reduce, watermark and encode; no file, no database."""
    if len(data) > MAX_BYTES:
        raise DomainError("evidence.too_large", max_mb=MAX_BYTES // (1024 * 1024))
    if not data:
        raise DomainError("evidence.not_image")
    fmt = sniff(data)
    img, claimed = _decode(data, fmt)
    burn_watermark(img, watermark, author_id)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=DERIVATIVE_QUALITY)
    derivative = out.getvalue()
    thumb_img = _fit(img, THUMB_PX)
    out = io.BytesIO()
    thumb_img.save(out, "JPEG", quality=THUMB_QUALITY)
    return Processed(
        derivative=derivative,
        thumb=out.getvalue(),
        width=img.width,
        height=img.height,
        sha256_original=hashlib.sha256(data).hexdigest(),
        sha256_derivative=hashlib.sha256(derivative).hexdigest(),
        bytes_original=len(data),
        claimed_at=claimed,
        source_format=fmt,
    )


# --- files ----------------------------------------------------------------------------


def evidence_root() -> Path:
    """Where evidence files live (`APP_EVIDENCE_DIR`, default data/evidence); private."""
    return settings.EVIDENCE_DIR


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, content: bytes) -> None:
    """Write a temp file beside `path`, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def path_of(photo: EvidencePhoto, *, thumb: bool = False, root: Path | None = None) -> Path:
    """The absolute path of a photo's derivative (or thumbnail)."""
    base = root if root is not None else evidence_root()
    return base / (photo.path_thumb if thumb else photo.path_derivative)


# --- the rows -------------------------------------------------------------------------


def ingest(
    session: Session,
    *,
    data: bytes,
    community_id: int,
    author_id: int,
    author_name: str,
    place: str,
    subject_kind: str,
    subject_id: int,
    root: Path,
    filename_hint: str = "",
    client_id: str | None = None,
    claimed_fallback: datetime | None = None,
    before_insert: Callable[[Session], None] | None = None,
) -> EvidencePhoto:
    """Store one photo as evidence: files first (atomically), then the row (flushed).

    Raises DomainError (nothing stored) for: not an image, HEIC, corrupt,
    over 25 MB, over the pixel limit. `filename_hint` is only kept in the
    audit entry; the stored names come from the content. `client_id` is the
    phone's id of this write (unique); `claimed_fallback` is the capture time
    to record when the photo has no EXIF one (see `attach`). `before_insert`
    runs right before the row is added, after the (slow) decode: a cap that
    locks its subject there holds the lock only for the insert (see `lock_row`).
    """
    kind = clean_text(subject_kind, field="subject_kind", max_length=24)
    place = clean_text(place, field="place", max_length=120, required=False)
    author_name = clean_text(author_name, field="author", max_length=40, required=False)
    received_at = clock.now()
    done = process(
        data,
        watermark=watermark_text(received_at, place, author_name, author_id),
        author_id=author_id,
    )
    claimed_at = done.claimed_at if done.claimed_at is not None else claimed_fallback
    claimed_from = "exif" if done.claimed_at is not None else ("client" if claimed_at else "")
    folder = Path(str(community_id), f"{received_at:%Y}", f"{received_at:%m}")
    stem = f"{done.sha256_original[:16]}-{secrets.token_hex(4)}"
    rel_derivative = (folder / f"{stem}.jpg").as_posix()
    rel_thumb = (folder / f"{stem}_t.jpg").as_posix()
    written: list[Path] = []
    photo: EvidencePhoto | None = None
    try:
        for rel, content in ((rel_derivative, done.derivative), (rel_thumb, done.thumb)):
            target = root / rel
            write_atomic(target, content)
            written.append(target)
        if before_insert is not None:
            before_insert(session)
        photo = EvidencePhoto(
            community_id=community_id,
            subject_kind=kind,
            subject_id=subject_id,
            author_id=author_id,
            place=place,
            received_at=received_at,
            claimed_at=claimed_at,
            sha256_original=done.sha256_original,
            sha256_derivative=done.sha256_derivative,
            width=done.width,
            height=done.height,
            bytes_original=done.bytes_original,
            path_derivative=rel_derivative,
            path_thumb=rel_thumb,
            client_id=client_id,
        )
        session.add(photo)
        session.flush()
        audit.record(
            session,
            "evidence.add",
            actor_id=author_id,
            community_id=community_id,
            subject=f"evidence:{photo.id}",
            after={
                "subject": f"{kind}:{subject_id}",
                "sha256": done.sha256_original,
                "bytes": done.bytes_original,
                "format": done.source_format,
                "claimed_at": claimed_at,
                "claimed_from": claimed_from,
            },
            detail=filename_hint[:200],
        )
    except BaseException:
        if photo is not None and photo in session.new:
            session.expunge(photo)
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return photo


def for_subject(
    session: Session,
    community_id: int,
    subject_kind: str,
    subject_id: int,
    *,
    include_hidden: bool = False,
) -> list[EvidencePhoto]:
    """The photos of one subject, oldest first."""
    stmt = select(EvidencePhoto).where(
        EvidencePhoto.community_id == community_id,
        EvidencePhoto.subject_kind == subject_kind,
        EvidencePhoto.subject_id == subject_id,
    )
    if not include_hidden:
        stmt = stmt.where(col(EvidencePhoto.hidden).is_(False))
    return list(session.exec(stmt.order_by(col(EvidencePhoto.id))))


def hide(
    session: Session, actor_id: int, community_id: int, photo_id: int, reason: str
) -> EvidencePhoto:
    """Hide a photo from the screens (a supervisor's call, audited); the row and files stay."""
    if not roles.allowed(auth.roles_of(session, actor_id), "evidence.hide"):
        raise Refused("evidence.hide_refused")
    photo = session.get(EvidencePhoto, photo_id)
    if photo is None or photo.community_id != community_id:
        raise DomainError("evidence.not_found")
    reason = clean_text(reason, field="reason", max_length=200)
    if photo.hidden:
        raise DomainError("evidence.already_hidden")
    before = {"hidden": False}
    photo.hidden = True
    photo.hidden_by = actor_id
    photo.hidden_at = clock.now()
    photo.hidden_reason = reason
    session.add(photo)
    session.flush()
    audit.record(
        session,
        "evidence.hide",
        actor_id=actor_id,
        community_id=community_id,
        subject=f"evidence:{photo.id}",
        before=before,
        after={"hidden": True, "reason": reason},
    )
    return photo


def lock_row(session: Session, table: type, row_id: int) -> None:
    """Hold `table`'s row `row_id` for the rest of the transaction, so that a count then
    an insert under it is atomic (e.g. a cap on photos per subject).

    PostgreSQL: `SELECT ... FOR UPDATE` (others wait for the commit, then count again
    and see the committed rows). SQLite has no row locks: a no-op UPDATE of the row
    takes the database's write lock (what `BEGIN IMMEDIATE` would), which concurrent
    writers wait for (busy timeout).
    """
    pk = table.id  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa_update(table).where(pk == row_id).values(id=pk))
    else:
        session.execute(select(pk).where(pk == row_id).with_for_update())


# --- subjects: who may attach photos to what -----------------------------------------


@dataclass(frozen=True)
class SubjectInfo:
    """What a feature says about one subject an actor may attach photos to."""

    community_id: int
    place: str  # burnt into the watermark (e.g. "3号楼 东门")
    # called in the same transaction right after the row is added (e.g. mark a check done)
    on_added: Callable[[Session, EvidencePhoto], None] | None = None


# resolver(session, actor, subject_id) -> SubjectInfo; raises Refused/DomainError
# when this actor may not attach photos to this subject
SubjectResolver = Callable[[Session, "auth.Actor", int], SubjectInfo]

_SUBJECTS: dict[str, SubjectResolver] = {}


def register_subject(kind: str, resolver: SubjectResolver) -> None:
    """Let photos be attached to subjects of `kind` ("patrol", "request", ...).

    Each feature registers its kind once at import time; its resolver is the
    only place that decides who may attach photos to which subject. Registering
    a kind again replaces its resolver (module reloads, tests).
    """
    clean_text(kind, field="subject_kind", max_length=24)
    _SUBJECTS[kind] = resolver


def unregister_subject(kind: str) -> None:
    """Forget a kind (tests)."""
    _SUBJECTS.pop(kind, None)


def registered_kinds() -> tuple[str, ...]:
    return tuple(sorted(_SUBJECTS))


def check_client_id(client_id: str | None) -> str:
    """The client-generated id of a write: 1-40 characters of [A-Za-z0-9_-]."""
    return validation.client_id(client_id, key="evidence.bad_client_id")


def _by_client_id(session: Session, client_id: str) -> EvidencePhoto | None:
    return session.exec(select(EvidencePhoto).where(EvidencePhoto.client_id == client_id)).first()


def _same_write(photo: EvidencePhoto, actor: auth.Actor, kind: str, subject_id: int) -> EvidencePhoto:
    """A stored photo with the client id of this write: the retry's answer, or a conflict."""
    if photo.author_id != actor.id or photo.subject_kind != kind or photo.subject_id != subject_id:
        raise DomainError("evidence.client_id_taken")
    return photo


def _claimed_from_ms(claimed_at_ms: int | None) -> datetime | None:
    """The phone's claimed time from a JS timestamp (ms), if it is plausible."""
    if claimed_at_ms is None or isinstance(claimed_at_ms, bool):
        return None
    try:
        at = datetime.fromtimestamp(int(claimed_at_ms) / 1000, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return None
    # a file's lastModified of 0 or far in the future says nothing about the capture
    if at.year < 2000 or at > clock.now() + timedelta(days=2):
        return None
    return at


def attach(
    session: Session,
    actor: auth.Actor,
    *,
    kind: str,
    subject_id: int,
    data: bytes,
    client_id: str,
    claimed_at_ms: int | None,
    root: Path,
    filename_hint: str = "",
    before_insert: Callable[[Session], None] | None = None,
) -> EvidencePhoto:
    """Attach one photo to a subject; applied once per `client_id`.

    - `client_id` (1-40 chars of [A-Za-z0-9_-]) is generated by the phone for
      this write. If a photo with it exists (same author and subject), that
      photo is returned and nothing is stored again: a retried upload is
      applied once. Two concurrent tries with one id: the loser's insert fails
      on the unique index inside a savepoint, its files are removed and the
      winner's row is returned.
    - Otherwise the kind's resolver decides (raises `Refused`/`DomainError`:
      nothing stored), `ingest` stores files then the row (author name =
      `actor.name`, place from the resolver), and the kind's `on_added` hook
      runs in the same transaction.
    - Capture time: the EXIF DateTimeOriginal when the photo has one. A photo
      resized in the browser (canvas) carries no EXIF; then `claimed_at` is
      the time the phone claims through `claimed_at_ms` (the file's
      `lastModified` in ms since the epoch, sent by the browser), when it is
      plausible (after 2000, not in the future by more than 2 days).
      Either way `received_at` is the server's time: both are kept.

    The caller commits (the API route runs this in a worker thread inside
    `session_scope`, so the row commits only after its files exist).
    """
    client_id = check_client_id(client_id)
    if kind not in _SUBJECTS:
        raise DomainError("evidence.unknown_subject")
    if isinstance(subject_id, bool) or not isinstance(subject_id, int):
        raise DomainError("evidence.unknown_subject")
    existing = _by_client_id(session, client_id)
    if existing is not None:
        return _same_write(existing, actor, kind, subject_id)
    info = _SUBJECTS[kind](session, actor, subject_id)
    try:
        with session.begin_nested():
            photo = ingest(
                session,
                data=data,
                community_id=info.community_id,
                author_id=actor.id,
                author_name=actor.name,
                place=info.place,
                subject_kind=kind,
                subject_id=subject_id,
                root=root,
                filename_hint=filename_hint,
                client_id=client_id,
                claimed_fallback=_claimed_from_ms(claimed_at_ms),
                before_insert=before_insert,
            )
    except IntegrityError:
        # another try with this client id committed first (ingest removed our files)
        existing = _by_client_id(session, client_id)
        if existing is None:
            raise
        return _same_write(existing, actor, kind, subject_id)
    if info.on_added is not None:
        info.on_added(session, photo)
    return photo


@dataclass(frozen=True)
class PhotoView:
    """One photo as a screen shows it: plain values (the URLs are made by app.api.evidence)."""

    id: int
    received_at: str  # local time, "YYYY-MM-DD HH:MM"
    claimed_at: str  # local time of the phone's claim, or ""
    author: str
    place: str
    hidden: bool
    width: int
    height: int


def photos_for(session: Session, actor: auth.Actor, kind: str, subject_id: int) -> list[PhotoView]:
    """The photos of one subject that `actor` may see, oldest first.

    Staff of the subject's community with "evidence.view" see its photos;
    hidden ones only those who may hide photos (they are marked `hidden`).
    """
    actor.community_for("evidence.view")
    photos = for_subject(
        session,
        actor.community_id,
        kind,
        subject_id,
        include_hidden=actor.can("evidence.hide"),
    )
    names: dict[int, str] = {}
    ids = {p.author_id for p in photos}
    if ids:
        names = dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(ids))).all())

    def text(at: datetime | None) -> str:
        return clock.local(at, LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if at is not None else ""

    return [
        PhotoView(
            id=p.id or 0,
            received_at=text(p.received_at),
            claimed_at=text(p.claimed_at),
            author=names.get(p.author_id, f"#{p.author_id}"),
            place=p.place,
            hidden=p.hidden,
            width=p.width,
            height=p.height,
        )
        for p in photos
    ]


# --- orphans --------------------------------------------------------------------------


def _files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath) / name


# what `ingest` writes: <community>/<YYYY>/<MM>/<name>.jpg, and `write_atomic`'s temp files;
# nothing else under the root is ever a candidate (a misconfigured root holding other files)
_EVIDENCE_FILE = re.compile(r"\d{1,12}/\d{4}/\d{2}/[^/]+\.(?:jpg|tmp)")


def find_orphans(session: Session, root: Path) -> list[Path]:
    """Evidence files under the root that no row points at (and leftover temp files)."""
    known: set[str] = set()
    for derivative, thumb in session.exec(
        select(EvidencePhoto.path_derivative, EvidencePhoto.path_thumb)
    ):
        known.add(derivative)
        known.add(thumb)
    out = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if rel not in known and _EVIDENCE_FILE.fullmatch(rel):
            out.append(path)
    return sorted(out)


def cleanup_orphans(session: Session, root: Path, older_than: timedelta) -> list[Path]:
    """Delete orphan files last modified more than `older_than` ago; returns them.

    The age keeps an ingest whose row is not committed yet safe: run this with
    a margin well above a request's duration (an hour is plenty).
    """
    cutoff = (clock.now() - older_than).timestamp()
    removed = []
    for path in find_orphans(session, root):
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed

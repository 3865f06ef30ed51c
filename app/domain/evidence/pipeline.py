"""Checking, decoding and deriving one photo (no file, no database): the pipeline.

`sniff` names the format by its magic number; `_decode` opens it, refuses more
pixels than `settings.MAX_IMAGE_PIXELS` from the header (before anything is
decoded), decodes a JPEG at a reduced scale (`Image.draft`) and turns the small
result upright; `process` adds the watermark (time, place, author) and encodes
the ≤1600 px derivative and the ≤320 px thumbnail with their hashes.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from app import settings
from app.domain import clock
from app.domain.errors import DomainError

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

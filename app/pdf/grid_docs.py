"""The grid's printed documents: the butler poster and the sheet of checkpoint QR tags.

Both are A4 portrait pages drawn at 300 dpi (2480 x 3508 px) with Pillow and saved as PDF with
`resolution=300`, so a printer reproduces them at exactly A4 without scaling.

- `render_poster`: the poster posted in the grid's stairwells (公示): the butler's photo, name
  and phone, service hours, the buildings served, the front desk's number and a large QR code
  (~7.5 cm) that opens the resident page.
- `render_tag_sheet`: checkpoint tags, 2 x 4 per page, each with its QR code and a short code
  to type when the camera fails; dashed cut lines between tags.

QR codes are built with error correction M and a 4-module quiet zone, then scaled with NEAREST
by an integer number of pixels per module, so every module edge falls on a printer pixel.

The poster page goes into the PDF as a high-quality JPEG (4:4:4, so coloured edges stay sharp);
the tag sheet is pure black and white and goes in as a lossless 1-bit CCITT G4 image.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from app.domain.evidence import cjk_font_path
from app.domain.grid_planning.poster import PosterCover, PosterData  # the poster's content
from app.i18n import translate
from app.pdf.palette import AMBER_BG, AMBER_INK, GOLD, INK, MUTED, PRIMARY, PRIMARY_LIGHT, WHITE

DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 (210 x 297 mm) at 300 dpi
PREVIEW_W = 800
MAX_PHOTO_PIXELS = 60_000_000  # a larger "photo" is refused rather than decoded

PHOTO_PX = 600
POSTER_QR_PX = 900  # ~7.6 cm printed; the QR is drawn at the largest integer module size <= this
TAG_QR_PX = 630  # ~5.3 cm printed


QR_CAPTION = "微信/相机扫码 联系您的网格管家"


class TagData(NamedTuple):
    """One checkpoint tag; a plain tuple (name, place, short_code, url) works too."""

    name: str
    place: str
    short_code: str
    url: str


@dataclass(frozen=True)
class RenderedDoc:
    """A rendered document: the PDF, a PNG preview of its first page (~800 px wide), and the
    full-resolution page size in pixels (at 300 dpi)."""

    pdf: bytes
    png_preview: bytes
    width_px: int
    height_px: int


# ---------------------------------------------------------------- QR codes


@lru_cache(maxsize=256)
def qr_png(text: str, box_px: int = 10) -> bytes:
    """PNG bytes (1-bit) of the QR code of `text`: error correction M, 4-module quiet zone,
    `box_px` pixels per module."""
    if box_px < 1:
        raise ValueError("box_px must be at least 1")
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=box_px
    )
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def _qr_image(text: str, max_px: int) -> Image.Image:
    """The QR code of `text` as a 1-bit image no larger than max_px, at an integer number of
    pixels per module (NEAREST scaling of the one-pixel-per-module code)."""
    with Image.open(io.BytesIO(qr_png(text, 1))) as base:
        base.load()
        modules = base.width  # quiet zone included
        scale = max(1, max_px // modules)
        return base.convert("1").resize(
            (modules * scale, modules * scale), Image.Resampling.NEAREST
        )


# ---------------------------------------------------------------- fonts and text


@lru_cache(maxsize=4)
def _font_file(bold: bool) -> tuple[str, int]:
    """(path, face index) of the CJK font: the Bold file beside the Regular one when it
    exists, and the Simplified Chinese face of a Noto CJK collection."""
    path = cjk_font_path()
    if path is None:
        raise RuntimeError(
            "no CJK font found: install the Debian package fonts-noto-cjk "
            "(scripts/setup.sh does it)"
        )
    if bold:
        bold_path = path.replace("Regular", "Bold")
        if bold_path != path and os.path.isfile(bold_path):
            path = bold_path
    index = 0
    if path.lower().endswith(".ttc"):
        # Noto Sans CJK collections hold JP, KR, SC, TC, HK faces; pick SC for zh-CN glyph forms
        for i in range(10):
            try:
                family = ImageFont.truetype(path, 12, index=i).getname()[0] or ""
            except OSError:
                break
            if family.endswith(" SC"):
                index = i
                break
    return path, index


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The CJK font at this pixel size; RuntimeError naming fonts-noto-cjk when none exists."""
    path, index = _font_file(bold)
    return ImageFont.truetype(path, size, index=index)


def _fit_font(
    text: str, max_w: float, size: int, bold: bool = False, min_size: int = 24
) -> ImageFont.FreeTypeFont:
    """The largest font (from `size` down to `min_size`) in which `text` fits max_w."""
    while size > min_size and _font(size, bold).getlength(text) > max_w:
        size -= 4
    return _font(max(size, min_size), bold)


def _ellipsize(text: str, font: ImageFont.FreeTypeFont, max_w: float) -> str:
    """`text`, cut and ended with "…" when it is wider than max_w."""
    if font.getlength(text) <= max_w:
        return text
    while text and font.getlength(text + "…") > max_w:
        text = text[:-1]
    return text + "…"


def _wrap_chars(text: str, font: ImageFont.FreeTypeFont, max_w: float) -> list[str]:
    """`text` broken into lines no wider than max_w, at any character (CJK has no spaces)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and font.getlength(line + ch) > max_w:
            lines.append(line.rstrip())
            line = ch.lstrip()
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


def _wrap_lines(text: str, font: ImageFont.FreeTypeFont, max_w: float, max_lines: int) -> list[str]:
    """Character-wrapped lines, at most max_lines, the last ellipsized when text is cut."""
    lines = _wrap_chars(text, font, max_w)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1] + "…", font, max_w)
    return lines


def _break_tokens(tokens: Sequence[str], font: ImageFont.FreeTypeFont, max_w: float) -> list[str]:
    """Tokens laid out in lines no wider than max_w, broken between tokens (a token wider
    than a line is broken inside)."""
    lines: list[str] = []
    line = ""
    for token in tokens:
        if font.getlength(line + token) <= max_w:
            line += token
            continue
        if line:
            lines.append(line)
        parts = _wrap_chars(token, font, max_w)
        lines.extend(parts[:-1])
        line = parts[-1]
    if line:
        lines.append(line)
    return lines


def _wrap_items(
    items: Sequence[str], font: ImageFont.FreeTypeFont, max_w: float, max_lines: int
) -> list[str]:
    """Items joined with "、" in lines no wider than max_w, broken between items. When they
    need more than max_lines, as many whole items as fit are kept and the list ends with
    "等共N处", so the page never overflows."""
    items = [i.strip() for i in items if i.strip()]
    if not items:
        return ["—"]
    lines = _break_tokens([i + "、" for i in items[:-1]] + items[-1:], font, max_w)
    if len(lines) <= max_lines:
        return lines
    suffix = f" 等共{len(items)}处"
    for keep in range(len(items) - 1, 0, -1):
        tokens = [i + "、" for i in items[: keep - 1]] + [items[keep - 1] + suffix]
        lines = _break_tokens(tokens, font, max_w)
        if len(lines) <= max_lines:
            return lines
    return _wrap_lines(items[0] + suffix, font, max_w, max_lines)


def _phone(text: str) -> str:
    """A mainland mobile number grouped 3-4-4 for reading off a wall; anything else as given."""
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) == 11 and digits.isdigit() and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return text.strip()


# ---------------------------------------------------------------- photo


@lru_cache(maxsize=4)
def _rounded_mask(size: int, radius: int) -> Image.Image:
    """An anti-aliased rounded-square mask (drawn 4x and reduced)."""
    big = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(big).rounded_rectangle(
        (0, 0, size * 4 - 1, size * 4 - 1), radius=radius * 4, fill=255
    )
    return big.reduce(4)


def _load_photo(data: bytes | None, size: int) -> Image.Image | None:
    """The photo cropped to a size x size square (upright, RGB), or None when there is no
    photo or it cannot be read: a poster still prints with a broken photo."""
    if not data:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > MAX_PHOTO_PIXELS:
                    return None
                im.draft("RGB", (size, size))  # JPEG: decode at a reduced scale
                upright = ImageOps.exif_transpose(im).convert("RGB")
        return ImageOps.fit(upright, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.35))
    except Exception:  # noqa: BLE001 - any decoder error means "no usable photo"
        return None


def _placeholder(size: int) -> Image.Image:
    """A neutral head-and-shoulders silhouette on a light grey square."""
    im = Image.new("RGB", (size, size), (222, 229, 236))
    d = ImageDraw.Draw(im)
    fg = (160, 174, 188)
    cx = size // 2
    head_r = size * 0.19
    head_cy = size * 0.39
    d.ellipse((cx - head_r, head_cy - head_r, cx + head_r, head_cy + head_r), fill=fg)
    body_w = size * 0.36
    body_top = size * 0.63
    d.ellipse((cx - body_w, body_top, cx + body_w, body_top + size * 0.62), fill=fg)
    return im


def _paste_rounded(page: Image.Image, im: Image.Image, xy: tuple[int, int], radius: int) -> None:
    page.paste(im, xy, _rounded_mask(im.width, radius))


# ---------------------------------------------------------------- output


def _preview_png(page: Image.Image) -> bytes:
    w = PREVIEW_W
    h = round(page.height * w / page.width)
    small = page.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=1.0)
    out = io.BytesIO()
    small.save(out, "PNG", compress_level=3)
    return out.getvalue()


def _pdf(pages: list[Image.Image], **jpeg: int) -> bytes:
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=DPI,
        save_all=True,
        append_images=pages[1:],
        **jpeg,
    )
    return out.getvalue()


# ---------------------------------------------------------------- poster


def cover_note(cover: PosterCover | None) -> str:
    """The poster's line about a leave cover (the poster is printed in Chinese)."""
    if cover is None:
        return ""
    return translate(
        "zh", "grid.poster.deputy_note",
        starts=f"{cover.starts_on.month}月{cover.starts_on.day}日",
        ends=f"{cover.ends_on.month}月{cover.ends_on.day}日",
        name=cover.name, phone=cover.phone,
    )


def render_poster(p: PosterData) -> RenderedDoc:
    """The grid butler poster: one A4 page at 300 dpi, as PDF and PNG preview."""
    page = draw_poster(p)
    return RenderedDoc(
        pdf=_pdf([page], quality=92, subsampling=0),
        png_preview=_preview_png(page),
        width_px=page.width,
        height_px=page.height,
    )


def draw_poster(p: PosterData) -> Image.Image:
    """The poster page itself (RGB, 2480 x 3508 px), before it goes into the PDF."""
    page = Image.new("RGB", (PAGE_W, PAGE_H), WHITE)
    d = ImageDraw.Draw(page)
    margin = 140
    inner_w = PAGE_W - 2 * margin
    cx = PAGE_W // 2

    # header band: community name and the service line
    d.rectangle((0, 0, PAGE_W - 1, 419), fill=PRIMARY)  # rows 0..419
    f = _fit_font(p.community_name, inner_w, 112, bold=True, min_size=60)
    d.text((cx, 170), _ellipsize(p.community_name, f, inner_w), font=f, fill=WHITE, anchor="mm")
    d.text((cx, 318), "网格管家 · 为您服务", font=_font(72), fill=(214, 231, 244), anchor="mm")

    # grid name
    f = _fit_font(p.grid_name, inner_w, 104, bold=True, min_size=56)
    d.text((cx, 545), _ellipsize(p.grid_name, f, inner_w), font=f, fill=PRIMARY, anchor="mm")

    # card: photo on the left; name, badge, phone and hours on the right
    card_top, card_bottom = 680, 680 + PHOTO_PX + 100
    d.rounded_rectangle(
        (margin, card_top, PAGE_W - margin - 1, card_bottom), radius=48, fill=PRIMARY_LIGHT
    )
    photo = _load_photo(p.butler_photo, PHOTO_PX) or _placeholder(PHOTO_PX)
    px, py = margin + 50, card_top + 50
    _paste_rounded(page, photo, (px, py), 44)
    if p.is_gold_butler:
        d.rounded_rectangle(
            (px - 6, py - 6, px + PHOTO_PX + 6, py + PHOTO_PX + 6), radius=50, outline=GOLD, width=8
        )

    tx = px + PHOTO_PX + 80
    text_w = PAGE_W - margin - 60 - tx
    badge = "金牌管家" if p.is_gold_butler else ""
    badge_font = _font(60, bold=True)
    badge_w = int(badge_font.getlength(badge)) + 70 if badge else 0
    name_max = text_w - (badge_w + 40 if badge else 0)
    f = _fit_font(p.butler_name, name_max, 160, bold=True, min_size=72)
    name = _ellipsize(p.butler_name, f, name_max)
    name_y = py + 95
    d.text((tx, name_y), name, font=f, fill=INK, anchor="lm")
    if badge:
        bx = tx + int(f.getlength(name)) + 40
        d.rounded_rectangle((bx, name_y - 50, bx + badge_w, name_y + 50), radius=50, fill=GOLD)
        d.text((bx + badge_w // 2, name_y), badge, font=badge_font, fill=WHITE, anchor="mm")
    d.text((tx, py + 250), "联系电话", font=_font(54), fill=MUTED, anchor="lm")
    phone = _phone(p.butler_phone)
    f = _fit_font(phone, text_w, 136, bold=True, min_size=64)
    d.text((tx, py + 360), _ellipsize(phone, f, text_w), font=f, fill=PRIMARY, anchor="lm")
    hours = f"服务时间：{p.service_hours}"
    f = _fit_font(hours, text_w, 64, min_size=40)
    d.text((tx, py + 525), _ellipsize(hours, f, text_w), font=f, fill=INK, anchor="lm")

    # scope, front desk, deputy note
    y = card_bottom + 80
    f = _font(64)
    line_h = 96
    label = "服务范围："
    label_w = f.getlength(label)
    scope = _wrap_items(p.buildings, f, inner_w - label_w, max_lines=3)
    d.text((margin, y), label, font=f, fill=MUTED, anchor="la")
    for line in scope:
        d.text((margin + label_w, y), line, font=f, fill=INK, anchor="la")
        y += line_h
    label = "客服前台："
    d.text((margin, y), label, font=f, fill=MUTED, anchor="la")
    desk = _ellipsize(p.front_desk_phone, f, inner_w - label_w)
    d.text((margin + label_w, y), desk, font=f, fill=INK, anchor="la")
    y += line_h
    note = p.deputy_note.strip() or cover_note(p.cover)
    if note:
        nf = _font(56)
        lines = _wrap_lines(note, nf, inner_w - 100, max_lines=2)
        box_h = 50 + 80 * len(lines)
        y += 10
        d.rounded_rectangle((margin, y, PAGE_W - margin - 1, y + box_h), radius=28, fill=AMBER_BG)
        for i, line in enumerate(lines):
            d.text((margin + 50, y + 25 + 80 * i), line, font=nf, fill=AMBER_INK, anchor="la")
        y += box_h
    info_bottom = y

    # QR code, centred in the space left above the footer
    footer_top = PAGE_H - 170
    qr = _qr_image(p.resident_url, POSTER_QR_PX)
    caption_h = 150
    block_h = qr.height + caption_h
    free = footer_top - info_bottom
    qy = info_bottom + max(20, (free - block_h) // 2)
    qx = cx - qr.width // 2
    d.rounded_rectangle(
        (qx - 24, qy - 24, qx + qr.width + 24, qy + qr.height + 24),
        radius=36,
        outline=PRIMARY,
        width=6,
    )
    page.paste(qr.convert("RGB"), (qx, qy))
    f = _fit_font(QR_CAPTION, inner_w, 68, bold=True, min_size=40)
    d.text((cx, qy + qr.height + 100), QR_CAPTION, font=f, fill=INK, anchor="mm")

    # footer
    d.line(
        (margin, footer_top + 30, PAGE_W - margin - 1, footer_top + 30),
        fill=(210, 218, 226),
        width=3,
    )
    small = _font(36)
    d.text(
        (margin, footer_top + 95),
        _ellipsize(f"{p.community_name} · {p.grid_name}", small, inner_w / 2),
        font=small,
        fill=MUTED,
        anchor="lm",
    )
    d.text(
        (PAGE_W - margin, footer_top + 95),
        _ellipsize(f"生成于 {p.generated_at}", small, inner_w / 2 - 40),
        font=small,
        fill=MUTED,
        anchor="rm",
    )

    return page


# ---------------------------------------------------------------- checkpoint tags

TAG_COLS, TAG_ROWS = 2, 4
TAGS_PER_PAGE = TAG_COLS * TAG_ROWS
_SHEET_X0, _SHEET_Y0 = 90, 90
_CELL_W = (PAGE_W - 2 * _SHEET_X0) // TAG_COLS  # 1150
_CELL_H = (PAGE_H - _SHEET_Y0 - 160) // TAG_ROWS  # 814


def _dashed(
    d: ImageDraw.ImageDraw,
    start: tuple[int, int],
    end: tuple[int, int],
    dash: int = 26,
    gap: int = 18,
    width: int = 3,
) -> None:
    (x0, y0), (x1, y1) = start, end
    if y0 == y1:
        for x in range(x0, x1, dash + gap):
            d.line((x, y0, min(x + dash, x1), y0), fill=0, width=width)
    else:
        for y in range(y0, y1, dash + gap):
            d.line((x0, y, x0, min(y + dash, y1)), fill=0, width=width)


def _draw_tag(
    page: Image.Image, d: ImageDraw.ImageDraw, x: int, y: int, header: str, tag: TagData
) -> None:
    pad = 44
    qr = _qr_image(tag.url, min(TAG_QR_PX, _CELL_H - 2 * pad - 110))
    qx, qy = x + pad, y + pad - 10
    page.paste(qr.convert("L"), (qx, qy))
    code = f"编码 {tag.short_code}"
    code_font = _fit_font(code, qr.width, 64, bold=True, min_size=36)
    d.text((qx + qr.width // 2, y + _CELL_H - pad - 40), code, font=code_font, fill=0, anchor="mm")

    tx = qx + qr.width + 36
    tw = x + _CELL_W - pad - tx
    ty = y + pad + 10
    small = _font(32)
    for line in _wrap_lines(header, small, tw, max_lines=2):
        d.text((tx, ty), line, font=small, fill=0, anchor="la")
        ty += 44
    ty += 30
    name_font = _font(58, bold=True)
    for line in _wrap_lines(tag.name, name_font, tw, max_lines=3):
        d.text((tx, ty), line, font=name_font, fill=0, anchor="la")
        ty += 78
    ty += 16
    place_font = _font(40)
    for line in _wrap_lines(tag.place, place_font, tw, max_lines=3):
        d.text((tx, ty), line, font=place_font, fill=0, anchor="la")
        ty += 56
    hint = "巡查时扫码打卡；扫不出时输入二维码下方的编码"
    hint_lines = _wrap_lines(hint, small, tw, max_lines=3)
    hy = y + _CELL_H - pad - 44 * len(hint_lines)
    for line in hint_lines:
        d.text((tx, hy), line, font=small, fill=0, anchor="la")
        hy += 44


def _bilevel(page: Image.Image) -> Image.Image:
    """A grey-scale page thresholded at mid-grey to 1-bit, no dithering."""
    return page.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)


def render_tag_sheet(community_name: str, grid_name: str, tags: list[TagData]) -> RenderedDoc:
    """A4 sheets of checkpoint QR tags, 2 columns x 4 rows per page (more pages when there
    are more than 8 tags), with dashed cut lines; the preview shows the first page."""
    pages = draw_tag_pages(community_name, grid_name, tags)
    preview = _preview_png(pages[0])
    if features.check("libtiff"):
        # pure black and white: lossless 1-bit CCITT G4, crisp and small
        pdf = _pdf([_bilevel(pg) for pg in pages])
    else:
        pdf = _pdf(pages, quality=92)
    return RenderedDoc(pdf=pdf, png_preview=preview, width_px=PAGE_W, height_px=PAGE_H)


def draw_tag_pages(community_name: str, grid_name: str, tags: list[TagData]) -> list[Image.Image]:
    """The tag sheet's pages (grey-scale "L", 2480 x 3508 px each), before they go into the PDF."""
    if not tags:
        raise ValueError("no checkpoint tags to print")
    tags = [TagData(*t) for t in tags]
    header = f"{community_name} · {grid_name}"
    n_pages = (len(tags) + TAGS_PER_PAGE - 1) // TAGS_PER_PAGE
    pages: list[Image.Image] = []
    for page_no in range(n_pages):
        page = Image.new("L", (PAGE_W, PAGE_H), 255)
        d = ImageDraw.Draw(page)
        chunk = tags[page_no * TAGS_PER_PAGE : (page_no + 1) * TAGS_PER_PAGE]
        for i, tag in enumerate(chunk):
            col, row = i % TAG_COLS, i // TAG_COLS
            _draw_tag(page, d, _SHEET_X0 + col * _CELL_W, _SHEET_Y0 + row * _CELL_H, header, tag)
        rows_used = (len(chunk) + TAG_COLS - 1) // TAG_COLS
        x_end = _SHEET_X0 + TAG_COLS * _CELL_W
        y_end = _SHEET_Y0 + rows_used * _CELL_H
        for r in range(rows_used + 1):
            yy = _SHEET_Y0 + r * _CELL_H
            _dashed(d, (_SHEET_X0, yy), (x_end, yy))
        for c in range(TAG_COLS + 1):
            xx = _SHEET_X0 + c * _CELL_W
            _dashed(d, (xx, _SHEET_Y0), (xx, y_end))
        foot = f"{header}  巡查点二维码  沿虚线剪开  第 {page_no + 1} / {n_pages} 页"
        d.text((PAGE_W // 2, PAGE_H - 80), foot, font=_font(32), fill=0, anchor="mm")
        pages.append(page)
    return pages

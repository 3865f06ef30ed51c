"""The printed documents of a renovation: the permit for the door, the responsibility letter and
the sheet of worker pass cards.

All are A4 portrait pages at 300 dpi drawn with Pillow in the style of `app.pdf.grid_docs` (same
fonts, QR drawing and PDF output), in Chinese. The data comes in plain dataclasses filled by the
caller (`app.api.renovation_docs`); this module only draws.

- `render_permit`: 装修许可证 — permit number, household, owner, contractor, scope, dates and
  daily hours, the stage (and a red "停工待验" band when the works are held) and a large QR of
  the permit page's URL with the short code beside it.
- `render_letter`: 装修安全责任书 — the clauses with household and parties filled in and
  signature lines for owner, contractor and the property company.
- `render_pass_sheet`: 施工人员出入证 — 8 cards a page (2 x 4): photo, name, trade, household,
  valid dates and hours, the QR (the pass page's URL) with the short code beside it; dashed cut lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from app.pdf.grid_docs import (
    PAGE_H,
    PAGE_W,
    RenderedDoc,
    _dashed,
    _ellipsize,
    _font,
    _load_photo,
    _pdf,
    _placeholder,
    _preview_png,
    _qr_image,
    _wrap_chars,
)
from app.pdf.palette import AMBER_BG, AMBER_INK, INK, MUTED, PRIMARY, PRIMARY_LIGHT, RED, WHITE

MARGIN = 170
CONTENT_W = PAGE_W - 2 * MARGIN
PERMIT_QR_PX = 820
CARD_QR_PX = 380
CARD_PHOTO_PX = 300


@dataclass(frozen=True)
class PermitData:
    community_name: str
    permit_no: str
    household: str
    owner: str
    contractor: str  # company and contact person, phone
    scope: list[str]  # Chinese labels
    waterproofing: list[str]
    hot_work: bool
    planned: str  # "2026-05-01 至 2026-06-30"
    hours: str  # "08:00–18:00"
    stage: str  # Chinese label
    hold: str  # Chinese text of a hold, "" when none
    token: str  # what the QR carries: the permit page's URL (<base>/p/<token>)
    issued_on: str
    front_desk_phone: str = ""
    code: str = ""  # the short code printed beside the QR (K7QH-4MXP), typed when a camera fails


@dataclass(frozen=True)
class LetterData:
    community_name: str
    household: str
    owner: str
    owner_phone: str
    contractor_company: str
    contractor_contact: str
    contractor_phone: str
    planned: str
    hours: str
    deposit: str  # "¥2000.00" or ""
    signed_on: str = ""


@dataclass(frozen=True)
class PassCard:
    name: str
    trade: str
    household: str
    valid: str  # "05-01 至 06-30"
    hours: str
    token: str  # what the QR carries: the pass page's URL (<base>/w/<token>)
    photo: bytes | None = None
    pass_no: str = ""
    code: str = ""  # the short code printed beside the QR (K7QH-4MXP), typed when a camera fails


@dataclass(frozen=True)
class PassSheetData:
    community_name: str
    cards: list[PassCard] = field(default_factory=list)


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("RGB", (PAGE_W, PAGE_H), WHITE)
    return page, ImageDraw.Draw(page)


def _center(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, bold: bool = False,
            fill: tuple[int, int, int] = INK) -> int:
    font = _font(size, bold)
    w = font.getlength(text)
    draw.text(((PAGE_W - w) / 2, y), text, font=font, fill=fill)
    return y + int(size * 1.4)


def _rows(draw: ImageDraw.ImageDraw, y: int, rows: list[tuple[str, str]], *, x: int = MARGIN,
          width: int = CONTENT_W, size: int = 58) -> int:
    label_font, value_font = _font(size - 6), _font(size, True)
    label_w = 330
    for label, value in rows:
        draw.text((x, y + 4), label, font=label_font, fill=MUTED)
        lines = _wrap_chars(value or "—", value_font, width - label_w)[:3]
        for line in lines:
            draw.text((x + label_w, y), line, font=value_font, fill=INK)
            y += int(size * 1.35)
        y += 18
    return y


def _done(pages: list[Image.Image]) -> RenderedDoc:
    return RenderedDoc(pdf=_pdf(pages, quality=90, subsampling=0), png_preview=_preview_png(pages[0]),
                       width_px=pages[0].width, height_px=pages[0].height)


# ---------------------------------------------------------------- permit


def draw_permit(p: PermitData) -> Image.Image:
    page, draw = _page()
    draw.rectangle((0, 0, PAGE_W, 40), fill=PRIMARY)
    y = _center(draw, 140, p.community_name, 64, fill=MUTED)
    y = _center(draw, y + 10, "装修许可证", 150, True, PRIMARY)
    y = _center(draw, y + 20, f"编号 {p.permit_no}", 60, True)
    y += 40
    if p.hold:
        draw.rectangle((MARGIN, y, PAGE_W - MARGIN, y + 150), fill=RED)
        font = _font(80, True)
        w = font.getlength(p.hold)
        draw.text(((PAGE_W - w) / 2, y + 30), _ellipsize(p.hold, font, CONTENT_W - 40), font=font, fill=WHITE)
        y += 190
    scope = "、".join(p.scope) or "—"
    if p.waterproofing:
        scope += "；防水：" + "、".join(p.waterproofing)
    if p.hot_work:
        scope += "；含动火作业（须当日动火许可）"
    y = _rows(draw, y, [
        ("房屋", p.household), ("业主", p.owner), ("施工单位", p.contractor), ("施工范围", scope),
        ("施工工期", p.planned), ("施工时间", f"每日 {p.hours}"), ("当前阶段", p.stage),
    ])
    qr = _qr_image(p.token, PERMIT_QR_PX)
    # the QR on the left, the short code large beside it (typed at the gate when a camera fails)
    qx = MARGIN + 30
    qy = max(y + 30, PAGE_H - qr.height - 440)
    draw.rounded_rectangle((qx - 30, qy - 30, qx + qr.width + 30, qy + qr.height + 30), radius=30,
                           fill=PRIMARY_LIGHT)
    page.paste(qr.convert("RGB"), (qx, qy))
    cx = qx + qr.width + 90
    cw = PAGE_W - MARGIN - cx
    cy = qy + 60
    for text, size, bold, fill in (("门岗及巡查人员扫码核验", 56, True, INK), ("手机扫码查看许可状态", 46, False, MUTED)):
        font = _font(size, bold)
        draw.text((cx, cy), _ellipsize(text, font, cw), font=font, fill=fill)
        cy += int(size * 1.5)
    if p.code:
        cy += 80
        font = _font(46)
        draw.text((cx, cy), _ellipsize("无法扫码时输入此编码", font, cw), font=font, fill=MUTED)
        cy += 80
        draw.text((cx, cy), p.code, font=_font(_fit(p.code, 130, cw), True), fill=INK)
    draw.rectangle((MARGIN, PAGE_H - 300, PAGE_W - MARGIN, PAGE_H - 150), fill=AMBER_BG)
    note = "请张贴于入户门外显眼处，施工期间不得遮挡或损毁"
    if p.front_desk_phone:
        note += f" · 服务中心 {p.front_desk_phone}"
    font = _font(50)
    draw.text((MARGIN + 40, PAGE_H - 260), _ellipsize(note, font, CONTENT_W - 80), font=font, fill=AMBER_INK)
    draw.text((MARGIN, PAGE_H - 120), f"签发日期 {p.issued_on}", font=_font(44), fill=MUTED)
    return page


def _fit(text: str, size: int, width: int, bold: bool = True) -> int:
    """The largest font size up to `size` at which `text` fits `width` pixels."""
    while size > 24 and _font(size, bold).getlength(text) > width:
        size -= 4
    return size


def render_permit(p: PermitData) -> RenderedDoc:
    return _done([draw_permit(p)])


# ---------------------------------------------------------------- letter

CLAUSES = (
    "一、业主及施工单位应遵守《住宅室内装饰装修管理办法》及本小区装修管理规定，按批准的施工范围施工，"
    "不得擅自变动建筑主体和承重结构，不得改变外立面，不得违章搭建。",
    "二、施工时间为每日 {hours}，节假日及休息时间不得进行噪音较大的作业；装修垃圾应袋装并运至指定地点。",
    "三、卫生间、厨房、阳台等防水区域施工后须做闭水试验，经物业验收确认后方可继续施工；"
    "隐蔽工程须经物业验收合格后方可封闭。",
    "四、动火作业须事先取得物业的当日动火许可，并配备看火人和灭火器材；不得私拉乱接电线。",
    "五、施工人员凭出入证进出小区，出入证不得转借；人员变动应及时到服务中心办理。",
    "六、物业将定期巡查，发现违规行为将发出整改通知，逾期未整改的从装修保证金中扣除相应费用；"
    "造成公共部位或他人财产损失的，由业主和施工单位承担赔偿责任。",
    "七、装修完工后须申请竣工验收，验收合格并回访后，无息退还保证金余额{deposit}。",
)


def draw_letter(p: LetterData) -> Image.Image:
    page, draw = _page()
    draw.rectangle((0, 0, PAGE_W, 30), fill=PRIMARY)
    y = _center(draw, 140, p.community_name, 60, fill=MUTED)
    y = _center(draw, y, "装修安全责任书", 120, True, PRIMARY)
    y += 30
    y = _rows(draw, y, [
        ("房屋", p.household), ("业主", f"{p.owner}  {p.owner_phone}"),
        ("施工单位", p.contractor_company or "（个人施工）"),
        ("施工负责人", f"{p.contractor_contact}  {p.contractor_phone}"),
        ("施工工期", p.planned),
    ], size=52)
    y += 20
    font = _font(48)
    deposit = f"（{p.deposit}）" if p.deposit else ""
    for clause in CLAUSES:
        for line in _wrap_chars(clause.format(hours=p.hours, deposit=deposit), font, CONTENT_W):
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += 68
        y += 20
    y = max(y + 60, PAGE_H - 720)
    sig = _font(52)
    for i, who in enumerate(("业主（签字）", "施工负责人（签字）", "物业服务中心（盖章）")):
        yy = y + i * 190
        draw.text((MARGIN, yy), who, font=sig, fill=INK)
        draw.line((MARGIN + 560, yy + 62, MARGIN + 1300, yy + 62), fill=INK, width=4)
        draw.text((MARGIN + 1380, yy), "日期", font=sig, fill=INK)
        draw.line((MARGIN + 1510, yy + 62, PAGE_W - MARGIN, yy + 62), fill=INK, width=4)
    if p.signed_on:
        draw.text((MARGIN, PAGE_H - 130), f"已于 {p.signed_on} 签署", font=_font(44), fill=MUTED)
    return page


def render_letter(p: LetterData) -> RenderedDoc:
    return _done([draw_letter(p)])


# ---------------------------------------------------------------- pass cards

COLS, ROWS = 2, 4
CARD_W, CARD_H = (PAGE_W - 2 * 120) // COLS, (PAGE_H - 2 * 120) // ROWS


def _draw_card(page: Image.Image, draw: ImageDraw.ImageDraw, x: int, y: int, c: PassCard,
               community: str) -> None:
    pad = 40
    draw.rectangle((x + pad, y + pad, x + CARD_W - pad, y + pad + 90), fill=PRIMARY)
    title = _font(50, True)
    draw.text((x + pad + 24, y + pad + 16), _ellipsize(f"施工人员出入证 · {community}", title, CARD_W - 2 * pad - 48),
              font=title, fill=WHITE)
    photo = _load_photo(c.photo, CARD_PHOTO_PX) or _placeholder(CARD_PHOTO_PX)
    page.paste(photo, (x + pad, y + pad + 120))
    tx = x + pad + CARD_PHOTO_PX + 30
    tw = CARD_W - 2 * pad - CARD_PHOTO_PX - 30
    ty = y + pad + 120
    name = _font(72, True)
    draw.text((tx, ty), _ellipsize(c.name, name, tw), font=name, fill=INK)
    ty += 100
    small = _font(42)
    for line in (c.trade, c.household):
        draw.text((tx, ty), _ellipsize(line, small, tw), font=small, fill=INK)
        ty += 56
    if c.pass_no:
        draw.text((tx, ty + 6), c.pass_no, font=_font(32), fill=MUTED)
    qr = _qr_image(c.token, CARD_QR_PX)
    lw = CARD_W - 2 * pad - qr.width - 20
    qy = y + CARD_H - pad - qr.height
    page.paste(qr.convert("RGB"), (x + CARD_W - pad - qr.width, qy))
    ly = y + pad + 120 + CARD_PHOTO_PX + 20
    for line in (f"有效 {c.valid}", f"时间 {c.hours}"):
        draw.text((x + pad, ly), _ellipsize(line, small, lw), font=small, fill=INK)
        ly += 52
    if c.code:  # the short code, large beside the QR: what a guard types when the camera fails
        hint = _font(34)
        draw.text((x + pad, ly + 8), _ellipsize("无法扫码时输入此编码", hint, lw), font=hint, fill=MUTED)
        draw.text((x + pad, ly + 52), c.code, font=_font(_fit(c.code, 84, lw), True), fill=INK)


def draw_pass_pages(d: PassSheetData) -> list[Image.Image]:
    cards = d.cards or []
    pages = []
    for start in range(0, max(len(cards), 1), COLS * ROWS):
        page, draw = _page()
        for i, c in enumerate(cards[start:start + COLS * ROWS]):
            col, row = i % COLS, i // COLS
            _draw_card(page, draw, 120 + col * CARD_W, 120 + row * CARD_H, c, d.community_name)
        for col in range(COLS + 1):
            xx = 120 + col * CARD_W
            _dashed(draw, (xx, 120), (xx, 120 + ROWS * CARD_H))
        for row in range(ROWS + 1):
            yy = 120 + row * CARD_H
            _dashed(draw, (120, yy), (120 + COLS * CARD_W, yy))
        if not cards:
            _center(draw, PAGE_H // 2, "暂无有效出入证", 80, True, MUTED)
        pages.append(page)
    return pages


def render_pass_sheet(d: PassSheetData) -> RenderedDoc:
    return _done(draw_pass_pages(d))


__all__ = ["LetterData", "PassCard", "PassSheetData", "PermitData", "draw_letter", "draw_pass_pages",
           "draw_permit", "render_letter", "render_pass_sheet", "render_permit"]

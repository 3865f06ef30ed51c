"""Printable reports: the quarterly management report for owners and the half-monthly summary.

One A4 portrait page each, drawn at 300 dpi with Pillow in the style of
`app.pdf.grid_docs` (same fonts, colours and PDF output), in Chinese. The
quarterly report carries two bar charts drawn here (no plotting library):
requests by month (received / handled / on time) and by category.
The figures come from `app.domain.reports`; this module only draws them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw

from app.domain import clock
from app.domain.reports import HalfMonthSummary, QuarterReport, mean, percent
from app.i18n import translate
from app.pdf.grid_docs import (
    INK,
    MUTED,
    PAGE_H,
    PAGE_W,
    PRIMARY,
    PRIMARY_LIGHT,
    WHITE,
    RenderedDoc,
    _ellipsize,
    _font,
    _pdf,
    _preview_png,
    _wrap_chars,
)

MARGIN = 170
CONTENT_W = PAGE_W - 2 * MARGIN
SERIES = ((14, 90, 138), (88, 166, 214), (64, 160, 96))  # received, handled, on time
LINE = (205, 213, 222)
RED = (196, 48, 43)


def _zh(key: str, **params: object) -> str:
    return translate("zh", key, **params)


def _category(key: str) -> str:
    return _zh(f"request.category.{key}")


@dataclass(frozen=True)
class Header:
    community_name: str
    generated_at: datetime


def _title(draw: ImageDraw.ImageDraw, title: str, subtitle: str) -> int:
    draw.rectangle((0, 0, PAGE_W, 26), fill=PRIMARY)
    y = 150
    draw.text((MARGIN, y), title, font=_font(92, True), fill=INK)
    y += 140
    draw.text((MARGIN, y), subtitle, font=_font(44), fill=MUTED)
    y += 90
    draw.line((MARGIN, y, PAGE_W - MARGIN, y), fill=PRIMARY, width=6)
    return y + 60


def _tiles(draw: ImageDraw.ImageDraw, y: int, tiles: list[tuple[str, str]]) -> int:
    gap = 30
    w = (CONTENT_W - gap * (len(tiles) - 1)) // len(tiles)
    h = 250
    for i, (label, value) in enumerate(tiles):
        x = MARGIN + i * (w + gap)
        draw.rounded_rectangle((x, y, x + w, y + h), radius=24, fill=PRIMARY_LIGHT)
        font = _font(88, True)
        draw.text((x + w / 2, y + 100), value, font=font, fill=PRIMARY, anchor="mm")
        draw.text((x + w / 2, y + 200), _ellipsize(label, _font(40), w - 20), font=_font(40),
                  fill=MUTED, anchor="mm")
    return y + h + 70


def _heading(draw: ImageDraw.ImageDraw, y: int, text: str) -> int:
    draw.rectangle((MARGIN, y + 8, MARGIN + 14, y + 62), fill=PRIMARY)
    draw.text((MARGIN + 40, y), text, font=_font(56, True), fill=INK)
    return y + 100


def _legend(draw: ImageDraw.ImageDraw, x: int, y: int, names: list[str]) -> None:
    font = _font(38)
    for color, name in zip(SERIES, names, strict=False):
        draw.rectangle((x, y + 8, x + 40, y + 48), fill=color)
        draw.text((x + 56, y), name, font=font, fill=INK)
        x += 80 + int(font.getlength(name)) + 40


def bar_chart(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    groups: list[tuple[str, list[int]]],
    series: list[str],
) -> None:
    """Grouped vertical bars: one group per label, one bar per series, value above each bar."""
    x0, y0, x1, y1 = box
    _legend(draw, x0, y0, series)
    top, base = y0 + 110, y1 - 80
    peak = max([v for _, vals in groups for v in vals] + [1])
    step = max(1, -(-peak // 4))  # 4 grid lines, whole numbers
    scale_max = step * 4
    small = _font(34)
    for i in range(5):
        gy = base - (base - top) * i / 4
        draw.line((x0 + 90, gy, x1, gy), fill=LINE, width=2)
        draw.text((x0 + 70, gy), str(step * i), font=small, fill=MUTED, anchor="rm")
    if not groups:
        return
    width = (x1 - x0 - 110) / len(groups)
    bar = min(110, width * 0.8 / max(1, len(series)))
    for g, (label, values) in enumerate(groups):
        gx = x0 + 110 + g * width + (width - bar * len(values)) / 2
        for s, value in enumerate(values):
            bx = gx + s * bar
            h = (base - top) * value / scale_max
            if value:
                draw.rectangle((bx + 4, base - h, bx + bar - 4, base), fill=SERIES[s % len(SERIES)])
            draw.text((bx + bar / 2, base - h - 8), str(value), font=small, fill=INK, anchor="mb")
        draw.text((x0 + 110 + g * width + width / 2, base + 20),
                  _ellipsize(label, _font(38), width - 10), font=_font(38), fill=INK, anchor="mt")
    draw.line((x0 + 90, base, x1, base), fill=INK, width=3)


def _table(draw: ImageDraw.ImageDraw, y: int, headers: list[str], rows: list[list[str]],
           widths: list[float], *, alert_cols: tuple[int, ...] = ()) -> int:
    """A simple ruled table; the first column left-aligned, the others centred."""
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + int(CONTENT_W * w))
    row_h = 86
    draw.rectangle((MARGIN, y, PAGE_W - MARGIN, y + row_h), fill=PRIMARY_LIGHT)
    head = _font(38, True)
    body = _font(40)
    for i, text in enumerate(headers):
        cx = xs[i] + 24 if i == 0 else (xs[i] + xs[i + 1]) / 2
        draw.text((cx, y + row_h / 2), text, font=head, fill=INK, anchor="lm" if i == 0 else "mm")
    y += row_h
    for row in rows:
        for i, text in enumerate(row):
            alert = i in alert_cols and text not in ("0", "—")
            cx = xs[i] + 24 if i == 0 else (xs[i] + xs[i + 1]) / 2
            shown = _ellipsize(text, body, xs[i + 1] - xs[i] - 30)
            draw.text((cx, y + row_h / 2), shown, font=body, fill=RED if alert else INK,
                      anchor="lm" if i == 0 else "mm")
        y += row_h
        draw.line((MARGIN, y, PAGE_W - MARGIN, y), fill=LINE, width=2)
    return y + 50


def _footer(draw: ImageDraw.ImageDraw, lines: list[str], generated_at: datetime) -> None:
    font = _font(32)
    y = PAGE_H - 150 - 46 * len(lines)
    for line in lines:
        for part in _wrap_chars(line, font, CONTENT_W):
            draw.text((MARGIN, y), part, font=font, fill=MUTED)
            y += 46
    stamp = f"生成时间 {clock.local(generated_at):%Y-%m-%d %H:%M}"
    draw.text((PAGE_W - MARGIN, PAGE_H - 110), stamp, font=font, fill=MUTED, anchor="ra")


def _quarter_title(rep: QuarterReport) -> str:
    return f"{rep.period.year}年第{rep.period.q}季度物业管理报告"


def draw_quarterly(head: Header, rep: QuarterReport) -> Image.Image:
    page = Image.new("RGB", (PAGE_W, PAGE_H), WHITE)
    draw = ImageDraw.Draw(page)
    p = rep.period
    y = _title(draw, f"{head.community_name} · {_quarter_title(rep)}",
               f"统计期间 {p.start:%Y年%m月%d日} 至 {p.end:%Y年%m月%d日}（按受理日期）")
    t = rep.total
    y = _tiles(draw, y, [
        ("受理", str(t.received)),
        ("已处理", str(t.handled)),
        ("按时处理率", percent(t.on_time_rate)),
        ("回访率", percent(t.follow_up_rate)),
        ("满意率", percent(t.satisfied_rate)),
    ])
    y = _heading(draw, y, "按月统计")
    bar_chart(draw, (MARGIN, y, PAGE_W - MARGIN, y + 620),
              [(f"{m.month}月", [f.received, f.handled, f.on_time]) for m, f in rep.by_month],
              ["受理", "已处理", "按时处理"])
    y += 680
    y = _heading(draw, y, "按类别统计")
    bar_chart(draw, (MARGIN, y, PAGE_W - MARGIN, y + 620),
              [(_category(c), [f.received, f.handled, f.on_time]) for c, f in rep.by_category],
              ["受理", "已处理", "按时处理"])
    y += 680
    rows = [
        [_category(c), str(f.received), str(f.handled), percent(f.on_time_rate),
         percent(f.follow_up_rate), mean(f.satisfaction), percent(f.satisfied_rate)]
        for c, f in rep.by_category
    ]
    rows.append(["合计", str(t.received), str(t.handled), percent(t.on_time_rate),
                 percent(t.follow_up_rate), mean(t.satisfaction), percent(t.satisfied_rate)])
    _table(draw, y, ["类别", "受理", "已处理", "按时率", "回访率", "满意度(1-5)", "满意率"], rows,
           [0.22, 0.11, 0.12, 0.13, 0.13, 0.17, 0.12])
    _footer(draw, [
        "说明：已处理 = 已解决或已关闭；按时 = 已处理且从未超时（处理记录中无超时记录）；",
        "回访率 = 已回访的有效投诉（报修、投诉）÷ 已解决的有效投诉；满意度为回访评分（1-5分）平均值，满意率为4-5分所占比例。",
    ], head.generated_at)
    return page


def render_quarterly(head: Header, rep: QuarterReport) -> RenderedDoc:
    page = draw_quarterly(head, rep)
    return RenderedDoc(pdf=_pdf([page], quality=90, subsampling=0), png_preview=_preview_png(page),
                       width_px=page.width, height_px=page.height)


def draw_half_month(head: Header, s: HalfMonthSummary) -> Image.Image:
    page = Image.new("RGB", (PAGE_W, PAGE_H), WHITE)
    draw = ImageDraw.Draw(page)
    y = _title(draw, f"{head.community_name} · 半月投诉总结",
               f"{s.period.start:%Y年%m月%d日} 至 {s.period.end:%Y年%m月%d日} · 管理原因投诉（报修、投诉）")
    y = _tiles(draw, y, [("投诉总数", str(s.total)), ("超时", str(s.overdue)), ("不满意", str(s.unsatisfied))])
    y = _heading(draw, y, "按类别")
    y = _table(draw, y, ["类别", "数量", "超时", "不满意"],
               [[_category(x.key), str(x.total), str(x.overdue), str(x.unsatisfied)] for x in s.by_category]
               or [["暂无", "0", "0", "0"]], [0.4, 0.2, 0.2, 0.2], alert_cols=(2, 3))
    y = _heading(draw, y, "按网格")
    rows = [[x.key or "未分网格", str(x.total), str(x.overdue), str(x.unsatisfied)] for x in s.by_grid[:12]]
    y = _table(draw, y, ["网格", "数量", "超时", "不满意"], rows or [["暂无", "0", "0", "0"]],
               [0.4, 0.2, 0.2, 0.2], alert_cols=(2, 3))
    y = _heading(draw, y, "改进措施")
    font = _font(42)
    limit = PAGE_H - 320
    for para in (s.actions or "（尚未填写）").splitlines() or [""]:
        for line in _wrap_chars(para, font, CONTENT_W - 40):
            if y > limit:
                break
            draw.text((MARGIN + 40, y), line, font=font, fill=INK)
            y += 62
    if s.actions_by:
        draw.text((PAGE_W - MARGIN, min(y + 20, limit + 60)), f"主管：{s.actions_by}", font=_font(40),
                  fill=MUTED, anchor="ra")
    _footer(draw, ["管理原因投诉：属于本物业责任范围（非转介）的报修和投诉；超时：处理中曾超过时限；"
                   "不满意：回访评分低于4分。"], head.generated_at)
    return page


def render_half_month(head: Header, s: HalfMonthSummary) -> RenderedDoc:
    page = draw_half_month(head, s)
    return RenderedDoc(pdf=_pdf([page], quality=90, subsampling=0), png_preview=_preview_png(page),
                       width_px=page.width, height_px=page.height)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF this module wrote (Pillow writes one /Type /Page object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


__all__ = ["Header", "bar_chart", "draw_half_month", "draw_quarterly", "page_count",
           "render_half_month", "render_quarterly"]

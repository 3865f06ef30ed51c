"""Text PDFs with fpdf2: A4 pages whose Chinese text is real, selectable and searchable text in
an embedded subset of Noto Sans CJK SC (only the glyphs used go into the file).

Used by the printed reports (`app.pdf.reports`). The poster, tag sheets and pass cards stay
Pillow rasters (`grid_docs`, `renovation_docs`): their QR codes must land on printer pixels.

`TextPdf` is an `fpdf.FPDF` in millimetres with the page frame of this app's documents (a thin
band of the primary colour at the top, the generation stamp and "第 n / N 页" at the bottom)
and the blocks a report is built from: title, figure tiles, section headings that keep with
what follows, grouped bar charts drawn with PDF primitives (vector, their numbers are text too),
ruled tables that continue on the next page with their header row repeated, and wrapped
paragraphs. Content that does not fit flows onto further pages.

Fonts: the Simplified Chinese face of the Noto Sans CJK collection (`.ttc`, fpdf2 opens a face
of a collection with `collection_font_number`), Regular and Bold. Without a CJK font the
render fails with a RuntimeError naming the Debian package fonts-noto-cjk.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

from fontTools.ttLib import TTCollection
from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos

from app.domain import evidence
from app.pdf.palette import INK, LINE, MUTED, PRIMARY, PRIMARY_LIGHT, RED

FONT = "NotoSansCJK"
MISSING_FONT = (
    "no CJK font found for the printed reports: install the Debian package fonts-noto-cjk "
    "(apt-get install fonts-noto-cjk; scripts/setup.sh does it)"
)

SERIES = ((14, 90, 138), (88, 166, 214), (64, 160, 96))

MARGIN = 14.4  # mm, as the raster documents' 170 px at 300 dpi
PT = 25.4 / 72  # mm per point


def _face_index(path: str) -> int:
    """The Simplified Chinese face of a collection (Noto CJK holds JP, KR, SC, TC, HK); 0 else."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    collection = TTCollection(path, lazy=True)
    try:
        for i, face in enumerate(collection.fonts):
            if (face["name"].getDebugName(1) or "").endswith(" SC"):
                return i
    finally:
        collection.close()
    return 0


@lru_cache(maxsize=4)
def _cached_faces(regular: str) -> tuple[tuple[str, int], tuple[str, int]]:
    bold = regular.replace("Regular", "Bold")
    if bold == regular or not os.path.isfile(bold):
        bold = regular
    return (regular, _face_index(regular)), (bold, _face_index(bold))


def cjk_faces() -> tuple[tuple[str, int], tuple[str, int]]:
    """((path, face index) Regular, (path, face index) Bold) of the CJK font; RuntimeError
    naming fonts-noto-cjk when the system has none."""
    path = evidence.cjk_font_path()
    if path is None or not os.path.isfile(path):
        raise RuntimeError(MISSING_FONT)
    return _cached_faces(path)


class TextPdf(FPDF):
    """An A4 portrait document with this app's page frame; see the module docstring."""

    def __init__(self, title: str, stamp: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        (regular, r_index), (bold, b_index) = cjk_faces()
        self.add_font(FONT, "", regular, collection_font_number=r_index)
        self.add_font(FONT, "B", bold, collection_font_number=b_index)
        self.stamp = stamp
        self.set_margins(MARGIN, 14, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.set_title(title)
        self.set_lang("zh-CN")
        self.set_creator("Grid Butler")
        self.set_font(FONT, size=10)
        self.set_text_color(*INK)
        self.add_page()

    # ---------------------------------------------------------------- page frame

    def header(self) -> None:
        self.set_fill_color(*PRIMARY)
        self.rect(0, 0, self.w, 2.2, style="F")
        self.set_y(14)

    def footer(self) -> None:
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, -12)
        self.cell(self.epw / 2, 5, f"第 {self.page_no()} / {{nb}} 页")
        self.set_xy(MARGIN + self.epw / 2, -12)
        self.cell(self.epw / 2, 5, self.stamp, align="R")
        self.set_text_color(*INK)

    @property
    def room(self) -> float:
        """Millimetres left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.room < height:
            self.add_page()

    # ---------------------------------------------------------------- text helpers

    def text_at(self, x: float, y: float, text: str, *, size: float, bold: bool = False,
                color: Sequence[int] = INK, align: str = "L", max_w: float | None = None) -> None:
        """One line of text with its vertical middle at y, left/centre/right aligned at x."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        if max_w is not None:
            text = self.ellipsize(text, max_w)
        w = self.get_string_width(text)
        left = x - w / 2 if align == "C" else x - w if align == "R" else x
        self.text(left, y + 0.35 * size * PT, text)
        self.set_text_color(*INK)

    def ellipsize(self, text: str, max_w: float) -> str:
        """`text` cut and ended with "…" when wider than max_w in the current font."""
        if self.get_string_width(text) <= max_w:
            return text
        while text and self.get_string_width(text + "…") > max_w:
            text = text[:-1]
        return text + "…"

    # ---------------------------------------------------------------- blocks

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, "B", 21)
        self.multi_cell(0, 10, title, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)
        self.set_font(FONT, "", 10.5)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 5.5, subtitle, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2.5)
        self.set_draw_color(*PRIMARY)
        self.set_line_width(0.5)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(5)

    def tiles(self, tiles: Sequence[tuple[str, str]]) -> None:
        """A row of rounded tiles, a big figure over its label."""
        gap, h = 2.5, 21.0
        self.keep(h + 6)
        w = (self.epw - gap * (len(tiles) - 1)) / len(tiles)
        y = self.get_y()
        self.set_fill_color(*PRIMARY_LIGHT)
        for i, (label, value) in enumerate(tiles):
            x = MARGIN + i * (w + gap)
            self.rect(x, y, w, h, style="F", round_corners=True, corner_radius=2)
            self.text_at(x + w / 2, y + 8.5, value, size=21, bold=True, color=PRIMARY, align="C",
                         max_w=w - 2)
            self.text_at(x + w / 2, y + 16.9, label, size=9.5, color=MUTED, align="C", max_w=w - 2)
        self.set_y(y + h + 6)

    def heading(self, text: str, keep_with: float = 20) -> None:
        """A section heading, moved to the next page with the `keep_with` mm that follow it."""
        self.keep(10 + keep_with)
        y = self.get_y()
        self.set_fill_color(*PRIMARY)
        self.rect(MARGIN, y + 0.7, 1.2, 4.6, style="F")
        self.text_at(MARGIN + 3.4, y + 3, text, size=13.5, bold=True)
        self.set_y(y + 8.5)

    def bar_chart(self, groups: Sequence[tuple[str, Sequence[int]]], series: Sequence[str],
                  height: float = 52) -> None:
        """Grouped vertical bars: one group per label, one bar per series, value above each bar."""
        self.keep(height + 5)
        x0, y0 = MARGIN, self.get_y()
        x1, y1 = self.w - MARGIN, y0 + height
        # legend
        x = x0
        for color, name in zip(SERIES, series, strict=False):
            self.set_fill_color(*color)
            self.rect(x, y0 + 0.7, 3.4, 3.4, style="F")
            self.text_at(x + 4.7, y0 + 2.4, name, size=9)
            self.set_font(FONT, "", 9)
            x += 4.7 + self.get_string_width(name) + 6
        top, base = y0 + 9.3, y1 - 6.8
        peak = max([v for _, values in groups for v in values] + [1])
        step = max(1, -(-peak // 4))  # 4 grid lines, whole numbers
        scale_max = step * 4
        self.set_line_width(0.17)
        self.set_draw_color(*LINE)
        for i in range(5):
            gy = base - (base - top) * i / 4
            self.line(x0 + 7.6, gy, x1, gy)
            self.text_at(x0 + 5.9, gy, str(step * i), size=8, color=MUTED, align="R")
        if groups:
            width = (x1 - x0 - 9.3) / len(groups)
            bar = min(9.3, width * 0.8 / max(1, len(series)))
            for g, (label, values) in enumerate(groups):
                gx = x0 + 9.3 + g * width + (width - bar * len(values)) / 2
                for s, value in enumerate(values):
                    bx = gx + s * bar
                    h = (base - top) * value / scale_max
                    if value:
                        self.set_fill_color(*SERIES[s % len(SERIES)])
                        self.rect(bx + 0.3, base - h, bar - 0.6, h, style="F")
                    self.text_at(bx + bar / 2, base - h - 2, str(value), size=8, align="C")
                self.text_at(x0 + 9.3 + g * width + width / 2, base + 3.3, label, size=9,
                             align="C", max_w=width - 1)
        self.set_draw_color(*INK)
        self.set_line_width(0.25)
        self.line(x0 + 7.6, base, x1, base)
        self.set_y(y1 + 5)

    def ruled_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              *, alert_cols: tuple[int, ...] = ()) -> None:
        """A ruled table (first column left, the others centred); rows that do not fit go on
        the next page under a repeated header row. A non-zero figure in `alert_cols` is red."""
        self.keep(7.3 * min(3, len(rows) + 1))
        self.set_font(FONT, "", 9.5)
        self.set_draw_color(*LINE)
        self.set_line_width(0.17)
        self.set_fill_color(255, 255, 255)
        align = ["LEFT"] + ["CENTER"] * (len(headers) - 1)
        alert = FontFace(color=RED)
        with self.table(
            col_widths=tuple(widths), text_align=tuple(align), line_height=5,
            padding=(1.15, 2), borders_layout="HORIZONTAL_LINES", wrapmode=WrapMode.CHAR,
            headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color=PRIMARY_LIGHT),
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for text in headers:
                head.cell(text)
            for row in rows:
                line = table.row()
                for i, text in enumerate(row):
                    line.cell(text, style=alert if i in alert_cols and text not in ("0", "—") else None)
        self.ln(5)

    def paragraphs(self, text: str, *, size: float = 10, indent: float = 3.4,
                   color: Sequence[int] = INK, line_h: float = 5.3) -> None:
        """Wrapped text at any character (CJK has no spaces), over as many pages as it needs."""
        self.set_font(FONT, "", size)
        self.set_text_color(*color)
        for para in text.splitlines() or [""]:
            self.set_x(MARGIN + indent)
            self.multi_cell(self.epw - indent, line_h, para, wrapmode=WrapMode.CHAR,
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def right_note(self, text: str, size: float = 9.5) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*MUTED)
        self.cell(0, 6, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def render(self) -> bytes:
        return bytes(self.output())


__all__ = ["FONT", "MISSING_FONT", "TextPdf", "cjk_faces"]

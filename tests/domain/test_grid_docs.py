"""The grid's printed documents: A4 at 300 dpi, QR codes that scan (also from a phone photo
taken at ~50 cm), text that stays on the page, photos that may be missing or broken."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from app.pdf import grid_docs
from app.pdf.grid_docs import (
    PAGE_H,
    PAGE_W,
    PosterData,
    TagData,
    draw_poster,
    draw_tag_pages,
    qr_png,
    render_poster,
    render_tag_sheet,
)

URL = "http://grid.example.cn/r/AbCdEfGhIjKlMnOpQrStUvWx"
MARGIN = 140  # the poster's side margin
HEADER_H = 420  # the poster's coloured header band


def _jpeg(color: tuple[int, int, int], size: tuple[int, int] = (1200, 1600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def _poster(**changes) -> PosterData:
    values = dict(
        community_name="翠湖花园",
        grid_name="A区 第3网格",
        butler_name="李明华",
        butler_phone="13800138000",
        butler_photo=_jpeg((200, 40, 40)),
        is_gold_butler=True,
        service_hours="08:00–20:00",
        buildings=["1栋", "2栋", "3栋"],
        front_desk_phone="0571-8888 6666",
        resident_url=URL,
        generated_at="2025-06-01 09:30",
        deputy_note="6月1日–6月7日 由 王芳 代管",
    )
    values.update(changes)
    return PosterData(**values)


def _qr_texts(image: Image.Image) -> list[str]:
    return sorted(b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.QRCode))


def _phone_photo(page: Image.Image) -> Image.Image:
    """What a phone sees of an A4 page from ~50 cm: ~1000 px across, a little blur, JPEG."""
    w = 1000
    small = page.convert("RGB").resize((w, round(page.height * w / page.width)))
    small = small.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue()))


def _pdf_jpeg(pdf: bytes) -> Image.Image:
    """The page image embedded in a one-page PDF written by Pillow (a DCTDecode stream)."""
    m = re.search(rb"/DCTDecode.*?stream\r?\n", pdf, re.S)
    assert m is not None, "no JPEG image in the PDF"
    end = pdf.index(b"endstream", m.end())
    return Image.open(io.BytesIO(pdf[m.end() : end]))


@pytest.fixture(scope="module")
def poster() -> PosterData:
    return _poster()


@pytest.fixture(scope="module")
def page(poster) -> Image.Image:
    return draw_poster(poster)


@pytest.fixture(scope="module")
def doc(poster):
    return render_poster(poster)


# ---------------------------------------------------------------- the page and the PDF


def test_poster_is_one_a4_page_at_300_dpi(doc, page):
    assert page.size == (PAGE_W, PAGE_H) == (2480, 3508)
    assert (doc.width_px, doc.height_px) == (2480, 3508)
    # 2480 x 3508 px at 300 dpi is A4 (210 x 297 mm) to within 0.1 mm
    assert abs(PAGE_W / 300 * 25.4 - 210) < 0.1 and abs(PAGE_H / 300 * 25.4 - 297) < 0.1
    assert doc.pdf.startswith(b"%PDF")
    points = f"/MediaBox [ 0 0 {PAGE_W * 72 / 300:g} {PAGE_H * 72 / 300:g} ]".encode()
    assert points == b"/MediaBox [ 0 0 595.2 841.92 ]"
    assert points in doc.pdf
    assert b"/Count 1" in doc.pdf


def test_the_pdf_holds_the_full_resolution_page_and_its_qr_scans(doc):
    embedded = _pdf_jpeg(doc.pdf)
    assert embedded.size == (2480, 3508)
    assert _qr_texts(embedded) == [URL]


def test_preview_is_the_page_about_800_px_wide(doc):
    preview = Image.open(io.BytesIO(doc.png_preview))
    assert preview.format == "PNG"
    assert preview.width == 800 and preview.height == round(3508 * 800 / 2480)


# ---------------------------------------------------------------- the QR code


def test_poster_qr_decodes_to_the_resident_url(page):
    assert _qr_texts(page) == [URL]


def test_poster_qr_is_at_least_5_cm_and_crisp(page):
    (code,) = zxingcpp.read_barcodes(page, formats=zxingcpp.QRCode)
    pos = code.position
    side = pos.top_right.x - pos.top_left.x
    assert side >= 5 / 2.54 * 300  # 5 cm at 300 dpi, quiet zone not counted
    # integer pixels per module, NEAREST scaling: only pure black and white inside the symbol
    box = (pos.top_left.x, pos.top_left.y, pos.bottom_right.x, pos.bottom_right.y)
    colours = page.crop(box).getcolors(maxcolors=16)
    assert colours is not None
    assert {c for _, c in colours} == {(0, 0, 0), (255, 255, 255)}


def test_poster_qr_scans_from_a_phone_photo_at_50_cm(page):
    photo = _phone_photo(page)
    assert photo.width == 1000
    assert _qr_texts(photo) == [URL]


def test_qr_png_is_cached_and_scales_by_whole_modules():
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG")
    assert qr_png(URL) is png
    one = Image.open(io.BytesIO(qr_png(URL, 1)))
    ten = Image.open(io.BytesIO(png))
    assert ten.width == 10 * one.width  # modules incl. the 4-module quiet zone, x 10
    assert _qr_texts(ten) == [URL]
    with pytest.raises(ValueError):
        qr_png(URL, 0)


# ---------------------------------------------------------------- text stays on the page


def test_a_long_building_list_wraps_inside_the_margins():
    buildings = [f"{b}栋{e}单元" for b in range(1, 61) for e in (1, 2, 3)]
    page = draw_poster(
        _poster(
            buildings=buildings,
            community_name="翠湖花园国际社区二期北区" * 3,
            butler_name="欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜",
            deputy_note="6月1日–6月7日 由 王芳 代管，" * 10,
        )
    )
    right = page.crop((PAGE_W - MARGIN, HEADER_H, PAGE_W, PAGE_H))
    left = page.crop((0, HEADER_H, MARGIN, PAGE_H))
    for strip in (right, left):
        assert strip.getcolors() == [(strip.width * strip.height, (255, 255, 255))]
    header = page.crop((PAGE_W - MARGIN, 0, PAGE_W, HEADER_H))
    assert header.getcolors() == [(header.width * header.height, grid_docs.PRIMARY)]
    assert _qr_texts(page) == [URL]  # the QR still has its place


def test_building_list_breaks_between_items_and_says_how_many_when_cut():
    font = grid_docs._font(64)
    assert grid_docs._wrap_items(["1栋", "2栋"], font, 2000, max_lines=3) == ["1栋、2栋"]
    items = [f"{i}栋{j}单元" for i in range(1, 61) for j in (1, 2, 3)]
    lines = grid_docs._wrap_items(items, font, 1800, max_lines=3)
    assert len(lines) == 3
    assert all(font.getlength(line) <= 1800 for line in lines)
    assert lines[-1].endswith(f"等共{len(items)}处")
    kept = "".join(lines).removesuffix(f" 等共{len(items)}处").split("、")
    assert kept == items[: len(kept)]  # whole items only, in order


def test_chinese_glyphs_render_and_the_bold_simplified_face_is_used():
    regular, bold = grid_docs._font(64), grid_docs._font(64, bold=True)
    assert regular.getname()[0] == bold.getname()[0] == "Noto Sans CJK SC"
    assert bold.getname()[1] == "Bold"
    for font in (regular, bold):
        wang, ge, notdef = (bytes(font.getmask(ch)) for ch in ("网", "格", "\U000f0000"))
        assert wang != ge
        assert notdef not in (wang, ge)
        assert any(wang) and any(ge)


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(grid_docs, "cjk_font_path", lambda: None)
    grid_docs._font_file.cache_clear()
    grid_docs._font.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            render_poster(_poster())
    finally:
        monkeypatch.undo()
        grid_docs._font_file.cache_clear()
        grid_docs._font.cache_clear()


# ---------------------------------------------------------------- the butler's photo

PHOTO_BOX = (190 + 100, 730 + 100, 190 + 500, 730 + 500)  # the inside of the photo square


def _photo_area(p: PosterData) -> Image.Image:
    return draw_poster(p).crop(PHOTO_BOX)


def test_the_photo_is_shown():
    area = _photo_area(_poster(butler_photo=_jpeg((200, 40, 40))))
    r, g, b = area.getpixel((area.width // 2, area.height // 2))
    assert r > 150 and g < 90 and b < 90


@pytest.mark.parametrize(
    "photo",
    [
        b"not an image at all",
        _jpeg((200, 40, 40))[:400],  # truncated JPEG
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG header and nothing else
    ],
    ids=["garbage", "truncated-jpeg", "empty-png"],
)
def test_a_missing_or_broken_photo_gives_the_placeholder(photo):
    placeholder = _photo_area(_poster(butler_photo=None))
    assert placeholder.getpixel((5, 5)) == (222, 229, 236)  # background
    assert _photo_area(_poster(butler_photo=photo)).tobytes() == placeholder.tobytes()


def test_a_png_portrait_photo_is_cropped_square():
    im = Image.new("RGB", (300, 900), (40, 40, 200))
    out = io.BytesIO()
    im.save(out, "PNG")
    area = _photo_area(_poster(butler_photo=out.getvalue()))
    assert area.getcolors() == [(area.width * area.height, (40, 40, 200))]


def test_the_gold_badge_only_for_a_gold_butler():
    card = (700, 680, PAGE_W - MARGIN, 680 + 300)  # name row of the card

    def gold_pixels(gold: bool) -> int:
        area = draw_poster(_poster(is_gold_butler=gold)).crop(card)
        return sum(n for n, c in area.getcolors(maxcolors=1 << 16) if c == grid_docs.GOLD)

    assert gold_pixels(True) > 10_000
    assert gold_pixels(False) == 0


# ---------------------------------------------------------------- checkpoint tags


def _tags(n: int) -> list[TagData]:
    return [
        TagData(
            name=f"{i}号楼地下车库入口" if i % 3 == 0 else f"{i}号巡查点",
            place=f"{i}栋东侧消防通道旁",
            short_code=f"K7P{i:02d}QX",
            url=f"http://grid.example.cn/p/K7P{i:02d}QX",
        )
        for i in range(1, n + 1)
    ]


def test_eleven_tags_make_two_pages_and_every_qr_scans():
    tags = _tags(11)
    sheet = render_tag_sheet("翠湖花园", "A区 第3网格", tags)
    assert sheet.pdf.startswith(b"%PDF")
    assert b"/Count 2" in sheet.pdf
    assert sheet.pdf.count(b"/MediaBox [ 0 0 595.2 841.92 ]") == 2
    assert Image.open(io.BytesIO(sheet.png_preview)).width == 800

    pages = draw_tag_pages("翠湖花园", "A区 第3网格", tags)
    assert [p.size for p in pages] == [(2480, 3508)] * 2
    # what the PDF holds: the pages thresholded to pure black and white
    bilevel = [grid_docs._bilevel(p) for p in pages]
    assert _qr_texts(bilevel[0]) == sorted(t.url for t in tags[:8])
    assert _qr_texts(bilevel[1]) == sorted(t.url for t in tags[8:])


def test_tag_qr_scans_from_a_phone_photo():
    (page,) = draw_tag_pages("翠湖花园", "A区 第3网格", _tags(2))
    # a butler holds the phone over one tag: a 1160 px wide cell seen ~900 px across
    cell = page.crop((90, 90, 90 + 1150, 90 + 814)).convert("RGB")
    cell = cell.resize((900, round(814 * 900 / 1150))).filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    cell.save(out, "JPEG", quality=60)
    assert _qr_texts(Image.open(io.BytesIO(out.getvalue()))) == ["http://grid.example.cn/p/K7P01QX"]


def test_plain_tuples_work_and_an_empty_sheet_is_refused():
    (page,) = draw_tag_pages("翠湖花园", "A区", [("配电房", "地下一层", "ABC123", URL)])
    assert _qr_texts(page) == [URL]
    with pytest.raises(ValueError):
        render_tag_sheet("翠湖花园", "A区", [])

"""The renovation's printed documents: permit, responsibility letter, worker pass card sheet.

Each renders to A4 at 300 dpi, has the expected page count, and its QR codes decode (zxing-cpp)
to the exact token given.
"""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from app.pdf.renovation_docs import (
    CARD_H,
    CARD_W,
    LetterData,
    PassCard,
    PassSheetData,
    PermitData,
    draw_pass_pages,
    draw_permit,
    render_letter,
    render_pass_sheet,
    render_permit,
)
from app.pdf.reports import page_count

A4 = (2480, 3508)


def _permit(hold: str = "") -> PermitData:
    return PermitData(
        community_name="幸福里小区", permit_no="ZX202600007", household="3栋 1单元 502", owner="王小明",
        contractor="安居装饰 李师傅 13800001111", scope=["墙体", "电路", "给排水"], waterproofing=["卫生间"],
        hot_work=True, planned="2026-05-01 至 2026-06-30", hours="08:00–18:00", stage="隐蔽工程",
        hold=hold, token="https://gb.example.cn/p/1AwEBAQjA_8mwBvZ4bOaGmW0hD0x8lQzK9aAbBcCdD",
        issued_on="2026-04-28", front_desk_phone="0571-8888", code="K7QH-4MXP",
    )


def _codes(im: Image.Image) -> list[str]:
    return sorted(b.text for b in zxingcpp.read_barcodes(im, formats=zxingcpp.QRCode))


def test_permit_is_one_a4_page_whose_qr_is_the_permit_token():
    doc = render_permit(_permit())
    assert doc.pdf.startswith(b"%PDF")
    assert page_count(doc.pdf) == 1
    assert (doc.width_px, doc.height_px) == A4
    assert _codes(draw_permit(_permit())) == [_permit().token]


def test_a_held_permit_still_decodes():
    page = draw_permit(_permit(hold="停工待验：防水尚未确认"))
    assert _codes(page) == [_permit().token]


def test_letter_is_one_a4_page():
    doc = render_letter(LetterData(
        community_name="幸福里小区", household="3栋 1单元 502", owner="王小明", owner_phone="13800000001",
        contractor_company="安居装饰", contractor_contact="李师傅", contractor_phone="13800001111",
        planned="2026-05-01 至 2026-06-30", hours="08:00–18:00", deposit="¥2000.00", signed_on="2026-04-28"))
    assert doc.pdf.startswith(b"%PDF")
    assert page_count(doc.pdf) == 1
    assert (doc.width_px, doc.height_px) == A4


def _cards(n: int) -> list[PassCard]:
    return [PassCard(name=f"工人{i}", trade="电工", household="3栋 1单元 502", valid="05-01 至 06-30",
                     hours="08:00–18:00", token=f"https://gb.example.cn/w/1BAQMBAQjA_8mwBvZ4bOaGmW0hD0x8lQzK9a{i:02d}",
                     pass_no=f"No.{i}-v1", code="K7QH-4MXP") for i in range(n)]


def test_pass_sheet_has_eight_cards_a_page_and_every_qr_decodes():
    cards = _cards(9)
    doc = render_pass_sheet(PassSheetData("幸福里小区", cards))
    assert doc.pdf.startswith(b"%PDF")
    assert page_count(doc.pdf) == 2
    assert (doc.width_px, doc.height_px) == A4
    pages = draw_pass_pages(PassSheetData("幸福里小区", cards))
    # each card alone, so a miss names the card
    first = pages[0]
    for i in range(8):
        col, row = i % 2, i // 2
        x, y = 120 + col * CARD_W, 120 + row * CARD_H
        assert _codes(first.crop((x, y, x + CARD_W, y + CARD_H))) == [cards[i].token]
    assert _codes(pages[1]) == [cards[8].token]


def test_pass_card_uses_the_worker_photo():
    buf = io.BytesIO()
    Image.new("RGB", (400, 400), (200, 30, 30)).save(buf, "JPEG")
    card = PassCard(name="张三", trade="焊工", household="3-1-502", valid="05-01 至 06-30", hours="08:00–18:00",
                    token="pass.v1.x", photo=buf.getvalue())
    page = draw_pass_pages(PassSheetData("幸福里小区", [card]))[0]
    r, g, b = page.getpixel((120 + 40 + 150, 120 + 40 + 120 + 150))
    assert r > 150 and g < 80


def test_the_short_code_is_printed_beside_the_qr():
    """The code's ink lies left of the QR under the photo, and leaves the QR readable (above)."""
    with_code, without = _cards(1)[0], PassCard(**{**_cards(1)[0].__dict__, "code": ""})
    region = (120 + 40, 120 + 40 + 120 + 300 + 135, 120 + 40 + 600, 120 + CARD_H - 40)

    def ink(card: PassCard) -> int:
        page = draw_pass_pages(PassSheetData("幸福里小区", [card]))[0].crop(region).convert("L")
        return sum(page.point(lambda v: 255 if v < 100 else 0).histogram()[255:])

    assert ink(with_code) > 5000 and ink(without) == 0
    permit = draw_permit(_permit())
    bare = draw_permit(PermitData(**{**_permit().__dict__, "code": ""}))
    assert permit.tobytes() != bare.tobytes()


def test_empty_pass_sheet_is_one_page():
    assert page_count(render_pass_sheet(PassSheetData("幸福里小区", [])).pdf) == 1

"""Every printed code works, at phone size: the guard types the short code printed on a pass card
(read from the database as a person reads the card) and gets green, a mistyped check character
gets "check the code"; a permit's code shows the permit's status at the gate; the permit's QR URL
opens the permit page signed out with its live status and, for a supervisor, the site-check
button; a checkpoint tag's URL sends the grid's butler into the patrol and tells anyone else what
the tag is; a tampered token gets the refusal in Chinese and, switched, in English, and is logged.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app.domain import clock, short_codes, tokens
from app.domain.renovation.common import end_of_day
from app.i18n import translate
from tests.e2e.conftest import (
    TEST_SECRET_KEY,
    checkpoint_token,
    route_checkpoints,
    shot,
    sign_in,
)

pytestmark = pytest.mark.e2e

GUARD = "13800000021"
SUPERVISOR = "13800000002"
BUTLER = "13800000014"  # 陈静: test_patrol_offline finishes 王芳's patrol of the day; hers stays open
FRONT_DESK = "13800000004"


def _db(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _refusals(served_app) -> int:
    with _db(served_app) as con:
        return con.execute("select count(*) from auditentry where action = 'token.refused'").fetchone()[0]


@pytest.fixture
def site(served_app):
    """A seeded renovation under way with a live pass valid today (not a waterproofer's), its hours
    opened to the whole day (restored after), and the codes printed on its pass card and permit."""
    today = datetime.now(clock.ZONE).date().isoformat()
    with _db(served_app) as con:
        row = con.execute(
            "select p.id, p.version, p.valid_until, w.name, a.id, a.permit_version, a.planned_end, a.community_id, a.household_label,"
            " a.hours_start, a.hours_end from workerpass p join renovationapplication a on a.id = p.application_id"
            " join renovationworker w on w.id = p.worker_id"
            " where p.revoked_at is null and p.valid_from <= ? and p.valid_until >= ? and a.status = 'approved'"
            " and w.trade not in ('waterproofing', 'welder')"
            " and not exists (select 1 from stagegate g where g.application_id = a.id and g.status = 'declared')"
            " order by p.id limit 1",
            (today, today),
        ).fetchone()
        assert row is not None, "the demo seed has a renovation under way with live passes"
        pid, version, valid_until, worker, app_id, permit_version, planned_end, community, household, start, end = row
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '23:59' where id = ?",
                    (app_id,))
        # what the cards say under their QR (issued with them: the seed made them through the domain)
        pass_code = con.execute("select code from printedcode where kind = 'pass' and subject_id = ? and version = ?",
                                (pid, version)).fetchone()
        permit_code = con.execute(
            "select code from printedcode where kind = 'permit' and subject_id = ? and version = ?",
            (app_id, permit_version)).fetchone()
    assert pass_code and permit_code, "codes are issued with the pass and the permit"
    permit = tokens.sign("permit", app_id, version=permit_version,
                         expires_at=end_of_day(datetime.fromisoformat(planned_end[:10]).date()),
                         community_id=community, key=TEST_SECRET_KEY.encode())
    card = tokens.sign("pass", pid, version=version,
                       expires_at=end_of_day(datetime.fromisoformat(valid_until[:10]).date()),
                       community_id=community, key=TEST_SECRET_KEY.encode())
    yield {"pass_code": short_codes.group(pass_code[0]), "pass_token": card, "worker": worker, "permit_code": short_codes.group(permit_code[0]),
           "permit_token": permit, "app_id": app_id, "household": household}
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = ?, hours_end = ? where id = ?",
                    (start, end, app_id))


def _qr_texts_of_pdf(pdf: bytes) -> list[str]:
    """What a phone camera reads off the printed page: the QR codes of the PDF's page images."""
    import io

    import zxingcpp
    from PIL import Image

    texts, pos = [], 0
    while (start := pdf.find(b"\xff\xd8\xff", pos)) != -1:  # each page is one JPEG stream
        end = pdf.find(b"endstream", start)
        page = Image.open(io.BytesIO(pdf[start:end]))
        texts += [b.text for b in zxingcpp.read_barcodes(page, formats=zxingcpp.QRCode)]
        pos = end
    return texts


def _printed(desk, app_id: int, doc: str) -> list[str]:
    """The front desk downloads a document of the renovation; the QR texts printed on it."""
    desk.goto(f"/desk/renovations/{app_id}")
    href = desk.locator(doc).get_attribute("href")
    r = desk.request.get(href)
    assert r.status == 200 and r.body().startswith(b"%PDF")
    return _qr_texts_of_pdf(r.body())


def _type(page, text: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()


def test_the_guard_types_the_printed_codes(served_app, phone, site):
    sign_in(phone, GUARD)
    phone.wait_for_url("**/gate")
    # the pass card's code, typed as read (lower case, a space instead of the dash): green
    _type(phone, site["pass_code"].lower().replace("-", " "))
    expect(phone.locator("#verdict[data-verdict=valid]")).to_be_visible()
    expect(phone.locator("#verdict-words")).to_have_text("有效，准予通行")
    shot(phone, "codes-1-typed-pass")
    with _db(served_app) as con:
        method, verdict = con.execute("select method, verdict from gatescan order by id desc limit 1").fetchone()
    assert (method, verdict) == ("typed", "valid")
    # one character misread: the check character catches it before any lookup
    code = site["pass_code"]
    wrong = next(c for c in short_codes.ALPHABET if c != code[2])
    _type(phone, code[:2] + wrong + code[3:])
    expect(phone.locator("#verdict[data-verdict=bad_code]")).to_be_visible()
    expect(phone.locator("#verdict-words")).to_have_text("编码有误，请核对")
    # the permit's code: the permit's status, not "forged"
    _type(phone, site["permit_code"])
    expect(phone.locator("#verdict[data-verdict^=permit_]")).to_be_visible()
    expect(phone.locator("#verdict-words")).to_contain_text("装修许可证（非出入证）")
    shot(phone, "codes-2-typed-permit")


def test_the_permit_qr_opens_the_permit_page_signed_out_and_offers_staff_the_site_check(
        served_app, phone, another, site):
    # the permit and the pass cards as printed: their QRs are the pages' URLs
    desk = another()
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    (url,) = _printed(desk, site["app_id"], "#doc-permit")
    assert url == f"{served_app.url}/p/{site['permit_token']}"
    cards = _printed(desk, site["app_id"], "#doc-passes")
    assert cards and all(c.startswith(f"{served_app.url}/w/") for c in cards)
    assert f"{served_app.url}/w/{site['pass_token']}" in cards
    phone.goto(url)
    expect(phone.locator("#permit-page")).to_be_visible()
    expect(phone.locator("#permit-page")).to_contain_text(site["household"])
    expect(phone.locator("#permit-status")).to_have_text(re.compile(r"^有效，可施工"))
    expect(phone.locator("#permit-code")).to_have_text(site["permit_code"])
    expect(phone.locator("#start-site-check")).to_have_count(0)
    shot(phone, "codes-3-permit-page")
    # live: the works' hours moved away from now, and the page says so on the next open
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '00:01' where id = ?",
                    (site["app_id"],))
    phone.reload()
    expect(phone.locator("#permit-status")).to_have_text("有效；现在是非施工时间")
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '23:59' where id = ?",
                    (site["app_id"],))

    staff = another()
    sign_in(staff, SUPERVISOR)
    staff.wait_for_url("**/desk")
    staff.goto(url)
    button = staff.locator("#start-site-check")
    expect(button).to_be_visible()
    expect(button).to_have_text("开始现场检查")
    button.click()
    staff.wait_for_url(f"**/m/renovations/{site['app_id']}")
    expect(staff.locator("#site-status")).to_be_visible()


def test_a_checkpoint_tag_sends_its_butler_into_the_patrol_and_explains_itself_to_others(served_app, phone,
                                                                                          another):
    cp = route_checkpoints(served_app, BUTLER)[0]
    url = f"/c/{checkpoint_token(cp)}"
    phone.goto(url)
    expect(phone.locator("#tag-what")).to_have_text("管家巡查时扫码打卡")
    expect(phone.locator("#tag-name")).to_contain_text(cp[4])
    shot(phone, "codes-4-tag-public")

    butler = another()
    sign_in(butler, BUTLER)
    butler.wait_for_url("**/grid")
    butler.goto(url)
    butler.wait_for_url(re.compile(r".*/patrol/\d+$"))
    patrol_id = int(butler.url.rstrip("/").rsplit("/", 1)[-1])
    with _db(served_app) as con:
        walker = con.execute("select s.phone from patrol p join staff s on s.id = p.walker_id where p.id = ?",
                             (patrol_id,)).fetchone()
    assert walker == (BUTLER,)


def test_a_tampered_token_is_refused_in_the_visitors_language_and_logged(served_app, phone, site):
    token = site["permit_token"]
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    before = _refusals(served_app)
    phone.goto(f"/p/{tampered}")
    expect(phone.locator("#printed-refused")).to_be_visible()
    expect(phone.locator("#refusal-reason")).to_have_text(translate("zh", "token.forged"))
    shot(phone, "codes-5-refused-zh")
    phone.locator("#lang-switch").click()
    expect(phone.locator("#refusal-reason")).to_have_text(translate("en", "token.forged"))
    assert _refusals(served_app) == before + 1
    # a flood of junk tokens from the same phone: each refused on the page, audited once a minute
    for i, fill in ((-12, "AAAA"), (-16, "BBBB"), (-20, "CCCC")):
        junk = token[:i] + (fill if token[i:i + 4] != fill else "DDDD") + token[i + 4:]
        phone.goto(f"/p/{junk}")
        expect(phone.locator("#refusal-reason")).to_have_text(translate("en", "token.forged"))
    assert _refusals(served_app) == before + 1
    # a permit's QR opened as a pass card's page is the wrong kind, and says so
    phone.goto(f"/w/{token}")
    expect(phone.locator("#refusal-reason")).to_have_text(translate("en", "token.wrong_kind"))
    # the pass card's own QR: what the card is, the worker's masked name, valid now
    phone.goto(f"/w/{site['pass_token']}")
    expect(phone.locator("#pass-page")).to_contain_text("Renovation worker pass")
    expect(phone.locator("#pass-page")).not_to_contain_text(site["worker"])
    expect(phone.locator("#pass-page")).to_contain_text(site["worker"][0] + "*")
    expect(phone.locator("#pass-state")).to_have_text("Valid")


def test_the_browsers_short_code_check_agrees_with_the_servers(browser):
    """assets/js/short_codes.js (for screens without a connection) reads typed text as the domain does."""
    import random
    from pathlib import Path

    rng = random.Random(11)
    samples = [short_codes.new_code() for _ in range(60)]
    texts = []
    for code in samples:
        i = rng.randrange(len(code))
        texts += [code, short_codes.group(code).lower(), f" {code[:4]} {code[4:]} ",
                  "".join(chr(ord(c) + 0xFEE0) for c in code),  # full width, as a Chinese input method types
                  code[:i] + rng.choice(short_codes.ALPHABET) + code[i + 1:], code[:i] + code[i + 1:],
                  code.replace("6", "G").replace("U", "v")]
    texts += ["", "No.1-v1", "https://x/w/1AbCdEfGhIjKlMnOpQrStUvWxYz012", "K7QH-4MX0", "x" * 70]
    page = browser.new_page()
    try:
        page.set_content("<html><body></body></html>")
        page.add_script_tag(path=str(Path(__file__).resolve().parents[2] / "assets/js/short_codes.js"))
        seen = page.evaluate("(texts) => texts.map((t) => window.gbShortCode.parse(t))", texts)
    finally:
        page.close()
    expected = [{"outcome": p.outcome, "code": p.code} for p in map(short_codes.parse, texts)]
    assert seen == expected
    assert sum(e["outcome"] == "typo" for e in expected) > 30  # the sample holds typos, caught alike

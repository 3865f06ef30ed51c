"""A resident files a request from the grid poster page and follows it by the private link (390x844).

Also the public intake's refusals: rate limit per client, oversize text, a
malformed phone, HTML/script shown as text, one link shows one request, a
guessed link shows 链接无效.
"""

from __future__ import annotations

import io
import re
import sqlite3

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.domain import tokens
from tests.e2e.conftest import PHONE, TEST_SECRET_KEY, advance_clock, shot, sign_in

pytestmark = pytest.mark.e2e

FRONT_DESK = "13800000004"
XSS = "<img src=x onerror=alert(1)>"


def _sql(app, query: str, *args):
    with sqlite3.connect(app.db_url.removeprefix("sqlite:///")) as con:
        return con.execute(query, args).fetchall()


def poster_url(app, grid_name: str) -> str:
    """The address on the grid's poster QR, signed as the served app signs it."""
    grid_id, community_id = _sql(app, "select id, community_id from grid where name = ?", grid_name)[0]
    version = _sql(app, "select version from gridposter where grid_id = ?", grid_id)
    token = tokens.sign("grid", grid_id, version=version[0][0] if version else 1,
                        community_id=community_id, key=TEST_SECRET_KEY.encode())
    return f"/r/{token}"


def typed_household(app, grid_name: str, offset: int = 0) -> str:
    """A household of the grid as a resident types it: building-entrance-room."""
    building, entrance, room = _sql(
        app,
        "select b.name, e.number, h.room from household h join grid g on g.id = h.grid_id "
        "join building b on b.id = h.building_id join entrance e on e.id = h.entrance_id "
        "where g.name = ? order by h.id limit 1 offset ?",
        grid_name, offset,
    )[0]
    return f"{building.removesuffix('栋')}-{entrance}-{room}"


def small_jpeg(tmp_path) -> str:
    path = tmp_path / "leak.jpg"
    img = Image.new("RGB", (640, 480), (40, 90, 160))
    img.paste((220, 220, 220), (200, 150, 440, 330))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return str(path)


def fill_form(page, content: str, household: str, phone: str, name: str = "") -> None:
    page.locator("#rr-content").fill(content)
    page.locator("#rr-household").fill(household)
    page.locator("#rr-phone").fill(phone)
    if name:
        page.locator("#rr-name").fill(name)


def test_resident_files_a_repair_with_a_photo_and_follows_it(phone, browser, served_app, tmp_path):
    dialogs: list[str] = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    phone.goto(poster_url(served_app, "2号网格"))
    expect(phone.locator("#res-butler-name")).to_have_text("王芳")
    expect(phone.locator("#rr-card")).to_be_visible()
    # 报修 is the default type; the household is checked when the field is left
    expect(phone.locator("#rr-kind").get_by_role("radio", name="报修")).to_have_attribute("aria-checked",
                                                                                       "true")
    fill_form(phone, "厨房水管漏水，地上有积水", typed_household(served_app, "2号网格"), "139 1234 5678",
              "李先生")
    expect(phone.locator("#rr-household-note")).to_contain_text("2号网格")
    phone.locator("#rr-photos").set_input_files(small_jpeg(tmp_path))
    expect(phone.locator("#rr-photos-status")).to_contain_text("已选 1 张照片")
    shot(phone, "resident-request-form")
    phone.locator("#rr-submit").click()

    expect(phone.locator("#rr-number")).to_contain_text("#")
    number = int(re.search(r"#(\d+)", phone.locator("#rr-number").inner_text()).group(1))
    expect(phone.locator("#rr-link")).to_contain_text("/q/")
    expect(phone.locator("#res-upload-status")).to_contain_text("已保存 1 张照片")
    link_url = phone.locator("#rr-link").inner_text().strip()
    expect(phone.locator("#rr-mine")).to_contain_text(f"#{number}")
    shot(phone, "resident-request-filed")

    channel, grid, status, contact = _sql(
        served_app,
        "select r.channel, g.name, r.status, r.contact_phone from servicerequest r "
        "join grid g on g.id = r.grid_id where r.id = ?", number,
    )[0]
    assert (channel, grid, status, contact) == ("resident_page", "2号网格", "received", "13912345678")
    photos = _sql(served_app, "select author_id from evidencephoto where subject_kind = 'request' "
                  "and subject_id = ?", number)
    assert photos == [(None,)]  # the resident's photo has no staff author

    # the private link: only this request, its status, the resident's photo; add information
    phone.goto(link_url)
    expect(phone.locator("#rq-number")).to_have_text(f"#{number}")
    expect(phone.locator("#rq-status")).to_have_text("已受理")
    expect(phone.locator("#rq-category")).to_have_text("零修")
    expect(phone.locator("#rq-content")).to_have_text("厨房水管漏水，地上有积水")
    expect(phone.locator("#rq-photos .evidence-photo")).to_have_count(1)
    expect(phone.locator("#rq-progress .rq-step[data-reached='1']")).to_have_count(1)
    thumb = phone.locator("#rq-photos img.evidence-thumb").first.get_attribute("src")
    assert "sig=" in thumb and phone.request.get(thumb).status == 200
    # another photo from the status page: sent with the link, not a sign-in
    phone.locator("#rq-photo").set_input_files(small_jpeg(tmp_path))
    expect(phone.locator("#rq-photo-status")).to_contain_text("已保存 1 张照片")
    expect(phone.locator("#rq-photos .evidence-photo")).to_have_count(2)
    phone.locator("#rq-note-input").fill("晚上七点以后家里有人")
    phone.locator("#rq-send").click()
    expect(phone.locator("#rq-note-ok")).to_have_text("已收到您的补充信息")
    expect(phone.locator(".rq-event[data-kind='resident_note']")).to_contain_text("晚上七点以后家里有人")
    expect(phone.locator("#rq-history")).not_to_contain_text("13912345678")
    shot(phone, "resident-request-link")
    assert dialogs == []

    # the front desk sees the added information in the request's history
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    desk = ctx.new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    desk.goto(f"/desk/requests/{number}")
    expect(desk.locator("#history")).to_contain_text("晚上七点以后家里有人")
    expect(desk.locator("#request-content")).to_have_text("厨房水管漏水，地上有积水")
    ctx.close()
    assert len(_sql(served_app, "select id from evidencephoto where subject_kind = 'request' "
                    "and subject_id = ? and author_id is null", number)) == 2


def test_public_intake_refusals_and_links(phone, served_app):
    dialogs: list[str] = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    url = poster_url(served_app, "2号网格")
    home = typed_household(served_app, "2号网格", 1)
    phone.goto(url)
    expect(phone.locator("#rr-card")).to_be_visible()
    before = _sql(served_app, "select count(*) from servicerequest")[0][0]

    # a household of another grid of the community: said before sending
    phone.locator("#rr-household").fill(typed_household(served_app, "3号网格"))
    phone.locator("#rr-phone").click()
    expect(phone.locator("#rr-household-note")).to_have_text("该房屋属于3号网格，将由该网格管家负责")

    # oversize text and a malformed phone: refused with the reason, nothing registered
    fill_form(phone, "漏" * 1001, home, "13912345678")
    phone.locator("#rr-submit").click()
    expect(phone.locator("#rr-error")).to_contain_text("1000")
    phone.locator("#rr-content").fill("楼道灯不亮")
    phone.locator("#rr-phone").fill("12ab")
    phone.locator("#rr-submit").click()
    expect(phone.locator("#rr-error")).to_have_text("手机号格式不正确")
    phone.locator("#rr-household").fill("99-9-999")
    phone.locator("#rr-phone").fill("13912345678")
    phone.locator("#rr-submit").click()
    expect(phone.locator("#rr-error")).to_have_text("找不到该房屋")
    assert _sql(served_app, "select count(*) from servicerequest")[0][0] == before

    ahead: list[int] = []
    try:
        # a fresh 10-minute window, apart from requests other tests filed from this address
        advance_clock(served_app, 11)
        # HTML/script in the text is registered and shown as text
        phone.locator("#rr-household").fill(home)
        phone.locator("#rr-content").fill(XSS)
        phone.locator("#rr-submit").click()
        expect(phone.locator("#rr-link")).to_contain_text("/q/")
        xss_link = phone.locator("#rr-link").inner_text().strip()
        xss_number = phone.locator("#rr-number").inner_text()
        ahead.append(int(re.search(r"#(\d+)", xss_number).group(1)))
        for text in ("电梯按钮失灵", "垃圾桶满了"):
            phone.locator("#rr-again").click()
            fill_form(phone, text, home, "13912345678")
            phone.locator("#rr-submit").click()
            expect(phone.locator("#rr-link")).to_contain_text("/q/")
            ahead.append(int(re.search(r"#(\d+)", phone.locator("#rr-number").inner_text()).group(1)))
        # the 4th from this client within 10 minutes is refused with the message
        phone.locator("#rr-again").click()
        fill_form(phone, "第四条", home, "13912345678")
        phone.locator("#rr-submit").click()
        expect(phone.locator("#rr-error")).to_have_text("提交过于频繁，请 10 分钟后再试，或拨打客服电话")
        shot(phone, "resident-request-rate-limited")
        refused = _sql(served_app, "select count(*) from auditentry where action = 'request.public_refused'")
        assert refused[0][0] >= 1
    finally:
        advance_clock(served_app, 0, reset=True)
        # the three filed above sit 11 minutes ahead of the real clock: free this address for later tests
        for number in ahead:
            _sql(served_app, "update servicerequest set client_key = 'e2e-spent' where id = ?", number)

    phone.goto(xss_link)
    expect(phone.locator("#rq-content")).to_have_text(XSS)
    expect(phone.locator("#rq-number")).to_have_text(xss_number.replace("编号 ", ""))
    expect(phone.locator("body")).not_to_contain_text("厨房水管漏水")  # another request's text
    expect(phone.locator("#rq-content img")).to_have_count(0)
    shot(phone, "resident-request-xss-as-text")

    phone.goto("/q/" + "A" * 24)
    expect(phone.locator("#rq-invalid")).to_contain_text("链接无效")
    expect(phone.locator("#rq-summary")).to_have_count(0)
    phone.goto("/q/%3Cscript%3E")
    expect(phone.locator("#rq-invalid")).to_contain_text("链接无效")
    audited = _sql(served_app, "select count(*) from auditentry where action = 'request.link_refused'")
    assert audited[0][0] == 1  # two refusals from one client within a minute: one audit entry
    shot(phone, "resident-request-invalid-link")
    assert dialogs == []

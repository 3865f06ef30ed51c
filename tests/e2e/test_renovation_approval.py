"""Renovation application and three-level approval end to end at phone size (390x844).

The front desk registers an application (with a worker); the engineering manager, looking first, is
not offered a decision, and a forged attempt (his browser's event rewritten into a decision) is
refused and audited; the supervisor returns it with reasons; the desk resubmits; supervisor,
engineering manager and general manager approve in turn; the permit, the letter and the pass sheet
download as PDFs; a pass is revoked on the page. The test makes its own application on a household
without one and changes no seeded renovation.
"""

from __future__ import annotations

import io
import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.state.base import AppState
from app.state.renovations import RenovationsState
from tests.e2e.conftest import forge_next_event, shot, sign_in

pytestmark = pytest.mark.e2e

FRONT_DESK = "13800000005"
SUPERVISOR = "13800000002"
ENGINEERING = "13800000041"
GENERAL_MANAGER = "13800000042"


def _db(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _free_household(served_app) -> str:
    """"12-1-3304"-style text of a tower household with no renovation application."""
    with _db(served_app) as con:
        b, e, room = con.execute(
            "select b.name, en.number, h.room from household h join building b on b.id = h.building_id "
            "join entrance en on en.id = h.entrance_id where b.name = '12栋' "
            "and h.id not in (select household_id from renovationapplication) order by h.id desc limit 1"
        ).fetchone()
    return f"{b.removesuffix('栋')}-{e}-{room}"


def _status(served_app, rid: str) -> str:
    with _db(served_app) as con:
        return con.execute("select status from renovationapplication where id = ?", (int(rid),)).fetchone()[0]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "page.jpg"
    buf = io.BytesIO()
    Image.effect_noise((1200, 1600), 50).convert("RGB").save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


def _open(page, rid: str) -> None:
    page.goto(f"/desk/renovations/{rid}")
    expect(page.locator("#reno-status")).to_be_visible()


def _decide(page, decision: str, reasons: str = "") -> None:
    if reasons:
        page.locator("#decide-reasons").fill(reasons)
    page.locator(f"#decide-{decision}").click()


def test_application_through_three_levels_with_a_return_documents_and_a_revoked_pass(served_app, phone, another,
                                                                                     photo):
    household = _free_household(served_app)
    today = date.today()

    # ---- the front desk registers the application
    desk = phone
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    desk.locator("#nav-renovations").click()
    desk.wait_for_url("**/desk/renovations")
    desk.locator("#reno-new").click()
    desk.wait_for_url("**/desk/renovations/new")
    desk.locator("#household").fill(household)
    desk.locator("#owner_name").fill("韩雪梅")
    desk.locator("#owner_phone").fill("13912340001")
    desk.locator("#contractor_company").fill("安居装饰")
    desk.locator("#contractor_contact").fill("邓师傅")
    desk.locator("#contractor_phone").fill("13712340002")
    for box in ("scope_walls", "scope_electrical", "scope_plumbing", "area_bathroom"):
        desk.locator(f"#{box}").check()
    desk.locator("#planned_start").fill(today.isoformat())
    desk.locator("#planned_end").fill((today + timedelta(days=45)).isoformat())
    shot(desk, "reno-approval-1-form")
    desk.locator("#reno-submit").click()
    desk.wait_for_url(re.compile(r".*/desk/renovations/\d+$"))
    rid = desk.url.rsplit("/", 1)[1]
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "first_review")
    # the front desk is no approver
    expect(desk.locator("#reno-not-yours")).to_be_visible()
    expect(desk.locator("#decide-approve")).to_have_count(0)
    # a worker, registered before the permit
    desk.locator("#worker_name").fill("孙立军")
    desk.locator("#worker_phone").fill("13612340003")
    desk.locator("#worker-trade").select_option("electrician")
    desk.locator("#worker_id_number").fill("110101199001011234")
    desk.locator("#worker-add").click()
    worker = desk.locator(".reno-worker").first
    expect(worker).to_contain_text("孙立军")
    expect(worker).to_contain_text("110***********1234")
    # a second worker from the same form right after: a new record, not the first one replayed
    desk.locator("#worker_name").fill("钱立新")
    desk.locator("#worker_phone").fill("13612340004")
    desk.locator("#worker-trade").select_option("plumber")
    desk.locator("#worker_id_number").fill("110101199202021234")
    desk.locator("#worker-add").click()
    expect(desk.locator(".reno-worker")).to_have_count(2)
    expect(desk.locator(".reno-worker", has_text="钱立新")).to_have_count(1)
    expect(desk.locator(".reno-worker", has_text="孙立军")).to_have_count(1)
    shot(desk, "reno-approval-2-registered")

    # ---- the engineering manager looks first: not offered, and a forged decision is refused and audited
    eng = another()
    sign_in(eng, ENGINEERING)
    eng.wait_for_url("**/desk**")
    _open(eng, rid)
    expect(eng.locator("#reno-not-yours")).to_be_visible()
    expect(eng.locator("#decide-approve")).to_have_count(0)
    shot(eng, "reno-approval-3-engineering-not-offered")
    # his browser's language-switch event rewritten into "approve" for the level the page showed
    forged = forge_next_event(eng, f"{AppState.get_full_name()}.toggle_language",
                              f"{RenovationsState.get_full_name()}.decide", {"decision": "approve"})
    eng.reload()
    expect(eng.locator("#reno-not-yours")).to_be_visible()
    eng.locator("#lang-switch").click()
    expect(eng.get_by_text("您不是这一级的审批人")).to_be_visible()
    assert forged and '"decision":"approve"' in forged[0], forged
    assert _status(served_app, rid) == "first_review"
    with _db(served_app) as con:
        refused = con.execute(
            "select action, outcome, detail from auditentry where subject = ? and outcome = 'refused'",
            (f"renovation:{rid}",),
        ).fetchall()
    assert any(a == "renovation.wrong_role" and "level=first_review" in d for a, _, d in refused), refused

    # ---- the supervisor returns it with reasons; it is in her inbox
    sup = another()
    sign_in(sup, SUPERVISOR)
    sup.wait_for_url("**/desk**")
    sup.goto("/desk/renovations")
    expect(sup.locator(f"#reno-inbox [data-renovation='{rid}']")).to_be_visible()
    sup.locator(f"#reno-inbox [data-renovation='{rid}']").click()
    expect(sup.locator("#decide-return")).to_be_visible()
    _decide(sup, "return", "请补充卫生间防水做法说明")
    expect(sup.locator("#reno-status")).to_have_attribute("data-status", "returned")
    expect(sup.locator(".reno-decision[data-decision=return]")).to_contain_text("请补充卫生间防水做法说明")
    shot(sup, "reno-approval-4-returned")

    # ---- the front desk resubmits
    _open(desk, rid)
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "returned")
    desk.locator("#resubmit-note").fill("卫生间地面及墙面 30cm 涂刷防水两遍，做闭水试验 48 小时")
    desk.locator("#reno-resubmit").click()
    expect(desk.locator("#reno-status")).to_have_attribute("data-status", "first_review")

    # ---- three levels in order
    _open(sup, rid)
    _decide(sup, "approve")
    expect(sup.locator("#reno-status")).to_have_attribute("data-status", "second_review")
    _open(eng, rid)
    expect(eng.locator("#decide-approve")).to_be_visible()
    _decide(eng, "approve", "同意，注意电路改造须验收")
    expect(eng.locator("#reno-status")).to_have_attribute("data-status", "sign_off")
    gm = another()
    sign_in(gm, GENERAL_MANAGER)
    gm.wait_for_url("**/desk**")
    _open(gm, rid)
    _decide(gm, "approve")
    expect(gm.locator("#reno-status")).to_have_attribute("data-status", "approved")
    expect(gm.locator(".reno-decision")).to_have_count(4)
    shot(gm, "reno-approval-5-signed-off")
    assert _status(served_app, rid) == "approved"

    # ---- the desk prints the documents
    _open(desk, rid)
    expect(desk.locator(".reno-worker[data-live='1']")).to_have_count(2)
    for doc, pages in (("#doc-permit", 1), ("#doc-letter", 1), ("#doc-passes", 1)):
        href = desk.locator(doc).get_attribute("href")
        assert href and "sig=" in href
        r = desk.request.get(href)
        assert r.status == 200, (doc, r.status)
        assert r.headers["content-type"] == "application/pdf"
        assert r.body().startswith(b"%PDF")
        assert _pages(r.body()) == pages
    # an unsigned link is refused
    assert desk.request.get(f"/api/renovations/{rid}/permit.pdf").status == 403
    shot(desk, "reno-approval-6-documents")

    # ---- the deposit, and a lost card reissued (the version goes up)
    desk.locator("#deposit-yuan").fill("2000")
    desk.locator("#receipt-no").fill("SJ-2026-0107")
    desk.locator("#deposit-submit").click()
    expect(desk.locator("#reno-paperwork")).to_contain_text("¥2000.00")
    expect(desk.locator("#reno-paperwork")).to_contain_text("SJ-2026-0107")
    # the signed letter photographed and its day recorded; the worker's photo for the card
    desk.locator("#letter-photo").set_input_files(str(photo))
    desk.locator("#reno-paperwork img.evidence-thumb").first.wait_for(timeout=20_000)
    desk.locator("#letter-signed-on").fill(date.today().isoformat())
    desk.locator("#letter-submit").click()
    expect(desk.locator("#reno-paperwork")).to_contain_text(date.today().isoformat())
    desk.locator(".reno-worker input[type=file]").first.set_input_files(str(photo))
    expect(desk.locator(".reno-worker").first).to_contain_text("重拍照片", timeout=20_000)
    with _db(served_app) as con:
        (letter_photo, worker_photo) = con.execute(
            "select a.letter_photo_id, w.photo_id from renovationapplication a "
            "join renovationworker w on w.application_id = a.id where a.id = ? order by w.id limit 1",
            (int(rid),)).fetchone()
    assert letter_photo and worker_photo
    desk.locator(".reno-worker .reissue-pass").first.click()
    expect(desk.locator(".reno-worker").first).to_contain_text("v2")

    # ---- a pass revoked on the page
    worker = desk.locator(".reno-worker").first
    worker.locator(".revoke-reason input").fill("遗失出入证")
    worker.locator(".revoke-pass").click()
    expect(desk.locator(".reno-worker[data-live='1']")).to_have_count(1)  # the second worker's pass stays
    expect(desk.locator(".reno-worker").first).to_contain_text("遗失出入证")
    shot(desk, "reno-approval-7-pass-revoked")
    with _db(served_app) as con:
        (revoked,) = con.execute(
            "select count(*) from workerpass where application_id = ? and revoked_at is not null", (int(rid),)
        ).fetchone()
    assert revoked == 1

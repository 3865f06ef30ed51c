"""My grid's queue (我的网格·待办) on the butler's phone at 390x844: her grid's open requests with the
overdue one in red and first, a tap to call, 新 until she has looked; she adds a note (in the
history) and hands a request to the front desk, whose screen shows the alert. A tap made without
signal shows the reconnecting state and is not shown as done; after reconnecting, the retried tap
records once."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, col, select

from app.db.models import Grid, Household, Staff
from app.domain import auth, clock, grid_planning, requests
from app.state.base import AppState
from app.state.grid_queue import GridQueueState
from tests.e2e.conftest import forge_events, shot, sign_in

pytestmark = pytest.mark.e2e

BUTLER = "13800000011"  # 王芳
FRONT_DESK = "13800000004"
SUPERVISOR = "13800000002"


def _con(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _file(served_app, text: str, phone: str, *, late_minutes: int = 0, butler: str = BUTLER) -> int:
    """A request the desk took by phone for a household of `butler`'s grid (王芳's); `late_minutes`:
    its triage deadline passed that long ago."""
    engine = sa.create_engine(served_app.db_url)
    with Session(engine) as s:
        butler = s.exec(select(Staff).where(Staff.phone == butler)).one()
        desk = s.exec(select(Staff).where(Staff.phone == FRONT_DESK)).one()
        home = s.exec(select(Household).join(Grid, col(Grid.id) == col(Household.grid_id))
                      .where(Grid.butler_id == butler.id).order_by(col(Household.id))).first()
        req = requests.intake(s, auth.actor_for(s, desk), channel=requests.PHONE, content=text,
                              household_id=home.id, contact_phone=phone).request
        if late_minutes:
            req.received_at = datetime.now(UTC) - timedelta(minutes=15 + late_minutes)
            req.due_at = req.received_at + timedelta(minutes=15)
            s.add(req)
        s.commit()
        rid = req.id
    engine.dispose()
    return rid


def _events(served_app, rid: int, kind: str) -> list[str]:
    with _con(served_app) as con:
        return [n for (n,) in con.execute("select note from requestevent where request_id = ? and kind = ?",
                                          (rid, kind))]


def _last_look(served_app) -> str:
    with _con(served_app) as con:
        return con.execute("select max(q.seen_at) from queuelook q join staff s on s.id = q.staff_id "
                           "where s.phone = ?", (BUTLER,)).fetchone()[0]


def _row(page, rid: int):
    return page.locator(f".queue-row[data-request='{rid}']")


def test_butler_works_her_queue_and_the_desk_is_told(served_app, phone, another):
    overdue = _file(served_app, "楼道灯坏了三天，晚上很黑", "13912340001", late_minutes=70)
    fresh = _file(served_app, "垃圾桶满了没人清", "13912340002")
    sign_in(phone, BUTLER)
    phone.wait_for_url("**/grid")
    late, ok = _row(phone, overdue), _row(phone, fresh)
    expect(late).to_be_visible(timeout=30_000)
    expect(ok).to_be_visible()
    # overdue in red, before the one still in time; both new at her first look
    expect(late).to_have_attribute("data-overdue", "1")
    expect(late.locator(".queue-due")).to_have_text(re.compile(r"已超时 1小时1[0-2]分钟"))
    assert "rgb(" in late.locator(".queue-due").evaluate("e => getComputedStyle(e).color")
    red = late.locator(".queue-due").evaluate("e => getComputedStyle(e).color")
    assert red != ok.locator(".queue-due").evaluate("e => getComputedStyle(e).color")
    expect(ok).to_have_attribute("data-overdue", "")
    expect(ok.locator(".queue-due")).to_contain_text("剩余")
    order = phone.locator(".queue-row").evaluate_all("rows => rows.map(r => r.dataset.request)")
    assert order.index(str(overdue)) < order.index(str(fresh))
    expect(late.locator(".queue-new")).to_be_visible()
    expect(late.locator(".queue-household")).to_contain_text("单元")
    expect(late.locator(".queue-call")).to_have_attribute("href", "tel:13912340001")
    shot(phone, "grid-queue")

    # a note, shown in the history
    late.locator(".queue-open").click()
    phone.locator("#queue-note").fill("已电话联系业主，今晚先派保安查看")
    phone.locator("#queue-add-note").click()
    expect(phone.locator("#queue-message")).to_have_text("已添加备注")
    expect(phone.locator("#queue-history")).to_contain_text("已电话联系业主，今晚先派保安查看")
    assert _events(served_app, overdue, "butler_note") == ["已电话联系业主，今晚先派保安查看"]
    # an empty note: a message beside the field, nothing written
    phone.locator("#queue-note").fill("   ")
    phone.locator("#queue-add-note").click()
    expect(phone.locator("#queue_note-error")).to_have_text("请填写备注内容")
    assert len(_events(served_app, overdue, "butler_note")) == 1

    # to the front desk for dispatch
    phone.locator("#queue-hand").click()
    expect(phone.locator("#queue-message")).to_have_text("已转前台派单，前台已收到提醒")
    expect(late.locator(".queue-handed")).to_be_visible()
    assert len(_events(served_app, overdue, "handed_to_desk")) == 1
    desk = another()
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    expect(desk.locator(".staff-alert[data-kind='handed_to_desk']").first).to_be_visible(timeout=30_000)
    expect(desk.locator(".staff-alert[data-kind='handed_to_desk']").first).to_contain_text(f"#{overdue}")
    shot(desk, "grid-queue-desk-alert")

    # opening her queue again later (another session of hers): what she has seen is no longer new
    later = another()
    sign_in(later, BUTLER)
    later.wait_for_url("**/grid")
    expect(_row(later, overdue)).to_be_visible(timeout=30_000)
    expect(_row(later, overdue)).to_have_attribute("data-new", "")


def test_a_note_tapped_without_signal_records_once_after_reconnecting(served_app, phone):
    rid = _file(served_app, "地下车库积水", "13912340003")
    sign_in(phone, BUTLER)
    phone.wait_for_url("**/grid")
    row = _row(phone, rid)
    expect(row).to_be_visible(timeout=30_000)
    row.locator(".queue-open").click()
    expect(phone.locator("#queue-history")).to_contain_text("受理")
    phone.locator("#queue-note").fill("业主说积水来自隔壁楼")
    looked = _last_look(served_app)
    phone.context.set_offline(True)
    expect(phone.locator("#reconnecting")).to_be_visible(timeout=30_000)
    phone.locator("#queue-add-note").click()
    time.sleep(1.5)
    # not shown as done, nothing written
    expect(phone.locator("#queue-message")).to_have_count(0)
    expect(phone.locator("#queue-history")).not_to_contain_text("业主说积水来自隔壁楼")
    assert _events(served_app, rid, "butler_note") == []
    shot(phone, "grid-queue-offline-tap")
    phone.context.set_offline(False)
    expect(phone.locator("#reconnecting")).to_have_count(0, timeout=30_000)
    # she taps again, not knowing whether the first went through
    phone.locator("#queue-add-note").click()
    expect(phone.locator("#queue-message")).to_have_text("已添加备注", timeout=15_000)
    expect(phone.locator("#queue-history")).to_contain_text("业主说积水来自隔壁楼")
    time.sleep(1.0)
    assert _events(served_app, rid, "butler_note") == ["业主说积水来自隔壁楼"]
    assert phone.locator("#queue-history .queue-event[data-kind='butler_note']").count() == 1
    # the reconnect reloaded the page's data (the look it wrote is newer than the row), yet a blip
    # in the signal is not a new look: what was new at her opening still is
    assert _last_look(served_app) > looked
    expect(row).to_have_attribute("data-new", "1")


def _other_grid(served_app) -> tuple[int, str, str]:
    """(id, name, butler's phone) of a grid that is not 王芳's."""
    with _con(served_app) as con:
        return con.execute(
            "select g.id, g.name, s.phone from grid g join staff s on s.id = g.butler_id "
            "where s.phone not in (?) order by g.id", (BUTLER,)).fetchone()


def test_a_forged_hand_over_of_another_grids_request_is_refused_and_audited(served_app, phone):
    grid_id, _name, other_butler = _other_grid(served_app)
    rid = _file(served_app, "别的网格的报事", "13912340004", butler=other_butler)
    sign_in(phone, BUTLER)
    phone.wait_for_url("**/grid")
    expect(phone.locator(".queue-row").first).to_be_visible(timeout=30_000)
    expect(_row(phone, rid)).to_have_count(0)
    # a tampered browser turns its next events into opening that request and handing it over
    forged = forge_events(phone, f"{AppState.get_full_name()}.toggle_language", [
        (f"{GridQueueState.get_full_name()}.open_row", {"request_id": rid}),
        (f"{GridQueueState.get_full_name()}.hand_to_desk", {"request_id": rid}),
    ])
    phone.reload()
    expect(phone.locator(".queue-row").first).to_be_visible(timeout=30_000)
    phone.locator("#lang-switch").click()
    expect(phone.locator("#flash")).to_contain_text("这不是您今天负责的网格的报事，不能操作")
    expect(phone.locator("#queue-history")).to_have_count(0)  # its history is not read out
    phone.locator("#lang-switch").click()
    audited: list = []
    for _ in range(40):
        with _con(served_app) as con:
            audited = con.execute("select outcome, detail from auditentry where action = 'request.queue_refused' "
                                  "and subject = ?", (f"request:{rid}",)).fetchall()
        if audited:
            break
        time.sleep(0.25)
    assert audited == [("refused", "handed_to_desk")]
    expect(phone.locator("#flash")).to_contain_text("这不是您今天负责的网格的报事，不能操作")
    assert len(forged) == 2 and all(f'"request_id":{rid}' in f for f in forged), forged
    assert _events(served_app, rid, "handed_to_desk") == []


def test_a_covered_grids_requests_are_listed_as_covered(served_app, phone):
    grid_id, name, other_butler = _other_grid(served_app)
    rid = _file(served_app, "代管网格的报事", "13912340005", butler=other_butler)
    engine = sa.create_engine(served_app.db_url)
    with Session(engine) as s:
        sup = auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == SUPERVISOR)).one())
        deputy = s.exec(select(Staff).where(Staff.phone == BUTLER)).one()
        cover = grid_planning.add_cover(s, sup, grid_id, deputy.id, clock.today(), clock.today(), "年假")
        s.commit()
        cover_id = cover.id
    try:
        sign_in(phone, BUTLER)
        phone.wait_for_url("**/grid")
        row = _row(phone, rid)
        expect(row).to_be_visible(timeout=30_000)
        expect(row.locator(".queue-covered")).to_have_text(f"代管 {name}")
        shot(phone, "grid-queue-covered")
    finally:
        with Session(engine) as s:
            grid_planning.cancel_cover(s, sup, cover_id)
            s.commit()
        engine.dispose()

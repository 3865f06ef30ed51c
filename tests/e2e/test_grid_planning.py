"""Grid planning at the desk and the public resident page, in Chromium at 390x844."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, func, select

from app.db.models import AuditEntry, Grid, GridCover, Household
from tests.e2e.conftest import PHONE, shot, sign_in

pytestmark = pytest.mark.e2e

SUPERVISOR = "13800000002"


def db(served_app) -> Session:
    return Session(sa.create_engine(served_app.db_url))


def grid_size(served_app, name: str) -> int:
    with db(served_app) as s:
        gid = s.exec(select(Grid.id).where(Grid.name == name)).one()
        return s.exec(select(func.count()).select_from(Household).where(Household.grid_id == gid)).one()


def row(page, name: str):
    return page.locator(f".gp-grid-row[data-grid='{name}']")


def open_grids(page, grid: str) -> None:
    sign_in(page, SUPERVISOR)
    page.wait_for_url("**/desk")
    page.locator("#nav-grids").click()
    page.wait_for_url("**/desk/grids")
    expect(page.locator(".gp-grid-row")).to_have_count(4)
    row(page, grid).locator(".gp-select").click()
    expect(page.locator("#selected-grid")).to_contain_text(grid)


def pick(page, trigger_id: str, label: str) -> None:
    page.locator(f"#{trigger_id}").click()
    page.get_by_role("option", name=label, exact=True).click()


def assign(page, building: str, entrance: str, floor_from: str, floor_to: str) -> None:
    pick(page, "assign-building", building)
    page.locator("#assign-entrance").fill(entrance)
    page.locator("#assign-from").fill(floor_from)
    page.locator("#assign-to").fill(floor_to)
    page.locator("#assign-go").click()


def test_guard_is_refused_on_grid_planning(phone, served_app):
    sign_in(phone, "13800000021")
    phone.wait_for_url("**/gate")
    phone.goto("/desk/grids")
    expect(phone.locator("#refused")).to_have_text("您没有权限访问此页面")
    expect(phone.locator(".gp-grid-row")).to_have_count(0)


def test_supervisor_moves_floors_between_grids_against_the_band(phone, served_app):
    g2, g3 = grid_size(served_app, "2号网格"), grid_size(served_app, "3号网格")
    open_grids(phone, "3号网格")
    expect(row(phone, "2号网格").locator(".gp-households")).to_have_text(str(g2))
    shot(phone, "grid-planning")

    # 5栋 2单元 1-5层 (20 households) from 2号 into 3号: 2号 falls under 350 and is flagged
    assign(phone, "5栋", "2", "1", "5")
    expect(phone.locator("#note-assign")).to_contain_text("已将 20 户划入3号网格")
    expect(row(phone, "3号网格").locator(".gp-households")).to_have_text(str(g3 + 20))
    expect(row(phone, "2号网格").locator(".gp-households")).to_have_text(str(g2 - 20))
    expect(row(phone, "2号网格")).to_have_attribute("data-flagged", "1")
    expect(row(phone, "2号网格").locator(".band-badge")).to_have_text("户数不足")
    expect(phone.locator(".gp-composition-row").filter(has_text="5栋")).to_have_count(1)

    # the whole of 5栋 into 3号 would pass 400 with a normal butler: refused, nothing moved
    assign(phone, "5栋", "", "", "")
    expect(phone.locator("#note-assign")).to_contain_text("超过 400 户上限")
    expect(row(phone, "3号网格").locator(".gp-households")).to_have_text(str(g3 + 20))
    assert grid_size(served_app, "3号网格") == g3 + 20
    shot(phone, "grid-planning-refused")

    # put them back where they were (other tests share this app)
    row(phone, "2号网格").locator(".gp-select").click()
    expect(phone.locator("#selected-grid")).to_contain_text("2号网格")
    assign(phone, "5栋", "2", "1", "5")
    expect(row(phone, "2号网格").locator(".gp-households")).to_have_text(str(g2))
    assert grid_size(served_app, "3号网格") == g3


def test_cover_poster_resident_page_and_qr_rotation(phone, browser, served_app):
    open_grids(phone, "4号网格")

    # leave cover: 王芳 covers 4号网格 from today for three days
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the community's day
    pick(phone, "cover-deputy", "王芳 · 2号网格")
    phone.locator("#cover-from").fill(today.isoformat())
    phone.locator("#cover-to").fill((today + timedelta(days=2)).isoformat())
    phone.locator("#cover-reason").fill("年假")
    phone.locator("#cover-go").click()
    expect(phone.locator("#note-cover")).to_contain_text("已添加代管")
    cover_row = phone.locator(".cover-row[data-status='active']").filter(has_text="王芳")
    expect(cover_row).to_have_count(1)

    # the same dates again overlap: refused with the reason
    phone.locator("#cover-go").click()
    expect(phone.locator("#note-cover")).to_contain_text("时间重叠")

    # the poster PDF through its signed link
    href = phone.locator("#poster-pdf").get_attribute("href")
    assert href and "sig=" in href
    resp = phone.request.get(href)
    assert resp.status == 200
    assert resp.headers["content-type"] == "application/pdf"
    assert resp.body()[:5] == b"%PDF-"
    assert "filename*=UTF-8''" in resp.headers["content-disposition"]
    assert "private" in resp.headers["cache-control"]
    assert phone.request.get(href.split("?")[0]).status == 403  # no signature, no poster
    png = phone.request.get(phone.locator("#poster-preview").get_attribute("href"))
    assert png.status == 200 and png.body()[:4] == b"\x89PNG"

    # the resident page at phone size, opened as a resident would (no sign-in)
    resident_url = phone.locator("#resident-url").inner_text().strip()
    assert re.search(r"/r/1[A-Za-z0-9_-]+$", resident_url)
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    resident = ctx.new_page()
    resident.set_default_timeout(15_000)
    resident.goto(resident_url)
    expect(resident.locator("#res-butler-name")).to_have_text("张伟")
    expect(resident.locator("#res-call-butler")).to_have_attribute("href", "tel:13800000013")
    expect(resident.locator("#res-call-butler")).to_contain_text("拨打电话")
    expect(resident.locator("#res-deputy-name")).to_have_text("王芳")
    expect(resident.locator("#res-call-desk")).to_have_attribute("href", re.compile(r"^tel:0571-8888\d{4}$"))
    expect(resident.locator("#tab-home")).to_have_count(0)
    shot(resident, "resident-page")

    # rotate the QR: the old address now says it is out of date and shows only the front desk
    phone.locator("#rotate-qr").click()
    phone.locator("#rotate-yes").click()
    expect(phone.locator("#note-poster")).to_contain_text("二维码已更换")
    expect(phone.locator("#resident-url")).not_to_have_text(resident_url)
    resident.goto(resident_url)
    expect(resident.locator("#res-outdated")).to_have_text("此二维码已更新，请联系客服前台")
    expect(resident.locator("#res-call-desk")).to_be_visible()
    expect(resident.locator("#res-butler")).to_have_count(0)
    shot(resident, "resident-outdated")
    resident.goto("/r/1notARealToken")
    expect(resident.locator("#res-invalid")).to_have_text("二维码无效")
    # not a dead end (issue 12): an unreadable token names no community, the first one's desk answers
    expect(resident.locator("#res-call-desk")).to_have_attribute("href", re.compile(r"^tel:0571-8888\d{4}$"))
    expect(resident.locator("#res-butler")).to_have_count(0)
    ctx.close()
    with db(served_app) as s:
        refused = s.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "token.refused")
        ).one()
    assert refused >= 2

    # leave the shared demo as found: cancel the cover
    cover_row.locator(".cover-cancel").click()
    expect(phone.locator("#note-cover")).to_contain_text("已取消代管")
    with db(served_app) as s:
        live = s.exec(
            select(func.count()).select_from(GridCover).where(GridCover.cancelled_at.is_(None))
        ).one()
    assert live == 0

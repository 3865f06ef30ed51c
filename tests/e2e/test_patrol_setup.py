"""Desk patrol set-up in Chromium: checkpoints and their tags, checklists, routes, plans, refusal.

The served app is shared with other e2e tests: this test adds its own checkpoint and
route (names start with 测试) and leaves the demo's "日常巡查" routes as they are.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, select

from app.db.models import ChecklistItem, Checkpoint, PatrolPlan, PatrolRoute, RouteStop
from app.domain import patrols
from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e

SUPERVISOR = "13800000002"
BUTLER = "13800000011"
CP = "测试巡查点A"
ROUTE = "测试路线A"
DESK = {"viewport": {"width": 1280, "height": 800}}


def db(served_app) -> Session:
    return Session(sa.create_engine(served_app.db_url))


def open_setup(page) -> None:
    sign_in(page, SUPERVISOR)
    page.wait_for_url("**/desk")
    page.goto("/desk/patrol-setup")
    expect(page.locator("#page-title")).to_have_text("巡查设置")
    expect(page.locator("#grid-select")).to_be_visible()


def choose_grid(page, name: str) -> None:
    page.locator("#grid-select").click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator("#grid-select")).to_have_text(name)


def test_supervisor_sets_up_a_checkpoint_route_plan_and_prints_tags(phone, served_app):
    page = phone
    open_setup(page)
    choose_grid(page, "1号网格")
    demo_rows = page.locator(".cp-row").count()
    assert demo_rows >= 1  # the demo's checkpoints of 1号网格

    # bad GPS is refused with a clear message, nothing is added
    page.locator("#cp-name").fill(CP)
    page.locator("#cp-place").fill("1栋大堂")
    page.locator("#cp-lat").fill("北纬31度")
    page.locator("#cp-lng").fill("121.47")
    page.locator("#add-checkpoint").click()
    expect(page.locator("#flash")).to_contain_text("GPS 坐标无效")
    expect(page.locator(".cp-row")).to_have_count(demo_rows)
    # latitude without longitude: the domain's rule, same message
    page.locator("#cp-lat").fill("31.2304")
    page.locator("#cp-lng").fill("")
    page.locator("#add-checkpoint").click()
    expect(page.locator("#flash")).to_contain_text("GPS 坐标无效")

    page.locator("#cp-lng").fill("121.4737")
    page.locator("#add-checkpoint").click()
    expect(page.locator("#flash")).to_contain_text(f"已添加巡查点“{CP}”")
    row = page.locator(f".cp-row[data-name='{CP}']")
    expect(row).to_have_count(1)
    code = row.locator(".cp-code").inner_text().strip()
    assert re.fullmatch(rf"[{patrols.CODE_ALPHABET}]{{{patrols.CODE_LEN}}}", code), code
    expect(row.locator(".cp-gps")).to_contain_text("31.23040, 121.47370")
    with db(served_app) as s:
        cp = s.exec(select(Checkpoint).where(Checkpoint.name == CP)).one()
        assert cp.code == code and cp.latitude == pytest.approx(31.2304)
        copied = len(s.exec(select(ChecklistItem).where(ChecklistItem.checkpoint_id == cp.id)).all())
    expect(row.locator(".cp-items")).to_have_text(str(copied))  # the template's active lines
    shot(page, "patrol-setup-checkpoint-phone")

    # its checklist: add an item
    row.locator(".cp-checklist").click()
    expect(page.locator("#checklist")).to_contain_text(CP)
    expect(page.locator("#checklist .item-row")).to_have_count(copied)
    page.locator("#item-category").click()
    page.get_by_role("option", name="设施设备", exact=True).click()
    page.locator("#item-text").fill("测试：大堂感应门正常开合")
    page.locator("#item-add").click()
    expect(page.locator("#flash")).to_contain_text("已添加检查项")
    expect(page.locator("#checklist .item-row")).to_have_count(copied + 1)
    expect(page.locator("#checklist .item-row").last).to_contain_text("设施设备")
    expect(row.locator(".cp-items")).to_have_text(str(copied + 1))

    # a route through it
    page.locator("#new-route").click()
    page.locator("#route-name").fill(ROUTE)
    page.locator("#route-form label", has_text=CP).locator("input").check()
    page.locator("#route-save").click()
    expect(page.locator("#flash")).to_contain_text("路线已保存")
    card = page.locator(f".route-card[data-name='{ROUTE}']")
    expect(card.locator(".route-stops")).to_have_text(CP)
    expect(page.locator(".route-card[data-name='日常巡查']")).to_have_count(1)

    # a plan on Mon, Wed, Fri, due 17:30
    card.locator(".plan-open").click()
    page.locator("#plan-cadence").click()
    page.get_by_role("option", name="每周指定几天", exact=True).click()
    for d in ("1", "3", "5"):
        page.locator(f"#plan-day-{d}").check()
    page.locator("#plan-due").fill("17:30")
    page.locator("#plan-save").click()
    expect(page.locator("#flash")).to_contain_text("计划已添加")
    expect(card.locator(".plan-row")).to_have_count(1)
    expect(card.locator(".plan-cadence")).to_have_text("每周一、三、五")
    expect(card.locator(".plan-row")).to_contain_text("17:30")
    with db(served_app) as s:
        route = s.exec(select(PatrolRoute).where(PatrolRoute.name == ROUTE)).one()
        stops = s.exec(select(RouteStop).where(RouteStop.route_id == route.id)).all()
        assert [st.checkpoint_id for st in stops] == [cp.id]
        plan = s.exec(select(PatrolPlan).where(PatrolPlan.route_id == route.id)).one()
        assert (plan.cadence, plan.weekdays, plan.due_by) == ("weekdays", "135", "17:30")
    shot(page, "patrol-setup-route-plan-phone")

    # the tag sheet: a signed link; a tampered signature is refused
    href = page.locator("#print-tags").get_attribute("href")
    assert href and "/tags.pdf?" in href and "sig=" in href
    resp = page.request.get(href)
    assert resp.status == 200
    assert resp.headers["content-type"].startswith("application/pdf")
    assert resp.headers["content-disposition"].startswith("attachment")
    assert "tags-" in resp.headers["content-disposition"]
    assert resp.body()[:4] == b"%PDF"
    sig = re.search(r"sig=([^&]+)", href).group(1)
    bad = href.replace(f"sig={sig}", "sig=" + ("A" if sig[0] != "A" else "B") + sig[1:])
    assert page.request.get(bad).status == 403
    assert page.request.get(href.split("?")[0]).status == 403


def test_reissue_needs_confirmation_and_changes_the_code(browser, served_app):
    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **DESK)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    try:
        open_setup(page)
        choose_grid(page, "1号网格")
        name = "测试巡查点B"
        page.locator("#cp-name").fill(name)
        page.locator("#add-checkpoint").click()
        row = page.locator(f".cp-row[data-name='{name}']")
        expect(row).to_have_count(1)
        old = row.locator(".cp-code").inner_text().strip()
        row.locator(".cp-reissue").click()
        expect(page.locator("#reissue-confirm")).to_contain_text("旧贴纸将立即失效")
        shot(page, "patrol-setup-desk")
        page.locator("#reissue-yes").click()
        expect(page.locator("#flash")).to_contain_text("已为")
        expect(row.locator(".cp-code")).not_to_have_text(old)
        with db(served_app) as s:
            cp = s.exec(select(Checkpoint).where(Checkpoint.name == name)).one()
            assert cp.version == 2 and cp.code != old
        # edit: rename and deactivate
        row.locator(".cp-edit").click()
        page.locator("#edit-place").fill("2栋门口")
        page.locator("#edit-active").uncheck()
        page.locator("#edit-save").click()
        expect(page.locator("#flash")).to_contain_text("已保存")
        expect(row).to_contain_text("2栋门口")
        expect(row).to_contain_text("已停用")
        page.set_viewport_size({"width": 1280, "height": 800})
        shot(page, "patrol-setup-desk-after")
    finally:
        ctx.close()


def test_butler_is_refused_patrol_setup(phone, served_app):
    sign_in(phone, BUTLER)
    phone.wait_for_url("**/grid")
    phone.goto("/desk/patrol-setup")
    expect(phone.locator("#refused")).to_be_visible()
    expect(phone.locator("#grid-select")).to_have_count(0)

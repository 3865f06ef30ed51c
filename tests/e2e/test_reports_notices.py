"""The notice board and the reports, in Chromium at 390x844.

The front desk posts an announcement to one grid; it shows on that grid's
resident page and not on another's. The supervisor opens the reports, sees the
figures of requests this test registers (through app.domain.requests against the
served app's database, with this process's clock frozen in past periods no demo
data reaches), writes improvement actions, downloads the PDF and publishes the
quarterly report, which then shows on the resident page with its PDF.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, select

from app.api import links
from app.api.reports import board_path
from app.db.models import Grid, Household, Staff
from app.domain import auth, clock, grid_planning, reports, requests, tokens
from tests.e2e.conftest import PHONE, TEST_SECRET_KEY, shot, sign_in

pytestmark = pytest.mark.e2e

PREFIX = "138000000"
FRONT_DESK, SUPERVISOR, BUTLER, TECHNICIAN = "04", "02", "11", "31"


def _session(app) -> Session:
    return Session(sa.create_engine(app.db_url))


def _actor(s: Session, suffix: str) -> auth.Actor:
    return auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == PREFIX + suffix)).one())


def _resident_url(s: Session, grid: Grid) -> str:
    token = tokens.sign(grid_planning.TOKEN_KIND, grid.id,
                        version=grid_planning.poster_version(s, grid.id),
                        community_id=grid.community_id, key=TEST_SECRET_KEY.encode())
    return grid_planning.resident_path(token)


def _local(day, hh=10):
    return datetime(day.year, day.month, day.day, hh, 0, tzinfo=clock.ZONE).astimezone(UTC)


def _register(app) -> dict:
    """Requests in a past quarter and a past half month (both older than the demo history)."""
    today = clock.today()
    quarter = reports.recent_quarters(4, today)[3]
    half = reports.recent_half_months(12, today)[11]
    with _session(app) as s:
        desk, boss_id = _actor(s, FRONT_DESK), _actor(s, SUPERVISOR).community_id
        tech, butler = _actor(s, TECHNICIAN), _actor(s, BUTLER)
        home = s.exec(select(Household).where(Household.community_id == desk.community_id,
                                              Household.grid_id.is_not(None)).order_by(Household.id)).first()

        def new(text):
            return requests.intake(s, desk, channel=requests.PHONE, content=text, household_id=home.id,
                                   contact_phone="13912345678").request

        try:
            # the quarter: 4 received, 3 handled (1 late), 2 valid followed up (scores 5, 2 then 4)
            clock.freeze(_local(quarter.months[1]))
            r1 = new("楼道堆放杂物")
            requests.classify(s, desk, r1.id, category=requests.COMPLAINT)
            requests.dispatch(s, desk, r1.id, department="service", assignee_id=None)
            requests.resolve(s, desk, r1.id, "已清理")
            requests.follow_up(s, butler, r1.id, method="phone", satisfaction=5)
            r2 = new("卫生间漏水")
            requests.classify(s, desk, r2.id, category=requests.REPAIR_MINOR)
            requests.dispatch(s, desk, r2.id, department="technician", assignee_id=tech.id)
            clock.advance(timedelta(minutes=10))
            assert requests.sweep_overdue(s, desk.community_id) == 1
            requests.arrive(s, tech, r2.id)
            requests.resolve(s, tech, r2.id, "换密封圈")
            requests.follow_up(s, butler, r2.id, method="phone", satisfaction=2)
            requests.arrive(s, tech, r2.id)
            requests.resolve(s, tech, r2.id, "更换水管")
            requests.follow_up(s, butler, r2.id, method="visit", satisfaction=4)
            r3 = new("停车卡怎么办理")
            requests.classify(s, desk, r3.id, category=requests.INQUIRY)
            requests.dispatch(s, desk, r3.id, department="service", assignee_id=None)
            requests.resolve(s, desk, r3.id, "已告知")
            r4 = new("夜间施工噪音")
            requests.classify(s, desk, r4.id, category=requests.COMPLAINT)
            # the half month: a complaint, and a repair that went overdue
            clock.freeze(_local(half.start + timedelta(days=2)))
            # (the served app sweeps for overdue requests with the real time: a request left
            # open here would go overdue there, so r5 and r6 are finished)
            r5 = new("电梯按钮失灵")
            requests.classify(s, desk, r5.id, category=requests.COMPLAINT)
            requests.dispatch(s, desk, r5.id, department="service", assignee_id=None)
            requests.resolve(s, desk, r5.id, "已修复")
            requests.follow_up(s, butler, r5.id, method="phone", satisfaction=4)
            r6 = new("路灯不亮")
            requests.classify(s, desk, r6.id, category=requests.REPAIR_MINOR)
            requests.dispatch(s, desk, r6.id, department="technician", assignee_id=tech.id)
            clock.advance(timedelta(minutes=10))
            # r6 and the quarter's open complaint r4 (unhandled, so its figures do not change)
            assert requests.sweep_overdue(s, desk.community_id) == 2
            # late but then done, so it does not sit in the shared app's overdue panel
            requests.arrive(s, tech, r6.id)
            requests.resolve(s, tech, r6.id, "更换灯泡")
            requests.follow_up(s, butler, r6.id, method="phone", satisfaction=5)
            requests.close(s, butler, r6.id)
            s.commit()
        finally:
            clock.reset()
        grids = list(s.exec(select(Grid).where(Grid.community_id == boss_id,
                                                Grid.butler_id.is_not(None)).order_by(Grid.id)))
        return {
            "quarter": quarter.key, "half": half.key, "request_id": r4.id, "community_id": boss_id,
            "grid_a": grids[0].name, "url_a": _resident_url(s, grids[0]),
            "url_b": _resident_url(s, grids[1]),
        }


def _stat(page, stat_id: str):
    """The number of a stat tile (its first line)."""
    return page.locator(f"#{stat_id} p").first


def test_notice_board_and_reports(browser, served_app, phone, monkeypatch):
    data = _register(served_app)
    page = phone
    # --- the front desk posts to grid A and links a request ---------------------------------
    sign_in(page, PREFIX + FRONT_DESK)
    page.wait_for_url("**/desk")
    expect(page.locator("#nav-reports")).to_have_count(0)
    page.locator("#nav-notices").click()
    page.wait_for_url("**/desk/notices")
    page.locator("#notice-title").fill("3号楼明日停水")
    page.locator("#notice-body").fill("明天 9:00-12:00 更换水泵，请提前储水。<b>不是粗体</b>")
    page.locator("#notice-scope").select_option(label=data["grid_a"])
    page.locator("#notice-publish").click()
    expect(page.locator("#flash")).to_contain_text("公告已发布")
    row = page.locator(".notice-row", has_text="3号楼明日停水")
    expect(row).to_contain_text(data["grid_a"])
    expect(row.locator(".notice-state")).to_have_text("展示中")
    # a date range that ends before it starts is refused, nothing is written
    page.locator("#notice-title").fill("错误日期")
    page.locator("#notice-body").fill("x")
    today = page.locator("#notice-from").input_value()
    page.locator("#notice-until").fill((datetime.fromisoformat(today) - timedelta(days=1)).date().isoformat())
    page.locator("#notice-publish").click()
    expect(page.locator("#flash")).to_contain_text("结束日期不能早于开始日期")
    expect(page.locator(".notice-row", has_text="错误日期")).to_have_count(0)
    row.locator(".notice-link-open").click()
    page.locator("#link-ids").fill(f"{data['request_id']}")
    page.locator("#link-go").click()
    expect(page.locator("#flash")).to_contain_text("已关联 1 个工单")
    expect(row.locator(".notice-links")).to_contain_text(f"#{data['request_id']}")
    shot(page, "notices-desk")

    ctx = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    resident = ctx.new_page()
    resident.set_default_timeout(15_000)
    resident.goto(data["url_a"])
    board = resident.locator("#res-board")
    expect(board).to_contain_text("3号楼明日停水")
    expect(board).to_contain_text("<b>不是粗体</b>")
    expect(board).to_contain_text("本网格")
    shot(resident, "resident-board")
    resident.goto(data["url_b"])
    expect(resident.locator("#res-butler-name")).to_be_visible()
    expect(resident.locator("#res-board")).to_have_count(0)

    # --- the supervisor: half-monthly summary, actions, quarterly report, PDF, publish -----------
    ctx2 = browser.new_context(base_url=served_app.url, locale="zh-CN", **PHONE)
    boss = ctx2.new_page()
    boss.set_default_timeout(15_000)
    sign_in(boss, PREFIX + SUPERVISOR)
    boss.wait_for_url("**/desk")
    boss.locator("#nav-reports").click()
    boss.wait_for_url("**/desk/reports")
    boss.locator("#half-pick").select_option(data["half"])
    expect(_stat(boss, "half-total")).to_have_text("2")
    expect(_stat(boss, "half-overdue")).to_have_text("1")
    expect(_stat(boss, "half-unsatisfied")).to_have_text("0")
    cat = boss.locator(".half-cat[data-key='repair_minor']")
    expect(cat.locator(".r-total")).to_have_text("1")
    expect(cat.locator(".r-overdue")).to_have_text("1")
    expect(boss.locator(".half-cat[data-key='complaint'] .r-overdue")).to_have_text("0")
    boss.locator("#actions").fill("路灯维修超时：夜间增加值班电工")
    boss.locator("#actions-save").click()
    expect(boss.locator("#flash")).to_contain_text("改进措施已保存")
    expect(boss.locator("#actions-meta")).to_contain_text("周敏")
    boss.reload()
    boss.locator("#half-pick").select_option(data["half"])
    expect(boss.locator("#actions")).to_have_value("路灯维修超时：夜间增加值班电工")

    boss.locator("#quarter-pick").select_option(data["quarter"])
    expect(_stat(boss, "q-received")).to_have_text("4")
    expect(_stat(boss, "q-handled")).to_have_text("3")
    expect(_stat(boss, "q-on-time")).to_have_text("67%")
    expect(_stat(boss, "q-follow-up")).to_have_text("100%")
    expect(_stat(boss, "q-satisfaction")).to_have_text("3.7")
    expect(_stat(boss, "q-satisfied")).to_have_text("67%")
    expect(boss.locator(".q-category", has_text="零修").locator(".q-on-time")).to_have_text("0%")
    shot(boss, "reports-desk")
    href = boss.locator("#quarter-pdf").get_attribute("href")
    assert href and re.search(r"/api/reports/\d+/quarter/\d{4}-Q[1-4]\.pdf\?exp=\d+&sig=", href)
    pdf = boss.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF-") and body.count(b"/MediaBox [0 0 595.28 841.89]") == 1
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", body)) == 1
    assert boss.request.get(href.split("?")[0]).status == 403
    half_pdf = boss.request.get(boss.locator("#half-pdf").get_attribute("href"))
    assert half_pdf.status == 200 and half_pdf.body().startswith(b"%PDF-")
    # not on the board yet: the public link is refused even when signed
    monkeypatch.setenv("APP_SECRET_KEY", TEST_SECRET_KEY)
    early = links.sign(board_path(data["community_id"], data["quarter"]))
    assert boss.request.get(early).status == 404
    boss.locator("#quarter-publish").click()
    expect(boss.locator("#flash")).to_contain_text("报告已发布到公告栏")
    expect(boss.locator("#quarter-on-board")).to_be_visible()

    resident.goto(data["url_b"])
    report = resident.locator(".board-item[data-kind='quarterly_report']")
    expect(report).to_contain_text("季度物业管理报告")
    expect(report).to_contain_text("本季度共受理 4 件，已处理 3 件")
    link = report.locator(".board-report")
    public = link.get_attribute("href")
    assert public and f"/report-{data['quarter']}.pdf?" in public
    got = resident.request.get(public)
    assert got.status == 200 and got.body().startswith(b"%PDF-")
    shot(resident, "resident-board-report")
    ctx.close()
    ctx2.close()

"""Renovations on site end to end at phone size (390x844).

The test makes its own renovation through the domain against the served app's
database (approved, deposit paid, one worker with a pass, concealed works
inspected, now at the waterproofing stage), so the seeded ones stay as they
are. A butler finds a violation with a photo; the engineering manager's
re-check fails it and deducts from the deposit; the waterproofing check holds
the next stage until it is confirmed; completion revokes the passes and
schedules the revisit; the supervisor's KPI page shows the figures.
"""

from __future__ import annotations

import io
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import TEST_SECRET_KEY, shot, sign_in

pytestmark = pytest.mark.e2e

BUTLER = "13800000011"
ENGINEER = "13800000041"
SUPERVISOR = "13800000002"
DEPOSIT = 200_000
DEDUCTION_YUAN = "500"


def _db(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _kpis(served_app):
    from sqlmodel import select

    from app.db.models import Community
    from app.db.session import session_scope
    from app.domain import renovation_checks
    from app.seed import DEMO_CODE

    with session_scope(served_app.db_url) as db:
        cid = db.exec(select(Community.id).where(Community.code == DEMO_CODE)).one()
        return renovation_checks.kpis(db, cid)


def _make_renovation(served_app) -> tuple[int, str]:
    """A renovation of a household in the butler's grid without one, moved to the waterproofing stage with the domain."""
    os.environ["APP_SECRET_KEY"] = TEST_SECRET_KEY  # passes are signed as the served app signs them
    from sqlmodel import select

    from app.db.models import RenovationApplication, Staff
    from app.db.session import session_scope
    from app.domain import (
        auth,
        clock,
        gate,
        renovation_checks,
        renovation_completion,
        renovation_passes,
        renovations,
    )

    assert gate and renovation_completion  # register their photo kinds
    with _db(served_app) as con:
        (household_id,) = con.execute(
            "select h.id from household h join grid g on g.id = h.grid_id join staff s on s.id = g.butler_id "
            "where s.phone = ? and h.id not in (select household_id from renovationapplication) "
            "order by h.id desc limit 1", (BUTLER,)).fetchone()
    with session_scope(served_app.db_url) as db:
        def actor(phone: str):
            return auth.actor_for(db, db.exec(select(Staff).where(Staff.phone == phone)).one())

        desk, sup, eng, gm = actor("13800000004"), actor(SUPERVISOR), actor(ENGINEER), actor("13800000042")
        today = clock.today()
        app = renovations.apply(
            db, desk, household_id=household_id, owner_name="江海涛", owner_phone="13912349999",
            contractor_company="宏达装饰", contractor_contact="卢工", contractor_phone="13700009999",
            planned_start=today - timedelta(days=3), planned_end=today + timedelta(days=30),
            scope=["walls", "plumbing", "electrical"], waterproofing_areas=["bathroom"], hot_work=True,
            client_id="e2e-site-renovation",
        )
        renovation_passes.add_worker(db, desk, app.id or 0, name="韦小军", phone="13600009999", trade="plumber")
        for level, who in ((renovations.FIRST_REVIEW, sup), (renovations.SECOND_REVIEW, eng),
                           (renovations.SIGN_OFF, gm)):
            renovations.decide(db, who, app.id or 0, level=level, decision=renovations.APPROVE)
        renovation_passes.record_deposit(db, desk, app.id or 0, amount_cents=DEPOSIT, receipt_no="E2E-0001")
        for item in renovation_checks.required_concealed(app):
            g = renovation_checks.declare(db, desk, app.id or 0, kind=renovation_checks.CONCEALED, item=item)
            renovation_checks.inspect(db, eng, g.id or 0, passed=True)
        assert renovation_checks.advance_stage(db, eng, app.id or 0) == renovation_checks.WATERPROOFING
        db.commit()
        label = db.get(RenovationApplication, app.id).household_label
        return app.id or 0, label


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "site.jpg"
    buf = io.BytesIO()
    Image.effect_noise((1200, 900), 50).convert("RGB").save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return path


def _row(served_app, sql: str, *args):
    with _db(served_app) as con:
        return con.execute(sql, args).fetchone()


def test_site_check_recheck_gates_completion_and_kpis(served_app, phone, another, photo):
    rid, household = _make_renovation(served_app)
    before = _kpis(served_app)  # with this renovation's worker pass active

    # the butler: the renovation is in the list, at the waterproofing stage, held
    butler = phone
    sign_in(butler, BUTLER)
    butler.wait_for_url(lambda url: "/login" not in url)
    butler.locator("#tab-renovations").click()
    butler.wait_for_url("**/m/renovations")
    card = butler.locator(f".site-renovation[data-renovation='{rid}']")
    expect(card).to_contain_text(household)
    expect(card).to_contain_text("防水")
    shot(butler, "renovation-site-1-list")
    card.click()
    butler.wait_for_url(f"**/m/renovations/{rid}")
    expect(butler.locator("#site-hold")).to_be_visible()

    # site check: waste left in the stairwell is a violation
    butler.locator("#check-waste").click()
    expect(butler.locator("#check-waste")).to_have_attribute("data-failing", "1")
    butler.locator("#note_waste").fill("建筑垃圾堆放在楼道")
    butler.locator("#deadline_days").fill("2")
    butler.locator("#check-submit").click()
    expect(butler.locator("#flash")).to_contain_text("检查已记录")
    notice = butler.locator(".rectification[data-status=open]")
    expect(notice.locator(".rect-items")).to_contain_text("装修垃圾")
    expect(notice.locator(".rect-due")).to_contain_text("期限")
    butler.locator("#check-photo").set_input_files(str(photo))
    butler.locator("img.evidence-thumb").first.wait_for(timeout=20_000)
    check_id, violations = _row(served_app, "select id, violations from sitecheck where application_id = ? "
                                            "order by id desc", rid)
    assert violations == 1
    assert _row(served_app, "select count(*) from evidencephoto where subject_kind = 'renovation_check' "
                            "and subject_id = ?", check_id)[0] == 1
    shot(butler, "renovation-site-2-violation")

    # the engineering manager re-checks: not rectified, ¥500 off the deposit, escalated
    eng = another()
    sign_in(eng, ENGINEER)
    eng.wait_for_url(lambda url: "/login" not in url)
    eng.goto(f"/m/renovations/{rid}")
    form = eng.locator(".rectification[data-status=open]")
    form.locator("#outcome").select_option("failed")
    form.locator("#recheck_note").fill("复查时垃圾仍未清运")
    form.locator("#deduction").fill(DEDUCTION_YUAN)
    form.locator("#deduction_reason").fill("逾期未清运建筑垃圾")
    form.locator("#recheck-submit").click()
    expect(eng.locator(".rectification[data-status=failed]")).to_contain_text("¥500.00")
    expect(eng.locator("#site-deducted")).to_have_text("¥500.00")
    expect(eng.locator(".site-escalation")).to_contain_text("逾期未清运建筑垃圾")
    status, deducted = _row(served_app, "select status, deduction_cents from rectification where application_id = ?",
                            rid)
    assert (status, deducted) == ("failed", 50_000)
    shot(eng, "renovation-site-3-recheck")

    # hot work: a date window with a named fire watch
    from app.domain import clock

    today = clock.today()
    eng.locator("#hw_from").fill(str(today))
    eng.locator("#hw_to").fill(str(today + timedelta(days=1)))
    eng.locator("#fire_watch").fill("赵磊")
    eng.locator("#fire_watch_phone").fill("13800000022")
    eng.locator("#hot-work-submit").click()
    expect(eng.locator(".hot-work-row")).to_contain_text("赵磊")
    assert _row(served_app, "select fire_watch_name, starts_on from hotworkpermission where application_id = ?",
                rid) == ("赵磊", str(today))

    # waterproofing: the next stage is refused until the check is confirmed
    expect(eng.locator("#site-hold")).to_contain_text("防水")
    eng.locator("#advance-stage").click()
    expect(eng.locator("#flash")).to_contain_text("防水")
    assert _row(served_app, "select stage from renovationapplication where id = ?", rid)[0] == "waterproofing"
    shot(eng, "renovation-site-4-hold")
    # the first closed-water test leaks: failed with a note, fixed, declared again, passed
    eng.locator("#gate_item").select_option("waterproofing:bathroom")
    eng.locator("#declare-submit").click()
    gate_row = eng.locator(".stage-gate[data-item=bathroom][data-status=declared]")
    expect(gate_row).to_be_visible()
    gate_row.locator("#gate_outcome").select_option("failed")
    gate_row.locator("#inspect_note").fill("闭水试验渗漏，楼下天花有水迹")
    gate_row.locator("#inspect-submit").click()
    expect(eng.locator(".stage-gate[data-item=bathroom][data-status=failed]")).to_contain_text("渗漏")
    expect(eng.locator("#site-hold")).to_be_visible()
    eng.locator("#gate_item").select_option("waterproofing:bathroom")
    eng.locator("#declare-submit").click()
    gate_row = eng.locator(".stage-gate[data-item=bathroom][data-status=declared]")
    expect(gate_row).to_be_visible()
    gate_row.locator("#inspect-submit").click()
    expect(eng.locator(".stage-gate[data-item=bathroom][data-status=passed]")).to_be_visible()
    expect(eng.locator("#site-hold")).to_have_count(0)
    eng.locator("#advance-stage").click()
    expect(eng.locator("#site-stage")).to_contain_text("饰面")
    assert _row(served_app, "select stage from renovationapplication where id = ?", rid)[0] == "finishing"

    # completion: the checklist, the as-built drawings, then every pass revoked and the revisit due
    assert _row(served_app, "select count(*) from workerpass where application_id = ? and revoked_at is null",
                rid)[0] >= 1
    for box in eng.locator("input[type=checkbox][name^=acc_]").all():
        box.check()
    eng.locator("#asbuilt-photo").set_input_files(str(photo))
    eng.locator("#asbuilt-strip img.evidence-thumb").first.wait_for(timeout=20_000)
    eng.locator("#complete-submit").click()
    expect(eng.locator("#site-status")).to_contain_text("已竣工")
    expect(eng.locator("#revisit-due")).not_to_be_empty()
    status, revisit_due = _row(served_app, "select status, revisit_due from renovationapplication where id = ?", rid)
    assert status == "completed" and revisit_due
    assert _row(served_app, "select count(*) from workerpass where application_id = ? and revoked_at is null",
                rid)[0] == 0
    expect(eng.locator("#revisit-due")).to_have_text(str(revisit_due))
    expect(eng.locator("#refund-figure")).to_contain_text("¥1500.00")
    shot(eng, "renovation-site-5-completed")

    # the supervisor's figures
    after = _kpis(served_app)
    assert after.site_checks == before.site_checks + 1
    assert after.violating == before.violating + 1
    assert after.failed == before.failed + 1
    assert after.passes_active < before.passes_active
    sup = another()
    sign_in(sup, SUPERVISOR)
    sup.wait_for_url("**/desk**")
    sup.locator("#nav-renovation-kpis").click()
    sup.wait_for_url("**/desk/renovation-kpis")
    expect(sup.locator("#kpi-site-checks")).to_contain_text(str(after.site_checks))
    expect(sup.locator("#kpi-violating")).to_contain_text(str(after.violating))
    expect(sup.locator("#kpi-failed")).to_contain_text(str(after.failed))
    expect(sup.locator("#kpi-passes-active")).to_contain_text(str(after.passes_active))
    expect(sup.locator("#kpi-violation-rate")).to_have_text(f"{after.violation_rate * 100:.2f}%")
    rate = "—" if after.rectification_rate is None else f"{after.rectification_rate * 100:.0f}%"
    expect(sup.locator("#kpi-rectification-rate")).to_have_text(rate)
    expect(sup.locator("#kpi-gate-refusals")).to_contain_text(str(after.gate_refusals))
    shot(sup, "renovation-site-6-kpis")

    # the same sections on the desk page of the renovation
    sup.goto(f"/desk/renovations/{rid}")
    expect(sup.locator("#renovation-site #refund-figure")).to_contain_text("¥1500.00")
    expect(sup.locator("#renovation-site .rectification[data-status=failed]")).to_contain_text("¥500.00")

    # the revisit, then the deposit refunded less the deduction
    sup.goto(f"/m/renovations/{rid}")
    sup.locator("#revisit_note").fill("业主对施工满意，楼道已清理干净")
    sup.locator("#revisit-submit").click()
    expect(sup.locator("#revisit-done")).to_contain_text("业主对施工满意")
    sup.locator("#refund-submit").click()
    expect(sup.locator("#refunded")).to_contain_text("¥1500.00")
    assert _row(served_app, "select status, refund_cents from renovationapplication where id = ?", rid) == \
        ("closed", DEPOSIT - 50_000)
    shot(sup, "renovation-site-7-refunded")

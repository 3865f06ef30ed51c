"""The supervisor's gate log at phone size: a guard's refused scan shows up with the guard's name and
the verdict's words; the day's counts; refusals only; the previous day; a butler is refused, audited."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot, sign_in

pytestmark = pytest.mark.e2e

GUARD = "13800000023"  # 黄军
SUPERVISOR = "13800000002"
BUTLER = "13800000011"


def test_supervisor_reads_the_days_gate_scans(served_app, phone, another):
    guard = another()
    sign_in(guard, GUARD)
    guard.wait_for_url("**/gate")
    guard.locator("#gate-name").fill("北门")
    guard.locator("#scan-code").fill("ZX-NOT-A-PASS-123")
    guard.locator("#scan-code-submit").click()
    expect(guard.locator("#verdict[data-verdict=unknown_or_forged]")).to_be_visible()

    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk")
    phone.locator("#nav-gate-log").click()
    phone.wait_for_url("**/desk/gate-log")
    rows = phone.locator("#gate-log-rows .gate-log-row")
    newest = rows.first
    expect(newest).to_have_attribute("data-verdict", "unknown_or_forged")
    expect(newest).to_contain_text("无法识别或伪造")
    expect(newest).to_contain_text("黄军 · 北门")
    total = int(phone.locator("#gate-log-total").inner_text().split()[0])
    refused = int(phone.locator("#gate-log-refused").inner_text().split()[0])
    assert total >= refused >= 1
    expect(phone.locator("#gate-log-counts .gate-log-count[data-verdict=unknown_or_forged]")).to_be_visible()
    assert rows.count() == min(total, 200)
    shot(phone, "gate-log-1-today")

    # refusals only: every row shown is a refusal, and their number is the day's refusals
    phone.locator("#gate-log-refused-only").click()
    expect(rows.first).to_be_visible()
    verdicts = rows.evaluate_all("rs => rs.map(r => r.dataset.verdict)")
    assert verdicts and "valid" not in verdicts and len(verdicts) == min(refused, 200)

    # the day before: none of today's scans
    today = phone.locator("#gate-log-day").input_value()
    phone.locator("#gate-log-prev").click()
    expect(phone.locator("#gate-log-day")).not_to_have_value(today)
    expect(phone.locator("#gate-log-rows .gate-log-row", has_text="黄军 · 北门")).to_have_count(0)
    phone.locator("#gate-log-next").click()
    expect(phone.locator("#gate-log-day")).to_have_value(today)
    expect(rows.first).to_contain_text("黄军 · 北门")


def test_a_butler_cannot_open_the_gate_log(served_app, phone):
    sign_in(phone, BUTLER)
    phone.wait_for_url("**/grid")
    phone.goto("/desk/gate-log")
    expect(phone.locator("#refused")).to_be_visible()
    expect(phone.locator("#gate-log-rows")).to_have_count(0)
    with sqlite3.connect(served_app.db_url.removeprefix("sqlite:///")) as con:
        n = con.execute("select count(*) from auditentry a join staff s on s.id = a.actor_id"
                        " where s.phone = ? and a.action = 'auth.refused' and a.subject like '%gate.log%'",
                        (BUTLER,)).fetchone()[0]
    assert n >= 1

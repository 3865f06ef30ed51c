"""Issue 15 #7, #11, #13 and #18 on the served app, in Chromium at 390x844."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.domain import auth
from app.state.base import AppState
from app.state.staff_admin import StaffAdminState
from tests.e2e.conftest import forge_next_event, shot, sign_in, sqlite_db

pytestmark = pytest.mark.e2e

TECHNICIAN_2 = "13800000032"  # 徐师傅: nobody else's test reads his screens
SUPERVISOR = "13800000002"
GENERAL_MANAGER = "13800000042"
BUTLER = "13800000011"
REPAIRS_EN = "My repair orders"


def _language_of(app, number: str) -> str:
    with sqlite_db(app) as con:
        return con.execute("select language from staff where phone = ?", (number,)).fetchone()[0]


def _set_language(app, number: str, lang: str) -> None:
    with sqlite_db(app) as con:
        con.execute("update staff set language = ? where phone = ?", (lang, number))


# --- #7 the language picked on the sign-in screen ------------------------------------------------


def test_english_picked_on_sign_in_is_kept(phone, served_app):
    phone.goto("/login")
    expect(phone.locator("#sign-in")).to_have_text("登录")
    switch = phone.locator("#lang-switch")
    box = switch.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    switch.click()
    expect(phone.locator("#sign-in")).to_have_text("Sign in")
    try:
        sign_in(phone, TECHNICIAN_2)
        phone.wait_for_url("**/repairs")
        expect(phone.locator("#page-title")).to_have_text(REPAIRS_EN)
        assert _language_of(served_app, TECHNICIAN_2) == "en"
        shot(phone, "abuse-signed-in-en")
    finally:
        _set_language(served_app, TECHNICIAN_2, "zh")


def test_without_a_pick_the_persons_own_language_applies(phone, served_app):
    _set_language(served_app, TECHNICIAN_2, "en")
    try:
        sign_in(phone, TECHNICIAN_2)  # the sign-in screen shows zh, nothing picked
        phone.wait_for_url("**/repairs")
        expect(phone.locator("#page-title")).to_have_text(REPAIRS_EN)
    finally:
        _set_language(served_app, TECHNICIAN_2, "zh")


# --- #11 the audit log in words, with filters ------------------------------------------------------


def test_audit_log_in_words_and_filtered(phone, served_app):
    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk")
    phone.goto("/admin/audit")
    rows = phone.locator(".audit-row")
    expect(rows.first).to_be_visible()
    expect(rows.first.locator(".audit-action")).to_have_text("登录")
    expect(rows.first.locator(".audit-subject")).to_contain_text("周敏")
    # no raw keys or record numbers of people anywhere on the page
    text = phone.locator("table").inner_text()
    assert "auth.sign_in" not in text and "staff:" not in text, text[:500]

    # by kind of action
    phone.locator("#audit-family").click()
    phone.get_by_role("option", name="员工管理").click()
    expect(phone.locator("#audit-empty").or_(rows.first)).to_be_visible()
    for action in phone.locator(".audit-row .audit-action").all_inner_texts():
        assert "登录" != action
    # by person: the general manager (no entries of his but his own sign-in, if any)
    phone.locator("#audit-clear").click()
    phone.locator("#audit-person").click()
    phone.get_by_role("option", name="周敏").click()
    expect(rows.first).to_be_visible()
    for actor, subject in zip(phone.locator(".audit-row .audit-actor").all_inner_texts(),
                              phone.locator(".audit-row .audit-subject").all_inner_texts(), strict=True):
        assert "周敏" in actor or "周敏" in subject, (actor, subject)
    # by day: nothing happened yesterday in this fresh database
    phone.locator("#audit-day").fill((date.today() - timedelta(days=2)).isoformat())
    expect(phone.locator("#audit-empty")).to_be_visible()
    phone.locator("#audit-clear").click()
    expect(rows.first).to_be_visible()
    # the language switch words the log again
    phone.locator("#lang-switch").click()
    expect(rows.first.locator(".audit-action")).not_to_have_text("登录")
    expect(phone.locator(".audit-row .audit-action").first).to_have_text("Sign-in")
    shot(phone, "abuse-audit-en")
    phone.locator("#lang-switch").click()
    expect(rows.first.locator(".audit-action")).to_have_text("登录")


# --- #13 staff: own roles, resets of higher roles -------------------------------------------------


def test_supervisor_cannot_reset_a_managers_password_or_edit_her_roles(phone, served_app):
    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk")
    phone.goto("/admin/staff")
    gm = phone.locator(f".staff-row[data-phone='{GENERAL_MANAGER}']")
    expect(gm).to_be_visible()
    expect(gm.locator(".staff-reset")).to_have_count(0)
    expect(gm.locator(".staff-edit")).to_have_count(0)
    expect(gm.locator(".staff-deactivate")).to_have_count(0)
    expect(phone.locator(f".staff-row[data-phone='{BUTLER}'] .staff-reset")).to_be_visible()

    # her own account: the roles are greyed and say why
    phone.locator(f".staff-row[data-phone='{SUPERVISOR}'] .staff-edit").click()
    expect(phone.locator("#staff-own-roles-note")).to_be_visible()
    expect(phone.locator(".role-butler")).to_be_disabled()
    # manager roles are not offered to a supervisor at all (only the admin grants them)
    expect(phone.locator(".role-general_manager")).to_have_count(0)
    phone.keyboard.press("Escape")


def test_a_forged_reset_of_the_general_manager_is_refused_on_the_card(phone, served_app):
    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk")
    with sqlite_db(served_app) as con:
        gm_id, gm_hash = con.execute("select id, password_hash from staff where phone = ?",
                                     (GENERAL_MANAGER,)).fetchone()
    # a tampered browser turns its next event into a reset of the general manager's password
    forged = forge_next_event(phone, f"{AppState.get_full_name()}.toggle_language",
                              f"{StaffAdminState.get_full_name()}.reset_password", {"staff_id": str(gm_id)})
    phone.goto("/admin/staff")
    expect(phone.locator(".staff-row").first).to_be_visible()
    phone.locator("#lang-switch").click()
    gm = phone.locator(f".staff-row[data-phone='{GENERAL_MANAGER}']")
    expect(gm.locator("#staff-row-error")).to_be_visible()
    assert forged and str(gm_id) in forged[0], forged
    expect(phone.locator("#issued-password")).to_have_count(0)
    with sqlite_db(served_app) as con:
        assert con.execute("select password_hash from staff where id = ?", (gm_id,)).fetchone()[0] == gm_hash
    shot(phone, "abuse-reset-refused")


# --- #18 floods from one anonymous browser ----------------------------------------------------------


def _scalar(app, sql: str, *args) -> int:
    with sqlite_db(app) as con:
        return con.execute(sql, args).fetchone()[0] or 0


def test_junk_poster_tokens_from_one_browser_write_one_audit_entry(phone, served_app):
    count = "select count(*) from auditentry where action = 'token.refused' and subject = 'grid'"
    before = _scalar(served_app, count)
    for i in range(12):
        phone.goto(f"/r/junk-token-{i:03d}")
        expect(phone.locator("#res-invalid")).to_be_visible()
    # one a minute per client and kind of refusal (malformed, forged, ...), not one per page load
    assert 1 <= _scalar(served_app, count) - before <= 4


def test_random_phone_sign_ins_from_one_browser_are_bounded(phone, served_app):
    tried = "select coalesce(sum(count), 0) from ratecounter where scope = 'sign_in.client'"
    failed = "select count(*) from auditentry where action = 'auth.sign_in' and subject like '1370001%'"
    refusals = ("select count(*) from auditentry where action = 'auth.sign_in' and outcome = 'refused'"
                " and detail = 'auth.client_wait'")
    before_refusals = _scalar(served_app, refusals)
    phone.goto("/login")
    try:
        for i in range(auth.CLIENT_TRIES + 3):
            n = _scalar(served_app, tried)
            phone.locator("#phone").fill(f"1370001{i:04d}")
            phone.locator("#password").fill("wrong-pass-1")
            phone.locator("#sign-in").click()
            for _ in range(100):  # the attempt is counted before its password is checked
                if _scalar(served_app, tried) > n:
                    break
                phone.wait_for_timeout(100)
        expect(phone.locator("#sign-in-error")).to_contain_text("此网络的登录尝试过多")
        # at most CLIENT_TRIES Argon2 checks (tries used earlier in this window by other tests count too)
        assert _scalar(served_app, failed) <= auth.CLIENT_TRIES
        assert 1 <= _scalar(served_app, refusals) - before_refusals <= 2
        shot(phone, "abuse-sign-in-flood")
    finally:
        # other tests sign in from this same address: give it its tries back
        with sqlite_db(served_app) as con:
            con.execute("delete from ratecounter where scope = 'sign_in.client'")

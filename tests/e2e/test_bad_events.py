"""Forged events with wrong-typed arguments are refused in the user's language (issue 15 #15, #4).

A tampered browser can send any handler any argument over the websocket. Before,
`workorders.close` with order_id='abc' (and 15 more handlers) died on `int()`
with an unhandled exception: a traceback in the server's log, nothing on the
phone. Now every id is read by `as_id` and refused with a message, and what
still escapes a handler is caught by the app's backend exception handler: logged
once with its traceback and answered with 操作失败，请重试. A deposit typed as
`inf` is refused next to the form instead of an OverflowError.
"""

from __future__ import annotations

from playwright.sync_api import expect

from app.state.base import AppState
from app.state.gate_log import GateLogState
from app.state.grid_planning import GridPlanningState
from app.state.notices import NoticesState
from app.state.patrol_setup import PatrolSetupState
from app.state.patrols import CoverageState, PatrolTodayState, WorkOrderState
from app.state.renovation_site import RenovationSiteState
from app.state.renovations import RenovationsState
from app.state.reports import ReportsState
from app.state.requests import MyJobsState, RequestDeskState, RequestState
from app.state.staff_admin import StaffAdminState
from tests.e2e.conftest import forge_events, shot, sign_in, sqlite_db

SUPERVISOR = "13800000002"
FRONT_DESK = "13800000004"
TOGGLE = f"{AppState.get_full_name()}.toggle_language"
DISMISS = f"{AppState.get_full_name()}.dismiss_flash"
UNEXPECTED_ZH = "操作失败，请重试"

FORGED = [
    (WorkOrderState, "close", {"order_id": "abc"}),
    (WorkOrderState, "register", {"order_id": "²"}),
    (PatrolTodayState, "start", {"plan_id": "abc", "client_id": 5}),
    (CoverageState, "open_grid", {"grid_id": "abc", "name": "x"}),
    (PatrolSetupState, "edit", {"cp_id": "abc"}),
    (PatrolSetupState, "ask_reissue", {"cp_id": {"a": 1}}),
    (PatrolSetupState, "show_items", {"cp_id": "1.5"}),
    (PatrolSetupState, "set_item_active", {"item_id": "abc", "active": True}),
    (PatrolSetupState, "set_line_active", {"line_id": None, "active": True}),
    (PatrolSetupState, "set_plan_active", {"plan_id": "-1", "active": False}),
    (PatrolSetupState, "open_plan", {"route_id": "x"}),
    (StaffAdminState, "set_active", {"staff_id": "abc", "active": True}),
    (StaffAdminState, "reset_password", {"staff_id": "abc"}),
    (NoticesState, "withdraw", {"announcement_id": "²"}),
    (RequestDeskState, "open_alert", {"alert_id": "abc", "request_id": "1"}),
    (MyJobsState, "open_alert", {"alert_id": "1", "request_id": "../x"}),
    (RequestState, "dispatch", {"form": {"assignee": "²"}}),
    (RenovationsState, "remove_worker", {"worker_id": "abc"}),
    (RenovationsState, "revoke_pass", {"form": {"pass_id": "x", "reason": "r"}}),
    (RenovationSiteState, "revoke_hot_work", {"permission_id": "abc"}),
    (RenovationSiteState, "submit_recheck", {"form": {"rect_id": "²", "outcome": "failed", "deduction": "inf"}}),
    (GridPlanningState, "cancel_cover", {"cover_id": "²"}),
    (GridPlanningState, "select", {"grid_id": "abc"}),
    (GateLogState, "shift_day", {"days": "abc"}),
]


def forge_each(page, queue: list[tuple[str, dict]]) -> list[str]:
    """Rewrite each of the page's language-switch events into the next (event name, payload) of `queue`."""
    return forge_events(page, TOGGLE, queue)


def _log_tail(served_app, start: int) -> str:
    return served_app.log.read_text(errors="replace")[start:]


def test_forged_wrong_typed_arguments_are_refused_not_crashes(phone, served_app):
    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk**")
    queue: list[tuple[str, dict]] = []
    for state, handler, payload in FORGED:
        queue += [(f"{state.get_full_name()}.{handler}", payload), (DISMISS, {})]
    sent = forge_each(phone, queue)
    phone.reload()
    expect(phone.locator("#lang-switch")).to_be_visible()
    start = len(served_app.log.read_text(errors="replace"))
    flash = phone.locator("#flash")
    for state, handler, payload in FORGED:
        phone.locator("#lang-switch").click()
        expect(flash, f"{state.__name__}.{handler}({payload})").to_be_visible()
        text = flash.inner_text()
        assert text.strip() and UNEXPECTED_ZH not in text, (handler, payload, text)
        phone.locator("#lang-switch").click()  # forged into dismiss_flash
        expect(flash).to_have_count(0)
    assert len(sent) == 2 * len(FORGED), sent[:2]
    shot(phone, "bad-events-refused")
    log = _log_tail(served_app, start)
    for unhandled in ("Traceback", "Reflex Backend Exception", "unexpected exception", "unexpected failure"):
        assert unhandled not in log, log[-3000:]
    # the desk still answers
    expect(phone.locator("#lang-switch")).to_be_visible()


def test_what_still_escapes_a_handler_is_logged_and_answered(phone, served_app):
    """An argument the handler does not take (TypeError before its body runs): the safety net answers."""
    sign_in(phone, SUPERVISOR)
    phone.wait_for_url("**/desk**")
    sent = forge_each(phone, [(f"{WorkOrderState.get_full_name()}.close", {"order_id": "1", "bogus": 1}),
                              (f"{ReportsState.get_full_name()}.set_half", {"key": ["x"]})])
    phone.reload()
    expect(phone.locator("#lang-switch")).to_be_visible()
    start = len(served_app.log.read_text(errors="replace"))
    phone.locator("#lang-switch").click()
    expect(phone.locator("#flash")).to_contain_text(UNEXPECTED_ZH)
    assert len(sent) == 1
    log = _log_tail(served_app, start)
    assert "unexpected exception in an event handler" in log and "TypeError" in log, log[-2000:]
    assert "Reflex Backend Exception" not in log
    phone.locator("#lang-switch").click()  # set_half with a list: ignored, no failure
    phone.wait_for_timeout(500)
    assert _log_tail(served_app, start).count("Traceback") == 1


def test_deposit_typed_as_inf_is_refused_by_the_form(phone, served_app):
    with sqlite_db(served_app) as con:
        rid, deposit = con.execute(
            "select id, deposit_paid_at from renovationapplication where owner_name = '林晓东'").fetchone()
    assert deposit is None
    sign_in(phone, FRONT_DESK)
    phone.wait_for_url("**/desk**")
    phone.goto(f"/desk/renovations/{rid}")
    start = len(served_app.log.read_text(errors="replace"))
    for typed, words in (("inf", "保证金格式不正确"), ("1e400", "保证金格式不正确"), ("NaN", "保证金格式不正确"),
                         ("12.345", "最多保留两位小数"), ("-5", "不能为负数"), ("99999999", "保证金过大")):
        phone.locator("#deposit-yuan").fill(typed)
        phone.locator("#receipt-no").fill("SJ-BAD-1")
        phone.locator("#deposit-submit").click()
        expect(phone.locator("#deposit-error")).to_contain_text(words)
    shot(phone, "bad-events-deposit-inf")
    with sqlite_db(served_app) as con:
        assert con.execute("select deposit_paid_at from renovationapplication where id = ?",
                           (rid,)).fetchone()[0] is None
    assert "Traceback" not in _log_tail(served_app, start)

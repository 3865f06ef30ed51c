"""Live alerts' plain parts (app.state.live): where an alert leads each role, and which page
states are refreshed on which page when an alert arrives."""

from __future__ import annotations

from app.state import live
from app.state.requests import MyJobsState
from tests.domain.conftest import FRONT_DESK, SUPERVISOR, TECHNICIAN


def test_an_alert_leads_to_the_request_page_of_the_persons_role(db, actor_of):
    assert live.alert_href(actor_of(FRONT_DESK), 12, "") == "/desk/requests/12"
    assert live.alert_href(actor_of(TECHNICIAN), 12, "") == "/m/requests/12"
    assert live.alert_href(actor_of(SUPERVISOR), None, "renovation:7") == "/desk/renovations/7"
    assert live.alert_href(actor_of(TECHNICIAN), None, "renovation:7") == "/m/renovations/7"
    # nothing to open (or a subject without a page): the list
    assert live.alert_href(actor_of(FRONT_DESK), None, "rectification:3") == "/alerts"
    assert live.alert_href(actor_of(FRONT_DESK), None, "renovation:x") == "/alerts"


def test_refreshers_are_asked_for_on_their_pages_only():
    # the technician's job list registers itself (app.state.requests)
    assert MyJobsState.load_jobs in live.refreshers_for("/repairs")
    assert MyJobsState.load_jobs not in live.refreshers_for("/desk")
    before = list(live._REFRESH)
    try:
        live.refresh_on_alert(MyJobsState.load_follow, paths=("/grid",))
        live.refresh_on_alert(MyJobsState.load_follow, paths=("/grid",))  # once, however often asked
        assert live.refreshers_for("/grid").count(MyJobsState.load_follow) == 1
        assert MyJobsState.load_follow not in live.refreshers_for("/repairs")
    finally:
        live._REFRESH[:] = before

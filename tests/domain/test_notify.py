"""The who-is-told table (app.domain.notify): each event reaches the people it names, once, today."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import Grid, Household, StaffAlert
from app.domain import alerts, clock, grid_planning, notify, requests, roles
from tests.domain.conftest import BUTLER, BUTLER_2, FRONT_DESK, SUPERVISOR, TECHNICIAN

FRONT_DESK_2 = "05"
ASSISTANT_MANAGER = "43"


@pytest.fixture
def home(db, staff_of, community_id) -> Household:
    """A household of 王芳's grid (2号网格)."""
    grid = db.exec(select(Grid).where(Grid.butler_id == staff_of(BUTLER).id)).one()
    return db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()


def _told(db, kind: str, request_id: int) -> dict[int, StaffAlert]:
    db.flush()
    rows = db.exec(select(StaffAlert).where(StaffAlert.kind == kind, StaffAlert.request_id == request_id)).all()
    return {r.staff_id: r for r in rows}


def _resident_request(db, community_id, home, text="厨房水管漏水，地上都是水"):
    return requests.public_intake(
        db, community_id=community_id, household_id=home.id, kind="repair", content=text,
        contact_phone="13912345678", client_key="k-notify-" + text[:4],
    ).request


def test_every_rule_names_a_known_kind_and_audiences():
    for r in notify.rules_table():
        assert r.event in alerts.KINDS
        assert r.told and set(r.told) <= set(notify.AUDIENCES)
    assert len({r.event for r in notify.RULES}) == len(notify.RULES)


def test_residents_request_tells_the_grids_butler_and_every_front_desk(db, community_id, home, staff_of):
    req = _resident_request(db, community_id, home)
    told = _told(db, "new_request", req.id)
    assert set(told) == {staff_of(BUTLER).id, staff_of(FRONT_DESK).id, staff_of(FRONT_DESK_2).id}
    one = told[staff_of(BUTLER).id]
    assert "漏水" in one.summary and home.room in one.summary
    # one occurrence, one key: a group robot is told once
    assert len({a.event_key for a in told.values()}) == 1 and one.event_key


def test_a_request_the_desk_took_tells_the_butler_only(db, actor_of, home, staff_of):
    req = requests.intake(db, actor_of(FRONT_DESK), channel=requests.PHONE, content="电梯异响",
                          household_id=home.id, contact_phone="13912345678").request
    assert set(_told(db, "new_request", req.id)) == {staff_of(BUTLER).id}


def test_on_a_cover_day_the_deputy_is_told_not_the_absent_butler(db, actor_of, community_id, home, staff_of, frozen):
    deputy = staff_of(BUTLER_2)
    grid_planning.add_cover(db, actor_of(SUPERVISOR), home.grid_id, deputy.id, clock.today(),
                            clock.today() + timedelta(days=2), "年假")
    req = _resident_request(db, community_id, home, "楼道灯坏了")
    told = _told(db, "new_request", req.id)
    assert deputy.id in told and staff_of(BUTLER).id not in told
    # the day after the cover the butler answers again
    assert notify.recipients(db, "new_request", community_id=community_id, grid_id=home.grid_id,
                             only=(notify.GRID_BUTLER,)) == [deputy.id]
    clock.freeze(clock.now() + timedelta(days=3))
    assert notify.recipients(db, "new_request", community_id=community_id, grid_id=home.grid_id,
                             only=(notify.GRID_BUTLER,)) == [staff_of(BUTLER).id]


def test_overdue_tells_butler_and_supervisors_once_per_deadline(db, actor_of, home, staff_of, frozen):
    req = requests.intake(db, actor_of(FRONT_DESK), channel=requests.PHONE, content="门禁坏了",
                          household_id=home.id).request
    clock.freeze(clock.now() + timedelta(hours=1))
    requests.sweep_overdue(db)
    requests.sweep_overdue(db)
    told = _told(db, "overdue", req.id)
    assert set(told) == {staff_of(BUTLER).id, staff_of(SUPERVISOR).id}


def test_dispatch_tells_the_technician_and_the_actor_is_never_told(db, actor_of, home, staff_of, frozen):
    desk = actor_of(FRONT_DESK)
    req = requests.intake(db, desk, channel=requests.PHONE, content="灯不亮", household_id=home.id).request
    requests.classify(db, desk, req.id, category=requests.REPAIR_URGENT)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=staff_of(TECHNICIAN).id)
    told = _told(db, "dispatched", req.id)
    assert set(told) == {staff_of(TECHNICIAN).id}
    assert told[staff_of(TECHNICIAN).id].urgent  # an urgent repair is delivered in quiet hours
    assert notify.recipients(db, "new_request", community_id=desk.community_id, grid_id=home.grid_id,
                             exclude=(staff_of(BUTLER).id,), only=(notify.GRID_BUTLER,)) == []


def test_major_complaint_tells_the_assistant_manager_urgently(db, actor_of, home, staff_of, frozen):
    desk = actor_of(FRONT_DESK)
    req = requests.intake(db, desk, channel=requests.PHONE, content="物业乱收费", household_id=home.id).request
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, major=True)
    told = _told(db, "major", req.id)
    assert set(told) == {staff_of(ASSISTANT_MANAGER).id} and told[staff_of(ASSISTANT_MANAGER).id].urgent


def test_level_approvers_are_the_role_holders_and_inactive_staff_are_skipped(db, community_id, staff_of):
    gm = notify.audience(db, notify.LEVEL_APPROVERS, community_id=community_id, approver_role=roles.GENERAL_MANAGER)
    assert gm == [staff_of("42").id]
    assert notify.audience(db, notify.LEVEL_APPROVERS, community_id=community_id, approver_role="nobody") == []
    person = staff_of(FRONT_DESK_2)
    person.active = False
    db.add(person)
    db.flush()
    assert person.id not in notify.audience(db, notify.FRONT_DESK, community_id=community_id)

"""Who hears of a renovation (app.domain.renovation.alerting) and the approver's inbox (inbox):
each level tells its role holders, a decision settles the others' alerts, an overdue rectification
tells the butler once per deadline (two sweeps at once too), the inbox lists only the viewer's levels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.db.models import (
    AuditEntry,
    Household,
    Rectification,
    RenovationApplication,
    RenovationApproval,
    SiteCheck,
    StaffAlert,
    StaffRole,
)
from app.domain import clock, grids, renovation_checks, renovations, roles
from app.domain.renovation import alerting, inbox
from tests.domain import test_renovations
from tests.domain.conftest import BUTLER, FRONT_DESK, GUARD, SUPERVISOR, TEAM_LEAD
from tests.domain.test_renovations import (
    ALL_OK,
    ENGINEERING_MANAGER,
    GENERAL_MANAGER,
    new_application,
    under_way,
)

# the renovation tests' fixtures: a Tuesday 10:00 frozen, and the people of each level
tuesday = test_renovations.tuesday
people = test_renovations.people

WAITING = "renovation_waiting"


def _alerts(db: Session, subject: str, kind: str = WAITING) -> list[StaffAlert]:
    db.flush()
    db.expire_all()  # settling is a bulk UPDATE: read the rows again
    return list(db.exec(select(StaffAlert).where(StaffAlert.subject == subject, StaffAlert.kind == kind)
                        .order_by(StaffAlert.id)))


def _unread(db: Session, subject: str, kind: str = WAITING) -> set[int]:
    return {a.staff_id for a in _alerts(db, subject, kind) if a.read_at is None}


def test_each_level_tells_its_role_holders_and_its_decision_settles_them(db, people, community_id, staff_of,
                                                                         tuesday):
    app = new_application(db, people, community_id)
    subject = f"renovation:{app.id}"
    sup, eng, gm = staff_of(SUPERVISOR).id, staff_of(ENGINEERING_MANAGER).id, staff_of(GENERAL_MANAGER).id
    # submitted: first review's holders only (not the desk that registered it, nor the other levels)
    assert _unread(db, subject) == {sup}
    one = _alerts(db, subject)[0]
    assert one.summary == app.household_label and one.request_id is None
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    assert _unread(db, subject) == {eng}
    renovations.decide(db, people.engineer, app.id, level="second_review", decision="approve")
    assert _unread(db, subject) == {gm}
    renovations.decide(db, people.gm, app.id, level="sign_off", decision="approve")
    assert _unread(db, subject) == set()
    # each told once, in order
    assert [a.staff_id for a in _alerts(db, subject)] == [sup, eng, gm]


def test_one_holder_deciding_settles_the_other_holders_alert_and_a_resubmission_tells_them_again(
        db, people, community_id, staff_of, actor_of, tuesday):
    second = staff_of(TEAM_LEAD)  # the team lead also holds the supervisor's role here
    db.add(StaffRole(staff_id=second.id, role=roles.SUPERVISOR))
    db.flush()
    app = new_application(db, people, community_id, 1)
    subject = f"renovation:{app.id}"
    sup = staff_of(SUPERVISOR).id
    assert _unread(db, subject) == {sup, second.id}
    assert app.id in [r.id for r in inbox.waiting_for(db, actor_of(TEAM_LEAD))]
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="return", reasons="缺图纸")
    # returned: both supervisors' alerts are read, nobody is told to decide
    assert _unread(db, subject) == set()
    assert inbox.waiting_for(db, actor_of(TEAM_LEAD)) == []
    renovations.resubmit(db, people.desk, app.id, scope_note="补充了图纸")
    assert _unread(db, subject) == {sup, second.id}
    renovations.decide(db, actor_of(TEAM_LEAD), app.id, level="first_review", decision="approve")
    assert _unread(db, subject) == {staff_of(ENGINEERING_MANAGER).id}


def test_a_rejection_settles_and_tells_nobody(db, people, community_id, tuesday):
    app = new_application(db, people, community_id, 2)
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="reject", reasons="拆承重墙")
    assert _unread(db, f"renovation:{app.id}") == set()
    assert len(_alerts(db, f"renovation:{app.id}")) == 1


def _overdue_setup(db, people, community_id, n: int = 3):
    app, _ = under_way(db, people, community_id, n)
    results = {**ALL_OK, "waste": False}
    check = renovation_checks.site_check(db, people.butler, app.id, results=results,
                                         notes={"waste": "建筑垃圾堆在楼道"}, deadline_days=2)
    rect = db.exec(select(Rectification).where(Rectification.site_check_id == check.id)).one()
    home = db.get(Household, app.household_id)
    assert home.grid_id is not None
    return app, rect, grids.answerer(db, home.grid_id, clock.today())


def test_a_rectification_past_its_deadline_tells_the_grids_butler_once_per_deadline(db, people, community_id,
                                                                                    tuesday):
    app, rect, butler = _overdue_setup(db, people, community_id)
    subject = f"rectification:{rect.id}"
    assert butler is not None
    assert alerting.sweep_rectifications(db, community_id) == 0  # not yet due
    clock.freeze(rect.due_at + timedelta(minutes=1))
    assert alerting.sweep_rectifications(db, community_id) == 1
    told = _alerts(db, subject, "rectification_overdue")
    assert [a.staff_id for a in told] == [butler]
    assert told[0].grid_id == db.get(Household, app.household_id).grid_id
    assert told[0].summary == app.household_label
    # later sweeps: the same deadline is not told again
    clock.freeze(rect.due_at + timedelta(hours=5))
    assert alerting.sweep_rectifications(db, community_id) == 0
    assert len(_alerts(db, subject, "rectification_overdue")) == 1
    audited = db.exec(select(AuditEntry).where(AuditEntry.action == "renovation.rectification_overdue",
                                               AuditEntry.subject == f"renovation:{app.id}")).all()
    assert len(audited) == 1
    # a new deadline (given more time) that passes too is told once more
    rect.due_at = clock.now() + timedelta(hours=1)
    db.add(rect)
    db.flush()
    assert alerting.sweep_rectifications(db, community_id) == 0
    clock.freeze(rect.due_at + timedelta(minutes=1))
    assert alerting.sweep_rectifications(db, community_id) == 1
    assert len(_alerts(db, subject, "rectification_overdue")) == 2
    # the re-check answers it: the butler's alerts are settled, and a closed notice is never told
    renovation_checks.recheck(db, people.supervisor, rect.id, rectified=True)
    assert _unread(db, subject, "rectification_overdue") == set()
    clock.freeze(clock.now() + timedelta(days=3))
    assert alerting.sweep_rectifications(db, community_id) == 0


def test_a_rectification_re_checked_before_its_deadline_is_never_told(db, people, community_id, tuesday):
    _, rect, _ = _overdue_setup(db, people, community_id, 4)
    renovation_checks.recheck(db, people.supervisor, rect.id, rectified=True)
    clock.freeze(rect.due_at + timedelta(days=1))
    assert alerting.sweep_rectifications(db, community_id) == 0
    assert _alerts(db, f"rectification:{rect.id}", "rectification_overdue") == []


@pytest.fixture
def committed_rectification(db_url, people, community_id, staff_of):
    """An application with an open rectification already past its deadline, committed for real (two
    sessions must see it); removed afterwards with everything written about it."""
    from app.db.session import get_engine

    engine = get_engine(db_url)
    with Session(engine) as s:
        app = new_application(s, people, community_id, 7)
        app.status = renovations.APPROVED
        s.add(app)
        s.flush()
        check = SiteCheck(community_id=community_id, application_id=app.id, inspector_id=staff_of(BUTLER).id,
                          at=clock.now() - timedelta(days=3), violations=1)
        s.add(check)
        s.flush()
        rect = Rectification(community_id=community_id, application_id=app.id, site_check_id=check.id,
                             items="waste", created_by=staff_of(BUTLER).id, created_at=check.at,
                             due_at=clock.now() - timedelta(hours=1))
        s.add(rect)
        s.commit()
        ids = (app.id, check.id, rect.id)
    yield engine, ids
    with Session(engine) as s:
        app_id, check_id, rect_id = ids
        for row in s.exec(select(StaffAlert).where(
                StaffAlert.subject.in_([f"renovation:{app_id}", f"rectification:{rect_id}"]))):  # type: ignore[attr-defined]
            s.delete(row)
        for row in s.exec(select(AuditEntry).where(AuditEntry.subject == f"renovation:{app_id}")):
            s.delete(row)
        for row in s.exec(select(RenovationApproval).where(RenovationApproval.application_id == app_id)):
            s.delete(row)
        s.delete(s.get(Rectification, rect_id))
        s.flush()
        s.delete(s.get(SiteCheck, check_id))
        s.flush()
        s.delete(s.get(RenovationApplication, app_id))
        s.commit()


def test_two_sweeps_at_once_tell_the_butler_once(committed_rectification, community_id):
    engine, (_, _, rect_id) = committed_rectification
    one, two = Session(engine), Session(engine)
    try:
        # both workers read the overdue rectification
        stale = [r for r in alerting.due_rectifications(two, community_id) if r.id == rect_id]
        assert [r.id for r in alerting.due_rectifications(one, community_id)] == [rect_id]
        assert len(stale) == 1
        assert alerting.sweep_rectifications(one, community_id) == 1
        one.commit()
        # the second worker's claim of the same deadline matches no row: nobody is told twice
        assert alerting.notice_overdue(two, stale[0]) is False
        two.commit()
        with Session(engine) as s:
            told = s.exec(select(StaffAlert).where(StaffAlert.subject == f"rectification:{rect_id}")).all()
            assert len(told) == 1 and told[0].kind == "rectification_overdue"
    finally:
        one.close()
        two.close()


def test_the_inbox_lists_only_the_levels_the_viewer_holds_oldest_first(db, people, community_id, actor_of,
                                                                       tuesday):
    first = new_application(db, people, community_id, 10)
    clock.freeze(clock.now() + timedelta(hours=1))
    later = new_application(db, people, community_id, 11)
    clock.freeze(clock.now() + timedelta(hours=1))
    at_second = new_application(db, people, community_id, 12)
    renovations.decide(db, people.supervisor, at_second.id, level="first_review", decision="approve")
    at_sign_off = new_application(db, people, community_id, 13)
    renovations.decide(db, people.supervisor, at_sign_off.id, level="first_review", decision="approve")
    renovations.decide(db, people.engineer, at_sign_off.id, level="second_review", decision="approve")

    def ids(actor) -> list[int]:
        return [r.id for r in inbox.waiting_for(db, actor)]

    assert ids(people.supervisor) == [first.id, later.id]
    assert ids(people.engineer) == [at_second.id]
    assert ids(people.gm) == [at_sign_off.id]
    assert inbox.count(db, people.supervisor) == 2
    for nobody in (FRONT_DESK, BUTLER, GUARD, TEAM_LEAD):
        assert ids(actor_of(nobody)) == [] and inbox.levels_of(actor_of(nobody)) == []
    rows = inbox.waiting_for(db, people.supervisor)
    assert rows[0].level == "first_review" and rows[0].household == first.household_label
    # the second level waits since the first approved it, not since submission
    row = inbox.waiting_for(db, people.engineer)[0]
    assert row.waiting_since == at_second.decided_at
    assert inbox.waited(rows[0].waiting_since) == (2, "hours")
    # the desk's renovation list shows the same applications
    assert sorted(r.id for r in renovations.awaiting(db, people.supervisor)) == sorted(ids(people.supervisor))


def test_someone_holding_two_levels_is_not_shown_the_other_level_of_an_application_she_decided(
        db, people, community_id, staff_of, actor_of, tuesday):
    db.add(StaffRole(staff_id=staff_of(SUPERVISOR).id, role=roles.ENGINEERING_MANAGER))
    db.flush()
    both = actor_of(SUPERVISOR)
    app = new_application(db, people, community_id, 14)
    assert inbox.levels_of(both) == ["first_review", "second_review"]
    assert [r.id for r in inbox.waiting_for(db, both)] == [app.id]
    renovations.decide(db, both, app.id, level="first_review", decision="approve")
    assert app.id not in [r.id for r in inbox.waiting_for(db, both)]  # one person, one level
    assert app.id in [r.id for r in inbox.waiting_for(db, people.engineer)]
    # and she is not told of the level she may not decide
    assert staff_of(SUPERVISOR).id not in _unread(db, f"renovation:{app.id}")


def test_how_long_an_application_waited():
    now = clock.now()
    assert inbox.waited(now - timedelta(minutes=7), now) == (7, "minutes")
    assert inbox.waited(now - timedelta(hours=5, minutes=59), now) == (5, "hours")
    assert inbox.waited(now - timedelta(hours=47), now) == (47, "hours")
    assert inbox.waited(now - timedelta(days=3, hours=2), now) == (3, "days")
    assert inbox.waited(now + timedelta(minutes=2), now) == (0, "minutes")


def test_the_inbox_permission_is_the_levels_roles():
    assert roles.PERMISSIONS["renovation.inbox"] == frozenset(renovations.LEVEL_ROLE.values())


def test_an_alert_names_the_application_its_screen_opens(db, people, community_id, tuesday):
    app, rect, _ = _overdue_setup(db, people, community_id, 5)
    assert alerting.application_of(db, f"renovation:{app.id}") == app.id
    assert alerting.application_of(db, f"rectification:{rect.id}") == app.id
    for other in ("", "request:3", "renovation:", "renovation:x1", "rectification:999999", "renovation:１２"):
        assert alerting.application_of(db, other) is None, other


def test_the_periodic_sweep_tells_of_overdue_rectifications(committed_rectification, db_url, monkeypatch):
    from app import background
    from app.db.session import get_engine

    engine, (_, _, rect_id) = committed_rectification
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    get_engine.cache_clear()
    try:
        assert background.sweep_once() >= 1
        background.sweep_once()
    finally:
        get_engine.cache_clear()
    with Session(engine) as s:
        told = s.exec(select(StaffAlert).where(StaffAlert.subject == f"rectification:{rect_id}")).all()
        assert len(told) == 1
        assert s.get(Rectification, rect_id).overdue_noticed_for is not None

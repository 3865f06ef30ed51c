"""The resident closes the loop on their private link (app.domain.requests.resident_loop)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlmodel import select

from app.db.models import (
    AuditEntry,
    Community,
    FollowUp,
    Grid,
    Household,
    RequestEvent,
    ServiceRequest,
    StaffAlert,
)
from app.domain import clock, grid_planning, households, requests
from app.domain import resident_requests as rr
from app.domain.errors import DomainError
from app.domain.requests import resident_loop as loop
from tests.domain.conftest import BUTLER, BUTLER_2, FRONT_DESK, SUPERVISOR, TECHNICIAN


@pytest.fixture
def home(db, staff_of) -> Household:
    """A household of 王芳's grid (2号网格)."""
    grid = db.exec(select(Grid).where(Grid.butler_id == staff_of(BUTLER).id)).one()
    return db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()


def _filed(db, community_id, home, text="厨房水管漏水") -> tuple[ServiceRequest, str]:
    filed = requests.public_intake(db, community_id=community_id, household_id=home.id, kind="repair",
                                   content=text, contact_phone="13912345678", client_key="k-loop-" + text[:3])
    return filed.request, filed.link


def _resolved(db, actor_of, staff_of, req: ServiceRequest) -> ServiceRequest:
    desk, tech = actor_of(FRONT_DESK), actor_of(TECHNICIAN)
    if req.status == requests.RECEIVED:
        requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
        requests.dispatch(db, desk, req.id, department="technician", assignee_id=staff_of(TECHNICIAN).id)
    requests.arrive(db, tech, req.id)
    requests.resolve(db, tech, req.id, "换了阀门")
    return req


def _told(db, kind: str, request_id: int) -> set[int]:
    db.flush()
    return {a.staff_id for a in db.exec(select(StaffAlert).where(StaffAlert.kind == kind,
                                                                 StaffAlert.request_id == request_id))}


@pytest.fixture
def resolved(db, community_id, home, actor_of, staff_of, frozen):
    req, link = _filed(db, community_id, home)
    _resolved(db, actor_of, staff_of, req)
    return req, link


def test_confirm_fixed_and_satisfied_records_the_residents_follow_up_and_closes(db, resolved, staff_of):
    req, link = resolved
    answer = loop.confirm_fixed(db, link, "satisfied", client_id="tap-1")
    assert (answer.kind, answer.status, answer.again) == (loop.CONFIRMED, requests.CLOSED, False)
    f = db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).one()
    assert (f.method, f.by_id, f.satisfaction, f.satisfied) == ("resident", None, 5, True)
    assert not req.is_open and req.closed_at is not None
    kinds = [e.kind for e in db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id))]
    assert kinds[-2:] == ["resident_confirmed", "closed"]
    assert _told(db, "unsatisfied", req.id) == set()
    # the desk's page lists it with no staff author; the resident's history names the resident
    assert [(x.by, x.method) for x in requests.follow_ups(db, req.id)] == [("", "resident")]
    steps = rr.view(db, link).history
    mine = [s for s in steps if s.kind == "resident_confirmed"]
    assert mine and mine[0].who == rr.RESIDENT and mine[0].note_key == "loop.rating.satisfied"


def test_mostly_satisfied_counts_as_satisfied(db, resolved):
    req, link = resolved
    loop.confirm_fixed(db, link, "mostly_satisfied")
    f = db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).one()
    assert (f.satisfaction, f.satisfied) == (4, True)


def test_unsatisfied_rating_tells_supervisors_and_butler_and_stays_open(db, resolved, staff_of):
    req, link = resolved
    answer = loop.confirm_fixed(db, link, "unsatisfied", client_id="tap-u")
    assert answer.status == requests.FOLLOWED_UP and req.is_open
    assert _told(db, "unsatisfied", req.id) == {staff_of(SUPERVISOR).id, staff_of(BUTLER).id}
    f = db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).one()
    assert (f.satisfaction, f.satisfied) == (2, False)


def test_not_fixed_reopens_to_the_same_technician_and_tells_them_and_the_butler(db, resolved, staff_of):
    req, link = resolved
    tech = staff_of(TECHNICIAN).id
    answer = loop.not_fixed(db, link, "  还是漏水，滴个不停 ", client_id="tap-n")
    assert (answer.kind, answer.status) == (loop.NOT_FIXED, requests.DISPATCHED)
    db.refresh(req)
    assert (req.status, req.assignee_id, req.is_open, req.reopened) == (requests.DISPATCHED, tech, True, 1)
    assert req.resolved_at is None and req.arrived_at is None and req.dispatched_at is not None
    event = db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id,
                                               RequestEvent.kind == "not_fixed")).one()
    assert (event.note, event.client_id, event.actor_id, event.from_status) == (
        "还是漏水，滴个不停", "tap-n", None, requests.RESOLVED)
    assert _told(db, "not_fixed", req.id) == {tech, staff_of(BUTLER).id}
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "request.not_fixed")).first() is not None
    # the technician's phone lists it again
    assert req.id in [r.id for r in requests.jobs_of(db, _actor(db, staff_of, TECHNICIAN))]
    step = [s for s in rr.view(db, link).history if s.kind == "not_fixed"][0]
    assert (step.who, step.note) == (rr.RESIDENT, "还是漏水，滴个不停")


def _actor(db, staff_of, suffix):
    from app.domain import auth

    return auth.actor_for(db, staff_of(suffix))


def test_after_not_fixed_the_next_resolution_can_be_confirmed(db, resolved, actor_of, staff_of):
    req, link = resolved
    loop.not_fixed(db, link, "还是漏", client_id="n-1")
    with pytest.raises(DomainError) as err:
        loop.confirm_fixed(db, link, "satisfied", client_id="c-early")
    assert err.value.key == "loop.not_resolved"
    clock.advance(timedelta(minutes=30))
    _resolved(db, actor_of, staff_of, req)
    assert loop.confirm_fixed(db, link, "satisfied", client_id="c-1").status == requests.CLOSED


def test_on_a_cover_day_the_deputy_is_told_not_the_absent_butler(db, resolved, actor_of, staff_of, home):
    req, link = resolved
    deputy = staff_of(BUTLER_2)
    grid_planning.add_cover(db, actor_of(SUPERVISOR), home.grid_id, deputy.id, clock.today(),
                            clock.today() + timedelta(days=2), "年假")
    loop.not_fixed(db, link, "灯还是不亮")
    told = _told(db, "not_fixed", req.id)
    assert deputy.id in told and staff_of(BUTLER).id not in told
    card = loop.contacts(db, req)
    assert (card.butler_phone, card.covering) == (deputy.phone, True)


def test_a_retried_tap_records_once(db, resolved):
    req, link = resolved
    first = loop.not_fixed(db, link, "没修好", client_id="same-tap")
    again = loop.not_fixed(db, link, "没修好", client_id="same-tap")
    assert not first.again and again.again and again.kind == loop.NOT_FIXED
    # the same client id sent with the other button is the same answer, not a new one
    assert loop.confirm_fixed(db, link, "satisfied", client_id="same-tap").again
    n = db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id, RequestEvent.kind == "not_fixed")).all()
    assert len(n) == 1 and req.reopened == 1
    assert db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).all() == []


def test_a_retried_confirmation_records_once_and_a_second_one_is_refused(db, resolved):
    req, link = resolved
    loop.confirm_fixed(db, link, "unsatisfied", client_id="c-a")
    assert loop.confirm_fixed(db, link, "unsatisfied", client_id="c-a").again
    for attempt in (lambda: loop.confirm_fixed(db, link, "satisfied", client_id="c-b"),
                    lambda: loop.not_fixed(db, link, "其实没修好", client_id="c-c")):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.key in ("loop.already_answered", "loop.not_resolved")
    assert len(db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).all()) == 1


def test_a_staff_follow_up_counts_as_the_answer(db, resolved, actor_of):
    req, link = resolved
    requests.follow_up(db, actor_of(BUTLER), req.id, method="phone", satisfaction=5)
    with pytest.raises(DomainError) as err:
        loop.confirm_fixed(db, link, "satisfied")
    assert err.value.key == "loop.not_resolved"  # followed up, not waiting for the resident


def test_a_request_not_resolved_yet_cannot_be_answered(db, community_id, home, actor_of, staff_of, frozen):
    req, link = _filed(db, community_id, home, "门铃坏了")
    for attempt in (lambda: loop.confirm_fixed(db, link, "satisfied", client_id="x-1"),
                    lambda: loop.not_fixed(db, link, "没修", client_id="x-2")):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.key == "loop.not_resolved"
    assert req.status == requests.RECEIVED
    assert db.exec(select(RequestEvent).where(RequestEvent.client_id.in_(["x-1", "x-2"]))).all() == []


def test_bad_input_is_refused_with_nothing_written(db, resolved):
    req, link = resolved
    with pytest.raises(DomainError) as err:
        loop.confirm_fixed(db, link, "great")
    assert err.value.key == "loop.bad_rating"
    with pytest.raises(DomainError) as err:
        loop.not_fixed(db, link, "   ")
    assert err.value.key == "form.required"
    with pytest.raises(DomainError) as err:
        loop.not_fixed(db, link, "漏" * (loop.NOT_FIXED_NOTE_MAX + 1))
    assert err.value.key == "form.too_long"
    with pytest.raises(DomainError) as err:
        loop.confirm_fixed(db, "no-such-link", "satisfied")
    assert err.value.key == "request.link_unknown"
    assert req.status == requests.RESOLVED


def test_a_closed_request_is_confirmed_without_moving(db, community_id, home, actor_of, frozen):
    desk = actor_of(FRONT_DESK)
    req, link = _filed(db, community_id, home, "物业费怎么交")
    requests.classify(db, desk, req.id, category=requests.INQUIRY)
    requests.dispatch(db, desk, req.id, department="service", assignee_id=None)
    requests.resolve(db, desk, req.id, "前台可交")
    requests.close(db, desk, req.id)
    answer = loop.confirm_fixed(db, link, "satisfied")
    assert answer.status == requests.CLOSED
    assert db.exec(select(FollowUp).where(FollowUp.request_id == req.id)).one().method == "resident"


def test_contacts_and_the_desk_phone_of_unknown_pages(db, resolved, staff_of, community_id):
    req, _ = resolved
    card = loop.contacts(db, req)
    butler = staff_of(BUTLER)
    community = db.get(Community, community_id)
    assert (card.butler_name, card.butler_phone, card.covering) == (butler.name, butler.phone, False)
    assert card.desk_phone == community.front_desk_phone != ""
    path, _, query = card.new_request_path.partition("?")
    assert rr.poster_grid(db, path.removeprefix("/r/")).grid_id == req.grid_id
    # the form opens with the request's household, as the resident would type it
    assert query.startswith("home=")
    home = query.removeprefix("home=")
    assert households.find(db, community_id, unquote(home)).id == req.household_id
    first = db.exec(select(Community).where(Community.front_desk_phone != "").order_by(Community.id)).first()
    assert loop.fallback_desk_phone(db) == first.front_desk_phone

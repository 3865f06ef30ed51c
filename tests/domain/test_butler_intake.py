"""The butler registers a request on her phone (app.domain.requests.butler_intake)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import Grid, Household, ServiceRequest, StaffAlert
from app.domain import clock, grid_planning, households
from app.domain.errors import DomainError, Refused
from app.domain.requests import butler_intake
from app.domain.requests.vocabulary import BUTLER as CHANNEL_BUTLER
from app.domain.requests.vocabulary import REPAIR_URGENT
from tests.domain.conftest import BUTLER, BUTLER_2, FRONT_DESK, SUPERVISOR


def _home_of(db, staff) -> Household:
    grid = db.exec(select(Grid).where(Grid.butler_id == staff.id)).one()
    return db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()


@pytest.fixture
def mine(db, staff_of) -> Household:
    return _home_of(db, staff_of(BUTLER))


@pytest.fixture
def theirs(db, staff_of) -> Household:
    return _home_of(db, staff_of(BUTLER_2))


def _text(db, home: Household) -> str:
    return households.label(db, home.id)


def test_lands_as_channel_butler_on_the_households_grid_and_tells_the_desk(db, actor_of, staff_of, mine, counts):
    butler = actor_of(BUTLER)
    filed = butler_intake.register(db, butler, kind="repair", household=_text(db, mine),
                                   content="业主说卫生间漏水", urgent=True, client_id="b-one-1")
    req = filed.request
    assert req.channel == CHANNEL_BUTLER and req.grid_id == mine.grid_id and req.household_id == mine.id
    assert req.received_by == butler.id and req.category == REPAIR_URGENT and req.is_open
    db.flush()
    told = {a.staff_id for a in db.exec(select(StaffAlert).where(StaffAlert.request_id == req.id,
                                                                 StaffAlert.kind == "new_request")).all()}
    assert staff_of(FRONT_DESK).id in told
    assert butler.id not in told  # she is the actor


def test_another_grids_household_is_refused_and_audited(db, actor_of, theirs, entries):
    before = db.exec(select(ServiceRequest)).all()
    with pytest.raises(Refused) as caught:
        butler_intake.register(db, actor_of(BUTLER), kind="complaint", household=_text(db, theirs),
                               content="楼上噪音", client_id="b-other-1")
    err = caught.value
    assert err.key == "butler_request.other_grid"
    assert db.exec(select(ServiceRequest)).all() == before
    # the refusal is written by whoever rolls back (the route applies err.keep in a new transaction)
    for write in err.keep:
        write(db)
    refused = entries("request.butler_refused")
    assert refused and refused[-1].outcome == "refused" and str(theirs.id) in refused[-1].subject


def test_on_a_cover_day_the_deputy_may_register_for_the_covered_grid(db, actor_of, staff_of, theirs, frozen):
    deputy = actor_of(BUTLER)
    grid_planning.add_cover(db, actor_of(SUPERVISOR), theirs.grid_id, deputy.id, clock.today(),
                            clock.today() + timedelta(days=1), "年假")
    req = butler_intake.register(db, deputy, kind="repair", household=_text(db, theirs),
                                 content="门锁坏了", client_id="b-cover-1").request
    assert req.grid_id == theirs.grid_id and req.channel == CHANNEL_BUTLER
    # the absent butler may not register for her own grid that day
    with pytest.raises(Refused):
        butler_intake.register(db, actor_of(BUTLER_2), kind="repair", household=_text(db, theirs),
                               content="门锁坏了", client_id="b-cover-2")
    # after the cover she answers again, the deputy no longer
    clock.freeze(clock.now() + timedelta(days=3))
    with pytest.raises(Refused):
        butler_intake.register(db, deputy, kind="repair", household=_text(db, theirs),
                               content="门锁又坏了", client_id="b-cover-3")


def test_the_client_id_makes_a_resend_one_request(db, actor_of, mine):
    butler = actor_of(BUTLER)
    args = dict(kind="inquiry", household=_text(db, mine), content="问物业费", client_id="b-twice-1")
    first = butler_intake.register(db, butler, **args).request
    again = butler_intake.register(db, butler, **args)
    assert again.request.id == first.id and again.link == ""
    assert len(db.exec(select(ServiceRequest).where(ServiceRequest.client_id == "b-twice-1")).all()) == 1


def test_bad_input_says_which_field(db, actor_of, mine):
    butler = actor_of(BUTLER)
    with pytest.raises(DomainError) as e:
        butler_intake.register(db, butler, kind="nonsense", household=_text(db, mine), content="x")
    assert e.value.key == "request.bad_kind"
    with pytest.raises(DomainError) as e:
        butler_intake.register(db, butler, kind="complaint", household=_text(db, mine), content="x", urgent=True)
    assert e.value.key == "butler_request.urgent_repairs_only"
    with pytest.raises(DomainError) as e:
        butler_intake.register(db, butler, kind="repair", household="", content="x")
    assert e.value.key == "form.required"
    with pytest.raises(DomainError) as e:
        butler_intake.register(db, butler, kind="repair", household="楼下", content="x")
    assert e.value.key == "household.unreadable"
    with pytest.raises(DomainError) as e:
        butler_intake.register(db, butler, kind="repair", household=_text(db, mine), content="  ")
    assert e.value.key == "form.required"


def test_only_butlers_use_the_form(db, actor_of, mine):
    with pytest.raises(Refused):
        butler_intake.register(db, actor_of(FRONT_DESK), kind="repair", household=_text(db, mine), content="x")

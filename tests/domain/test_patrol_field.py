"""The walk as the phone's outbox sends it (app.domain.patrols.field): once per client id,
the phone's time beside the server's, offline and clock-off marks, refusals that leave the rest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from app.db.models import ChecklistItem, Checkpoint, Grid, PatrolCheck, PatrolVisit
from app.domain import clock, patrols
from app.domain.errors import DomainError
from app.domain.patrols import field
from tests.domain import test_patrols
from tests.domain.conftest import BUTLER, BUTLER_2

wednesday = test_patrols.wednesday  # the fixture: a Wednesday 10:00, a week or more ahead


@pytest.fixture
def ten_am(wednesday):
    """Wednesday 10:00 in Shanghai (the clock frozen by test_patrols' fixture)."""
    return clock.now()


@pytest.fixture
def walk(db, actor_of, ten_am):
    butler = actor_of(BUTLER)
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    grid = db.exec(select(Grid).where(Grid.butler_id == butler.id)).one()
    cps = list(db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id).order_by(Checkpoint.position)))
    return butler, patrol, cps


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def test_a_queued_check_in_keeps_the_phone_time_and_is_applied_once(db, walk, ten_am):
    butler, patrol, cps = walk
    tapped = ten_am - timedelta(minutes=20)  # made in the car park, sent 20 minutes later
    pc = field.phone_clock(ms(ten_am))
    action = {"cid": "v-1", "kind": "scan", "raw": cps[0].code, "at": ms(tapped)}
    first = field.apply(db, butler, patrol.id, action, pc)
    again = field.apply(db, butler, patrol.id, action, pc)
    assert first.ok and first.visit_id == again.visit_id
    visits = db.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id)).all()
    assert len(visits) == 1
    v = visits[0]
    assert v.scanned_at == ten_am and v.phone_at == tapped
    assert v.offline and not v.clock_off and v.client_id == "v-1"


def test_a_tick_is_bound_to_the_visit_its_check_in_made_on_the_phone(db, walk, ten_am):
    butler, patrol, cps = walk
    pc = field.phone_clock(ms(ten_am))
    field.apply(db, butler, patrol.id, {"cid": "v-a", "kind": "scan", "raw": cps[0].code, "at": ms(ten_am)}, pc)
    field.apply(db, butler, patrol.id, {"cid": "v-b", "kind": "scan", "raw": cps[1].code, "at": ms(ten_am)}, pc)
    item = db.exec(select(ChecklistItem).where(ChecklistItem.checkpoint_id == cps[0].id)).first()
    # the stop on screen is the second one; the tick names the first visit's client id
    field.apply(db, butler, patrol.id, {"cid": "k-1", "kind": "check", "visit_cid": "v-a", "item_id": item.id,
                                        "passed": True, "at": ms(ten_am)}, pc)
    row = db.exec(select(PatrolCheck).where(PatrolCheck.client_id == "k-1")).one()
    visit = db.get(PatrolVisit, row.visit_id)
    assert visit.checkpoint_id == cps[0].id and row.phone_at == ten_am
    with pytest.raises(DomainError) as err:  # an item of the first stop against the second visit
        field.apply(db, butler, patrol.id, {"cid": "k-2", "kind": "check", "visit_cid": "v-b", "item_id": item.id,
                                            "passed": True, "at": ms(ten_am)}, pc)
    assert err.value.key == "patrol.item_not_here"


def test_an_unknown_or_foreign_visit_is_refused(db, walk, actor_of, ten_am):
    butler, patrol, cps = walk
    pc = field.phone_clock(ms(ten_am))
    item = db.exec(select(ChecklistItem).where(ChecklistItem.checkpoint_id == cps[0].id)).first()
    with pytest.raises(DomainError) as err:
        field.apply(db, butler, patrol.id, {"cid": "k-9", "kind": "check", "visit_cid": "v-never",
                                            "item_id": item.id, "passed": True, "at": ms(ten_am)}, pc)
    assert err.value.key == "field.visit_unknown"
    other = actor_of(BUTLER_2)
    theirs = patrols.start(db, other, patrols.due_today(db, other)[0].plan_id)
    with pytest.raises(DomainError):
        field.apply(db, other, theirs.id, {"cid": "v-x", "kind": "scan", "raw": cps[0].code, "at": ms(ten_am)}, pc)
    with pytest.raises(DomainError):  # someone else's patrol
        field.apply(db, other, patrol.id, {"cid": "v-y", "kind": "scan", "raw": cps[0].code, "at": ms(ten_am)}, pc)


def test_a_phone_clock_off_by_more_than_the_margin_is_flagged(db, walk, ten_am):
    butler, patrol, cps = walk
    phone_now = ten_am - timedelta(hours=3)  # the phone's clock is 3 hours behind
    pc = field.phone_clock(ms(phone_now))
    assert pc.off
    field.apply(db, butler, patrol.id, {"cid": "v-c", "kind": "scan", "raw": cps[0].code, "at": ms(phone_now)}, pc)
    v = db.exec(select(PatrolVisit).where(PatrolVisit.client_id == "v-c")).one()
    assert v.clock_off and v.phone_at == phone_now and v.scanned_at == ten_am
    assert not v.offline  # made just now, by the corrected clock
    assert db.get(type(patrol), patrol.id).clock_off


def test_finished_offline_before_the_due_time_is_on_time(db, walk, ten_am):
    butler, patrol, cps = walk
    # finished on the phone at 17:50, sent at 18:30 (the plan is due by 18:00)
    day = clock.local(ten_am).date()
    tapped = datetime.combine(day, time(17, 50), tzinfo=clock.ZONE).astimezone(UTC)
    sent = datetime.combine(day, time(18, 30), tzinfo=clock.ZONE).astimezone(UTC)
    clock.freeze(sent)
    pc = field.phone_clock(ms(sent))
    field.apply(db, butler, patrol.id, {"cid": "f-1", "kind": "finish", "at": ms(tapped)}, pc)
    p = db.get(type(patrol), patrol.id)
    assert p.status == patrols.FINISHED and not p.late and p.offline
    assert p.finished_at == sent and p.finished_phone_at == tapped


def test_finished_late_with_a_phone_clock_off_is_judged_by_the_receipt(db, walk, ten_am):
    butler, patrol, cps = walk
    day = clock.local(ten_am).date()
    sent = datetime.combine(day, time(18, 30), tzinfo=clock.ZONE).astimezone(UTC)
    clock.freeze(sent)
    phone_now = sent - timedelta(hours=2)  # the clock says 16:30: not to be believed
    pc = field.phone_clock(ms(phone_now))
    field.apply(db, butler, patrol.id, {"cid": "f-2", "kind": "finish", "at": ms(phone_now - timedelta(minutes=5))}, pc)
    p = db.get(type(patrol), patrol.id)
    assert p.late and p.clock_off


@pytest.mark.parametrize("action", [
    None, [], {"kind": "scan"}, {"cid": "bad id!", "kind": "scan", "raw": "X", "at": 1},
    {"cid": "v-z", "kind": "teleport", "at": 1}, {"cid": "v-z", "kind": "scan", "raw": 5, "at": 1},
    {"cid": "v-z", "kind": "scan", "raw": "ABCDEF", "at": "soon"},
    {"cid": "k-z", "kind": "check", "visit_cid": "v-a", "item_id": "1", "passed": True, "at": 1},
])
def test_junk_actions_are_refused(db, walk, ten_am, action):
    butler, patrol, _ = walk
    with pytest.raises(DomainError):
        field.apply(db, butler, patrol.id, action, field.phone_clock(ms(ten_am)))


@pytest.mark.parametrize("sent", [None, "1", 0, -5, True, 10**20])
def test_a_batch_without_a_sane_phone_time_is_refused(sent):
    with pytest.raises(DomainError):
        field.phone_clock(sent)

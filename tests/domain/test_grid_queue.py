"""My grid's queue (app.domain.requests.grid_queue): the open requests of the grids a butler answers
for today, next deadline first, new since her last look marked; her note and her hand-over to the
desk, only on her grids' requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import AuditEntry, Grid, Household, RequestEvent, StaffAlert
from app.domain import clock, grid_planning, requests
from app.domain.errors import DomainError, Refused
from app.domain.requests import grid_queue
from tests.domain.conftest import BUTLER, BUTLER_2, FRONT_DESK, SUPERVISOR, TECHNICIAN

FRONT_DESK_2 = "05"


def _home_of(db, staff) -> Household:
    grid = db.exec(select(Grid).where(Grid.butler_id == staff.id)).first()
    return db.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()


@pytest.fixture
def desk(actor_of):
    return actor_of(FRONT_DESK)


@pytest.fixture
def butler(actor_of):
    return actor_of(BUTLER)


@pytest.fixture
def home(db, staff_of) -> Household:
    """A household of 王芳's grid."""
    return _home_of(db, staff_of(BUTLER))


@pytest.fixture
def other_home(db, staff_of) -> Household:
    """A household of 李强's grid (another butler)."""
    return _home_of(db, staff_of(BUTLER_2))


def _file(db, desk, home, text="楼道灯不亮", phone="13912345678"):
    return requests.intake(db, desk, channel=requests.PHONE, content=text, household_id=home.id,
                           contact_phone=phone).request


def _ids(q) -> list[int]:
    return [r.id for r in q.rows]


def test_own_grid_listed_with_household_phone_and_deadline(db, desk, butler, home, other_home, frozen):
    mine = _file(db, desk, home, "厨房水管漏水，地上都是水")
    theirs = _file(db, desk, other_home, "电梯异响")
    q = grid_queue.queue(db, butler)
    assert mine.id in _ids(q) and theirs.id not in _ids(q)
    row = next(r for r in q.rows if r.id == mine.id)
    assert row.household and home.room in row.household
    assert row.phone == "13912345678" and "漏水" in row.summary
    assert row.status == requests.RECEIVED and not row.covered
    assert row.minutes_left == 15 and not row.overdue  # triage within 15 minutes (handbook)


def test_closed_is_not_listed(db, desk, butler, home, frozen):
    req = _file(db, desk, home)
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, ours=False,
                      referral_note="供电局负责", referral_channel="95598")
    assert not req.is_open
    assert req.id not in _ids(grid_queue.queue(db, butler))


def test_sorted_by_next_deadline_overdue_first_and_flagged(db, desk, butler, home, frozen):
    first = _file(db, desk, home, "一号")
    clock.advance(timedelta(minutes=20))
    second = _file(db, desk, home, "二号")
    clock.advance(timedelta(minutes=1))
    third = _file(db, desk, home, "三号")
    rows = [r for r in grid_queue.queue(db, butler).rows if r.id in (first.id, second.id, third.id)]
    assert [r.id for r in rows] == [first.id, second.id, third.id]
    assert [r.overdue for r in rows] == [True, False, False]
    assert rows[0].minutes_left == -6 and rows[2].minutes_left == 15
    # the whole list is in deadline order, no-clock rows last
    dues = [r.due_at for r in grid_queue.queue(db, butler).rows]
    timed = [d for d in dues if d is not None]
    assert timed == sorted(timed) and dues[:len(timed)] == timed


def test_covered_grid_listed_and_named_until_the_cover_ends(db, desk, actor_of, staff_of, other_home, frozen):
    deputy = actor_of(BUTLER)
    grid_planning.add_cover(db, actor_of(SUPERVISOR), other_home.grid_id, staff_of(BUTLER).id, clock.today(),
                            clock.today() + timedelta(days=1), "年假")
    req = _file(db, desk, other_home, "门禁坏了")
    row = next(r for r in grid_queue.queue(db, deputy).rows if r.id == req.id)
    assert row.covered and row.grid_name
    # the absent butler does not answer for it today
    assert req.id not in _ids(grid_queue.queue(db, actor_of(BUTLER_2)))
    # the cover ends: the deputy no longer lists it (nor may she act on it), its butler does again
    clock.advance(timedelta(days=2))
    assert req.id not in _ids(grid_queue.queue(db, deputy))
    assert req.id in _ids(grid_queue.queue(db, actor_of(BUTLER_2)))
    with pytest.raises(Refused):
        grid_queue.add_note(db, deputy, req.id, "已电话联系")


def test_new_since_last_look_marks(db, desk, butler, home, actor_of, frozen):
    before = _file(db, desk, home, "看之前的")
    shown = grid_queue.open_queue(db, butler)
    assert next(r for r in shown.rows if r.id == before.id).new  # never looked: new
    clock.advance(timedelta(minutes=5))
    again = grid_queue.open_queue(db, butler)
    assert not next(r for r in again.rows if r.id == before.id).new  # seen at the last look
    clock.advance(timedelta(minutes=5))
    after = _file(db, desk, home, "看之后的")
    q = grid_queue.queue(db, butler)
    marks = {r.id: r.new for r in q.rows}
    assert marks[after.id] and not marks[before.id]
    # a change by someone else marks it again; her own note does not
    clock.advance(timedelta(minutes=1))
    grid_queue.add_note(db, butler, before.id, "已联系业主")
    assert not {r.id: r.new for r in grid_queue.queue(db, butler).rows}[before.id]
    clock.advance(timedelta(minutes=1))
    requests.classify(db, desk, before.id, category=requests.COMPLAINT)
    assert {r.id: r.new for r in grid_queue.queue(db, butler).rows}[before.id]
    # marks computed against the look before this opening stay for refreshes (`since`)
    opened = grid_queue.open_queue(db, butler)
    clock.advance(timedelta(minutes=1))
    assert {r.id: r.new for r in grid_queue.queue(db, butler, opened.since).rows}[after.id]
    assert not {r.id: r.new for r in grid_queue.queue(db, butler).rows}[after.id]
    # the overdue sweep's escalation is no change to mark (the row is red already)
    grid_queue.open_queue(db, butler)
    clock.advance(timedelta(hours=2))
    requests.sweep_overdue(db)
    assert not {r.id: r.new for r in grid_queue.queue(db, butler).rows}[after.id]


def test_a_look_stamped_ahead_of_the_clock_does_not_hide_what_arrives(db, desk, butler, home, frozen):
    """The server's clock was ahead when she last looked (set back since): what arrives after her
    opening now is still new to her, on the opening and on the refreshes after it."""
    clock.advance(timedelta(days=3))
    grid_queue.open_queue(db, butler)  # her look, stamped three days ahead
    clock.advance(timedelta(days=-3))
    opened = grid_queue.open_queue(db, butler)
    clock.advance(timedelta(minutes=1))
    arrived = _file(db, desk, home, "时钟回拨之后")
    assert {r.id: r.new for r in grid_queue.queue(db, butler, opened.since).rows}[arrived.id]


def test_reopening_with_kept_marks_still_moves_the_look(db, desk, butler, home, frozen):
    req = _file(db, desk, home, "保持标记")
    first = grid_queue.open_queue(db, butler)
    clock.advance(timedelta(seconds=30))
    again = grid_queue.open_queue(db, butler, first.since)  # the page reconnected
    assert {r.id: r.new for r in again.rows}[req.id] and again.since == first.since
    assert not {r.id: r.new for r in grid_queue.queue(db, butler).rows}[req.id]


def test_note_recorded_once_bounded_and_not_empty(db, desk, butler, home, staff_of, entries, frozen):
    req = _file(db, desk, home)
    assert grid_queue.add_note(db, butler, req.id, "  已电话联系业主，  明早上门  ")
    assert not grid_queue.add_note(db, butler, req.id, "已电话联系业主， 明早上门")  # the retried tap
    notes = db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id,
                                               RequestEvent.kind == grid_queue.NOTE_KIND)).all()
    assert [(n.note, n.actor_id) for n in notes] == [("已电话联系业主， 明早上门", staff_of(BUTLER).id)]
    assert [e.subject for e in entries(grid_queue.NOTE_ACTION)] == [f"request:{req.id}"]
    history = requests.history(db, req.id)
    assert history[-1].kind == "butler_note" and history[-1].actor == staff_of(BUTLER).name
    with pytest.raises(DomainError) as empty:
        grid_queue.add_note(db, butler, req.id, "   ")
    assert empty.value.key == "queue.note_empty" and empty.value.params["field"] == "queue_note"
    with pytest.raises(DomainError) as long:
        grid_queue.add_note(db, butler, req.id, "长" * (grid_queue.NOTE_MAX + 1))
    assert long.value.key == "queue.note_long"


def test_hand_to_desk_recorded_and_every_desk_told_once(db, desk, butler, home, staff_of, entries, frozen):
    req = _file(db, desk, home)
    assert grid_queue.hand_to_desk(db, butler, req.id)
    assert not grid_queue.hand_to_desk(db, butler, req.id)  # a retried tap
    db.flush()
    told = db.exec(select(StaffAlert.staff_id).where(StaffAlert.kind == "handed_to_desk",
                                                     StaffAlert.request_id == req.id)).all()
    assert sorted(told) == sorted([staff_of(FRONT_DESK).id, staff_of(FRONT_DESK_2).id])
    events = db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id,
                                                RequestEvent.kind == grid_queue.HANDED_KIND)).all()
    assert len(events) == 1 and events[0].actor_id == staff_of(BUTLER).id
    assert len(entries(grid_queue.HAND_ACTION)) == 1
    assert next(r for r in grid_queue.queue(db, butler).rows if r.id == req.id).handed
    # once the desk moves it on, it may be handed over again
    requests.classify(db, desk, req.id, category=requests.COMPLAINT)
    assert not next(r for r in grid_queue.queue(db, butler).rows if r.id == req.id).handed


def test_another_grids_request_is_refused_and_audited(db, desk, butler, other_home, actor_of, frozen):
    req = _file(db, desk, other_home)
    for act in (lambda: grid_queue.add_note(db, butler, req.id, "不是我的"),
                lambda: grid_queue.hand_to_desk(db, butler, req.id)):
        with pytest.raises(Refused) as refused:
            act()
        assert refused.value.key == "queue.not_yours"
        for write in refused.value.keep:
            write(db)
    db.flush()
    rows = db.exec(select(AuditEntry).where(AuditEntry.action == grid_queue.REFUSED_ACTION,
                                            AuditEntry.subject == f"request:{req.id}")).all()
    assert [(r.outcome, r.detail) for r in rows] == [("refused", "butler_note"), ("refused", "handed_to_desk")]
    assert db.exec(select(RequestEvent).where(RequestEvent.request_id == req.id,
                                              RequestEvent.kind == grid_queue.NOTE_KIND)).all() == []
    # a technician (no grid home) and an unknown request are refused the same way
    with pytest.raises(Refused):
        grid_queue.hand_to_desk(db, actor_of(TECHNICIAN), req.id)
    with pytest.raises(Refused):
        grid_queue.add_note(db, butler, 999_999, "无")


def test_closed_request_of_her_grid_is_refused_with_a_message(db, desk, butler, home, frozen):
    req = _file(db, desk, home)
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, ours=False,
                      referral_note="供电局负责", referral_channel="95598")
    with pytest.raises(DomainError) as closed:
        grid_queue.hand_to_desk(db, butler, req.id)
    assert closed.value.key == "queue.closed"

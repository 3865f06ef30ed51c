"""Patrols: due list, start, scan (token and typed code), photo rule, ticks, work orders, finish, coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from app.db.models import Checkpoint, Grid, GridCover, Patrol, PatrolPlan, WorkOrder
from app.domain import clock, patrols, tokens, work_orders
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import BUTLER, BUTLER_2, SUPERVISOR, TEAM_LEAD


@pytest.fixture
def wednesday():
    """A Wednesday 10:00 in Shanghai, a week or more ahead (after the demo plans were made)."""
    day = date.today() + timedelta(days=7)
    day += timedelta(days=(2 - day.weekday()) % 7)
    at = datetime.combine(day, time(10, 0), tzinfo=clock.ZONE).astimezone(UTC)
    clock.freeze(at)
    yield day
    clock.reset()


@pytest.fixture
def butler(actor_of):
    return actor_of(BUTLER)


def _grid_of(db, actor) -> Grid:
    return db.exec(select(Grid).where(Grid.butler_id == actor.id)).one()


def _checkpoints(db, grid: Grid) -> list[Checkpoint]:
    return list(db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id).order_by(Checkpoint.position)))


def _walk_one(db, actor, patrol, cp, *, photos=1):
    visit = patrols.scan(db, actor, patrol.id, patrols.checkpoint_token(cp))
    for _ in range(photos):
        patrols.photo_added(db, visit.id)
    return visit


def test_butler_has_the_demo_daily_patrol_due(db, butler, wednesday):
    due = patrols.due_today(db, butler)
    assert len(due) == 1
    item = due[0]
    assert item.state == patrols.DUE and item.stops == 5
    assert item.period_start == wednesday
    assert clock.local(item.due_at).time() == time(18, 0)


def test_start_is_applied_once_for_a_retried_client_id(db, butler, wednesday, entries):
    plan_id = patrols.due_today(db, butler)[0].plan_id
    first = patrols.start(db, butler, plan_id, client_id="c-start-1")
    again = patrols.start(db, butler, plan_id, client_id="c-start-1")
    resumed = patrols.start(db, butler, plan_id)
    assert first.id == again.id == resumed.id
    assert len(entries("patrol.start")) == 1
    assert patrols.due_today(db, butler)[0].state == patrols.STARTED


def test_another_butler_cannot_start_my_grid(db, butler, actor_of, wednesday):
    plan_id = patrols.due_today(db, butler)[0].plan_id
    with pytest.raises(Refused):
        patrols.start(db, actor_of(BUTLER_2), plan_id)


def test_scan_by_token_and_by_typed_code(db, butler, wednesday):
    plan_id = patrols.due_today(db, butler)[0].plan_id
    patrol = patrols.start(db, butler, plan_id)
    cps = _checkpoints(db, _grid_of(db, butler))
    v1 = patrols.scan(db, butler, patrol.id, "http://x/c/" + patrols.checkpoint_token(cps[0]))
    v2 = patrols.scan(db, butler, patrol.id, " " + cps[1].code.lower() + " ")
    assert (v1.method, v2.method) == ("scan", "typed")
    assert v1.scanned_at == clock.now()
    # scanning again keeps the first arrival
    assert patrols.scan(db, butler, patrol.id, patrols.checkpoint_token(cps[0])).id == v1.id


@pytest.mark.parametrize("mangle", ["forged", "truncated", "reissued", "other_kind", "unknown_code"])
def test_bad_scans_are_refused_and_logged(db, butler, wednesday, entries, mangle, actor_of):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cp = _checkpoints(db, _grid_of(db, butler))[0]
    token = patrols.checkpoint_token(cp)
    if mangle == "forged":
        raw = tokens.sign("checkpoint", cp.id, version=cp.version, community_id=cp.community_id,
                          key=b"k" * 32)
    elif mangle == "truncated":
        raw = token[:-3]
    elif mangle == "reissued":
        patrols.reissue_tag(db, actor_of(SUPERVISOR), cp.id)
        raw = token
    elif mangle == "other_kind":
        raw = tokens.sign("pass", cp.id, community_id=cp.community_id)
    else:
        raw = "AAAAAA"
    with pytest.raises(DomainError) as err:
        patrols.scan(db, butler, patrol.id, raw)
    assert entries("token.refused") == []  # nothing written in the failed transaction
    for write in err.value.keep:  # what the caller applies after its rollback
        write(db)
    refused = entries("token.refused")
    assert len(refused) == (0 if mangle == "unknown_code" else 1)
    if refused:
        assert refused[0].outcome == "refused" and refused[0].actor_id == butler.id
        assert token not in refused[0].detail
    assert patrols.view(db, butler, patrol.id).stops[0].visit_id is None


def test_checkpoint_of_another_grid_is_not_on_route(db, butler, actor_of, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    other = _checkpoints(db, _grid_of(db, actor_of(BUTLER_2)))[0]
    with pytest.raises(DomainError) as err:
        patrols.scan(db, butler, patrol.id, patrols.checkpoint_token(other))
    assert err.value.key == "patrol.not_on_route"


def test_a_failed_item_needs_a_note_and_opens_a_work_order(db, butler, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cp = _checkpoints(db, _grid_of(db, butler))[0]
    visit = _walk_one(db, butler, patrol, cp)
    item = patrols.items_of(db, cp.id)[0]  # hygiene
    with pytest.raises(DomainError) as err:
        patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False, note="  ")
    assert err.value.key == "form.required"
    row = patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False,
                        note="楼道堆放纸箱", client_id="chk-1")
    order = db.get(WorkOrder, row.work_order_id)
    assert order.department == work_orders.CLEANING and order.status == work_orders.OPEN
    assert order.due_at == clock.now() + work_orders.DUE_IN[work_orders.CLEANING]
    assert order.place.startswith(cp.name)
    # the retried write is applied once
    assert patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False,
                         note="楼道堆放纸箱", client_id="chk-1").id == row.id
    assert len(work_orders.listing(db, butler.community_id)) >= 1
    # corrected to pass: the order is withdrawn
    patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=True)
    db.refresh(order)
    assert order.status == work_orders.CANCELLED


def test_department_can_be_chosen_and_must_be_known(db, butler, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cp = _checkpoints(db, _grid_of(db, butler))[0]
    visit = _walk_one(db, butler, patrol, cp)
    item = patrols.items_of(db, cp.id)[-1]  # facilities
    row = patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False, note="灭火器过期",
                        department=work_orders.TECHNICIAN)
    assert db.get(WorkOrder, row.work_order_id).department == work_orders.TECHNICIAN
    with pytest.raises(DomainError):
        patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False, note="x",
                      department="kitchen")


def test_item_of_another_checkpoint_is_refused(db, butler, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cps = _checkpoints(db, _grid_of(db, butler))
    visit = _walk_one(db, butler, patrol, cps[0])
    foreign = patrols.items_of(db, cps[1].id)[0]
    with pytest.raises(DomainError):
        patrols.check(db, butler, visit_id=visit.id, item_id=foreign.id, passed=True)


def test_finish_counts_checkpoints_without_photo_as_missed(db, butler, wednesday, entries):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cps = _checkpoints(db, _grid_of(db, butler))
    for cp in cps[:3]:
        _walk_one(db, butler, patrol, cp)
    patrols.scan(db, butler, patrol.id, cps[3].code)  # scanned, no photo
    done = patrols.finish(db, butler, patrol.id)
    assert done.status == patrols.FINISHED and done.missed == 2 and not done.late
    assert done.finished_at == clock.now()
    assert patrols.due_today(db, butler)[0].state == patrols.DONE
    # finished: no more scans, and finishing again changes nothing
    with pytest.raises(DomainError):
        patrols.scan(db, butler, patrol.id, cps[4].code)
    assert patrols.finish(db, butler, patrol.id).missed == 2
    assert len(entries("patrol.finish")) == 1
    with pytest.raises(DomainError):
        patrols.start(db, butler, patrol.plan_id)


def test_finishing_after_the_due_time_is_late(db, butler, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    clock.advance(timedelta(hours=9))  # 19:00 local, due by 18:00
    assert patrols.due_today(db, butler)[0].state == patrols.LATE
    assert patrols.finish(db, butler, patrol.id).late


def test_only_the_walker_sees_and_writes_their_patrol(db, butler, actor_of, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    other = actor_of(BUTLER_2)
    with pytest.raises(Refused):
        patrols.scan(db, other, patrol.id, "AAAAAA")
    with pytest.raises(Refused):
        patrols.view(db, other, patrol.id)
    assert patrols.view(db, actor_of(SUPERVISOR), patrol.id, as_supervisor=True).id == patrol.id
    with pytest.raises(Refused):
        patrols.visit_subject(db, other, _walk_one(db, butler, patrol, _checkpoints(db, _grid_of(db, butler))[0]).id)


def test_deputy_walks_the_grid_during_leave_cover(db, butler, actor_of, staff_of, wednesday):
    grid = _grid_of(db, butler)
    deputy = actor_of(TEAM_LEAD)
    db.add(GridCover(grid_id=grid.id, deputy_id=deputy.id, starts_on=wednesday, ends_on=wednesday,
                     created_by=staff_of(SUPERVISOR).id, created_at=clock.now()))
    db.flush()
    assert patrols.due_today(db, butler) == []
    due = patrols.due_today(db, deputy)
    assert [d.grid_name for d in due] == [grid.name]
    patrol = patrols.start(db, deputy, due[0].plan_id)
    assert patrol.walker_id == deputy.id


def test_plans_daily_weekly_and_weekdays(db, actor_of, butler, wednesday):
    sup = actor_of(SUPERVISOR)
    grid = _grid_of(db, butler)
    cps = _checkpoints(db, grid)
    route = patrols.save_route(db, sup, grid_id=grid.id, name="车库夜巡", checkpoint_ids=[cps[2].id, cps[0].id])
    weekly = patrols.add_plan(db, sup, route_id=route.id, cadence=patrols.WEEKLY, due_by="20:00")
    mon_fri = patrols.add_plan(db, sup, route_id=route.id, cadence=patrols.WEEKDAYS, weekdays="51")
    assert mon_fri.weekdays == "15"
    assert patrols.period_of(weekly, wednesday) == wednesday - timedelta(days=2)
    assert patrols.period_of(mon_fri, wednesday) is None
    assert patrols.period_of(mon_fri, wednesday + timedelta(days=2)) == wednesday + timedelta(days=2)
    due = {d.plan_id for d in patrols.due_today(db, butler)}
    assert weekly.id in due and mon_fri.id not in due
    assert [s.checkpoint_id for s in patrols.stops_of(db, route.id)] == [cps[2].id, cps[0].id]
    for bad in (dict(cadence="hourly"), dict(cadence=patrols.WEEKDAYS, weekdays="8"),
                dict(cadence=patrols.DAILY, due_by="25:00")):
        with pytest.raises(DomainError):
            patrols.add_plan(db, sup, route_id=route.id, **bad)
    with pytest.raises(DomainError):
        patrols.save_route(db, sup, grid_id=grid.id, name="x", checkpoint_ids=[])
    other = _checkpoints(db, _grid_of(db, actor_of(BUTLER_2)))[0]
    with pytest.raises(DomainError):
        patrols.save_route(db, sup, grid_id=grid.id, name="x", checkpoint_ids=[other.id])


def test_new_checkpoint_gets_a_code_and_the_template(db, actor_of, butler, entries):
    sup = actor_of(SUPERVISOR)
    grid = _grid_of(db, butler)
    cp = patrols.add_checkpoint(db, sup, grid_id=grid.id, name="3号门岗", place="北门",
                                latitude=30.27, longitude=120.15)
    assert len(cp.code) == patrols.CODE_LEN and set(cp.code) <= set(patrols.CODE_ALPHABET)
    assert len(patrols.items_of(db, cp.id)) == len(patrols.DEFAULT_TEMPLATE)
    assert entries("patrol.checkpoint_add")[-1].actor_id == sup.id
    for bad in (dict(name=""), dict(name="x" * 41), dict(name="ok", latitude=91.0, longitude=0.0),
                dict(name="ok", latitude=30.0)):
        with pytest.raises(DomainError):
            patrols.add_checkpoint(db, sup, grid_id=grid.id, **bad)
    old = (cp.code, cp.version)
    patrols.reissue_tag(db, sup, cp.id)
    assert (cp.code, cp.version) != old and cp.version == old[1] + 1


def test_coverage_counts_due_done_late_and_not_done(db, actor_of, butler, wednesday):
    sup = actor_of(SUPERVISOR)
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    cps = _checkpoints(db, _grid_of(db, butler))
    visit = _walk_one(db, butler, patrol, cps[0])
    item = patrols.items_of(db, cps[0].id)[0]
    patrols.check(db, butler, visit_id=visit.id, item_id=item.id, passed=False, note="垃圾满溢")
    patrols.finish(db, butler, patrol.id)
    # Tuesday of the same week: every grid's daily plan was due and not walked
    clock.advance(timedelta(hours=12))  # 22:00 local: today's due time has passed too
    rows = {c.grid_name: c for c in patrols.coverage(db, sup.community_id, wednesday - timedelta(days=1), wednesday)}
    mine = rows[_grid_of(db, butler).name]
    assert (mine.due, mine.done, mine.late, mine.not_done) == (2, 1, 0, 1)
    assert mine.missed_checkpoints == 4 and mine.findings_open == 1 and mine.patrol_ids == [patrol.id]
    other = rows[_grid_of(db, actor_of(BUTLER_2)).name]
    assert (other.due, other.done, other.not_done) == (2, 0, 2)
    rows_grid = patrols.patrols_of_grid(db, sup, _grid_of(db, butler).id, wednesday, wednesday)
    assert [r.id for r in rows_grid] == [patrol.id] and rows_grid[0].missed == 4


def test_plan_made_later_is_not_due_before_it_existed(db, actor_of, butler, wednesday):
    plan = db.exec(select(PatrolPlan)).first()
    rows = patrols.coverage(db, actor_of(SUPERVISOR).community_id, date(2020, 1, 1), date(2020, 1, 7))
    assert plan is not None and all(r.due == 0 for r in rows)


def test_patrol_rows_are_kept(db, butler, wednesday):
    patrol = patrols.start(db, butler, patrols.due_today(db, butler)[0].plan_id)
    assert db.get(Patrol, patrol.id).started_at == clock.now()

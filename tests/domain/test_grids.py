"""Grid sizing: one butler per 350-400 households, more only for a gold butler."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from app import seed
from app.db.models import Grid, Household
from app.domain import grids, homes
from tests.domain.test_renovations import people as people  # noqa: F401 (the fixture)

from .conftest import BUTLER, GOLD_BUTLER, SUPERVISOR


@pytest.mark.parametrize(
    ("households", "gold", "state"),
    [
        (0, False, grids.UNDER),
        (349, False, grids.UNDER),
        (349, True, grids.UNDER),
        (350, False, grids.OK),
        (350, True, grids.OK),
        (375, False, grids.OK),
        (400, False, grids.OK),
        (400, True, grids.OK),
        (401, False, grids.OVER),
        (401, True, grids.GOLD),
        (420, True, grids.GOLD),
        (420, False, grids.OVER),
    ],
)
def test_band(households, gold, state):
    assert grids.band(households, gold) == state


def test_flagged_states():
    assert grids.flagged(grids.UNDER)
    assert grids.flagged(grids.OVER)
    assert grids.flagged(grids.NO_BUTLER)
    assert not grids.flagged(grids.OK)
    assert not grids.flagged(grids.GOLD)


def test_demo_summaries(db, community_id, staff_of):
    rows = grids.summaries(db, community_id)
    assert [r.name for r in rows] == ["1号网格", "2号网格", "3号网格", "4号网格"]

    total = db.exec(
        select(func.count()).select_from(Household).where(Household.community_id == community_id)
    ).one()
    assert total == 1524
    assert sum(r.households for r in rows) == total

    gold = [r for r in rows if r.gold_butler]
    assert len(gold) == 1
    assert gold[0].households == seed.GOLD_GRID_SIZE == 420
    assert gold[0].state == grids.GOLD
    assert gold[0].butler_id == staff_of(GOLD_BUTLER).id
    assert not gold[0].flagged
    for r in rows:
        if r is not gold[0]:
            assert r.state == grids.OK, r
            assert 350 <= r.households <= 400
            assert not r.flagged
        assert r.butler_id is not None and r.butler_name
        assert 0 < r.occupied <= r.households
        assert r.residents >= r.households  # every household has an owner on record
        assert r.buildings

    # buildings in natural order (2栋 before 10栋)
    for r in rows:
        numbers = [int(b.removesuffix("栋")) for b in r.buildings]
        assert numbers == sorted(numbers)


def test_summaries_for_one_butler(db, community_id, staff_of):
    butler = staff_of(BUTLER)
    rows = grids.summaries(db, community_id, butler_id=butler.id)
    assert len(rows) == 1
    assert rows[0].butler_id == butler.id
    assert rows[0].butler_name == butler.name
    assert grids.summaries(db, community_id, butler_id=staff_of(SUPERVISOR).id) == []


def test_grid_without_butler_is_flagged(db, community_id, staff_of):
    grid = db.exec(select(Grid).where(Grid.butler_id == staff_of(BUTLER).id)).one()
    grid.butler_id = None
    db.add(grid)
    db.flush()
    row = next(r for r in grids.summaries(db, community_id) if r.id == grid.id)
    assert row.state == grids.NO_BUTLER
    assert row.flagged
    assert row.butler_id is None and row.butler_name == ""
    assert row.households > 0


def test_empty_grid_without_butler(db, community_id):
    grid = Grid(community_id=community_id, name="9号网格")
    db.add(grid)
    db.flush()
    row = next(r for r in grids.summaries(db, community_id) if r.id == grid.id)
    assert (row.households, row.occupied, row.residents, row.buildings) == (0, 0, 0, ())
    assert row.state == grids.NO_BUTLER


def test_gold_flag_matters(db, community_id, staff_of):
    gold = staff_of(GOLD_BUTLER)
    gold.is_gold_butler = False
    db.add(gold)
    db.flush()
    row = next(r for r in grids.summaries(db, community_id) if r.butler_id == gold.id)
    assert row.state == grids.OVER
    assert row.flagged


def test_unknown_community_has_no_grids(db):
    assert grids.summaries(db, 999_999) == []


def test_grids_of(db, community_id):
    rows = grids.grids_of(db, community_id)
    assert [name for _, name, _ in rows] == ["1号网格", "2号网格", "3号网格", "4号网格"]
    assert all(butler is not None for _, _, butler in rows)


def test_home_queries(db, community_id, actor_of):
    facts = homes.community_facts(db, community_id)
    assert facts.name == "阳光花园"
    assert facts.households == 1524
    assert facts.residents >= 1524
    assert facts.active_staff == len(seed.DEMO_STAFF)

    butler = actor_of(BUTLER)
    mine = homes.my_grids(db, butler)
    assert [g.butler_id for g in mine] == [butler.id]
    assert len(homes.grid_overview(db, actor_of(SUPERVISOR))) == 4


# --- #2 the grids a person answers for on a day: leave cover included ------------------------


def test_grids_answered_for_follow_leave_cover(db, community_id, actor_of, staff_of):
    from datetime import timedelta

    from app.domain import clock, grid_planning

    from .conftest import BUTLER_2

    owner, deputy = staff_of(BUTLER), staff_of(BUTLER_2)
    own = db.exec(select(Grid.id).where(Grid.butler_id == owner.id)).one()
    theirs = db.exec(select(Grid.id).where(Grid.butler_id == deputy.id)).one()
    today = clock.today()
    assert grids.grids_answered_for(db, owner.id, today) == [own]
    cover = grid_planning.add_cover(db, actor_of(SUPERVISOR), own, deputy.id, today + timedelta(days=1),
                                    today + timedelta(days=3), reason="年假")
    on_leave = today + timedelta(days=2)
    assert grids.grids_answered_for(db, owner.id, on_leave) == []
    assert grids.grids_answered_for(db, deputy.id, on_leave, community_id=community_id) == sorted([own, theirs])
    assert grids.grids_answered_for(db, owner.id, today + timedelta(days=4)) == [own]  # back from leave
    assert grids.grids_answered_for(db, deputy.id, on_leave, community_id=community_id + 1000) == []
    clock.freeze(clock.midnight(on_leave))
    try:  # the home's "my grid today" follows it too
        assert [g.id for g in homes.my_grids(db, actor_of(BUTLER_2))] == sorted([own, theirs])
        assert homes.my_grids(db, actor_of(BUTLER)) == []
    finally:
        clock.reset()
    grid_planning.cancel_cover(db, actor_of(SUPERVISOR), cover.id)
    assert grids.grids_answered_for(db, owner.id, on_leave) == [own]
    assert grids.grids_answered_for(db, deputy.id, on_leave) == [theirs]


def test_a_butler_on_cover_sees_the_covered_grids_renovations(db, community_id, actor_of, people):  # noqa: F811
    """#2: the renovation list tested Grid.butler_id == actor.id, so the deputy never saw them."""
    from app.domain import clock, grid_planning, renovation_checks
    from tests.domain import test_renovations as reno

    from .conftest import BUTLER_2

    owner, deputy = actor_of(BUTLER), actor_of(BUTLER_2)
    own = db.exec(select(Grid.id).where(Grid.butler_id == owner.id)).one()
    home = db.exec(select(Household.id).where(Household.grid_id == own).order_by(Household.id.desc())).first()
    app, _ = reno.under_way(db, people, community_id, household_id=home)
    assert app.id in [r.id for r in renovation_checks.site_list(db, owner)]
    assert app.id not in [r.id for r in renovation_checks.site_list(db, deputy)]
    grid_planning.add_cover(db, actor_of(SUPERVISOR), own, deputy.id, clock.today(), clock.today())
    assert app.id in [r.id for r in renovation_checks.site_list(db, deputy)]
    assert app.id not in [r.id for r in renovation_checks.site_list(db, owner)]
    assert app.id in [r.id for r in renovation_checks.site_list(db, actor_of(SUPERVISOR))]

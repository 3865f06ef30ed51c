"""The butler's home ("my grid today"): what a due patrol card says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from app.db.models import Checkpoint, Grid
from app.domain import clock, patrols
from tests.domain.conftest import BUTLER


@pytest.fixture
def wednesday():
    day = date.today() + timedelta(days=7)
    day += timedelta(days=(2 - day.weekday()) % 7)
    clock.freeze(datetime.combine(day, time(10, 0), tzinfo=clock.ZONE).astimezone(UTC))
    yield day
    clock.reset()


def test_a_finished_patrol_shows_the_checkpoints_it_visited(db, actor_of, wednesday):
    """#5: 已完成巡查点 0/5 was shown for a finished patrol that visited 4."""
    butler = actor_of(BUTLER)
    grid = db.exec(select(Grid).where(Grid.butler_id == butler.id)).one()
    cps = list(db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id).order_by(Checkpoint.position)))
    plan_id = patrols.due_today(db, butler)[0].plan_id
    patrol = patrols.start(db, butler, plan_id)
    for cp in cps[:4]:
        visit = patrols.scan(db, butler, patrol.id, patrols.checkpoint_token(cp))
        patrols.photo_added(db, visit.id)
    assert (patrols.due_today(db, butler)[0].visited, patrols.due_today(db, butler)[0].stops) == (4, 5)
    assert patrols.finish(db, butler, patrol.id).missed == 1
    item = patrols.due_today(db, butler)[0]
    assert (item.state, item.visited, item.stops) == (patrols.DONE, 4, 5)

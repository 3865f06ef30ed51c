"""The gate's read helpers behind the goods and visitor screens: a household's permit, today's goods."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain import clock, gate
from app.domain.errors import Refused
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import new_application, under_way

people = reno.people
tuesday = reno.tuesday


def test_permit_for_a_household_with_a_renovation_under_way(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    info = gate.permit_for(db, people.guard, app.household_id)
    assert info is not None
    assert (info.application_id, info.permit_no, info.owner_name) == (app.id, app.permit_no, "业主甲")
    assert info.permit_no != "" and info.household == app.household_label
    assert gate.permit_for(db, people.desk, app.household_id) == info  # the front desk too
    waiting = new_application(db, people, community_id, 5)  # applied, not signed off: no permit
    assert gate.permit_for(db, people.guard, waiting.household_id) is None
    with pytest.raises(Refused):
        gate.permit_for(db, people.butler, app.household_id)


def test_goods_today_newest_first_with_household_labels(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    g = people.guard
    yesterday = gate.register_goods(db, g, household_id=app.household_id, items="水泥", direction="in",
                                    carrier_name="甲")
    yesterday.at = clock.now() - timedelta(days=1)
    db.add(yesterday)
    first = gate.register_goods(db, g, household_id=app.household_id, items="瓷砖", direction="in",
                                carrier_name="乙", gate="东门")
    clock.advance(timedelta(minutes=5))
    second = gate.register_goods(db, g, household_id=app.household_id, items="旧地板", direction="out",
                                 carrier_name="丙", confirmed_by="permit")
    rows = gate.goods_today(db, people.desk)
    assert [r.id for r in rows] == [second.id, first.id]
    assert rows[0].household == app.household_label and rows[0].confirmed_by == "permit"
    assert (rows[1].gate, rows[1].direction, rows[1].photo_id) == ("东门", "in", None)
    assert [r.id for r in gate.goods_today(db, g, limit=1)] == [second.id]
    with pytest.raises(Refused):
        gate.goods_today(db, people.butler)

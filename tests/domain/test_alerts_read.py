"""A person's alerts: the unread count the badge shows, marking one or all read, and the live
watcher's cheap look (newest id, who was told since)."""

from __future__ import annotations

import pytest

from app.domain import alerts, notify
from app.domain.errors import DomainError
from tests.domain.conftest import FRONT_DESK, TECHNICIAN


def _tell_tech(db, community_id, tech_id, summary="3-1-502 · 厨房漏水"):
    return notify.tell(db, "dispatched", community_id=community_id, assignee_id=tech_id, summary=summary)


def test_unread_count_and_mark_all_read_touch_only_the_actor(db, community_id, actor_of, staff_of):
    tech, desk = actor_of(TECHNICIAN), actor_of(FRONT_DESK)
    alerts.mark_all_read(db, tech)
    alerts.mark_all_read(db, desk)
    db.flush()
    assert alerts.unread_count(db, tech) == 0
    _tell_tech(db, community_id, tech.id)
    _tell_tech(db, community_id, tech.id, "5-1-302 · 灯不亮")
    alerts.send(db, community_id=community_id, staff_ids=[desk.id], kind="overdue", summary="x")
    db.flush()
    assert alerts.unread_count(db, tech) == 2
    assert alerts.unread_count(db, desk) == 1

    newest = alerts.listing(db, tech, limit=1)[0]
    alerts.mark_read(db, tech, newest.id)
    db.flush()
    assert alerts.unread_count(db, tech) == 1

    assert alerts.mark_all_read(db, tech) == 1
    db.flush()
    assert alerts.unread_count(db, tech) == 0
    assert all(a.read for a in alerts.listing(db, tech, limit=5))
    # the desk's alert is hers: untouched
    assert alerts.unread_count(db, desk) == 1
    assert alerts.mark_all_read(db, tech) == 0


def test_someone_elses_alert_reads_as_absent(db, community_id, actor_of):
    tech, desk = actor_of(TECHNICIAN), actor_of(FRONT_DESK)
    _tell_tech(db, community_id, tech.id)
    db.flush()
    mine = alerts.listing(db, tech, limit=1)[0]
    assert alerts.get_own(db, tech, mine.id).kind == "dispatched"
    with pytest.raises(DomainError):
        alerts.get_own(db, desk, mine.id)
    with pytest.raises(DomainError):
        alerts.mark_read(db, desk, mine.id)


def test_newest_id_and_who_was_told_since(db, community_id, actor_of):
    tech, desk = actor_of(TECHNICIAN), actor_of(FRONT_DESK)
    before = alerts.newest_id(db)
    assert alerts.told_since(db, before) == set()
    _tell_tech(db, community_id, tech.id)
    db.flush()
    after = alerts.newest_id(db)
    assert after > before
    assert alerts.told_since(db, before) == {tech.id}
    alerts.send(db, community_id=community_id, staff_ids=[desk.id], kind="overdue")
    db.flush()
    assert alerts.told_since(db, before) == {tech.id, desk.id}
    assert alerts.told_since(db, after) == {desk.id}

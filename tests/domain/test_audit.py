"""The audit log: append-only, JSON before/after."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlmodel import select

from app.db.models import AuditEntry
from app.domain import audit, clock

from .conftest import BUTLER, SUPERVISOR


def test_record_appends(db, actor_of, entries, frozen, community_id):
    actor = actor_of(SUPERVISOR)
    first = audit.record(
        db, "test.one", actor_id=actor.id, community_id=community_id, subject="staff:1",
        before={"name": "王芳", "roles": ["butler"]}, after={"name": "王芳芳", "roles": ["butler"]},
        detail="why",
    )
    clock.advance(timedelta(seconds=1))
    second = audit.record(db, "test.two", community_id=community_id, outcome="refused")
    assert first.id is not None and second.id is not None and second.id > first.id

    rows = entries()
    assert [r.action for r in rows] == ["test.one", "test.two"]
    one, two = rows
    assert one.at == frozen and two.at == frozen + timedelta(seconds=1)
    assert (one.actor_id, one.subject, one.outcome, one.detail) == (actor.id, "staff:1", "ok", "why")
    assert json.loads(one.before) == {"name": "王芳", "roles": ["butler"]}
    assert json.loads(one.after) == {"name": "王芳芳", "roles": ["butler"]}
    assert "王芳芳" in one.after  # readable, not \\u-escaped
    assert (two.before, two.after, two.actor_id, two.outcome) == (None, None, None, "refused")


def test_json_is_stable_and_handles_other_types(db, entries):
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    audit.record(db, "test.types", before={"b": 1, "a": [1, 2]}, after={"when": at, "none": None})
    [row] = entries("test.types")
    assert row.before == '{"a": [1, 2], "b": 1}'  # keys sorted: equal states, equal text
    assert json.loads(row.after) == {"none": None, "when": str(at)}


def test_long_fields_are_cut(db, entries):
    audit.record(db, "test.long", subject="s" * 100, detail="d" * 500, after={"x": "y" * 5000})
    [row] = entries("test.long")
    assert len(row.subject) == 64 and len(row.detail) == 200
    assert json.loads(row.after) == {"x": "y" * 5000}  # the JSON itself is never cut


def test_record_only_inserts(db):
    """Recording never updates or deletes an existing row."""
    statements: list[str] = []

    def watch(conn, cursor, statement, *args):
        statements.append(statement.split(None, 1)[0].upper())

    audit.record(db, "test.first")
    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", watch)
    try:
        for i in range(3):
            audit.record(db, "test.more", subject=str(i))
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert statements and set(statements) <= {"INSERT", "SAVEPOINT", "RELEASE"}, statements


def test_earlier_entries_stay_as_written(db, entries, actor_of):
    from app.domain import staff

    sup = actor_of(SUPERVISOR)
    assert db.exec(select(AuditEntry)).all() == []  # the seed writes no entries
    staff.set_active(db, sup, actor_of(BUTLER).id, False)
    [first] = entries()
    snapshot = (first.id, first.at, first.action, first.before, first.after)
    staff.set_active(db, sup, actor_of(BUTLER).id, True)
    db.expire_all()
    rows = entries()
    assert len(rows) == 2
    assert (rows[0].id, rows[0].at, rows[0].action, rows[0].before, rows[0].after) == snapshot


def test_recent(db, community_id):
    for i in range(5):
        audit.record(db, "test.recent", community_id=community_id, subject=str(i))
    audit.record(db, "test.recent", community_id=None, subject="global")
    mine = audit.recent(db, community_id, limit=3)
    assert [e.subject for e in mine] == ["4", "3", "2"]
    assert [e.subject for e in audit.recent(db, community_id, limit=3, offset=3)] == ["1", "0"]
    assert audit.recent(db, None, limit=1)[0].subject == "global"

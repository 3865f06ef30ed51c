"""Seed data of the complaint register: the demo history is deterministic and consistent; scale rows are sane."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

from app import seed
from app.db.models import (
    Community,
    FollowUp,
    Household,
    RequestEvent,
    RequestTerm,
    ServiceRequest,
    StaffAlert,
)
from app.domain import clock, request_search, requests
from app.seed import requests as seed_requests

# a fixed "now" so two runs fall on the same local day
AT = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


def _shape(session: Session) -> tuple:
    """What must be equal between two seeds: counts, status mix, the lines themselves (without ids)."""
    reqs = session.exec(select(ServiceRequest).order_by(col(ServiceRequest.id))).all()
    lines = [
        (r.channel, r.category, r.status, r.major, r.ours, r.received_at, r.due_at, r.content,
         r.contact_phone, r.reopened, r.acknowledged_at is not None)
        for r in reqs
    ]
    return (
        Counter(r.status for r in reqs),
        Counter(r.channel for r in reqs),
        session.exec(select(func.count()).select_from(RequestEvent)).one(),
        session.exec(select(func.count()).select_from(FollowUp)).one(),
        tuple(sorted(Counter(session.exec(select(StaffAlert.kind)).all()).items())),
        lines,
    )


def _fresh() -> tuple:
    engine = sa.create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    clock.freeze(AT)
    try:
        with Session(engine) as session:
            cid = seed.seed_demo(session)
            n = seed_requests.seed_demo_requests(session, cid)
            assert clock.now() == AT  # the clock is put back as it was
            session.flush()
            shape = _shape(session)
    finally:
        clock.reset()
        engine.dispose()
    return n, shape


def test_demo_history_is_deterministic():
    first, second = _fresh(), _fresh()
    assert first == second
    n, (statuses, channels, *_rest) = first
    assert n >= 40
    assert set(channels) >= {requests.PHONE, requests.VISIT, requests.RESIDENT_PAGE, requests.PATROL}
    assert statuses[requests.CLOSED] > n // 2
    # some still open at several stages
    assert len([s for s in statuses if s != requests.CLOSED]) >= 3


def test_demo_history_is_consistent(db, community_id):
    before = clock.now()
    n = seed_requests.seed_demo_requests(db, community_id)
    assert abs((clock.now() - before).total_seconds()) < 60  # the real clock again
    db.flush()
    reqs = db.exec(select(ServiceRequest).where(ServiceRequest.community_id == community_id)).all()
    assert len(reqs) >= n
    lim = requests.limits(db, community_id)
    midnight = clock.midnight(clock.today())
    for r in reqs:
        # the stored deadline is the one the rules give for the stage it is in
        assert r.due_at == requests.deadline(r, lim), r.id
        assert r.received_at < midnight  # nothing today: the desk's queue starts empty
        if r.status == requests.CLOSED and requests.needs_follow_up(r):
            ups = db.exec(select(FollowUp).where(FollowUp.request_id == r.id)).all()
            assert ups and ups[-1].satisfied, r.id
        if r.reopened:
            ups = db.exec(select(FollowUp).where(FollowUp.request_id == r.id)).all()
            assert any(not u.satisfied for u in ups)
    # no request points at another community's household
    foreign = db.exec(
        select(func.count())
        .select_from(ServiceRequest)
        .join(Household, col(Household.id) == col(ServiceRequest.household_id))
        .where(col(Household.community_id) != col(ServiceRequest.community_id))
    ).one()
    assert foreign == 0
    # what the demo shows: an open major complaint acknowledged and one waiting, overdue ones
    majors = request_search.major_open(db, community_id)
    assert {m.acknowledged for m in majors} == {True, False}
    assert request_search.overdue(db, community_id)
    assert request_search.counts(db, community_id).today == 0
    # every request has its history and its search terms
    first_events = db.exec(
        select(RequestEvent.kind).where(col(RequestEvent.request_id).in_([r.id for r in reqs]))
    ).all()
    assert first_events.count("received") == len(reqs)
    hits = request_search.search(db, community_id, request_search.Query(text="电梯"))
    assert all("电梯" in h.content for h in hits)


def test_scale_requests(db):
    made = seed.seed_scale(db, 1524 + 1000)
    added = seed_requests.seed_scale_requests(db, 3000)
    assert added == 3000
    assert seed_requests.seed_scale_requests(db, 3000) == 0  # already there
    rows = db.exec(
        select(ServiceRequest.is_open, ServiceRequest.due_at, ServiceRequest.household_id, Household.community_id,
               ServiceRequest.community_id)
        .join(Household, col(Household.id) == col(ServiceRequest.household_id))
        .where(col(ServiceRequest.community_id).in_(made))
    ).all()
    assert len(rows) == 3000
    assert all(hc == rc for _, _, _, hc, rc in rows)
    share = sum(1 for o, *_ in rows if o) / len(rows)
    assert 0.02 < share < 0.09
    assert all(o == (d is not None) for o, d, *_ in rows)
    terms = db.exec(select(func.count()).select_from(RequestTerm).where(col(RequestTerm.community_id).in_(made))).one()
    assert terms > 3000 * 5
    found = request_search.search(db, made[0], request_search.Query(text="电梯"))
    assert found and all("电梯" in r.content for r in found)
    assert db.exec(select(Community.code).where(col(Community.id).in_(made))).all()[0].startswith("S")

"""Issue 15 #3 and #18: limits that hold across workers (threads with their own connections).

Each test here writes committed rows from several threads at once, so the module
uses its own throwaway database (SQLite, and PostgreSQL when APP_TEST_POSTGRES_URL
is set) instead of the rolled-back `db` session of the other domain tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import seed
from app.db.models import AuditEntry, Community, Household, RateCounter, ServiceRequest
from app.db.session import get_engine, session_scope
from app.domain import auth, clock, rate_limits, requests
from app.domain.errors import DomainError
from app.domain.requests.vocabulary import PUBLIC_LIMITS
from app.seed import DEMO_PASSWORD
from tests.conftest import PG_URL, _postgres_database, migrate

from .conftest import BUTLER, BUTLER_2, FRONT_DESK, SUPERVISOR, TEAM_LEAD, phone


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, seeded database of this module's own, per backend."""
    gen = None
    if request.param == "postgres":
        if not PG_URL:
            pytest.skip("PostgreSQL runs skipped: set APP_TEST_POSTGRES_URL to run them")
        gen = _postgres_database()
        found = next(gen)
    else:
        found = f"sqlite:///{tmp_path_factory.mktemp('limits') / 'limits.db'}"
    migrate(found)
    engine = sa.create_engine(found)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    engine.dispose()
    yield found
    get_engine(found).dispose()
    if gen is not None:
        gen.close()


def at_once(n: int, work: Callable[[int], str]) -> list[str]:
    """Run `work(i)` in `n` threads released together; their outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            result = work(i)
        except DomainError as err:
            result = err.key
        except Exception as err:  # noqa: BLE001 - a crash is an outcome the test must see
            result = f"crash:{type(err).__name__}:{err}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == n, outcomes
    return outcomes


# --- who the client is -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "hops", "expected"),
    [
        ("10.0.0.9", "1.2.3.4", 0, "10.0.0.9"),  # no proxy configured: the header is the client's
        ("10.0.0.9", None, 1, "10.0.0.9"),
        ("10.0.0.9", "1.2.3.4", 1, "1.2.3.4"),  # one proxy: the entry it appended
        ("10.0.0.9", "6.6.6.6, 1.2.3.4", 1, "1.2.3.4"),  # the client's own entry is ignored
        ("10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.2", 2, "1.2.3.4"),
        ("10.0.0.9", "1.2.3.4", 2, "10.0.0.9"),  # fewer entries than proxies: the peer
        ("10.0.0.9", "not-an-ip", 1, "10.0.0.9"),
        ("10.0.0.9", " , ", 1, "10.0.0.9"),
        ("10.0.0.9", "2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_forwarded_for_counts_only_for_trusted_hops(peer, forwarded, hops, expected):
    assert rate_limits.client_address(peer, forwarded, hops) == expected


# --- the counter itself ------------------------------------------------------------------------


def test_hit_counts_atomically_under_concurrency(url):
    def work(_i: int) -> str:
        with session_scope(url) as s:
            return str(rate_limits.hit(s, "test.hit", "k-concurrent", timedelta(hours=1)))

    counts = at_once(20, work)
    assert sorted(int(c) for c in counts) == list(range(1, 21)), counts


def test_first_in_window_once_per_window(url):
    with session_scope(url) as s:
        assert rate_limits.first_in_window(s, "test.first", "k", timedelta(minutes=1))
        assert not rate_limits.first_in_window(s, "test.first", "k", timedelta(minutes=1))
        assert rate_limits.first_in_window(s, "test.first", "other", timedelta(minutes=1))


def test_purge_drops_only_expired_rows(url):
    with session_scope(url) as s:
        rate_limits.hit(s, "test.purge", "old", timedelta(seconds=1))
    clock.freeze(clock.now() + timedelta(seconds=5))
    try:
        with session_scope(url) as s:
            rate_limits.hit(s, "test.purge", "new", timedelta(hours=1))
            rate_limits.purge(s)
            keys = set(s.exec(select(RateCounter.key).where(RateCounter.scope == "test.purge")).all())
    finally:
        clock.reset()
    assert keys == {"new"}


# --- #3 the public intake limit across workers -------------------------------------------------


def _place(url: str) -> tuple[int, int]:
    with session_scope(url) as s:
        cid = s.exec(select(Community.id).where(Community.code == seed.DEMO_CODE)).one()
        hid = s.exec(select(Household.id).where(Household.community_id == cid).order_by(Household.id)).first()
    return cid, hid


def test_public_intake_limit_holds_for_a_burst_from_many_workers(url):
    community_id, household_id = _place(url)
    key = "burst-client-1"
    most = PUBLIC_LIMITS[0][1]

    def file(i: int) -> str:
        with session_scope(url) as s:
            requests.public_intake(
                s, community_id=community_id, household_id=household_id, kind="repair",
                content=f"水管漏水 {i}", contact_phone="13900001111", client_key=key,
                client_id=f"burst-{i:04d}-xxxxxxxxxxxxxxx",
            )
        return "ok"

    outcomes = at_once(12, file)
    assert outcomes.count("ok") == most, outcomes
    assert set(outcomes) == {"ok", "request.too_many"}, outcomes
    with session_scope(url) as s:
        filed = s.exec(select(func.count()).select_from(ServiceRequest).where(ServiceRequest.client_key == key)).one()
    assert filed == most


def test_rate_limited_refusals_are_audited_once_a_minute(url):
    community_id, household_id = _place(url)
    key = "flood-client-2"
    most = PUBLIC_LIMITS[0][1]
    refused = 0
    for i in range(most + 20):
        try:
            with session_scope(url) as s:
                requests.public_intake(
                    s, community_id=community_id, household_id=household_id, kind="repair",
                    content=f"噪音 {i}", contact_phone="13900001111", client_key=key,
                )
        except DomainError as err:
            assert err.key == "request.too_many"
            refused += 1
            for write in err.keep:
                with session_scope(url) as s:
                    write(s)
    assert refused == 20
    with session_scope(url) as s:
        rows = s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "request.public_refused", AuditEntry.subject == f"client:{key[:12]}")).one()
    assert rows == 1


# --- #18 sign-in: the per-phone throttle is atomic, and every client is bounded -----------------


def _sign_in_entries(url: str, subject: str) -> list[AuditEntry]:
    with session_scope(url) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == auth.SIGN_IN, AuditEntry.subject == subject)
                           .order_by(AuditEntry.id)))


def _attempt(url: str, who: str, password: str, client: str) -> str:
    """One sign-in as the sign-in screen makes it: the session commits even when refused."""
    with session_scope(url) as s:
        try:
            auth.sign_in(s, who, password, client)
        except DomainError as err:
            return err.key
    return "ok"


def test_forty_wrong_passwords_at_once_get_only_the_allowed_checks(url, frozen):
    who = phone(BUTLER)
    outcomes = at_once(40, lambda i: _attempt(url, who, f"wrong-pass-{i}", f"c{i}"))
    assert outcomes.count("auth.bad_credentials") == auth.SLOW_AFTER, outcomes
    assert set(outcomes) == {"auth.bad_credentials", "auth.wait"}, outcomes
    rows = _sign_in_entries(url, who)
    assert [e.outcome for e in rows].count("failed") == auth.SLOW_AFTER


def test_right_password_in_a_burst_never_follows_more_failures_than_allowed(url, frozen):
    who = phone(BUTLER_2)
    right = 13  # the right password is one of the burst

    def work(i: int) -> str:
        return _attempt(url, who, DEMO_PASSWORD if i == right else f"wrong-pass-{i}", f"c{i}")

    outcomes = at_once(20, work)
    rows = [e.outcome for e in _sign_in_entries(url, who) if e.outcome in ("ok", "failed")]
    before_ok = rows.index("ok") if "ok" in rows else len(rows)
    assert before_ok <= auth.SLOW_AFTER, rows
    assert outcomes.count("auth.bad_credentials") <= 2 * auth.SLOW_AFTER, outcomes


def test_one_client_with_random_phones_is_bounded_and_audited_once_a_minute(url, frozen):
    client = "flooding-client-3"

    def work(i: int) -> str:
        return _attempt(url, f"1370000{i:04d}", "wrong-pass-1", client)

    outcomes = at_once(60, work)
    assert outcomes.count("auth.bad_credentials") == auth.CLIENT_TRIES, outcomes
    assert set(outcomes) == {"auth.bad_credentials", "auth.client_wait"}, outcomes
    with session_scope(url) as s:
        failed = s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == auth.SIGN_IN, col(AuditEntry.subject).like("1370000%"))).one()
        refusals = s.exec(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == auth.SIGN_IN, AuditEntry.subject == f"client:{client[:12]}")).one()
    assert (failed, refusals) == (auth.CLIENT_TRIES, 1)
    # another network is not held up by this one
    assert _attempt(url, phone(TEAM_LEAD), DEMO_PASSWORD, "another-client") == "ok"


def test_successful_sign_ins_do_not_use_up_the_clients_tries(url, frozen):
    client = "office-nat-4"
    for _ in range(auth.CLIENT_TRIES + 5):
        assert _attempt(url, phone(FRONT_DESK), DEMO_PASSWORD, client) == "ok"
    assert _attempt(url, phone(FRONT_DESK), "wrong-pass-1", client) == "auth.bad_credentials"


def test_repeated_refusals_for_a_locked_phone_are_audited_once_a_minute(url, frozen):
    who = phone(SUPERVISOR)
    for _ in range(auth.SLOW_AFTER):
        assert _attempt(url, who, "wrong-pass-1", "c-lock") == "auth.bad_credentials"
    for _ in range(auth.CLIENT_TRIES - auth.SLOW_AFTER - 1):  # within the client's tries
        assert _attempt(url, who, DEMO_PASSWORD, "c-lock") == "auth.wait"
    refused = [e for e in _sign_in_entries(url, who) if e.outcome == "refused"]
    assert len(refused) == 1 and refused[0].detail == "auth.wait"
    clock.advance(timedelta(minutes=1))
    assert _attempt(url, who, DEMO_PASSWORD, "c-lock") == "ok"

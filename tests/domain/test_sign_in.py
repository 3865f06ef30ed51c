"""Sign-in: credentials, what gets written, throttling and locking."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import AuthSession
from app.domain import auth, clock, roles
from app.domain.errors import DomainError
from app.seed import DEMO_PASSWORD

from .conftest import BUTLER, SUPERVISOR, TEAM_LEAD, phone

WRONG = "wrong-pass-1"


def fail(db, who: str, password: str = WRONG, key: str = "auth.bad_credentials") -> DomainError:
    with pytest.raises(DomainError) as err:
        auth.sign_in(db, who, password)
    assert err.value.key == key, err.value.params
    return err.value


def test_success_returns_token_and_actor(db, staff_of, counts, entries):
    before_audit, before_sessions = counts()
    token, actor = auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
    staff = staff_of(BUTLER)

    assert isinstance(token, str) and len(token) >= 40
    assert actor.id == staff.id
    assert actor.name == staff.name
    assert actor.phone == phone(BUTLER)
    assert actor.roles == (roles.BUTLER,)
    assert actor.home == "/grid"
    assert actor.community_id == staff.community_id
    assert not actor.must_change_password
    assert counts() == (before_audit + 1, before_sessions + 1)

    [entry] = entries(auth.SIGN_IN)
    assert (entry.outcome, entry.subject, entry.actor_id) == ("ok", phone(BUTLER), staff.id)
    assert entry.community_id == staff.community_id

    # only the token's hash is stored
    row = db.exec(select(AuthSession).where(AuthSession.staff_id == staff.id)).one()
    assert row.token_hash != token and token not in row.token_hash
    assert len(row.token_hash) == 64


def test_phone_is_normalised_before_lookup(db):
    raw = phone(BUTLER)
    _, actor = auth.sign_in(db, f" {raw[:3]} {raw[3:7]}-{raw[7:]} ", DEMO_PASSWORD)
    assert actor.phone == raw


def test_each_sign_in_gets_its_own_token(db):
    t1, _ = auth.sign_in(db, phone(TEAM_LEAD), DEMO_PASSWORD)
    t2, _ = auth.sign_in(db, phone(TEAM_LEAD), DEMO_PASSWORD)
    assert t1 != t2


@pytest.mark.parametrize(
    ("who", "password", "detail"),
    [
        (phone(BUTLER), WRONG, "bad_credentials"),
        (phone(BUTLER), DEMO_PASSWORD.upper(), "bad_credentials"),
        (phone(BUTLER), DEMO_PASSWORD + " ", "bad_credentials"),
        ("13912345678", DEMO_PASSWORD, "unknown_phone"),
    ],
)
def test_bad_credentials_write_one_failed_entry(db, counts, entries, who, password, detail):
    before_audit, before_sessions = counts()
    fail(db, who, password)
    assert counts() == (before_audit + 1, before_sessions)
    [entry] = entries(auth.SIGN_IN)
    assert (entry.outcome, entry.subject, entry.detail) == ("failed", who, detail)


def test_wrong_password_and_unknown_phone_look_alike(db):
    a = fail(db, phone(BUTLER))
    b = fail(db, "13912345678")
    assert (a.key, a.params) == (b.key, b.params)


@pytest.mark.parametrize(
    ("who", "password", "key"),
    [
        ("", "", "auth.fields_required"),
        ("  ", " ", "auth.fields_required"),
        (None, None, "auth.fields_required"),
        ("", DEMO_PASSWORD, "form.required"),
        (phone(BUTLER), "", "form.required"),
        (phone(BUTLER), None, "form.required"),
        ("1" * 21, DEMO_PASSWORD, "form.too_long"),
        (phone(BUTLER), "a1" * 64 + "x", "form.too_long"),
        ("abc", DEMO_PASSWORD, "phone.invalid"),
        ("1' OR 1=1 --", DEMO_PASSWORD, "phone.invalid"),
        ("<script>", DEMO_PASSWORD, "phone.invalid"),
        ("138%", DEMO_PASSWORD, "phone.invalid"),
        ("1234", DEMO_PASSWORD, "phone.invalid"),
    ],
)
def test_malformed_input_writes_nothing(db, counts, who, password, key):
    before = counts()
    fail(db, who, password, key)
    assert counts() == before


def test_password_of_max_length_is_checked_not_refused(db, counts):
    before_audit, before_sessions = counts()
    fail(db, phone(BUTLER), "a1" * 64)  # exactly 128: a real (wrong) attempt
    assert counts() == (before_audit + 1, before_sessions)


def test_inactive_staff_is_refused(db, staff_of, counts, entries):
    staff = staff_of(BUTLER)
    staff.active = False
    db.add(staff)
    before_audit, before_sessions = counts()
    fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.inactive")
    assert counts() == (before_audit + 1, before_sessions)
    [entry] = entries(auth.SIGN_IN)
    assert (entry.outcome, entry.detail) == ("refused", "inactive")
    # a wrong password does not reveal that the account is inactive
    fail(db, phone(BUTLER))


class TestThrottling:
    def test_wait_after_three_failures(self, db, frozen, counts):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
            clock.advance(timedelta(seconds=1))
        before_audit, before_sessions = counts()
        err = fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.wait")
        assert 1 <= err.params["seconds"] <= 10
        assert counts() == (before_audit + 1, before_sessions)  # the refusal is on record

        clock.advance(timedelta(seconds=5))
        fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.wait")

        clock.advance(timedelta(seconds=5))
        token, actor = auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        assert actor.phone == phone(BUTLER) and token

    def test_wait_grows_with_each_failure(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
        clock.advance(timedelta(seconds=10))
        fail(db, phone(BUTLER))  # fourth failure: now 20 s
        clock.advance(timedelta(seconds=15))
        err = fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.wait")
        assert err.params["seconds"] == 5
        clock.advance(timedelta(seconds=5))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)

    def test_unknown_phone_is_throttled_too(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, "13912345678")
        fail(db, "13912345678", key="auth.wait")

    def test_throttle_is_per_phone(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
        auth.sign_in(db, phone(TEAM_LEAD), DEMO_PASSWORD)

    def _fail_until_locked(self, db):
        """Six failures, waiting out each delay; the last is at the current clock."""
        for n in range(auth.LOCK_AFTER):
            if n >= auth.SLOW_AFTER:
                clock.advance(timedelta(seconds=10 * 2 ** (n - auth.SLOW_AFTER)))
            fail(db, phone(BUTLER))

    def test_locked_after_six_failures(self, db, frozen, counts):
        self._fail_until_locked(db)
        clock.advance(timedelta(minutes=5))
        before_audit, before_sessions = counts()
        err = fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.locked")
        assert err.params["minutes"] == 10
        assert counts() == (before_audit + 1, before_sessions)

        clock.advance(timedelta(minutes=9, seconds=59))
        fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.locked")

        clock.advance(timedelta(seconds=1))
        _, actor = auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        assert actor.phone == phone(BUTLER)

    def test_hammering_a_locked_phone_does_not_unlock_it(self, db, frozen):
        self._fail_until_locked(db)
        for _ in range(auth.LOCK_AFTER * 5):
            clock.advance(timedelta(seconds=1))
            fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.locked")

    def test_hammering_during_a_wait_does_not_skip_it(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
        for _ in range(30):
            fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.wait")
        # the wait is still measured from the last real failure
        clock.advance(timedelta(seconds=10))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)

    def test_success_resets_the_count(self, db, frozen):
        tick = timedelta(seconds=1)
        for _ in range(auth.SLOW_AFTER - 1):
            fail(db, phone(BUTLER))
            clock.advance(tick)
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        clock.advance(tick)
        # two more failures (four in total): still no wait, the success reset the count
        fail(db, phone(BUTLER))
        clock.advance(tick)
        fail(db, phone(BUTLER))
        clock.advance(tick)
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        clock.advance(tick)
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
            clock.advance(tick)
        fail(db, phone(BUTLER), DEMO_PASSWORD, "auth.wait")

    def test_success_at_the_same_instant_resets_the_count(self, db, frozen):
        # entries written within one clock tick are ordered by when they were written
        for _ in range(auth.SLOW_AFTER - 1):
            fail(db, phone(BUTLER))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        fail(db, phone(BUTLER))
        fail(db, phone(BUTLER))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)

    def test_success_after_a_wait_resets_the_count(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
        clock.advance(timedelta(seconds=10))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        fail(db, phone(BUTLER))
        auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)

    def test_old_failures_expire(self, db, frozen):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(BUTLER))
        clock.advance(auth.FAILURE_WINDOW + timedelta(seconds=1))
        fail(db, phone(BUTLER))  # counted alone: no wait
        fail(db, phone(BUTLER))

    def test_refusals_are_audited_with_their_reason(self, db, frozen, entries):
        for _ in range(auth.SLOW_AFTER):
            fail(db, phone(SUPERVISOR))
        fail(db, phone(SUPERVISOR), DEMO_PASSWORD, "auth.wait")
        rows = entries(auth.SIGN_IN)
        assert [e.outcome for e in rows] == ["failed"] * 3 + ["refused"]
        assert rows[-1].detail == "auth.wait"
        assert all(e.before is None and e.after is None for e in rows)
        assert json.dumps([e.subject for e in rows]).count(phone(SUPERVISOR)) == 4

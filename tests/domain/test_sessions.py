"""Sessions, the role check and changing one's own password."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from app import settings
from app.db.models import AuthSession, Staff
from app.domain import auth, clock, passwords, roles
from app.domain.errors import DomainError, Refused
from app.seed import DEMO_PASSWORD

from .conftest import BUTLER, FRONT_DESK, GUARD, SUPERVISOR, phone


@pytest.fixture
def signed_in(db, frozen):
    """(token, actor) of the demo butler, with the clock frozen."""
    return auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)


class TestResolve:
    def test_valid_token(self, db, signed_in):
        token, actor = signed_in
        assert auth.resolve(db, token) == actor

    @pytest.mark.parametrize("token", [None, "", "garbage", "x" * 101, "' OR 1=1 --"])
    def test_garbage(self, db, signed_in, token):
        assert auth.resolve(db, token) is None

    def test_a_near_miss_is_not_accepted(self, db, signed_in):
        token, _ = signed_in
        assert auth.resolve(db, token[:-1]) is None
        assert auth.resolve(db, token + "A") is None

    def test_revoked(self, db, signed_in):
        token, actor = signed_in
        assert auth.revoke_all(db, actor.id) == 1
        assert auth.resolve(db, token) is None
        assert auth.revoke_all(db, actor.id) == 0

    def test_idle_expiry(self, db, signed_in):
        token, _ = signed_in
        clock.advance(timedelta(hours=settings.SESSION_IDLE_HOURS) - timedelta(seconds=1))
        assert auth.resolve(db, token) is not None  # and this use slides the idle limit
        clock.advance(timedelta(hours=settings.SESSION_IDLE_HOURS) - timedelta(seconds=1))
        assert auth.resolve(db, token) is not None
        clock.advance(timedelta(hours=settings.SESSION_IDLE_HOURS))
        assert auth.resolve(db, token) is None

    def test_a_look_that_does_not_slide_keeps_no_one_signed_in(self, db, signed_in):
        """The live alerts' periodic check (slide=False) does not move the idle limit."""
        token, _ = signed_in
        idle = timedelta(hours=settings.SESSION_IDLE_HOURS)
        clock.advance(idle - timedelta(seconds=1))
        assert auth.resolve(db, token, slide=False) is not None
        clock.advance(timedelta(seconds=2))
        assert auth.resolve(db, token, slide=False) is None
        assert auth.resolve(db, token) is None

    def test_use_within_a_minute_is_not_written(self, db, signed_in, frozen):
        token, actor = signed_in
        row = db.exec(select(AuthSession).where(AuthSession.staff_id == actor.id)).one()
        clock.advance(timedelta(seconds=30))
        auth.resolve(db, token)
        assert row.last_seen_at == frozen
        clock.advance(timedelta(minutes=2))
        auth.resolve(db, token)
        assert row.last_seen_at == frozen + timedelta(seconds=150)

    def test_absolute_expiry(self, db, signed_in):
        token, _ = signed_in
        step = timedelta(hours=settings.SESSION_IDLE_HOURS // 2)
        used = timedelta(0)
        while used + step < timedelta(days=settings.SESSION_MAX_DAYS):
            clock.advance(step)
            used += step
            assert auth.resolve(db, token) is not None, used
        clock.advance(timedelta(days=settings.SESSION_MAX_DAYS) - used)
        assert auth.resolve(db, token) is None

    def test_deactivated_staff(self, db, signed_in, staff_of):
        token, _ = signed_in
        staff = staff_of(BUTLER)
        staff.active = False
        db.add(staff)
        db.flush()
        assert auth.resolve(db, token) is None

    def test_roles_are_read_fresh(self, db, signed_in):
        """A role taken away applies to sessions already open."""
        from app.db.models import StaffRole

        token, actor = signed_in
        for row in db.exec(select(StaffRole).where(StaffRole.staff_id == actor.id)):
            db.delete(row)
        db.add(StaffRole(staff_id=actor.id, role=roles.GUARD))
        db.flush()
        assert auth.resolve(db, token).roles == (roles.GUARD,)


class TestSignOut:
    def test_revokes_and_is_audited(self, db, signed_in, entries):
        token, actor = signed_in
        auth.sign_out(db, token)
        assert auth.resolve(db, token) is None
        row = db.exec(select(AuthSession).where(AuthSession.staff_id == actor.id)).one()
        assert row.revoked_at is not None
        [entry] = entries("auth.sign_out")
        assert (entry.actor_id, entry.subject) == (actor.id, f"staff:{actor.id}")

    def test_other_sessions_stay(self, db, signed_in):
        token, _ = signed_in
        other, _ = auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        auth.sign_out(db, token)
        assert auth.resolve(db, other) is not None

    @pytest.mark.parametrize("token", [None, "", "garbage"])
    def test_nothing_to_sign_out(self, db, counts, token):
        before = counts()
        auth.sign_out(db, token)
        assert counts() == before

    def test_twice_is_a_no_op(self, db, signed_in, entries):
        token, _ = signed_in
        auth.sign_out(db, token)
        auth.sign_out(db, token)
        assert len(entries("auth.sign_out")) == 1


class TestAuthorize:
    def test_allowed(self, db, signed_in, counts):
        token, actor = signed_in
        before = counts()
        assert auth.authorize(db, token, "home.grid") == actor
        assert auth.authorize(db, token, "account.self") == actor
        assert counts() == before

    def test_missing_role_is_refused_and_audited(self, db, signed_in, entries):
        token, actor = signed_in
        with pytest.raises(Refused) as err:
            auth.authorize(db, token, "staff.manage")
        assert err.value.key == "auth.no_permission"
        [entry] = entries("auth.refused")
        assert (entry.actor_id, entry.subject, entry.outcome) == (actor.id, "staff.manage", "refused")
        assert entry.community_id == actor.community_id

    def test_unknown_action_is_refused(self, db, signed_in, entries):
        token, _ = signed_in
        with pytest.raises(Refused) as err:
            auth.authorize(db, token, "staff.delete_everything")
        assert err.value.key == "auth.no_permission"
        assert len(entries("auth.refused")) == 1

    @pytest.mark.parametrize("token", [None, "", "garbage"])
    def test_signed_out(self, db, counts, token):
        before = counts()
        with pytest.raises(Refused) as err:
            auth.authorize(db, token, "account.self")
        assert err.value.key == "auth.signed_out"
        assert counts() == before

    def test_expired_session_is_signed_out(self, db, signed_in):
        token, _ = signed_in
        clock.advance(timedelta(hours=settings.SESSION_IDLE_HOURS))
        with pytest.raises(Refused) as err:
            auth.authorize(db, token, "home.grid")
        assert err.value.key == "auth.signed_out"

    def test_must_change_password_blocks_all_but_own_account(self, db, signed_in, staff_of):
        token, _ = signed_in
        staff = staff_of(BUTLER)
        staff.must_change_password = True
        db.add(staff)
        db.flush()
        for action in ("home.grid", "home.gate", "staff.manage"):
            with pytest.raises(Refused) as err:
                auth.authorize(db, token, action)
            assert err.value.key == "auth.must_change_password"
        actor = auth.authorize(db, token, "account.self")
        assert actor.must_change_password

    @pytest.mark.parametrize(
        ("suffix", "action", "ok"),
        [
            (GUARD, "home.gate", True),
            (GUARD, "home.grid", False),
            (FRONT_DESK, "home.desk", True),
            (FRONT_DESK, "audit.view", False),
            (SUPERVISOR, "staff.manage", True),
            (SUPERVISOR, "staff.grant_admin", False),
        ],
    )
    def test_per_role(self, db, frozen, suffix, action, ok):
        token, _ = auth.sign_in(db, phone(suffix), DEMO_PASSWORD)
        if ok:
            assert auth.authorize(db, token, action).phone == phone(suffix)
        else:
            with pytest.raises(Refused):
                auth.authorize(db, token, action)


class TestChangePassword:
    NEW = "n3w-passw0rd"

    def change(self, db, actor, current, new, repeat=None):
        auth.change_password(db, actor, current, new, new if repeat is None else repeat)

    def test_success(self, db, staff_of, actor_of, entries):
        staff = staff_of(BUTLER)
        staff.must_change_password = True
        db.add(staff)
        actor = actor_of(BUTLER)
        self.change(db, actor, DEMO_PASSWORD, self.NEW)
        db.refresh(staff)
        assert not staff.must_change_password
        assert passwords.verify(staff.password_hash, self.NEW)
        assert not passwords.verify(staff.password_hash, DEMO_PASSWORD)
        [entry] = entries("account.change_password")
        assert (entry.outcome, entry.actor_id) == ("ok", actor.id)
        # no password, hash or part of one in the log
        for field in (entry.before, entry.after, entry.detail, entry.subject):
            assert self.NEW not in (field or "") and "argon2" not in (field or "")

    def test_new_password_signs_in(self, db, actor_of):
        self.change(db, actor_of(BUTLER), DEMO_PASSWORD, self.NEW)
        _, actor = auth.sign_in(db, phone(BUTLER), self.NEW)
        assert actor.phone == phone(BUTLER)
        with pytest.raises(DomainError):
            auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)

    def test_wrong_current(self, db, staff_of, actor_of, entries):
        old_hash = staff_of(BUTLER).password_hash
        with pytest.raises(DomainError) as err:
            self.change(db, actor_of(BUTLER), "not-it-1", self.NEW)
        assert err.value.key == "password.wrong_current"
        assert staff_of(BUTLER).password_hash == old_hash
        [entry] = entries("account.change_password")
        assert (entry.outcome, entry.detail) == ("failed", "wrong_current")

    @pytest.mark.parametrize(
        ("new", "repeat", "key"),
        [
            (NEW, NEW + "x", "password.mismatch"),
            ("abc123", None, "password.too_short"),
            ("abcdefghij", None, "password.needs_letter_digit"),
            ("1234567890", None, "password.needs_letter_digit"),
            ("a1" * 64 + "b", None, "form.too_long"),
            (DEMO_PASSWORD, None, "password.same_as_old"),
        ],
    )
    def test_refused(self, db, staff_of, actor_of, counts, new, repeat, key):
        old_hash = staff_of(BUTLER).password_hash
        before = counts()
        with pytest.raises(DomainError) as err:
            self.change(db, actor_of(BUTLER), DEMO_PASSWORD, new, repeat)
        assert err.value.key == key
        assert staff_of(BUTLER).password_hash == old_hash
        assert counts() == before

    def test_gone_staff(self, db, actor_of):
        actor = actor_of(BUTLER)
        ghost = auth.Actor(id=999_999, name="x", phone="1", community_id=None)
        with pytest.raises(Refused) as err:
            self.change(db, ghost, DEMO_PASSWORD, self.NEW)
        assert err.value.key == "auth.signed_out"
        assert db.get(Staff, actor.id) is not None


def test_set_language(db, actor_of, staff_of, entries):
    actor = actor_of(BUTLER)
    auth.set_language(db, actor, "en")
    assert staff_of(BUTLER).language == "en"
    [entry] = entries("account.language")
    assert json.loads(entry.before) == {"language": "zh"}
    assert json.loads(entry.after) == {"language": "en"}
    auth.set_language(db, actor, "en")  # unchanged: nothing written
    assert len(entries("account.language")) == 1
    with pytest.raises(DomainError) as err:
        auth.set_language(db, actor, "fr")
    assert err.value.key == "form.invalid"

"""Helpers for the domain tests: the demo community's people, row counts, a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlmodel import Session, select

from app import seed
from app.db.models import AuditEntry, AuthSession, Community, Staff
from app.domain import auth, clock, passwords

# phone suffixes of the demo staff (see app.seed.DEMO_STAFF)
ADMIN = "01"
SUPERVISOR = "02"
TEAM_LEAD = "03"
FRONT_DESK = "04"
BUTLER = "11"
BUTLER_2 = "12"
GOLD_BUTLER = "14"
GUARD = "21"
TECHNICIAN = "31"


# the production hasher, for the one test that checks its parameters
REAL_HASHER = passwords._hasher


@pytest.fixture(scope="session", autouse=True)
def _cheap_hashing() -> Iterator[None]:
    """Argon2id with tiny cost parameters, so a sign-in costs ~1 ms instead of ~50+.

    Session-scoped and autouse, so it is in place before the demo community is
    seeded (argon2 verifies a hash with the parameters stored in the hash itself).
    """
    with pytest.MonkeyPatch.context() as mp:
        cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        mp.setattr(passwords, "_hasher", cheap)
        mp.setattr(passwords, "_DUMMY_HASH", cheap.hash("not-a-real-password-0"))
        yield


def phone(suffix: str) -> str:
    return seed.DEMO_PHONE_PREFIX + suffix


@pytest.fixture
def community_id(db: Session) -> int:
    cid = db.exec(select(Community.id).where(Community.code == seed.DEMO_CODE)).one()
    assert cid is not None
    return cid


@pytest.fixture
def staff_of(db: Session) -> Callable[[str], Staff]:
    """The demo staff row with this phone suffix."""

    def get(suffix: str) -> Staff:
        return db.exec(select(Staff).where(Staff.phone == phone(suffix))).one()

    return get


@pytest.fixture
def actor_of(db: Session, staff_of) -> Callable[[str], auth.Actor]:
    """An Actor for a demo staff member, without signing in (no password hashing)."""

    def get(suffix: str) -> auth.Actor:
        return auth.actor_for(db, staff_of(suffix))

    return get


@pytest.fixture
def counts(db: Session) -> Callable[[], tuple[int, int]]:
    """(audit entries, auth sessions) currently in the database."""

    def get() -> tuple[int, int]:
        db.flush()
        audit_n = db.exec(select(func.count()).select_from(AuditEntry)).one()
        sessions_n = db.exec(select(func.count()).select_from(AuthSession)).one()
        return audit_n, sessions_n

    return get


@pytest.fixture
def entries(db: Session) -> Callable[..., list[AuditEntry]]:
    """Audit entries, oldest first, optionally of one action."""

    def get(action: str | None = None) -> list[AuditEntry]:
        db.flush()
        stmt = select(AuditEntry)
        if action is not None:
            stmt = stmt.where(AuditEntry.action == action)
        return list(db.exec(stmt.order_by(AuditEntry.id)))

    return get


@pytest.fixture
def frozen() -> Iterator[datetime]:
    """Stop the clock at the current time (tests move it with clock.advance)."""
    at = datetime.now(UTC).replace(microsecond=0)
    clock.freeze(at)
    yield at
    clock.reset()

"""Sign-in, sessions, throttling and the role check.

`authorize()` is the single role check every state handler goes through. A
refusal is written to the audit log. Sign-in failures are counted from the
audit log itself (action `auth.sign_in`, outcome `failed`), so the per-phone
throttle needs no table of its own.

Throttling is atomic across threads and workers, and bounded per client too:

- per client (the hashed address, `app.state.client`): at most `CLIENT_TRIES`
  unsuccessful sign-ins each `CLIENT_WINDOW`, counted by an atomic counter row
  *before* the password is checked (a success gives its try back); beyond that
  a refusal costs no Argon2 check, and is audited once a minute per client;
- per phone: the attempt takes the phone's lock row (`rate_limits.lock`) first,
  so the throttle's read of the audit log and the entry the attempt writes act
  as one step: a burst of wrong passwords gets `SLOW_AFTER` checks, not one each.
  Refusals (wait, locked) are audited once a minute per client and kind.

Unknown phone and wrong password take the same path and the same time.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, select

from app import settings
from app.db.models import AuditEntry, AuthSession, Staff, StaffRole
from app.domain import audit, clock, passwords, rate_limits, roles
from app.domain.errors import DomainError, Refused
from app.domain.validation import normalize_phone

SIGN_IN = "auth.sign_in"
FAILURE_WINDOW = timedelta(minutes=15)
SLOW_AFTER = 3  # failures before each further try must wait
LOCK_AFTER = 6  # failures that lock the phone number for the window
LOCK_FOR = timedelta(minutes=15)
# per client: unsuccessful sign-ins (failed, refused or still being checked) per window
CLIENT_SCOPE = "sign_in.client"
CLIENT_WINDOW = timedelta(minutes=15)
CLIENT_TRIES = 20
PHONE_LOCK = "sign_in.phone"


@dataclass(frozen=True)
class Actor:
    """Who is acting: plain values the domain functions take."""

    id: int
    name: str
    phone: str
    community_id: int | None
    roles: tuple[str, ...] = field(default_factory=tuple)
    language: str = "zh"
    must_change_password: bool = False
    is_gold_butler: bool = False
    # a resident acting through the private link of this request (then `id` is None, no roles)
    request_id: int | None = None

    @property
    def home(self) -> str:
        return roles.home_for(self.roles)

    def can(self, action: str) -> bool:
        return roles.allowed(self.roles, action)

    def community_for(self, action: str) -> int:
        """The actor's community, when they may do `action` there; else `Refused("auth.no_permission")`."""
        if not self.can(action) or self.community_id is None:
            raise Refused("auth.no_permission")
        return self.community_id


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def roles_of(session: Session, staff_id: int) -> tuple[str, ...]:
    rows = session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id))
    return tuple(roles.valid_roles(rows))


def actor_for(session: Session, staff: Staff) -> Actor:
    assert staff.id is not None
    return Actor(
        id=staff.id,
        name=staff.name,
        phone=staff.phone,
        community_id=staff.community_id,
        roles=roles_of(session, staff.id),
        language=staff.language,
        must_change_password=staff.must_change_password,
        is_gold_butler=staff.is_gold_butler,
    )


def _throttle(session: Session, phone: str) -> None:
    """Raise when this phone number must wait or is locked."""
    now = clock.now()
    # Only real attempts count: refusals (wait/locked/inactive) are left out, or
    # hammering a locked number would push its failures out of the limit. Look
    # back far enough to see a lock that started a whole window ago.
    rows = session.exec(
        select(AuditEntry.at, AuditEntry.outcome)
        .where(
            AuditEntry.action == SIGN_IN,
            AuditEntry.subject == phone,
            AuditEntry.at >= now - FAILURE_WINDOW - LOCK_FOR,
            col(AuditEntry.outcome).in_(("ok", "failed")),
        )
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(LOCK_AFTER)
    ).all()
    failures = []  # newest first, back to the last success
    for at, outcome in rows:
        if outcome == "ok":
            break
        failures.append(at)
    # LOCK_AFTER failures within one window lock the number for LOCK_FOR after the last
    if len(failures) >= LOCK_AFTER and failures[0] - failures[LOCK_AFTER - 1] <= FAILURE_WINDOW:
        until = failures[0] + LOCK_FOR
        if now < until:
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            raise DomainError("auth.locked", minutes=minutes)
    n = sum(1 for at in failures if at >= now - FAILURE_WINDOW)
    if SLOW_AFTER <= n < LOCK_AFTER:
        wait = timedelta(seconds=10 * 2 ** (n - SLOW_AFTER))
        if now < failures[0] + wait:
            seconds = max(1, math.ceil((failures[0] + wait - now).total_seconds()))
            raise DomainError("auth.wait", seconds=seconds)


def sign_in(session: Session, phone: str, password: str, client: str = "") -> tuple[str, Actor]:
    """Check the credentials and open a session. Returns (token, actor).

    `client` names the browser's network (a hash, `app.state.client.client_key`).
    Malformed input is refused before anything is written; a checked attempt
    writes exactly one audit entry (ok or failed), a refused one at most one a
    minute per client and reason. The caller commits even when this raises.
    """
    if not (password or "").strip() and not (phone or "").strip():
        raise DomainError("auth.fields_required")
    phone = normalize_phone(phone)
    if not password:
        raise DomainError("form.required", field="password")
    if len(password) > passwords.MAX_LENGTH:
        raise DomainError("form.too_long", field="password", max=passwords.MAX_LENGTH)
    client = (client or "")[:64]

    if client and rate_limits.hit(session, CLIENT_SCOPE, client, CLIENT_WINDOW) > CLIENT_TRIES:
        audit.record_bounded(
            session, SIGN_IN, client=client, subject=f"client:{client[:12]}", outcome="refused",
            detail="auth.client_wait",
        )
        raise DomainError("auth.client_wait", minutes=rate_limits.retry_minutes(CLIENT_WINDOW))
    # one attempt per phone at a time: the throttle below reads what the last one wrote
    rate_limits.lock(session, PHONE_LOCK, phone)
    try:
        _throttle(session, phone)
    except DomainError as err:
        audit.record_bounded(
            session, SIGN_IN, client=f"{err.key}:{client or '-'}", subject=phone, outcome="refused",
            detail=err.key,
        )
        raise

    staff = session.exec(select(Staff).where(Staff.phone == phone)).first()
    if not passwords.verify(staff.password_hash if staff else None, password) or staff is None:
        audit.record(
            session,
            SIGN_IN,
            subject=phone,
            outcome="failed",
            actor_id=staff.id if staff else None,
            community_id=staff.community_id if staff else None,
            detail="bad_credentials" if staff else "unknown_phone",
        )
        raise DomainError("auth.bad_credentials")
    if not staff.active:
        audit.record(
            session, SIGN_IN, subject=phone, outcome="refused", actor_id=staff.id,
            community_id=staff.community_id, detail="inactive",
        )
        raise DomainError("auth.inactive")

    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        AuthSession(
            token_hash=_token_hash(token),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.SESSION_MAX_DAYS),
        )
    )
    audit.record(
        session, SIGN_IN, subject=phone, actor_id=staff.id, community_id=staff.community_id
    )
    if client:
        rate_limits.give_back(session, CLIENT_SCOPE, client, CLIENT_WINDOW)
    return token, actor_for(session, staff)


def resolve(session: Session, token: str | None, *, slide: bool = True) -> Actor | None:
    """The actor behind a session token, or None if missing, expired, revoked or inactive.

    Slides the idle limit forward (written at most once a minute), unless `slide` is False: a
    look that is not the person's own doing (the live alerts' periodic check) keeps no one signed in.
    """
    if not token or len(token) > 100:
        return None
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = clock.now()
    idle = timedelta(hours=settings.SESSION_IDLE_HOURS)
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        return None
    if slide and now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return actor_for(session, staff)


def sign_out(session: Session, token: str | None) -> None:
    """Revoke the session behind `token` (no-op when there is none)."""
    if not token:
        return
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = clock.now()
    session.add(row)
    staff = session.get(Staff, row.staff_id)
    audit.record(
        session, "auth.sign_out", actor_id=row.staff_id, subject=f"staff:{row.staff_id}",
        community_id=staff.community_id if staff else None,
    )


def revoke_all(session: Session, staff_id: int) -> int:
    """Sign a person out everywhere (deactivation, password reset). Returns how many."""
    now = clock.now()
    rows = session.exec(
        select(AuthSession).where(AuthSession.staff_id == staff_id, col(AuthSession.revoked_at).is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
        session.add(row)
    return len(rows)


def authorize(session: Session, token: str | None, action: str) -> Actor:
    """The role check. Returns the actor, or raises `Refused` after auditing the refusal.

    The caller must commit even when this raises, so the refusal stays on record
    (`app.state.base.AppState._authorize` does).
    """
    actor = resolve(session, token)
    if actor is None:
        raise Refused("auth.signed_out")
    if actor.must_change_password and action != "account.self":
        raise Refused("auth.must_change_password")
    if not actor.can(action):
        audit.record(
            session,
            "auth.refused",
            actor_id=actor.id,
            community_id=actor.community_id,
            subject=action,
            outcome="refused",
            detail="missing_role",
        )
        raise Refused("auth.no_permission")
    return actor


def change_password(session: Session, actor: Actor, current: str, new: str, repeat: str) -> None:
    """Change one's own password; clears the must-change flag."""
    staff = session.get(Staff, actor.id)
    if staff is None:
        raise Refused("auth.signed_out")
    if not passwords.verify(staff.password_hash, current or ""):
        audit.record(
            session, "account.change_password", actor_id=actor.id, community_id=actor.community_id,
            subject=f"staff:{actor.id}", outcome="failed", detail="wrong_current",
        )
        raise DomainError("password.wrong_current")
    if new != repeat:
        raise DomainError("password.mismatch")
    passwords.check_policy(new)
    if new == current:
        raise DomainError("password.same_as_old")
    staff.password_hash = passwords.hash_password(new)
    staff.must_change_password = False
    session.add(staff)
    audit.record(
        session, "account.change_password", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{actor.id}",
    )


def set_language(session: Session, actor: Actor, language: str) -> None:
    """Remember a person's UI language."""
    if language not in ("zh", "en"):
        raise DomainError("form.invalid")
    staff = session.get(Staff, actor.id)
    if staff is None or staff.language == language:
        return
    before = staff.language
    staff.language = language
    session.add(staff)
    audit.record(
        session, "account.language", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{actor.id}", before={"language": before}, after={"language": language},
    )

"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.errors import DomainError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")

MIN_LENGTH = 8
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no hash, still spends the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def check_policy(password: str) -> None:
    """Raise unless the password is 8-128 characters with a letter and a digit."""
    if len(password) < MIN_LENGTH:
        raise DomainError("password.too_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise DomainError("form.too_long", max=MAX_LENGTH)
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise DomainError("password.needs_letter_digit")


def temporary_password() -> str:
    """A readable one-time password that satisfies the policy (e.g. 'kq7m-3wx9')."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(8))
        candidate = f"{raw[:4]}-{raw[4:]}"
        if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
            return candidate

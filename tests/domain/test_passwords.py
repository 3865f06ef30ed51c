"""Password hashing and the password policy."""

from __future__ import annotations

import re

import pytest
from argon2 import Type

from app.domain import passwords
from app.domain.errors import DomainError

from .conftest import REAL_HASHER


def test_production_hasher_is_argon2id():
    assert REAL_HASHER.type is Type.ID
    assert REAL_HASHER.memory_cost >= 19 * 1024  # at least OWASP's minimum for argon2id
    hashed = REAL_HASHER.hash("demo1234")
    assert hashed.startswith("$argon2id$")
    assert REAL_HASHER.verify(hashed, "demo1234")


def test_hash_and_verify():
    hashed = passwords.hash_password("s3cret-pass")
    assert "s3cret-pass" not in hashed
    assert passwords.hash_password("s3cret-pass") != hashed  # salted
    assert passwords.verify(hashed, "s3cret-pass")
    assert not passwords.verify(hashed, "s3cret-pasS")
    assert not passwords.verify(hashed, "")


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$garbage"])
def test_verify_without_a_usable_hash(stored):
    assert passwords.verify(stored, "not-a-real-password-0") is False
    assert passwords.verify(stored, "anything") is False


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("", "password.too_short"),
        ("abc1234", "password.too_short"),
        ("abcdefgh", "password.needs_letter_digit"),
        ("12345678", "password.needs_letter_digit"),
        ("--------", "password.needs_letter_digit"),
        ("a1" * 64 + "c", "form.too_long"),
    ],
)
def test_policy_refuses(password, key):
    with pytest.raises(DomainError) as err:
        passwords.check_policy(password)
    assert err.value.key == key


@pytest.mark.parametrize("password", ["abcd1234", "密码是password1", "a1" * 64, "1 2 3 4 a"])
def test_policy_accepts(password):
    passwords.check_policy(password)


def test_temporary_passwords():
    seen = set()
    for _ in range(200):
        temp = passwords.temporary_password()
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", temp)
        assert not set(temp) & set("01ilo")  # nothing to misread when handed over on paper
        passwords.check_policy(temp)
        seen.add(temp)
    assert len(seen) == 200

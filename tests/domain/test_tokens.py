"""Signed QR tokens: forged, expired, revoked or wrong-kind ones are refused, and the refusal is logged."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.db.models import AuditEntry
from app.domain import clock, tokens
from app.domain.errors import DomainError
from app.domain.tokens import Claims, TokenError
from app.i18n.en import EN
from app.i18n.zh_CN import ZH

from .conftest import GUARD

KEY = b"test-key-not-a-real-one-0123456789"
OTHER_KEY = b"another-installation-key-987654321"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
REASONS = ["token.malformed", "token.forged", "token.wrong_kind", "token.expired", "token.revoked"]


def refused(reason: str, token: str, kind: str = "pass", **kw) -> TokenError:
    with pytest.raises(TokenError) as info:
        tokens.verify(token, expect_kind=kind, key=kw.pop("key", KEY), **kw)
    assert info.value.key == reason, (reason, info.value.key, token)
    return info.value


@pytest.mark.parametrize("kind", sorted(tokens.KINDS))
def test_round_trip_each_kind(kind):
    expires = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    token = tokens.sign(kind, 1234, version=3, expires_at=expires, community_id=7, key=KEY)
    assert token.isascii() and token[0] == tokens.FORMAT
    assert set(token[1:]) <= set(ALPHABET)
    claims = tokens.verify(token, expect_kind=kind, key=KEY)
    assert claims == Claims(kind=kind, subject_id=1234, version=3, expires_at=expires, community_id=7)
    # the same input signs to the same token (stable poster text)
    assert tokens.sign(kind, 1234, version=3, expires_at=expires, community_id=7, key=KEY) == token


def test_defaults_no_expiry_no_community():
    claims = tokens.verify(tokens.sign("grid", 5, key=KEY), expect_kind="grid", key=KEY)
    assert claims == Claims(kind="grid", subject_id=5, version=1, expires_at=None, community_id=None)


def test_sub_second_expiry_is_cut_and_naive_is_utc():
    at = datetime(2030, 1, 1, 12, 0, 0, 999_999, tzinfo=UTC)
    claims = tokens.verify(tokens.sign("permit", 1, expires_at=at, key=KEY), expect_kind="permit", key=KEY)
    assert claims.expires_at == at.replace(microsecond=0)
    naive = datetime(2030, 1, 1, 12, 0, 0)
    claims = tokens.verify(tokens.sign("permit", 1, expires_at=naive, key=KEY), expect_kind="permit", key=KEY)
    assert claims.expires_at == naive.replace(tzinfo=UTC)


def test_token_is_short():
    typical = tokens.sign(
        "pass", 48_213, version=2, expires_at=datetime(2027, 12, 31, tzinfo=UTC), community_id=1, key=KEY
    )
    assert len(typical) < 60, typical
    # even the largest values stay well inside a small QR code
    huge = tokens.sign(
        "checkpoint", 2**63 - 1, version=2**63 - 1, expires_at=datetime(2105, 1, 1, tzinfo=UTC),
        community_id=2**63 - 1, key=KEY,
    )
    assert len(huge) < 80
    assert tokens.verify(huge, expect_kind="checkpoint", key=KEY).subject_id == 2**63 - 1


def test_default_key_comes_from_configuration(monkeypatch):
    monkeypatch.setenv("APP_SECRET_KEY", "configured-key-for-this-test")
    token = tokens.sign("pass", 9)
    assert tokens.verify(token, expect_kind="pass").subject_id == 9
    assert tokens.verify(token, expect_kind="pass", key=b"configured-key-for-this-test").subject_id == 9
    refused("token.forged", token, key=KEY)
    monkeypatch.setenv("APP_SECRET_KEY", "rotated-key")
    with pytest.raises(TokenError) as info:
        tokens.verify(token, expect_kind="pass")
    assert info.value.key == "token.forged"


def test_every_single_char_change_is_refused():
    token = tokens.sign(
        "pass", 777, version=4, expires_at=datetime(2030, 1, 1, tzinfo=UTC), community_id=3, key=KEY
    )
    tried = 0
    for i, ch in enumerate(token):
        for other in ALPHABET:
            if other == ch:
                continue
            bad = token[:i] + other + token[i + 1:]
            with pytest.raises(TokenError) as info:
                tokens.verify(bad, expect_kind="pass", key=KEY)
            assert info.value.key in {"token.forged", "token.malformed"}, (i, other)
            tried += 1
    assert tried == len(token) * (len(ALPHABET) - 1)


def test_changed_kind_byte_is_forged_not_wrong_kind():
    token = tokens.sign("grid", 10, key=KEY)
    data = tokens._b64decode(token[1:])
    as_pass = bytes([tokens.KINDS["pass"]]) + data[1:]
    refused("token.forged", tokens.FORMAT + tokens._b64encode(as_pass))


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "1", "1A", "hello", "2" + "A" * 40, "1" + "A" * 41 + "=",
        "1" + "*" * 40, "https://example.com/", "https://example.com/q/", "?t=",
        "x" * 5000, "1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_garbage_is_malformed(text):
    refused("token.malformed", text)


def test_non_string_is_malformed():
    refused("token.malformed", None)  # type: ignore[arg-type]
    refused("token.malformed", b"1abc")  # type: ignore[arg-type]


def test_truncated_or_extended_is_malformed_or_forged():
    token = tokens.sign("pass", 31_337, version=2, community_id=1, key=KEY)
    for n in range(len(token)):
        with pytest.raises(TokenError) as info:
            tokens.verify(token[:n], expect_kind="pass", key=KEY)
        assert info.value.key in {"token.malformed", "token.forged"}, n
    # cut to nothing of the tag, or to an impossible base64 length: malformed
    refused("token.malformed", token[:5])
    refused("token.malformed", token[: 1 + 4 * ((len(token) - 1) // 4) + 1])
    for extra in ("A", "AA", "AAAA"):
        with pytest.raises(TokenError) as info:
            tokens.verify(token + extra, expect_kind="pass", key=KEY)
        assert info.value.key in {"token.malformed", "token.forged"}


def test_other_key_is_forged():
    refused("token.forged", tokens.sign("pass", 1, key=OTHER_KEY))


def test_other_kind_is_wrong_kind():
    for kind in tokens.KINDS:
        token = tokens.sign(kind, 42, key=KEY)
        for expect in tokens.KINDS:
            if expect != kind:
                refused("token.wrong_kind", token, kind=expect)


def test_expiry_boundary(frozen):
    token = tokens.sign("permit", 8, expires_at=frozen + timedelta(hours=1), key=KEY)
    clock.advance(timedelta(minutes=59, seconds=59))
    assert tokens.verify(token, expect_kind="permit", key=KEY).subject_id == 8
    clock.advance(timedelta(seconds=1))  # exactly at expires_at: no longer valid
    refused("token.expired", token, kind="permit")
    clock.advance(timedelta(days=400))
    refused("token.expired", token, kind="permit")
    # an explicit `now` wins over the clock
    assert tokens.verify(token, expect_kind="permit", key=KEY, now=frozen).subject_id == 8
    refused("token.expired", token, kind="permit", now=(frozen + timedelta(hours=1)).replace(tzinfo=None))


def test_forgery_is_reported_before_expiry(frozen):
    token = tokens.sign("pass", 1, expires_at=frozen - timedelta(seconds=1), key=OTHER_KEY)
    refused("token.forged", token)
    refused("token.expired", tokens.sign("pass", 1, expires_at=frozen - timedelta(seconds=1), key=KEY))


def test_version_mismatch_is_revoked():
    token = tokens.sign("pass", 55, version=3, key=KEY)
    claims = tokens.verify(token, expect_kind="pass", key=KEY)
    tokens.check_version(claims, 3)  # current: accepted
    for current in (4, 2, 0):
        with pytest.raises(TokenError) as info:
            tokens.check_version(claims, current)
        assert info.value.key == "token.revoked"
        assert isinstance(info.value, DomainError)
    # reissued at the new version: accepted again
    fresh = tokens.verify(tokens.sign("pass", 55, version=4, key=KEY), expect_kind="pass", key=KEY)
    tokens.check_version(fresh, 4)


def test_url_forms_are_accepted():
    token = tokens.sign("grid", 12, community_id=1, key=KEY)
    forms = [
        token,
        f"  {token}\n",
        f"https://butler.example.com/q/{token}",
        f"https://butler.example.com/q/{token}/",
        f"https://butler.example.com/q/{token}?lang=en#top",
        f"https://butler.example.com/scan?t={token}",
        f"https://butler.example.com/scan?lang=zh&t={token}",
        f"/q/{token}",
        f"butler.example.com/q/{token}",
    ]
    for form in forms:
        assert tokens.verify(form, expect_kind="grid", key=KEY).subject_id == 12, form
    # the `t=` parameter wins over the path; two of them are ambiguous
    other = tokens.sign("grid", 13, key=KEY)
    assert tokens.verify(f"https://x.example.com/q/{other}?t={token}", expect_kind="grid", key=KEY).subject_id == 12
    refused("token.malformed", f"https://x.example.com/scan?t={token}&t={other}", kind="grid")
    # a tampered token in a URL is still refused
    bad = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(TokenError) as info:
        tokens.verify(f"https://butler.example.com/q/{bad}", expect_kind="grid", key=KEY)
    assert info.value.key in {"token.forged", "token.malformed"}


def test_sign_rejects_bad_arguments():
    with pytest.raises(ValueError):
        tokens.sign("door", 1, key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", -1, key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", 1, version=-1, key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", 2**63, key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", 1, community_id=0, key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", 1, expires_at=datetime(1960, 1, 1, tzinfo=UTC), key=KEY)
    with pytest.raises(ValueError):
        tokens.sign("pass", 1, key=b"")
    with pytest.raises(ValueError):
        tokens.verify(tokens.sign("pass", 1, key=KEY), expect_kind="door", key=KEY)


def test_random_round_trips_and_tampering():
    rng = random.Random(20240601)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = sorted(tokens.KINDS)
    for _ in range(300):
        kind = rng.choice(kinds)
        subject = rng.choice([0, 1, rng.randrange(2**7), rng.randrange(2**20), rng.randrange(2**40)])
        version = rng.choice([0, 1, rng.randrange(1000), rng.randrange(2**32)])
        community = rng.choice([None, 1, rng.randrange(1, 10**6)])
        expires = rng.choice([None, base + timedelta(seconds=rng.randrange(1, 10**9))])
        token = tokens.sign(kind, subject, version=version, expires_at=expires, community_id=community, key=KEY)
        assert len(token) < 70
        claims = tokens.verify(token, expect_kind=kind, key=KEY, now=base)
        assert claims == Claims(kind, subject, version, expires, community)
        tokens.check_version(claims, version)
        # one random change somewhere is always refused
        i = rng.randrange(len(token))
        other = rng.choice([c for c in ALPHABET if c != token[i]])
        with pytest.raises(TokenError) as info:
            tokens.verify(token[:i] + other + token[i + 1:], expect_kind=kind, key=KEY, now=base)
        assert info.value.key in {"token.forged", "token.malformed"}


def test_log_refusal_writes_one_entry_without_the_raw_token(db, entries, actor_of, community_id, frozen):
    guard = actor_of(GUARD)
    token = tokens.sign("pass", 99, version=1, community_id=community_id, key=OTHER_KEY)
    raw = f"https://butler.example.com/q/{token}"
    before = len(entries())
    with pytest.raises(TokenError) as info:
        tokens.verify(raw, expect_kind="pass", key=KEY)
    entry = tokens.log_refusal(
        db, error=info.value, kind="pass", actor_id=guard.id, community_id=community_id, raw=raw
    )
    rows = entries()
    assert len(rows) == before + 1
    [row] = entries("token.refused")
    assert isinstance(entry, AuditEntry) and row.id == entry.id
    assert (row.actor_id, row.community_id, row.subject, row.outcome) == (
        guard.id, community_id, "pass", "refused",
    )
    assert row.at == frozen
    assert row.detail == f"token.forged {tokens.fingerprint(raw)}"
    assert token not in row.detail and token[1:20] not in row.detail
    for field in (row.before, row.after, row.subject):
        assert field is None or token[1:20] not in field


def test_reasons_have_messages_in_both_languages():
    for key in REASONS:
        assert ZH.get(key) and EN.get(key), key
    assert ZH["token.expired"] == "二维码已过期"

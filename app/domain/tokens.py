"""Signed QR tokens: grid posters, checkpoint tags, renovation permits, worker passes.

A token is one short URL-safe ASCII string:

    FORMAT (1 char) + base64url, unpadded, of  body + tag
    body = kind code (1 byte) + varints(subject_id, version, expires, community)
    tag  = HMAC-SHA256(subkey(kind), FORMAT + body), first 16 bytes

`expires` is unix seconds (0 = never), `community` is 0 for none. The subkey is
HMAC(key, b"kind:" + kind), so a token of one kind can never verify as another,
and the key comes from configuration (`settings.secret_key()`), never from the
repository. A typical pass is about 36 characters.

`verify` refuses a forged, malformed, expired or wrong-kind token with a
`TokenError`; revocation is the caller's: it compares `Claims.version` with the
version it stores (`check_version`). `log_refusal` writes the audit entry for a
refusal, with a hash prefix of the scanned text, never the text itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from app.db.models import AuditEntry
from app.domain import audit, clock
from app.domain.errors import DomainError

# The format character leads every token; a new layout gets a new character.
FORMAT = "1"

# kind -> one-byte code inside the token. Append only: a code is never reused.
KINDS: dict[str, int] = {
    "grid": 1,
    "checkpoint": 2,
    "permit": 3,
    "pass": 4,
}
_BY_CODE: dict[int, str] = {code: kind for kind, code in KINDS.items()}

TAG_BYTES = 16
_MAX_VARINT_BYTES = 9  # up to 2**63 - 1
_MAX_VALUE = 2**63 - 1
_MAX_RAW = 2048  # longer scanned text is refused without parsing
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")

MALFORMED = "token.malformed"
FORGED = "token.forged"
WRONG_KIND = "token.wrong_kind"
EXPIRED = "token.expired"
REVOKED = "token.revoked"


class TokenError(DomainError):
    """A scanned token is refused; `key` is one of the `token.*` reasons."""


@dataclass(frozen=True)
class Claims:
    """What a verified token says."""

    kind: str
    subject_id: int
    version: int
    expires_at: datetime | None
    community_id: int | None


# --- encoding helpers -------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varints(data: bytes, count: int) -> list[int]:
    """Exactly `count` canonical varints filling `data`; else malformed."""
    values: list[int] = []
    pos = 0
    for _ in range(count):
        value = shift = 0
        start = pos
        while True:
            if pos >= len(data) or pos - start >= _MAX_VARINT_BYTES:
                raise TokenError(MALFORMED)
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if pos - start > 1 and data[pos - 1] == 0:  # non-canonical (padded) encoding
            raise TokenError(MALFORMED)
        values.append(value)
    if pos != len(data):
        raise TokenError(MALFORMED)
    return values


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise TokenError(MALFORMED) from None
    if _b64encode(data) != text:  # unused low bits set: another spelling of the same bytes
        raise TokenError(MALFORMED)
    return data


def _subkey(key: bytes, kind: str) -> bytes:
    return hmac.new(key, b"kind:" + kind.encode("ascii"), hashlib.sha256).digest()


def _tag(key: bytes, kind: str, body: bytes) -> bytes:
    mac = hmac.new(_subkey(key, kind), FORMAT.encode("ascii") + body, hashlib.sha256)
    return mac.digest()[:TAG_BYTES]


def _key(key: bytes | None) -> bytes:
    if key is None:
        from app import settings

        key = settings.secret_key()
    if not key:
        raise ValueError("empty signing key")
    return key


def _unix(at: datetime) -> int:
    if at.tzinfo is None:  # the database hands back naive UTC
        at = at.replace(tzinfo=UTC)
    return int(at.timestamp())


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown token kind {kind!r}")


def _check_range(name: str, value: int, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= _MAX_VALUE:
        raise ValueError(f"{name} out of range: {value!r}")


# --- public -----------------------------------------------------------------


def sign(
    kind: str,
    subject_id: int,
    *,
    version: int = 1,
    expires_at: datetime | None = None,
    community_id: int | None = None,
    key: bytes | None = None,
) -> str:
    """A signed token for `subject_id` of `kind`. `expires_at` is cut to whole seconds."""
    _check_kind(kind)
    _check_range("subject_id", subject_id, 0)
    _check_range("version", version, 0)
    if community_id is not None:
        _check_range("community_id", community_id, 1)
    expires = 0
    if expires_at is not None:
        expires = _unix(expires_at)
        _check_range("expires_at", expires, 1)
    body = (
        bytes([KINDS[kind]])
        + _varint(subject_id)
        + _varint(version)
        + _varint(expires)
        + _varint(community_id or 0)
    )
    return FORMAT + _b64encode(body + _tag(_key(key), kind, body))


def extract(raw: str) -> str:
    """The token inside scanned text: the text itself, a `t=` parameter or a URL's last path segment."""
    if not isinstance(raw, str) or len(raw) > _MAX_RAW:
        raise TokenError(MALFORMED)
    text = raw.strip()
    if _ALPHABET.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        raise TokenError(MALFORMED) from None
    found = parse_qs(parts.query).get("t")
    if found:
        if len(found) != 1:
            raise TokenError(MALFORMED)
        candidate = found[0].strip()
    else:
        segments = [s for s in parts.path.split("/") if s]
        candidate = segments[-1] if segments else ""
    if not _ALPHABET.fullmatch(candidate):
        raise TokenError(MALFORMED)
    return candidate


def verify(
    token: str,
    *,
    expect_kind: str,
    key: bytes | None = None,
    now: datetime | None = None,
) -> Claims:
    """The claims of an authentic, unexpired token of `expect_kind`; else `TokenError`.

    Order of checks: readable (malformed), signed by us (forged), of the kind
    this place accepts (wrong_kind), still valid (expired). Revocation:
    `check_version`.
    """
    _check_kind(expect_kind)
    text = extract(token)
    if text[0] != FORMAT:
        raise TokenError(MALFORMED)
    data = _b64decode(text[1:])
    if len(data) < 1 + 4 + TAG_BYTES:  # kind byte, four varints, tag
        raise TokenError(MALFORMED)
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    kind = _BY_CODE.get(body[0])
    if kind is None:
        raise TokenError(MALFORMED)
    if not hmac.compare_digest(tag, _tag(_key(key), kind, body)):
        raise TokenError(FORGED)
    subject_id, version, expires, community = _read_varints(body[1:], 4)
    if kind != expect_kind:
        raise TokenError(WRONG_KIND)
    expires_at = datetime.fromtimestamp(expires, UTC) if expires else None
    if expires_at is not None:
        current = now if now is not None else clock.now()
        if current.tzinfo is None:
            current = current.replace(tzinfo=UTC)
        if current >= expires_at:
            raise TokenError(EXPIRED)
    return Claims(
        kind=kind,
        subject_id=subject_id,
        version=version,
        expires_at=expires_at,
        community_id=community or None,
    )


def check_version(claims: Claims, current_version: int) -> None:
    """Refuse a token whose version is no longer the stored one (revoked or reissued)."""
    if claims.version != current_version:
        raise TokenError(REVOKED)


def fingerprint(raw: str) -> str:
    """A short SHA-256 prefix of scanned text: enough to correlate, useless to replay."""
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:16]


def log_refusal(
    session: Session,
    *,
    error: TokenError,
    kind: str,
    actor_id: int | None,
    community_id: int | None,
    raw: str,
) -> AuditEntry:
    """Audit one refused scan; the raw token is never stored, only its fingerprint."""
    return audit.record(
        session,
        "token.refused",
        actor_id=actor_id,
        community_id=community_id,
        subject=kind,
        outcome="refused",
        detail=f"{error.key} {fingerprint(raw)}",
    )

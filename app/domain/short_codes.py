"""Short codes a person can read off a card and type: printed beside the QR of every worker pass and
every permit, for the guard whose camera fails.

A code is eight characters, printed in two groups (`K7QH-4MXP`): seven random characters and a
check character, over an alphabet of 23 characters without the ambiguous ones:

    ACDEFHJKMNPQRTUWXY34679

left out: 0/O, 1/I/L, 2/Z, 5/S, 8/B (each pair looks alike), G (like 6) and V (like U). 23 is a
prime, which the check needs. The check character makes the weighted sum over all eight
positions zero modulo 23 (position i, counted from 1, has weight i):

    sum(i * value(c_i) for i in 1..8) == 0 (mod 23)

Any single substitution changes the sum by i * d with 0 < i < 23 and 0 < |d| < 23, never a
multiple of the prime 23; swapping two adjacent characters changes it by the difference of their
values, never a multiple of 23 either. So every single substitution and every adjacent
transposition is caught (tests/domain/test_short_codes.py checks both exhaustively on samples).

Typed input is normalised before it is judged (`parse`): full-width characters (a Chinese input
method's) to ASCII, upper case, spaces, dashes, dots and underscores dropped, and the two
look-alikes whose partner is in the alphabet mapped (G -> 6, V -> U). Letters whose partners
are all left out (O, I, L, Z, S, B and the digits 0, 1, 2, 5, 8) are not guessed: the code is a
typo.

A code stands for a kind (worker pass or permit), its subject's id and the version of the card
it was printed on (`PrintedCode`), unique in the community. A re-issued pass (a new version) gets
a new code; the old card's code still names the old version, so it is refused as superseded,
exactly like the old card's QR. Codes are issued with the card (`code_for`, at issue and at first
read, so rows made before codes existed get theirs when first printed or shown). Functions flush,
never commit.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db.models import PrintedCode
from app.domain import clock
from app.domain.errors import DomainError

ALPHABET = "ACDEFHJKMNPQRTUWXY34679"
MODULUS = len(ALPHABET)  # 23, a prime
DATA_LEN = 7
LENGTH = DATA_LEN + 1
GROUP = 4
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# look-alikes mapped to the character of the alphabet they stand for (only where that one is in it)
CONFUSIONS = {"G": "6", "V": "U"}
_SEPARATORS = re.compile(r"[\s\-_.·•—–]+")
# typed text that looks like an attempt at a code, one character left out or added at most (a QR's
# token is 29 characters or more)
_LOOKS_LIKE = re.compile(rf"[A-Z0-9]{{{LENGTH - 1},{LENGTH + 1}}}")

PASS = "pass"
PERMIT = "permit"
KINDS = (PASS, PERMIT)

# what `parse` says of a text
NOT_A_CODE = "not_a_code"  # not typed as a code (a QR's text, a URL): the caller tries a token
TYPO = "typo"  # looks like a code, but a character or the check is wrong
CODE = "code"


def _assert_prime(n: int) -> None:
    assert n > 1 and all(n % k for k in range(2, int(n**0.5) + 1)), "the check needs a prime alphabet size"


_assert_prime(MODULUS)
assert LENGTH < MODULUS  # the weights 1..LENGTH stay distinct and non-zero


def check_char(data: str) -> str:
    """The check character of seven data characters (each in `ALPHABET`)."""
    if len(data) != DATA_LEN or any(ch not in _VALUE for ch in data):
        raise ValueError(f"not {DATA_LEN} characters of the alphabet: {data!r}")
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(data))
    # value v of the check (weight LENGTH): total + LENGTH * v == 0 (mod p)
    v = (-total * pow(LENGTH, -1, MODULUS)) % MODULUS
    return ALPHABET[v]


def is_valid(code: str) -> bool:
    """Eight characters of the alphabet whose weighted sum is zero mod 23 (no normalisation)."""
    if len(code) != LENGTH or any(ch not in _VALUE for ch in code):
        return False
    return sum((i + 1) * _VALUE[ch] for i, ch in enumerate(code)) % MODULUS == 0


def new_code() -> str:
    """A fresh random code with its check character."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LEN))
    return data + check_char(data)


def group(code: str) -> str:
    """`K7QH4MXP` as printed: `K7QH-4MXP`."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalise(raw: str) -> str:
    """Typed text as a code would be compared: ASCII upper case, separators dropped, look-alikes mapped."""
    text = unicodedata.normalize("NFKC", raw if isinstance(raw, str) else "")[:64]
    text = _SEPARATORS.sub("", text).upper()
    return "".join(CONFUSIONS.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Parsed:
    outcome: str  # NOT_A_CODE / TYPO / CODE
    code: str = ""  # the normalised code when CODE


def parse(raw: str) -> Parsed:
    """What typed text is: a well-formed code (check character right), a typo of one, or no code."""
    if not isinstance(raw, str) or len(raw) > 64:
        return Parsed(NOT_A_CODE)
    text = normalise(raw)
    if not _LOOKS_LIKE.fullmatch(text):
        return Parsed(NOT_A_CODE)
    if not is_valid(text):
        return Parsed(TYPO)
    return Parsed(CODE, text)


# --- stored codes ---------------------------------------------------------------------------------


def lookup(session: Session, community_id: int, code: str) -> PrintedCode | None:
    """The printed code of this community (an index search), or None."""
    return session.exec(
        select(PrintedCode).where(PrintedCode.community_id == community_id, PrintedCode.code == code)
    ).first()


def _existing(session: Session, kind: str, subject_id: int, version: int) -> PrintedCode | None:
    return session.exec(
        select(PrintedCode).where(PrintedCode.kind == kind, PrintedCode.subject_id == subject_id,
                                  PrintedCode.version == version)
    ).first()


def code_for(session: Session, kind: str, subject_id: int, version: int, community_id: int) -> str:
    """The code printed on this card (kind, subject, version), issued the first time it is asked for.

    Unique in the community: a drawn code already taken is drawn again; two workers issuing the same
    card at once meet at the unique (kind, subject, version) and both return the one stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown code kind {kind!r}")
    found = _existing(session, kind, subject_id, version)
    if found is not None:
        return found.code
    for _ in range(20):
        code = new_code()
        if lookup(session, community_id, code) is not None:
            continue
        row = PrintedCode(community_id=community_id, code=code, kind=kind, subject_id=subject_id,
                          version=version, issued_at=clock.now())
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            found = _existing(session, kind, subject_id, version)
            if found is not None:
                return found.code
            continue  # the code was taken meanwhile: draw another
        return code
    raise DomainError("code.exhausted")  # pragma: no cover (23^7 codes a community)

"""Checks on free-form input shared by every form: length, phone, names, ids.

`bounded` is the one place a typed text's length is checked before anything
parses it (a search, a household, a code typed at the gate or on patrol): a
parser never sees more than its field can hold, so no input can make it slow.
"""

from __future__ import annotations

import re
import unicodedata

from app.domain.errors import DomainError

_PHONE = re.compile(r"\+?[0-9]{5,15}")  # ASCII digits only (\d takes any script's)
# the id a phone makes for a write, so that a retried write is applied once
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
# the longest text a scanned QR code or a typed code may be (as app.domain.tokens refuses longer)
MAX_SCANNED = 2048
# a database id as an event or a form carries it: 1-18 ASCII digits (fits a 64-bit integer)
_ID = re.compile(r"[0-9]{1,18}")


def bounded(value: object, max_len: int, *, field: str = "text") -> str:
    """`value` as text of at most `max_len` characters, else DomainError("form.too_long").

    Checked on the raw text, before any trimming or normalising, so a parser
    downstream never sees more than `max_len` characters. None is "".
    A value that is not text (a forged event's number or list) is "form.invalid".
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError("form.invalid")
    if len(value) > max_len:
        raise DomainError("form.too_long", field=field, max=max_len)
    return value


def as_id(value: object, *, key: str = "form.bad_id") -> int:
    """A record id from an event argument or a form field: a positive int, or DomainError(key).

    Accepts an int (not a bool) or a string of ASCII digits, as the page sends
    them; anything else (`'abc'`, `1.5`, a list, a dict, `None`) is refused.
    """
    if isinstance(value, bool):
        raise DomainError(key)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise DomainError(key)
    if number <= 0 or number >= 2**63:
        raise DomainError(key)
    return number


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    """Trim, drop control characters, enforce presence and length."""
    text = "".join(
        ch for ch in (value or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if required and not text:
        raise DomainError("form.required", field=field)
    if len(text) > max_length:
        raise DomainError("form.too_long", field=field, max=max_length)
    return text


def normalize_phone(value: str | None, *, field: str = "phone") -> str:
    """Digits only (a leading + kept); spaces and dashes dropped. Raises if malformed."""
    raw = (value or "").strip()
    if not raw:
        raise DomainError("form.required", field=field)
    if len(raw) > 20:
        raise DomainError("form.too_long", field=field, max=20)
    # NFKC turns full-width digits and punctuation from a Chinese IME into ASCII
    compact = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", raw))
    if not _PHONE.fullmatch(compact):
        raise DomainError("phone.invalid")
    return compact


def mask_phone(phone: str) -> str:
    """138****5678: what any screen shows of a resident's phone.

    At least four digits are always hidden: shorter numbers keep only their
    last four (88881234 -> ****1234), and up to 7 digits nothing is shown.
    """
    if len(phone) < 8:
        return "*" * len(phone)
    head = 3 if len(phone) >= 11 else 0
    return f"{phone[:head]}{'*' * (len(phone) - head - 4)}{phone[-4:]}"


def client_id(value: str | None, *, key: str = "form.invalid") -> str:
    """A client-generated write id: 1-40 characters of [A-Za-z0-9_-]; else DomainError(key)."""
    if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value):
        raise DomainError(key)
    return value


def as_int(value: object, *, lo: int, hi: int, key: str = "form.bad_id") -> int:
    """A small number from an event (a list index, a day step): an int (or digit string, with a
    leading minus) within lo..hi, else DomainError(key)."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise DomainError(key)
    return value


def int_or(value: object, default: int) -> int:
    """A typed whole number (1-9 ASCII digits) as int, anything else `default` (the rule refuses it)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value.strip()):
        return int(value.strip())
    return default


def optional_id(value: object, *, key: str = "form.bad_id") -> int | None:
    """`as_id`, except that "" and None (nothing picked) are None."""
    if value is None or value == "":
        return None
    return as_id(value, key=key)

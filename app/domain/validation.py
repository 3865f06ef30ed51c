"""Checks on free-form input shared by every form: length, phone, names."""

from __future__ import annotations

import re
import unicodedata

from app.domain.errors import DomainError

_PHONE = re.compile(r"\+?[0-9]{5,15}")  # ASCII digits only (\d takes any script's)
# the id a phone makes for a write, so that a retried write is applied once
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


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

"""Amounts of money as people type them, read exactly: yuan text to integer fen (cents).

Never through `float`: "inf", "1e400" and "NaN" are floats, and 0.1 + 0.2 is not 0.3.
`parse_yuan` reads "1200", "1,200.5", "¥1200", "1200元" and full-width digits from a
Chinese IME, and refuses everything else with a `DomainError` whose key names the
reason (the state shows it in the user's language next to the field).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from app.domain.errors import DomainError
from app.domain.validation import bounded

# the longest text that can be an amount we accept ("¥ 1,000,000.00 元" and some spaces)
MAX_TEXT = 32
# above any amount this app handles (a deposit, a deduction): 1,000,000 yuan
MAX_CENTS = 100_000_000

# digits, optionally grouped by thousands with commas, then decimals (how many is checked apart)
_AMOUNT = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")  # ASCII digits only


def parse_yuan(
    text: object,
    *,
    field: str = "amount",
    required: bool = True,
    allow_negative: bool = False,
    most: int = MAX_CENTS,
) -> int:
    """Yuan typed in a form as integer fen: "1,200.5" -> 120050.

    Empty: `form.required` when `required`, else 0. Refused with `money.invalid`
    (not an amount: letters, exponents, inf/nan, "12,5"), `money.decimals` (more
    than two decimals), `money.negative`, `money.too_large` (above `most` fen).
    """
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise DomainError("money.invalid", field=field)
    raw = bounded(str(text), MAX_TEXT, field=field)
    norm = unicodedata.normalize("NFKC", raw).strip()  # full-width ０-９ ， ． ￥ become ASCII
    norm = norm.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    norm = norm.replace("−", "-")  # a typographic minus
    if not norm:
        if required:
            raise DomainError("form.required", field=field)
        return 0
    m = _AMOUNT.fullmatch(norm)
    if m is None:
        raise DomainError("money.invalid", field=field)
    sign, whole, decimals = m.group(1), m.group(2).replace(",", ""), m.group(3) or ""
    if len(decimals) > 2:
        raise DomainError("money.decimals", field=field)
    cents = int(Decimal(f"{whole}.{decimals or '0'}") * 100)
    if sign and cents:
        if not allow_negative:
            raise DomainError("money.negative", field=field)
        cents = -cents
    if abs(cents) > most:
        raise DomainError("money.too_large", field=field, max=format_yuan(most))
    return cents


def format_yuan(cents: int) -> str:
    """Fen as the yuan text screens show: 120050 -> "1,200.50"."""
    sign = "-" if cents < 0 else ""
    whole, fen = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{fen:02d}"

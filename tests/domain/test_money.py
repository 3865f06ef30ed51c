"""Money typed in a form is read exactly (Decimal, integer fen) or refused with a message key (issue 15 #4)."""

from __future__ import annotations

import time

import pytest

from app.domain.errors import DomainError
from app.domain.money import format_yuan, parse_yuan


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1200", 120000),
        ("1,200.5", 120050),
        ("234,567.89", 23456789),
        ("¥1200", 120000),
        ("￥1200", 120000),
        (" ¥ 1200 元 ", 120000),
        ("１２００．５", 120050),  # full-width digits and point from a Chinese IME
        ("0.1", 10),
        ("0.29", 29),  # float(0.29) * 100 is 28.999999999999996
        ("1.10", 110),
        ("0", 0),
        ("007", 700),
        (300, 30000),
    ],
)
def test_reads_yuan_exactly(text, cents):
    assert parse_yuan(text) == cents


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("inf", "money.invalid"),
        ("-inf", "money.invalid"),
        ("Infinity", "money.invalid"),
        ("NaN", "money.invalid"),
        ("nan", "money.invalid"),
        ("1e400", "money.invalid"),
        ("1e3", "money.invalid"),
        ("0x10", "money.invalid"),
        ("12,5", "money.invalid"),  # a decimal comma or a misplaced thousands comma: ambiguous
        ("1,20,0", "money.invalid"),
        ("1_000", "money.invalid"),
        ("abc", "money.invalid"),
        ("1.2.3", "money.invalid"),
        (".5", "money.invalid"),
        ("٣٠٠", "money.invalid"),  # Arabic-Indic digits: not what a yuan field takes
        ("1.234", "money.decimals"),
        ("0.001", "money.decimals"),
        ("-5", "money.negative"),
        ("-0.01", "money.negative"),
        ("1000001", "money.too_large"),
        ("9" * 30, "money.too_large"),
        ("1" * 33, "form.too_long"),
        ("", "form.required"),
        ("   ", "form.required"),
        (None, "money.invalid"),
        (True, "money.invalid"),
        (1.5, "money.invalid"),
        (["1"], "money.invalid"),
        ({"a": 1}, "money.invalid"),
    ],
)
def test_refuses_what_is_not_an_amount(text, key):
    with pytest.raises(DomainError) as err:
        parse_yuan(text, field="deposit")
    assert err.value.key == key
    if key.startswith("money."):
        assert err.value.params["field"] == "deposit"


def test_options():
    assert parse_yuan("", required=False) == 0
    assert parse_yuan("-5", allow_negative=True) == -500
    assert parse_yuan("-0", allow_negative=False) == 0
    assert parse_yuan("100000", most=10_000_000) == 10_000_000
    with pytest.raises(DomainError) as err:
        parse_yuan("100000.01", most=10_000_000)
    assert err.value.key == "money.too_large" and err.value.params["max"] == "100,000.00"


def test_format_yuan():
    assert format_yuan(120050) == "1,200.50"
    assert format_yuan(5) == "0.05"
    assert format_yuan(-100) == "-1.00"


def test_long_input_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(DomainError):
        parse_yuan("1" * 1_000_000)
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize("text", ["inf", "1e400", "NaN", "-1", "1.999", "¥ abc"])
def test_deduction_typed_on_site_is_a_message_not_a_crash(text):
    """The site re-check's deduction went through float(): inf/1e400 raised OverflowError out of _run."""
    from app.state.renovation_site import _cents

    with pytest.raises(DomainError) as err:
        _cents(text)
    assert err.value.key.startswith("money.")
    assert err.value.params["field"] == "deduction"
    assert _cents("") == 0
    assert _cents("200.5") == 20050


def test_catalogs_say_every_money_message():
    from app.i18n import translate

    for key in ("money.invalid", "money.decimals", "money.negative", "money.too_large", "form.bad_id",
                "error.unexpected"):
        zh, en = translate("zh", key, field="deposit", max="1.00"), translate("en", key, field="deposit", max="1.00")
        assert zh != key and en != key and zh != en
    assert translate("zh", "money.invalid", field="deposit").startswith("保证金")

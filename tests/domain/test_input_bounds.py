"""Typed text is bounded before anything parses it, and the parsers are linear (issue 15 #14).

A household field of 12,000 spaces froze the server for seconds: the household
pattern could split one run of spaces in n² (n³ with an entrance) ways.
Every input here is refused, or read, in well under 50 ms.
"""

from __future__ import annotations

import time

import pytest

from app.domain import households, request_search, request_terms
from app.domain.errors import DomainError
from app.domain.validation import MAX_SCANNED, as_id, bounded, optional_id

FAST = 0.05  # seconds


def _timed(fn, *args, **kw):
    """(result, seconds) of the fastest of three calls: a parser that backtracks is slow every
    time, while a pause of the machine (a GC, another process: one CI run took 0.33 s once) is not."""
    best = None
    for _ in range(3):
        started = time.perf_counter()
        try:
            out = fn(*args, **kw)
        except DomainError as err:
            out = err
        took = time.perf_counter() - started
        best = took if best is None else min(best, took)
        if best < FAST:
            break
    return out, best


def _hostile(n: int) -> list[str]:
    """Texts of about `n` characters that made the old household pattern backtrack."""
    return [
        " " * n,
        "3" + " " * n + "x",
        "3" + " " * (n // 2) + "1" + " " * (n // 2) + "x",
        "3栋" + " " * n + "1单元" + " " * n,
        "3-" * (n // 2),
        "1" * n,
    ]


@pytest.mark.parametrize("n", [2_000, 20_000])
def test_household_parser_refuses_long_text_at_once(n):
    for text in _hostile(n):
        out, took = _timed(households.parse, text)
        assert isinstance(out, DomainError), text[:20]
        assert out.key == "form.too_long" and out.params == {"field": "household", "max": households.MAX_TEXT}
        assert took < FAST, (text[:20], took)


def test_household_parser_is_linear_within_its_bound():
    worst = 0.0
    for text in _hostile(households.MAX_TEXT - 6):
        text = text[: households.MAX_TEXT]
        out, took = _timed(households.parse, text)
        assert isinstance(out, DomainError)
        worst = max(worst, took)
    assert worst < 0.005
    # what people type still reads the same
    assert households.parse("3-1-502") == (3, 1, "502")
    assert households.parse(" 12号楼  3单元\t1502室 ") == (12, 3, "1502")
    assert households.parse("３－１－５０２") == (3, 1, "502")
    assert households.parse("3栋 502") == (3, None, "502")
    assert households.parse("3 1 502") == (3, 1, "502")
    assert households.parse("3#502号") == (3, None, "502")
    for bad in ("3-1-50", "abc", "3--502", "3 - 1 - 502 5"):
        with pytest.raises(DomainError):
            households.parse(bad)


def test_household_of_another_type_is_refused():
    for forged in (12, ["3-1-502"], {"a": 1}):
        with pytest.raises(DomainError) as err:
            households.parse(forged)  # type: ignore[arg-type]
        assert err.value.key == "form.invalid"


def test_register_search_refuses_long_fields_at_once(db, community_id):
    q = request_search.Query
    for query in (q(text="车" * 20_000), q(text=" " * 20_000), q(phone="1" * 20_000), q(text="ab " * 7_000)):
        out, took = _timed(request_search.search, db, community_id, query)
        assert isinstance(out, DomainError) and out.key == "form.too_long", query
        assert took < FAST
    assert request_search.search(db, community_id, q(text="车库" * 50)) is not None  # at the bound: searched


def test_household_typed_in_a_search_is_found_or_refused_at_once(db, community_id):
    for text in _hostile(20_000):
        out, took = _timed(households.find, db, community_id, text)
        assert isinstance(out, DomainError) and took < FAST


def test_terms_are_linear():
    out, took = _timed(request_terms.terms, "漏水" * 10_000 + " ab" * 10_000)
    assert took < FAST * 4 and "漏水" in out and "ab" in out


def test_patrol_code_is_bounded(db, actor_of):
    from app.domain.patrols.walk import _resolve_scan

    butler = actor_of("11")
    for raw in ("A" * (MAX_SCANNED + 1), " " * 20_000):
        out, took = _timed(_resolve_scan, db, butler, raw)
        assert isinstance(out, DomainError) and out.key == "form.too_long" and took < FAST
    for forged in (123, ["ABCDEF"], {"t": "x"}):
        with pytest.raises(DomainError) as err:
            _resolve_scan(db, butler, forged)  # type: ignore[arg-type]
        assert err.value.key == "form.invalid"


def test_bounded():
    assert bounded("abc", 3) == "abc"
    assert bounded(None, 3) == ""
    with pytest.raises(DomainError) as err:
        bounded("abcd", 3, field="search")
    assert err.value.key == "form.too_long" and err.value.params == {"field": "search", "max": 3}
    with pytest.raises(DomainError) as err:
        bounded(5, 3)
    assert err.value.key == "form.invalid"


@pytest.mark.parametrize(("value", "expected"), [(7, 7), ("7", 7), (" 12 ", 12), ("000123", 123)])
def test_as_id_reads_ids(value, expected):
    assert as_id(value) == expected


@pytest.mark.parametrize("value", ["abc", "", None, "1.5", 1.5, -1, 0, "0", "-3", True, False, [1], {"id": 1},
                                   "١٢", "1e3", "9" * 19, 2**63, "12a"])
def test_as_id_refuses_what_is_not_an_id(value):
    with pytest.raises(DomainError) as err:
        as_id(value)
    assert err.value.key == "form.bad_id"


def test_optional_id():
    assert optional_id("") is None and optional_id(None) is None and optional_id("4") == 4
    with pytest.raises(DomainError):
        optional_id("x")


def test_as_int_and_int_or():
    from app.domain.validation import as_int, int_or

    assert as_int(1, lo=-1, hi=1) == 1 and as_int("-1", lo=-1, hi=1) == -1
    for bad in ("abc", 2, True, None, 1.0, "²", [0]):
        with pytest.raises(DomainError):
            as_int(bad, lo=-1, hi=1)
    assert int_or("42", -1) == 42
    for bad in ("²", "1" * 5000, "-3", "x", None, 7):
        assert int_or(bad, -1) == -1

"""Short codes printed beside a pass's or a permit's QR: the alphabet, the check character (every single
substitution and every adjacent transposition caught, tried exhaustively on samples), grouping,
normalisation of typed input, uniqueness in the community, and a new code for a re-issued card."""

from __future__ import annotations

import random

from sqlmodel import select

from app.db.models import PrintedCode
from app.domain import renovation_passes, short_codes
from app.domain.short_codes import (
    ALPHABET,
    LENGTH,
    check_char,
    is_valid,
    new_code,
    normalise,
    parse,
)
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import under_way

people = reno.people
tuesday = reno.tuesday


def _samples(n: int = 300) -> list[str]:
    rng = random.Random(20261203)
    out = []
    for _ in range(n):
        data = "".join(rng.choice(ALPHABET) for _ in range(LENGTH - 1))
        out.append(data + check_char(data))
    return out


def test_the_alphabet_has_no_ambiguous_character_and_a_prime_size():
    for ch in "0O1IL2Z5S8BGV":
        assert ch not in ALPHABET
    assert len(set(ALPHABET)) == len(ALPHABET) == 23
    assert all(len(ALPHABET) % k for k in range(2, len(ALPHABET)))


def test_every_single_substitution_is_caught():
    for code in _samples():
        assert is_valid(code)
        for i, ch in enumerate(code):
            for other in ALPHABET:
                if other != ch:
                    assert not is_valid(code[:i] + other + code[i + 1:]), (code, i, other)


def test_every_adjacent_transposition_is_caught():
    for code in _samples():
        for i in range(LENGTH - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
                assert not is_valid(swapped), (code, i)


def test_new_codes_are_valid_and_grouped_for_print():
    code = new_code()
    assert len(code) == 8 and is_valid(code)
    assert short_codes.group(code) == f"{code[:4]}-{code[4:]}"


def test_typed_input_is_normalised():
    code = _samples(1)[0]
    printed = short_codes.group(code)
    for typed in (printed, printed.lower(), f"  {code[:4]} {code[4:]} ", code,
                  # a Chinese input method's full-width characters
                  "".join(chr(ord(c) + 0xFEE0) for c in code)):
        assert parse(typed) == short_codes.Parsed(short_codes.CODE, code), typed
    # the look-alikes whose partner is in the alphabet are mapped; the others are not guessed
    assert normalise("g-v") == "6U"
    assert parse("K7QH-4MX0").outcome == short_codes.TYPO  # 0 is in no code
    bad = code[:-1] + next(c for c in ALPHABET if c != code[-1])
    assert parse(bad).outcome == short_codes.TYPO
    assert parse(code[:-1]).outcome == short_codes.TYPO  # a character left out
    # a QR's text (a token, a URL) and the old card's "No.1-v1" are not codes
    assert parse("1AbCdEfGhIjKlMnOpQrStUvWxYz0123456").outcome == short_codes.NOT_A_CODE
    assert parse("https://x/w/1abc").outcome == short_codes.NOT_A_CODE
    assert parse("No.1-v1").outcome == short_codes.NOT_A_CODE


def test_each_pass_and_permit_gets_a_code_unique_in_the_community(db, people, community_id, tuesday):
    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"), ("曾亮亮", "welder")))
    codes = [renovation_passes.pass_code(db, p) for _, p in made] + [renovation_passes.permit_code(db, app)]
    assert len(set(codes)) == 3 and all(is_valid(c) for c in codes)
    # issued at sign-off, stored once: asking again gives the same code
    assert renovation_passes.pass_code(db, made[0][1]) == codes[0]
    rows = db.exec(select(PrintedCode).where(PrintedCode.community_id == community_id)).all()
    assert {r.code for r in rows} >= set(codes)
    assert short_codes.lookup(db, community_id, codes[0]).subject_id == made[0][1].id
    assert short_codes.lookup(db, community_id + 1, codes[0]) is None


def test_a_drawn_code_already_taken_is_drawn_again(db, people, community_id, tuesday, monkeypatch):
    app, made = under_way(db, people, community_id)
    taken = renovation_passes.permit_code(db, app)
    fresh = new_code()
    draws = iter([taken, fresh])
    monkeypatch.setattr(short_codes, "new_code", lambda: next(draws))
    renovation_passes.reissue_pass(db, people.desk, made[0][1].id)  # the new card draws its code
    assert renovation_passes.pass_code(db, made[0][1]) == fresh


def test_a_reissued_pass_gets_a_new_code_and_the_old_one_names_the_old_version(db, people, community_id,
                                                                                tuesday):
    _, made = under_way(db, people, community_id)
    p = made[0][1]
    old = renovation_passes.pass_code(db, p)
    renovation_passes.reissue_pass(db, people.desk, p.id)
    new = renovation_passes.pass_code(db, p)
    assert new != old
    assert short_codes.lookup(db, community_id, old).version == p.version - 1
    assert short_codes.lookup(db, community_id, new).version == p.version

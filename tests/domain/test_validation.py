"""Checks on free-form input: phone numbers, text fields, masking."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError
from app.domain.validation import clean_text, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800000011", "13800000011"),
        (" 138 0000 0011 ", "13800000011"),
        ("138-0000-0011", "13800000011"),
        ("(0571) 8888-1234", "057188881234"),
        ("+86 138 0000 0011", "+8613800000011"),
        ("12345", "12345"),
        ("１３８００００００１１", "13800000011"),  # full-width digits from a Chinese IME
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (None, "form.required"),
        ("", "form.required"),
        ("   ", "form.required"),
        ("1" * 21, "form.too_long"),
        ("abc", "phone.invalid"),
        ("1234", "phone.invalid"),
        ("1" * 16, "phone.invalid"),
        ("1' OR 1=1 --", "phone.invalid"),
        ("<script>", "phone.invalid"),
        ("138%", "phone.invalid"),
        ("++8613800000011", "phone.invalid"),
        ("138+00000011", "phone.invalid"),
        ("١٣٨٠٠٠٠٠٠١١", "phone.invalid"),  # Arabic-Indic digits are not a phone number here
        ("138\x0000000011", "phone.invalid"),
    ],
)
def test_normalize_phone_refuses(raw, key):
    with pytest.raises(DomainError) as err:
        normalize_phone(raw)
    assert err.value.key == key
    assert err.value.params.get("field", "phone") == "phone"


def test_normalize_phone_names_the_field():
    with pytest.raises(DomainError) as err:
        normalize_phone("", field="contact")
    assert err.value.params == {"field": "contact"}


def test_normalized_phone_is_ascii():
    assert normalize_phone("１３８-００００-００１１").isascii()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  王芳 ", "王芳"),
        ("a\x00b\x07c\x1b", "abc"),
        ("zero\u200bwidth", "zerowidth"),
        ("right\u202eleft", "rightleft"),
        ("line one\nline two\tend", "line one\nline two\tend"),
        ("\x00 x \x00", "x"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw, field="note", max_length=100) == expected


def test_clean_text_length():
    assert clean_text("名" * 40, field="name", max_length=40) == "名" * 40
    with pytest.raises(DomainError) as err:
        clean_text("名" * 41, field="name", max_length=40)
    assert (err.value.key, err.value.params) == ("form.too_long", {"field": "name", "max": 40})
    # control characters do not count towards the length
    assert clean_text("名" * 40 + "\x00" * 10, field="name", max_length=40) == "名" * 40


@pytest.mark.parametrize("raw", [None, "", "   ", "\x00\x01", "\u200b"])
def test_clean_text_required(raw):
    with pytest.raises(DomainError) as err:
        clean_text(raw, field="name", max_length=40)
    assert (err.value.key, err.value.params) == ("form.required", {"field": "name"})
    assert clean_text(raw, field="name", max_length=40, required=False) == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("1380013800", "******3800"),
        ("88881234", "****1234"),
        ("1234567", "*******"),  # too short to show any of it
        ("123456", "******"),
        ("", ""),
    ],
)
def test_mask_phone(raw, expected):
    masked = mask_phone(raw)
    assert masked == expected
    assert len(masked) == len(raw)


@pytest.mark.parametrize("n", range(1, 21))
def test_mask_phone_hides_at_least_four_digits(n):
    raw = "123456789012345678901"[:n]
    assert mask_phone(raw).count("*") >= min(n, 4)

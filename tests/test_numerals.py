"""briefings.parsing.numerals: exact Decimal values of Arabic, Chinese and mixed numerals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefings.parsing.numerals import NumeralError, normalize_digits, parse_number, parse_ordinal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic, as on the session-12 page
        ("50", Decimal("50")),
        ("41.1", Decimal("41.1")),
        ("32.47", Decimal("32.47")),
        # full-width digits and point
        ("１２．５", Decimal("12.5")),
        ("１７１０", Decimal("1710")),
        # thousands separators (ASCII and full-width comma)
        ("1,200", Decimal("1200")),
        ("１，２００", Decimal("1200")),
        ("12,345,678.9", Decimal("12345678.9")),
        # Chinese
        ("一千零十", Decimal("1010")),
        ("三万五", Decimal("35000")),
        ("两千二百二十五", Decimal("2225")),
        ("百亿", Decimal("10000000000")),
        ("十二", Decimal("12")),
        ("十", Decimal("10")),
        ("一千零五", Decimal("1005")),
        ("一万零五", Decimal("10005")),
        ("两千二", Decimal("2200")),
        ("一亿二千万", Decimal("120000000")),
        ("两万亿三千万", Decimal("2000030000000")),
        ("二〇二三", Decimal("2023")),
        ("三点五万", Decimal("35000")),
        # mixed
        ("5亿", Decimal("500000000")),
        ("50亿", Decimal("5000000000")),
        ("1.5万", Decimal("15000")),
        ("5000万", Decimal("50000000")),
        ("1.2万亿", Decimal("1200000000000")),
        ("3千万", Decimal("30000000")),
        ("-3.5", Decimal("-3.5")),
    ],
)
def test_parse_number_exact(text: str, expected: Decimal) -> None:
    value = parse_number(text)
    assert value == expected
    assert isinstance(value, Decimal)


def test_mixed_values_are_exact_not_float() -> None:
    # 1.2 * 10**12 with a float would drift; the Decimal keeps every digit
    assert str(parse_number("1.2万亿")) == "1200000000000"
    assert str(parse_number("1.25万")) == "12500"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("  ", "empty"), ("十百", "bad_order"), ("abc", "unknown_char"), ("二二十", "digits_without_unit")],
)
def test_unreadable_numeral_raises_numeral_error(text: str, reason: str) -> None:
    with pytest.raises(NumeralError) as caught:
        parse_number(text)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected"), [("第十二场", 12), ("第2位", 2), ("第一", 1), ("第６位", 6), ("第二十一届", 21)]
)
def test_parse_ordinal(text: str, expected: int) -> None:
    assert parse_ordinal(text) == expected


@pytest.mark.parametrize("text", ["十二场", "第", "第零"])
def test_parse_ordinal_rejects(text: str) -> None:
    with pytest.raises(NumeralError):
        parse_ordinal(text)


def test_normalize_digits_keeps_length() -> None:
    assert normalize_digits("１２．５％") == "12.5%"


_DIGITS = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """Reference writer for 1..99999999 in the standard form (一千零十, 三万零五)."""
    def section(k: int) -> str:
        out, zero = "", False
        for unit, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = k // unit % 10
            if digit:
                if zero and out:
                    out += "零"
                out += _DIGITS[digit] + char
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10000)
    if not high:
        return section(low)
    text = section(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + section(low)
    return text


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_roundtrip(n: int) -> None:
    assert parse_number(_to_chinese(n)) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_arabic_roundtrip(value: Decimal) -> None:
    assert parse_number(str(value)) == value

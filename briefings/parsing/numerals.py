"""Numbers as written in Chinese government text -> exact ``Decimal`` (pure, no I/O).

Handles Arabic numerals (half- or full-width digits and decimal point, ASCII thousands separators:
``１２．５`` -> 12.5, ``1,200`` -> 1200), Chinese numerals (``一千零十`` -> 1010, ``三万五`` -> 35000,
``两千二百二十五`` -> 2225, ``百亿`` -> 10**10, ``十二`` -> 12, ``二〇二三`` -> 2023) and mixtures
(``5亿``, ``1.5万``, ``1.2万亿`` -> 1.2 * 10**12). Nothing is rounded: the result is exact.

Errors: :class:`NumeralError` subclasses ``ValueError`` (not ``ParseError``): an unreadable numeral is
a bad value inside a page we do recognise, so callers store NULL with a flag instead of failing the page.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

__all__ = ["NumeralError", "parse_number", "parse_ordinal", "normalize_digits"]


class NumeralError(ValueError):
    """``text`` is not a numeral this module can read exactly.

    Attributes:
        text: the input as given.
        reason: short machine-friendly cause (``empty``, ``bad_order``, ``unknown_char`` ...).
    """

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"cannot read numeral {text!r}: {reason}")
        self.text = text
        self.reason = reason


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_TEN_THOUSAND = Decimal(10) ** 4
_HUNDRED_MILLION = Decimal(10) ** 8

# An Arabic number after NFKC folding: digits, ASCII thousands groups, optional decimals.
_ARABIC = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九]|[十百千]|.", re.S)
_ORDINAL = re.compile(r"^第(.+?)[场位名次届期个条章节]?$")


def normalize_digits(text: str) -> str:
    """Fold full-width digits, signs, ``．`` and ``％`` to ASCII (NFKC); other characters are kept.

    Args:
        text: any string.
    Returns:
        The string with the same number of code points for these characters (each folds 1:1).
    """
    return unicodedata.normalize("NFKC", text).replace("−", "-")


def parse_number(text: str) -> Decimal:
    """Read an Arabic, Chinese or mixed numeral exactly.

    Args:
        text: the numeral as written, without unit: ``50亿``, ``１２．５``, ``1,200``, ``三万五``, ``百亿``,
            ``1.2万亿``, ``两千二百二十五``, ``二〇二三``. Surrounding whitespace is ignored.
    Returns:
        The value as an exact Decimal (``Decimal("1.2E+12")``-style values compare equal to integers).
    Raises:
        NumeralError: empty text, characters that are not part of a numeral, or units out of order
            (``十百``, ``万万``). A ValueError subclass.
    """
    folded = normalize_digits(text).strip()
    if not folded:
        raise NumeralError(text, "empty")
    if _ARABIC.fullmatch(folded):
        return Decimal(folded.replace(",", ""))
    sign = 1
    if folded[0] in "+-":
        sign = -1 if folded[0] == "-" else 1
        folded = folded[1:]
    folded = folded.replace("点", ".") if re.search(r"[零〇一二两三四五六七八九]点[零〇一二两三四五六七八九]", folded) else folded
    if "." in folded and re.search(r"[零〇一二两三四五六七八九]\.", folded):
        return _tidy(sign * _cn_decimal(text, folded))
    return _tidy(sign * _parse_big(text, folded))


def parse_ordinal(text: str) -> int:
    """Read an ordinal such as ``第十二场`` -> 12, ``第2位`` -> 2, ``第一`` -> 1.

    Args:
        text: ``第`` + numeral + an optional classifier (场 位 名 次 届 期 个 条 章 节).
    Returns:
        The position, a positive int.
    Raises:
        NumeralError: no leading ``第``, or the numeral is not a positive integer.
    """
    match = _ORDINAL.match(normalize_digits(text).strip())
    if not match:
        raise NumeralError(text, "not_ordinal")
    value = parse_number(match.group(1))
    if value != value.to_integral_value() or value < 1:
        raise NumeralError(text, "not_positive_integer")
    return int(value)


def _tidy(value: Decimal) -> Decimal:
    """Drop a fractional part that is zero (``1.5 * 10**4`` -> 15000); the value is unchanged."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def _cn_decimal(original: str, folded: str) -> Decimal:
    """``三.五`` / ``三点五万``: Chinese digits on both sides of the point."""
    head, _, rest = folded.partition(".")
    tail = re.match(r"[零〇一二两三四五六七八九]+", rest)
    if not tail:
        raise NumeralError(original, "bad_decimal")
    digits = "".join(str(_CN_DIGITS[c]) for c in tail.group(0))
    base = Decimal(f"{_parse_section(original, head) if head else 0}.{digits}")
    multiplier = rest[tail.end():]
    return base * _multiplier(original, multiplier)


def _multiplier(original: str, units: str) -> Decimal:
    """Product of trailing big units (``万亿`` -> 10**12)."""
    result = Decimal(1)
    for char in units:
        if char == "万":
            result *= _TEN_THOUSAND
        elif char == "亿":
            result *= _HUNDRED_MILLION
        else:
            raise NumeralError(original, "unknown_char")
    return result


def _parse_big(original: str, text: str) -> Decimal:
    """Split at the last 亿, then at the last 万; each part is a section below 10**4 (or a number)."""
    if "亿" in text:
        left, _, right = text.rpartition("亿")
        high = _parse_big(original, left) if left else Decimal(1)
        return high * _HUNDRED_MILLION + _parse_low(original, right, _HUNDRED_MILLION)
    if "万" in text:
        left, _, right = text.rpartition("万")
        high = _parse_section(original, left) if left else Decimal(1)
        return high * _TEN_THOUSAND + _parse_low(original, right, _TEN_THOUSAND)
    return _parse_section(original, text)


def _parse_low(original: str, text: str, big: Decimal) -> Decimal:
    """The part after a big unit; a lone digit abbreviates the next lower unit (三万五 -> 5000)."""
    if not text:
        return Decimal(0)
    if text in _CN_DIGITS or re.fullmatch(r"\d", text):
        return Decimal(_CN_DIGITS[text] if text in _CN_DIGITS else int(text)) * big / 10
    if "万" in text or "亿" in text:
        value = _parse_big(original, text)
        if value >= big:
            raise NumeralError(original, "bad_order")
        return value
    return _parse_section(original, text.lstrip("零〇") or "0")


def _parse_section(original: str, text: str) -> Decimal:
    """A number below 10**4 written with 千百十 (or one Arabic number, or digit-by-digit ``二〇二三``)."""
    if not text:
        raise NumeralError(original, "empty")
    if _ARABIC.fullmatch(text):
        return Decimal(text.replace(",", ""))
    if len(text) > 1 and all(c in _CN_DIGITS for c in text) and "两" not in text:
        return Decimal("".join(str(_CN_DIGITS[c]) for c in text))
    total = Decimal(0)
    pending: Decimal | None = None
    last_unit: int | None = None
    after_zero = False
    for token in _TOKEN.findall(text):
        if token in _CN_DIGITS:
            if _CN_DIGITS[token] == 0:
                after_zero = True
                continue
            if pending is not None:
                raise NumeralError(original, "digits_without_unit")
            pending = Decimal(_CN_DIGITS[token])
        elif token in _CN_SMALL:
            unit = _CN_SMALL[token]
            if last_unit is not None and unit >= last_unit:
                raise NumeralError(original, "bad_order")
            total += (pending if pending is not None else 1) * unit
            pending, last_unit, after_zero = None, unit, False
        elif token[0].isdigit():
            if pending is not None:
                raise NumeralError(original, "digits_without_unit")
            pending = Decimal(token)
        else:
            raise NumeralError(original, "unknown_char")
    if pending is not None:
        # 两千二 -> 2200: a trailing digit right after a unit stands for the next lower unit.
        total += pending * last_unit / 10 if last_unit and not after_zero else pending
    return total

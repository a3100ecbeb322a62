"""Small pure text helpers shared by the parsers: whitespace, colons, dates, Chinese numerals.

No I/O. Offsets are code points.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "COLONS",
    "clean_line",
    "split_lines",
    "nfkc",
    "parse_date",
    "cn_int",
    "strip_colon",
]

# Full- and half-width colons; the seed text folded ： to :.
COLONS = "：:"

# Outer whitespace the portal leaves around paragraphs: ASCII space/tabs/newlines, &nbsp; (\xa0),
# &ensp; (\u2002), &emsp; (\u2003), thin spaces, ideographic space (\u3000), zero-width chars, BOM.
_WS = " \t\r\n\f\v\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u202f\u205f\u3000\ufeff"

_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def clean_line(text: str) -> str:
    """Strip outer whitespace, including &nbsp; &ensp; and the ideographic space \\u3000.

    Args:
        text: one line or paragraph as extracted from a page.
    Returns:
        ``text`` without leading/trailing whitespace; inner characters untouched.
    """
    return text.strip(_WS)


def split_lines(text: str) -> list[str]:
    """Split ``text`` on line breaks and return the non-empty cleaned lines, in order."""
    return [line for line in (clean_line(part) for part in re.split(r"\r\n|\r|\n|\u2028|\u2029", text)) if line]


def nfkc(text: str) -> str:
    """NFKC-normalise ``text`` (full-width ：，（） fold to :,()); used to compare page and seed text."""
    return unicodedata.normalize("NFKC", text)


def strip_colon(text: str) -> str:
    """Remove one trailing colon (full or half width) and the whitespace around it."""
    text = clean_line(text)
    if text and text[-1] in COLONS:
        text = clean_line(text[:-1])
    return text


def parse_date(text: str | None) -> date | None:
    """First ``YYYY-MM-DD`` (also ``YYYY年M月D日``, ``/``, ``.``) in ``text`` as a date, else None.

    Returns None too for an impossible date (2024-02-30): pages are not trusted to hold valid dates.
    """
    if not text:
        return None
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def cn_int(text: str) -> int | None:
    """Integer value of a Chinese numeral (``十二`` -> 12, ``二十一`` -> 21, ``一百零五`` -> 105) or digits.

    Args:
        text: Chinese numerals 零〇一二两三四五六七八九十百千, or ASCII / full-width digits.
    Returns:
        The value (0..9999), or None when ``text`` is empty or holds another character.
    """
    text = nfkc(clean_line(text))
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        # positional form: 二〇二四 -> 2024
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            # a bare 十 means 10 (十二 = 12)
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return total

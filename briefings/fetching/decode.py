"""Bytes of a response body -> text (pure: no I/O, no clock).

Order of evidence: a UTF-8 byte-order mark, then the charset of the ``Content-Type`` header, then
the page's own ``<meta charset>`` / ``<meta http-equiv="Content-Type" content="...; charset=...">``,
then UTF-8 when the body is valid UTF-8, then detection with charset-normalizer. A declared charset is used only if the body decodes
strictly with it; otherwise the next piece of evidence is tried, so a wrong label never ends as
silent U+FFFD replacement. The GB family (``gb2312``, ``gbk``, ``gb_2312-80`` ...) is decoded as
GB18030, its superset: the portal labels pages ``gb2312`` yet names such as 镕 or 喆 lie outside it.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from briefings.errors import ParseError

__all__ = ["decode_body", "normalise_charset", "declared_charsets"]

# Labels of the GB family; all decode as GB18030 (a strict superset).
_GB_LABELS = frozenset(
    {"gb2312", "gb_2312", "gb_2312-80", "gb2312-80", "gb231280", "csgb2312", "euc-cn", "euccn", "x-euc-cn",
     "gbk", "x-gbk", "cp936", "ms936", "windows-936", "csgbk", "chinese", "iso-ir-58", "gb18030"}
)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
# Browsers look for <meta> in the first 1024 bytes; the portal's head can be longer, so scan more.
_META_SCAN_BYTES = 8192


def normalise_charset(label: str | None) -> str | None:
    """A charset label as a Python codec name; GB-family labels become ``gb18030``.

    Args:
        label: as written in a header or ``<meta>`` (``GB2312``, ``utf8``, ``"gbk"``).
    Returns:
        The codec's canonical name (``utf-8``, ``gb18030``, ``big5`` ...), or None when Python
        knows no such codec or ``label`` is empty.
    """
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    if cleaned in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(cleaned).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Charsets the response declares, most authoritative first, de-duplicated.

    Args:
        body: the raw body bytes.
        content_type: the ``Content-Type`` header value, None when absent.
    Returns:
        Codec names: the header's charset, then the first ``<meta>`` charset within the first
        8192 bytes; unknown labels are left out.
    """
    found: list[str] = []
    if content_type:
        match = _CT_CHARSET.search(content_type)
        if match:
            found.append(normalise_charset(match.group(1)) or "")
    meta = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    if meta:
        found.append(normalise_charset(meta.group(1).decode("ascii")) or "")
    return list(dict.fromkeys(name for name in found if name))


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a response body to text without silent replacement characters.

    Args:
        body: the body bytes as received (after Content-Encoding was removed).
        content_type: the ``Content-Type`` response header, None when absent.
    Returns:
        ``(text, encoding)``: the text and the codec that decoded it strictly (``utf-8``,
        ``utf-8-sig`` for a body with a UTF-8 BOM, ``gb18030`` for any GB-family label ...).
        An empty body gives ``("", <declared codec or "utf-8">)``.
    Raises:
        ParseError: no declared charset decodes the body strictly and detection finds none that
            does (``missing="charset"``).
    Source: BOM, then the ``Content-Type`` header, then ``<meta>``, then UTF-8 (strict), then
    charset-normalizer, then GB18030.
    """
    if body.startswith(codecs.BOM_UTF8):
        text = _strict(body, "utf-8-sig")
        if text is not None:
            return text, "utf-8-sig"
    declared = declared_charsets(body, content_type)
    if not body:
        return "", declared[0] if declared else "utf-8"
    for codec in declared:
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    # UTF-8 before detection: bytes that decode strictly as UTF-8 are UTF-8 text (other encodings of
    # Chinese almost never form valid UTF-8), while detection guesses a single-byte code page for a
    # short or repetitive UTF-8 body (增长1.5%， repeated reads as Cyrillic).
    candidates: list[str | None] = ["utf-8"]
    if _strict(body, "utf-8") is None:
        best = charset_normalizer.from_bytes(body).best()
        candidates.append(normalise_charset(best.encoding) if best is not None else None)
    # Detection can fail on short or mixed bodies; GB18030 is what the portal serves besides UTF-8.
    candidates.append("gb18030")
    tried = [c for c in dict.fromkeys(c for c in candidates if c) if c not in declared]
    for codec in tried:
        text = _strict(body, codec)
        if text is not None:
            return text, codec
    raise ParseError(
        f"body of {len(body)} bytes is not valid text in any charset tried: "
        f"declared {', '.join(declared) or 'none'}; detected or usual {', '.join(tried)}",
        missing="charset",
    )

"""decode_body on the real session-12 page, as served and re-encoded (GBK, GB18030)."""

from __future__ import annotations

import codecs

import pytest

from briefings.fetching.decode import decode_body, declared_charsets, normalise_charset
from tests.loopback import RARE_PARAGRAPH, REAL_PAGE, page_in

REAL_TEXT = REAL_PAGE.decode("utf-8")
GBK_META = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'


def test_real_page_decodes_as_utf8_from_its_meta():
    text, encoding = decode_body(REAL_PAGE, "text/html")
    assert encoding == "utf-8"
    assert text == REAL_TEXT
    assert "天门市委副书记、市长肖敏" in text


def test_header_charset_is_used_first():
    assert decode_body(REAL_PAGE, "text/html; charset=UTF-8") == (REAL_TEXT, "utf-8")


def test_gbk_page_with_charset_only_in_meta_http_equiv():
    body = page_in("gbk", GBK_META)
    text, encoding = decode_body(body, "text/html")
    assert encoding == "gb18030"
    assert text == REAL_TEXT.replace('<meta charset="utf-8">', GBK_META)
    assert "\ufffd" not in text
    assert "陈明敏" in text and "陈晓敏" in text


def test_gb2312_label_with_rare_names_decodes_as_gb18030():
    body = page_in("gb18030", '<meta charset="gb2312">', rare=True)
    with pytest.raises(UnicodeDecodeError):  # what a literal gb2312 decoder would do
        body.decode("gb2312")
    text, encoding = decode_body(body, None)
    assert encoding == "gb18030"
    assert RARE_PARAGRAPH in text and "镕" in text and "喆" in text
    assert "\ufffd" not in text


def test_wrong_header_charset_falls_back_to_meta_not_replacement():
    body = page_in("gb18030", '<meta charset="gb2312">', rare=True)
    text, encoding = decode_body(body, "text/html; charset=utf-8")
    assert encoding == "gb18030"
    assert "\ufffd" not in text
    assert "黄祥斌" in text and "镕" in text


def test_undeclared_gbk_page_is_detected():
    body = REAL_TEXT.replace('<meta charset="utf-8">', "").encode("gbk")
    assert declared_charsets(body, "text/html") == []
    text, encoding = decode_body(body, None)
    assert encoding == "gb18030"
    assert text == REAL_TEXT.replace('<meta charset="utf-8">', "")


def test_utf8_bom_is_honoured_and_stripped():
    text, encoding = decode_body(codecs.BOM_UTF8 + REAL_PAGE, "text/html; charset=gbk")
    assert encoding == "utf-8-sig"
    assert text == REAL_TEXT


def test_empty_body_gives_declared_codec():
    assert decode_body(b"", "text/html; charset=gb2312") == ("", "gb18030")
    assert decode_body(b"", None) == ("", "utf-8")


@pytest.mark.parametrize(
    ("label", "codec"),
    [("GB2312", "gb18030"), ("gb_2312-80", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"),
     ("cp936", "gb18030"), ("UTF8", "utf-8"), ('"utf-8"', "utf-8"), ("big5", "big5"), ("no-such-charset", None),
     ("", None)],
)
def test_normalise_charset(label, codec):
    assert normalise_charset(label) == codec


def test_declared_charsets_header_then_meta_deduplicated():
    body = page_in("gbk", GBK_META)
    assert declared_charsets(body, "text/html; charset=utf-8") == ["utf-8", "gb18030"]
    assert declared_charsets(body, "text/html; charset=GB2312") == ["gb18030"]

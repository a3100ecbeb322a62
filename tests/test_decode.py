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


# Issue 25, item 6: valid UTF-8 is tried before charset-normalizer's guess. Session 12's closing
# turns are "谢谢!" (seed text), which the guess alone reads as Korean Johab ('方뮏쌱!').
THANKS = "谢谢!"


def test_short_utf8_is_utf8_not_the_detectors_guess():
    import charset_normalizer

    from briefings.settings import SEED_TEXT_PATH

    assert SEED_TEXT_PATH.read_text(encoding="utf-8").count(f"\n{THANKS}\n") == 6
    assert charset_normalizer.from_bytes(THANKS.encode()).best().encoding == "johab"  # what went wrong before
    for content_type in (None, "text/html"):  # a saved file, and a fetch whose header names no charset
        assert decode_body(THANKS.encode(), content_type) == (THANKS, "utf-8")


def test_a_fetch_of_short_utf8_without_charset_is_not_misdecoded():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from briefings.fetching.client import Fetcher
    from briefings.settings import Settings

    body = THANKS.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")  # no charset, no <meta>
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/thanks.shtml"
    try:
        settings = Settings(source=url, allowed_hosts=("127.0.0.1",), min_interval_s=0.0).normalised()
        with Fetcher(settings) as fetcher:
            result = fetcher.fetch(url)
    finally:
        server.shutdown()
        server.server_close()
    assert (result.text, result.record.encoding) == (THANKS, "utf-8")


def test_parse_of_short_repetitive_utf8_quotes_it_as_written(tmp_path):
    """The issue's reproduction: ``printf '增长1.5%%，%.0s' $(seq 200) > d.txt; briefings parse d.txt``."""
    import subprocess
    import sys
    from pathlib import Path

    page = tmp_path / "d.txt"
    page.write_text("增长1.5%，" * 200, encoding="utf-8")
    out = subprocess.run([str(Path(sys.executable).with_name("briefings")), "parse", str(page)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 6
    assert out.stderr.startswith(f"{page}: no speaker label before the first paragraph: '增长1.5%，增长1.5%，")

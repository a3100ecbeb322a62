"""Fetcher against the loopback server: one test per fault, exact FetchRecord values, no garbled text."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timezone

import httpx
import pytest

from briefings.errors import BlockedError, FetchError, OffsiteError
from briefings.fetching.client import Fetcher, HostRateLimiter, make_fetcher, parse_retry_after
from briefings.ids import sha256_hex
from tests.loopback import REAL_PAGE, loopback_server, loopback_settings  # noqa: F401

REAL_TEXT = REAL_PAGE.decode("utf-8")


@pytest.fixture
def fetcher(loopback_server):
    with Fetcher(loopback_settings(loopback_server)) as f:
        yield f


def _failure(fetcher: Fetcher, url: str, error_type: type[Exception] = FetchError):
    with pytest.raises(error_type) as info:
        fetcher.fetch(url)
    assert type(info.value) is error_type
    return info.value, info.value.record


def test_ok_page_record(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/page"))
    rec = result.record
    assert (rec.outcome, rec.status, rec.attempts, rec.error, rec.error_type) == ("ok", 200, 1, None, None)
    assert rec.url == rec.final_url == loopback_server.url("/page")
    assert rec.sha256 == sha256_hex(REAL_PAGE) and rec.body_bytes == len(REAL_PAGE)
    assert rec.encoding == "utf-8" and rec.etag == '"session12-utf8"'
    assert result.body == REAL_PAGE and result.text == REAL_TEXT
    entry = loopback_server.requests("/page")[0]
    assert entry.headers["user-agent"].startswith("briefings/0.1.0")
    assert entry.headers["accept-encoding"] == "gzip, deflate"


def test_conditional_get_not_modified(fetcher, loopback_server):
    first = fetcher.fetch(loopback_server.url("/page"))
    again = fetcher.fetch(loopback_server.url("/page"), etag=first.record.etag)
    rec = again.record
    assert (rec.outcome, rec.status, rec.attempts, rec.body_bytes, rec.sha256) == ("not_modified", 304, 1, 0, None)
    assert again.body is None and again.text is None
    assert loopback_server.requests("/page")[1].headers["if-none-match"] == '"session12-utf8"'
    stale = fetcher.fetch(loopback_server.url("/page"), etag='"older"', last_modified="Mon, 25 Mar 2024 08:00:00 GMT")
    assert stale.record.outcome == "ok" and stale.text == REAL_TEXT
    assert loopback_server.requests("/page")[2].headers["if-modified-since"] == "Mon, 25 Mar 2024 08:00:00 GMT"


def test_503_twice_then_200_is_retried(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/flaky"))
    rec = result.record
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("ok", 200, 3, None)
    assert result.text == REAL_TEXT
    assert len(loopback_server.requests("/flaky")) == 3


def test_503_beyond_max_attempts_fails(loopback_server):
    with Fetcher(loopback_settings(loopback_server, max_attempts=2)) as fetcher:
        exc, rec = _failure(fetcher, loopback_server.url("/flaky"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 503, 2, "FetchError")
    assert exc.status == 503 and exc.retryable is True
    assert "503" in rec.error


def test_429_retry_after_is_honoured(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/retry-after"))
    rec = result.record
    assert (rec.outcome, rec.status, rec.attempts) == ("ok", 200, 2)
    assert result.text == REAL_TEXT
    first, second = loopback_server.requests("/retry-after")
    assert second.at - first.at >= 1.0  # Retry-After: 1, seen from the server's clock


def test_stall_past_read_timeout(loopback_server):
    with Fetcher(loopback_settings(loopback_server, timeout_s=0.3, max_attempts=2)) as fetcher:
        exc, rec = _failure(fetcher, loopback_server.url("/stall"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 200, 2, "FetchError")
    assert "read timed out after 1000 bytes" in rec.error
    assert isinstance(exc.__cause__, httpx.ReadTimeout)
    assert len(loopback_server.requests("/stall")) == 2


def test_one_byte_drip_past_deadline(loopback_server):
    # each byte comes within timeout_s (0.05 s < 0.5 s): only the deadline can stop it
    with Fetcher(loopback_settings(loopback_server, deadline_s=0.6)) as fetcher:
        exc, rec = _failure(fetcher, loopback_server.url("/drip"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 200, 1, "FetchError")
    assert "deadline of 0.6 s" in rec.error
    assert 0 < rec.body_bytes < len(REAL_PAGE)
    assert len(loopback_server.requests("/drip")) == 1  # not retried: a drip would hold the run again


def test_content_length_larger_than_body(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/short"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 200, 3, "FetchError")
    assert rec.error.startswith(f"truncated body: connection ended after {len(REAL_PAGE)} bytes")
    assert isinstance(exc.__cause__, httpx.RemoteProtocolError)


def test_cut_chunked_stream(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/cut-chunked"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 200, 3, "FetchError")
    assert rec.error.startswith("truncated body: connection ended after 8000 bytes")
    assert rec.body_bytes == 8000


def test_gzip_label_on_plain_body_is_a_clear_error(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/gzip-plain"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 200, 1, "FetchError")
    assert rec.error.startswith("Content-Encoding: gzip declared but the body is not valid gzip data")
    assert exc.retryable is False
    assert rec.sha256 == sha256_hex(REAL_PAGE)  # the bytes as received are kept


def test_real_gzip_is_decoded(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/gzip"))
    assert result.record.outcome == "ok" and result.body == REAL_PAGE and result.text == REAL_TEXT


def test_redirect_to_offsite_host_is_refused(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/offsite"), OffsiteError)
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 302, 1, "OffsiteError")
    assert rec.url == loopback_server.url("/offsite")
    assert rec.final_url == "http://offsite.example.net/hbfb/xwfbh/"
    assert "'offsite.example.net'" in rec.error and exc.retryable is False


def test_offsite_second_hop_is_refused_and_recorded_against_the_asked_url(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/redirect-offsite"), OffsiteError)
    assert (rec.url, rec.final_url, rec.status) == (
        loopback_server.url("/redirect-offsite"), "http://offsite.example.net/hbfb/xwfbh/", 302)
    assert rec.error.startswith(f"redirect from {loopback_server.url('/offsite')} to host 'offsite.example.net'")
    assert [e.path for e in loopback_server.log] == ["/redirect-offsite", "/offsite"]


def test_connection_refused_is_retried_then_fails(loopback_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Fetcher(loopback_settings(loopback_server)) as fetcher:
        exc, rec = _failure(fetcher, f"http://127.0.0.1:{port}/page")
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type, rec.sha256) == ("failed", None, 3, "FetchError", None)
    assert rec.error.startswith("connection failed") and isinstance(exc.__cause__, httpx.ConnectError)


def test_request_to_a_host_not_allowed_is_refused(fetcher):
    exc, rec = _failure(fetcher, "http://offsite.example.net/page", OffsiteError)
    assert (rec.outcome, rec.status, rec.attempts) == ("failed", None, 1)


def test_allowed_redirect_is_followed(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/redirect"))
    rec = result.record
    assert (rec.outcome, rec.status, rec.url, rec.final_url) == (
        "ok", 200, loopback_server.url("/redirect"), loopback_server.url("/page"))
    assert result.text == REAL_TEXT


def test_gbk_page_with_meta_only(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/gbk-meta"))
    rec = result.record
    assert (rec.outcome, rec.status, rec.encoding) == ("ok", 200, "gb18030")
    assert "\ufffd" not in result.text
    assert "天门市招商服务中心党组书记、主任黄祥斌" in result.text


def test_gb2312_label_with_rare_names(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/gb2312-rare"))
    assert (result.record.outcome, result.record.encoding) == ("ok", "gb18030")
    assert "<p>镕 喆</p>" in result.text and "\ufffd" not in result.text


def test_wrong_header_charset_falls_back(fetcher, loopback_server):
    result = fetcher.fetch(loopback_server.url("/wrong-header"))
    assert result.record.encoding == "gb18030" and "镕" in result.text and "\ufffd" not in result.text


@pytest.mark.parametrize(("path", "status"), [("/challenge-412", 412), ("/challenge-202", 202)])
def test_challenge_pages_are_blocked_not_retried(fetcher, loopback_server, path, status):
    exc, rec = _failure(fetcher, loopback_server.url(path), BlockedError)
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("blocked", status, 1, "BlockedError")
    assert "blocked" in rec.error and "--browser" in rec.error
    assert exc.retryable is False
    assert len(loopback_server.requests(path)) == 1


def test_404_is_not_retried(fetcher, loopback_server):
    exc, rec = _failure(fetcher, loopback_server.url("/t20240326_0000000.shtml"))
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("failed", 404, 1, "FetchError")
    assert exc.retryable is False and exc.status == 404


def test_size_cap_by_content_length(loopback_server):
    with Fetcher(loopback_settings(loopback_server, max_body_bytes=10_000)) as fetcher:
        exc, rec = _failure(fetcher, loopback_server.url("/page"))
    assert (rec.outcome, rec.status, rec.attempts) == ("failed", 200, 1)
    assert rec.error.startswith(f"Content-Length {len(REAL_PAGE)} bytes exceeds max_body_bytes=10000")
    assert exc.retryable is False


def test_size_cap_while_streaming(loopback_server):
    with Fetcher(loopback_settings(loopback_server, max_body_bytes=100_000)) as fetcher:
        exc, rec = _failure(fetcher, loopback_server.url("/big-chunked"))
    assert (rec.outcome, rec.status, rec.attempts) == ("failed", 200, 1)
    assert rec.error.startswith("body exceeds max_body_bytes=100000")
    assert 100_000 < rec.body_bytes <= 100_000 + len(REAL_PAGE)


def test_rate_limit_spaces_requests_to_one_host_across_threads(loopback_server):
    settings = loopback_settings(loopback_server, min_interval_s=0.2)
    with Fetcher(settings) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(loopback_server.url("/page"),)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    arrivals = sorted(entry.at for entry in loopback_server.requests("/page"))
    assert len(arrivals) == 4
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= 0.2  # each request waits 0.2 s after the previous one's response


def test_host_rate_limiter_reserves_slots():
    limiter = HostRateLimiter()
    assert limiter.wait("www.hubei.gov.cn", 0.0) == 0.0
    assert limiter.wait("www.hubei.gov.cn", 0.05) == 0.0
    assert limiter.wait("www.hubei.gov.cn", 0.05) > 0.0  # second slot waits
    assert limiter.wait("www.tianmen.gov.cn", 0.05) == 0.0  # per host


def test_parse_retry_after():
    now = datetime(2024, 3, 26, 2, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after("Tue, 26 Mar 2024 02:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 26 Mar 2024 01:59:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_make_fetcher_uses_network_for_hosts_outside_the_snapshot(loopback_server):
    settings = loopback_settings(loopback_server, live=False)
    with make_fetcher(settings) as fetcher:
        result = fetcher.fetch(loopback_server.url("/page"))
    assert result.text == REAL_TEXT
    assert len(loopback_server.requests("/page")) == 1

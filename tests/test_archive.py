"""RawArchive: content-addressed bodies and WARC records, alone and fed by the Fetcher."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from briefings.errors import BlockedError, FetchError
from briefings.fetching.archive import RawArchive
from briefings.fetching.client import Fetcher
from tests.loopback import REAL_PAGE, challenge_body, loopback_server, loopback_settings  # noqa: F401

SHA = hashlib.sha256(REAL_PAGE).hexdigest()
AT = datetime(2024, 3, 26, 2, 31, 0, tzinfo=timezone.utc)


def _records(path):
    with path.open("rb") as handle:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
             r.rec_headers.get_header("WARC-Date"), r.rec_headers.get_header("WARC-Truncated"),
             r.http_headers.get_header("Transfer-Encoding"), r.content_stream().read())
            for r in ArchiveIterator(handle)
        ]


def test_put_get_has_are_content_addressed_and_idempotent(tmp_path):
    archive = RawArchive(tmp_path)
    assert archive.has(SHA) is False
    assert archive.put(REAL_PAGE) == SHA
    path = tmp_path / "objects" / SHA[:2] / SHA
    assert path.read_bytes() == REAL_PAGE
    stamp = path.stat().st_mtime_ns
    assert archive.put(REAL_PAGE) == SHA and path.stat().st_mtime_ns == stamp
    assert archive.has(SHA) is True and archive.get(SHA) == REAL_PAGE
    assert [p.name for p in (tmp_path / "objects").rglob("*") if p.is_file()] == [SHA]
    with pytest.raises(FileNotFoundError):
        archive.get("0" * 64)


def test_warc_response_records_are_appended(tmp_path):
    archive = RawArchive(tmp_path)
    url = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
    first = archive.append_response(url=url, status=200, headers=[("Content-Type", "text/html"),
                                    ("Transfer-Encoding", "chunked")], body=REAL_PAGE, fetched_at=AT, run_id="run-1")
    second = archive.append_response(url=url, status=412, headers=[("Content-Type", "text/html")],
                                     body=challenge_body(), fetched_at=AT, run_id="run-1", truncated="length")
    assert first == second == tmp_path / "warc" / "run-1.warc.gz"
    assert _records(first) == [
        ("response", url, "200", "2024-03-26T02:31:00Z", None, None, REAL_PAGE),
        ("response", url, "412", "2024-03-26T02:31:00Z", "length", None, challenge_body()),
    ]
    assert archive.warc_path(None, at=AT) == tmp_path / "warc" / "2024-03-26.warc.gz"


def test_fetcher_archives_every_body_it_receives(tmp_path, loopback_server):
    archive = RawArchive(tmp_path)
    with Fetcher(loopback_settings(loopback_server), archive=archive, run_id="r1") as fetcher:
        ok = fetcher.fetch(loopback_server.url("/flaky"))  # 503, 503, 200
        with pytest.raises(BlockedError) as blocked:
            fetcher.fetch(loopback_server.url("/challenge-412"))
        with pytest.raises(FetchError) as cut:
            fetcher.fetch(loopback_server.url("/cut-chunked"))
    assert ok.record.sha256 == SHA and archive.get(SHA) == REAL_PAGE
    assert archive.get(blocked.value.record.sha256) == challenge_body()
    assert archive.get(cut.value.record.sha256) == REAL_PAGE[:8000]
    records = _records(tmp_path / "warc" / "r1.warc.gz")
    assert [(r[1].rsplit("/", 1)[1], r[2], r[4]) for r in records] == [
        ("flaky", "503", None), ("flaky", "503", None), ("flaky", "200", None),
        ("challenge-412", "412", None),
        ("cut-chunked", "200", "disconnect"), ("cut-chunked", "200", "disconnect"), ("cut-chunked", "200", "disconnect"),
    ]
    assert records[2][6] == REAL_PAGE


def test_gzip_body_is_stored_decoded_and_warc_keeps_the_encoding(tmp_path, loopback_server):
    archive = RawArchive(tmp_path)
    with Fetcher(loopback_settings(loopback_server), archive=archive, run_id="gz") as fetcher:
        result = fetcher.fetch(loopback_server.url("/gzip"))
    assert result.record.sha256 == SHA and archive.get(SHA) == REAL_PAGE
    with (tmp_path / "warc" / "gz.warc.gz").open("rb") as handle:
        record = next(iter(ArchiveIterator(handle)))
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        assert record.content_stream().read() == REAL_PAGE  # warcio undoes the gzip on read

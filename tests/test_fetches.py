"""What the ``fetches`` table keeps (issue 17): one row per request, its last response, with the try count.

The retried responses before it are not rows of ``fetches``: they are records of the run's WARC file,
one per response (tests/test_archive.py shows every body is there). README, "The warehouse", says so.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from warcio.archiveiterator import ArchiveIterator

from briefings.errors import FetchError
from briefings.fetching.archive import RawArchive
from briefings.fetching.client import Fetcher
from tests.loopback import loopback_server, loopback_settings  # noqa: F401
from warehouse.connect import open_writer
from warehouse.load import record_fetches


def _warc_statuses(archive: RawArchive, run_id: str) -> list[tuple[str, str]]:
    with archive.warc_path(run_id).open("rb") as handle:
        return [(r.rec_headers.get_header("WARC-Target-URI").rsplit("/", 1)[1], r.http_headers.get_statuscode())
                for r in ArchiveIterator(handle)]


def test_fetches_keeps_one_row_per_request_and_the_warc_file_every_response(tmp_path, loopback_server,
                                                                             fresh_warehouse):
    archive = RawArchive(tmp_path / "raw")
    settings = loopback_settings(loopback_server)
    with Fetcher(replace(settings, max_attempts=2), archive=archive, run_id="run-failed") as fetcher:
        with pytest.raises(FetchError) as failed:  # /flaky answers 503 twice: both tries fail
            fetcher.fetch(loopback_server.url("/flaky"))
    with Fetcher(settings, archive=archive, run_id="run-ok") as fetcher:
        ok = fetcher.fetch(loopback_server.url("/retry-after")).record  # 429 (Retry-After: 1), then 200
    con = open_writer(fresh_warehouse)
    try:
        assert record_fetches(con, [ok], "run-ok") == 1
        assert record_fetches(con, [failed.value.record], "run-failed") == 1
        rows = con.execute("SELECT run_id, url, status, outcome, error, attempts FROM fetches ORDER BY run_id"
                           ).fetchall()
    finally:
        con.close()
    assert [(r[0], r[1].rsplit("/", 1)[1], *r[2:]) for r in rows] == [
        ("run-failed", "flaky", 503, "failed", f"HTTP 503 ({loopback_server.url('/flaky')})", 2),
        ("run-ok", "retry-after", 200, "ok", None, 2),
    ]
    assert _warc_statuses(archive, "run-failed") == [("flaky", "503"), ("flaky", "503")]
    assert _warc_statuses(archive, "run-ok") == [("retry-after", "429"), ("retry-after", "200")]

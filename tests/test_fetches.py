"""What the ``fetches`` table keeps (issue 17): one row per HTTP response, with its try number.

A request tried three times is three rows: the first two with outcome ``retried`` (their status and
error), the last with the request's outcome. The run's WARC file has the same responses, one record
each. README ("The warehouse") and docs/tables.md say so.
"""

from __future__ import annotations

import socket
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


def test_fetches_keeps_one_row_per_response_with_its_try_number_status_and_error(tmp_path, loopback_server,
                                                                                  fresh_warehouse):
    archive = RawArchive(tmp_path / "raw")
    settings = loopback_settings(loopback_server)
    with Fetcher(replace(settings, max_attempts=2), archive=archive, run_id="run-failed") as fetcher:
        with pytest.raises(FetchError) as failed:  # /flaky answers 503 twice: both tries fail
            fetcher.fetch(loopback_server.url("/flaky"))
    with Fetcher(settings, archive=archive, run_id="run-ok") as fetcher:
        ok = fetcher.fetch(loopback_server.url("/retry-after")).record  # 429 (Retry-After: 1), then 200
    assert [(r.attempt_no, r.status, r.outcome) for r in ok.responses()] == [(1, 429, "retried"), (2, 200, "ok")]
    con = open_writer(fresh_warehouse)
    try:
        assert record_fetches(con, [failed.value.record], "run-failed") == 2
        assert record_fetches(con, [ok], "run-ok") == 2
        assert record_fetches(con, [ok], "run-ok") == 0  # a retried flow run does not store them twice
        rows = con.execute("SELECT run_id, url, attempt_no, status, outcome, error, attempts FROM fetches "
                           "ORDER BY run_id, attempt_no").fetchall()
    finally:
        con.close()
    flaky, retry_after = loopback_server.url("/flaky"), loopback_server.url("/retry-after")
    assert rows == [
        ("run-failed", flaky, 1, 503, "retried", f"HTTP 503 ({flaky})", 2),
        ("run-failed", flaky, 2, 503, "failed", f"HTTP 503 ({flaky})", 2),
        ("run-ok", retry_after, 1, 429, "retried", f"HTTP 429 ({retry_after})", 2),
        ("run-ok", retry_after, 2, 200, "ok", None, 2),
    ]
    # the same responses as the WARC file of each run
    assert _warc_statuses(archive, "run-failed") == [("flaky", "503"), ("flaky", "503")]
    assert _warc_statuses(archive, "run-ok") == [("retry-after", "429"), ("retry-after", "200")]


def test_a_try_without_a_response_is_a_row_with_no_status_and_its_error(fresh_warehouse, loopback_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Fetcher(loopback_settings(loopback_server, max_attempts=3)) as fetcher, pytest.raises(FetchError) as refused:
        fetcher.fetch(f"http://127.0.0.1:{port}/page")
    con = open_writer(fresh_warehouse)
    try:
        record_fetches(con, [refused.value.record], "run-refused")
        rows = con.execute("SELECT attempt_no, status, outcome, error_type, starts_with(error, 'connection failed') "
                           "FROM fetches ORDER BY attempt_no").fetchall()
    finally:
        con.close()
    assert rows == [(1, None, "retried", "FetchError", True), (2, None, "retried", "FetchError", True),
                    (3, None, "failed", "FetchError", True)]


def test_a_retried_request_survives_the_batch_manifest_with_every_try(tmp_path, loopback_server):
    """The load task reads fetch records back from a batch manifest (issue 15): the earlier tries come too."""
    from briefings.staging import dump_record, load_record

    settings = loopback_settings(loopback_server)
    with Fetcher(settings, archive=RawArchive(tmp_path / "raw"), run_id="run-ok") as fetcher:
        ok = fetcher.fetch(loopback_server.url("/retry-after")).record  # 429 (Retry-After: 1), then 200
    again = load_record(dump_record(ok))
    assert again == ok
    assert [(r.attempt_no, r.status, r.outcome) for r in again.responses()] == [(1, 429, "retried"), (2, 200, "ok")]

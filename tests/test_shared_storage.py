"""Shared storage: the raw archive, staging and Prefect results under ``BRIEFINGS_DATA_URL``.

A real S3 API on 127.0.0.1 (moto's server mode, reached through s3fs exactly as AWS would be):
collect and reparse with ``BRIEFINGS_DATA_URL=s3://…`` leave the same tables as with a local
folder, and the archive's objects are in the bucket; the S3 runs use 2 Dask worker processes.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from briefings.errors import ConfigError
from briefings.fetching.archive import RawArchive
from briefings.ids import sha256_hex
from briefings.settings import Settings
from tests.conftest import warehouse_checksums as _checksums
from tests.site_server import SESSION12_PATH, SYNTHETIC_PATH, SiteServer, column_site

BUCKET = "briefings-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on 127.0.0.1 with an empty bucket; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture()
def s3(monkeypatch, s3_endpoint):
    """The standard AWS variables pointed at the local server; a fresh bucket. Yields an s3fs file system."""
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    if fs.exists(BUCKET):
        fs.rm(BUCKET, recursive=True)
    fs.mkdir(BUCKET)
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()


def test_data_url_picks_the_location_of_archive_staging_and_results(tmp_path):
    local = Settings.from_env(data_dir=tmp_path / "d")
    assert local.raw_dir == tmp_path / "d" / "raw" and isinstance(local.raw_dir, Path)
    folder = Settings.from_env(data_url=f"file://{tmp_path}/shared")
    assert folder.staging_dir == tmp_path / "shared" / "staging" and not folder.is_remote_data
    remote = Settings.from_env(data_url="s3://bucket/prefix/")
    assert (str(remote.raw_dir), str(remote.staging_dir), str(remote.results_dir)) == (
        "s3://bucket/prefix/raw", "s3://bucket/prefix/staging", "s3://bucket/prefix/prefect-results")
    assert remote.is_remote_data
    with pytest.raises(ConfigError, match="nosuchfs"):
        Settings.from_env(data_url="nosuchfs://bucket/x")


@pytest.mark.slow
def test_archive_on_s3_stores_objects_and_one_warc_record_per_object(s3, session12_bytes):
    archive = RawArchive(Settings.from_env(data_url=f"s3://{BUCKET}/a").raw_dir)
    digest = archive.put(session12_bytes)
    assert digest == sha256_hex(session12_bytes) and archive.has(digest)
    assert archive.get(digest) == session12_bytes
    assert s3.cat(f"{BUCKET}/a/raw/objects/{digest[:2]}/{digest}") == session12_bytes
    from datetime import datetime, timezone

    at = datetime(2024, 3, 26, 2, 31, tzinfo=timezone.utc)
    for _ in range(2):
        archive.append_response(url="https://www.hubei.gov.cn/x.shtml", status=200, headers=[("Content-Type", "text/html")],
                                body=session12_bytes, fetched_at=at, run_id="r1")
    records = s3.ls(f"{BUCKET}/a/raw/warc/r1")
    assert len(records) == 2 and all(r.endswith(".warc.gz") for r in records)
    from warcio.archiveiterator import ArchiveIterator

    with s3.open(records[0], "rb") as handle:
        seen = [(r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read()) for r in ArchiveIterator(handle)]
    assert seen == [("https://www.hubei.gov.cn/x.shtml", session12_bytes)]




@pytest.mark.slow
def test_collect_and_reparse_on_s3_match_a_local_folder_and_the_archive_is_in_the_bucket(
    prefect_harness, s3, monkeypatch, tmp_path
):
    from flows.collect import collect
    from flows.common import with_result_storage
    from flows.reparse import reparse

    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    site = SiteServer(column_site()).start()
    try:
        runs = {}
        # on S3 with 2 Dask worker processes: each reads the bodies and staging that another wrote
        for name, data_url, workers in (("local", str(tmp_path / "data"), 1), ("s3", f"s3://{BUCKET}/shared", 2)):
            monkeypatch.setenv("BRIEFINGS_DATA_URL", data_url)
            settings = Settings.from_env()
            warehouse = str(tmp_path / name / "briefings.duckdb")
            first = with_result_storage(collect, settings)(source=site.source, warehouse=warehouse, workers=workers)
            assert (first["loaded"], first["failed"]) == (2, 0)
            collected = _checksums(Path(warehouse))
            staging = settings.staging_dir  # gone, so that reparse reads the archive's bodies
            if name == "s3":
                s3.rm(str(staging).removeprefix("s3://"), recursive=True)
            else:
                shutil.rmtree(staging)
            # full: parse every page again (a reparse skips current pages otherwise, issue 15)
            again = with_result_storage(reparse, settings)(warehouse=warehouse, full=True, workers=workers)
            assert (again["unchanged"], again["failed"]) == (2, 0)
            assert _checksums(Path(warehouse)) == collected
            runs[name] = collected
    finally:
        site.stop()
    assert runs["s3"] == runs["local"]
    assert set(runs["s3"]) >= {"briefings", "turns", "indicators"}

    pages = column_site()
    objects = s3.find(f"{BUCKET}/shared/raw/objects")
    for path in (SESSION12_PATH, SYNTHETIC_PATH):
        digest = sha256_hex(pages[path])
        assert f"{BUCKET}/shared/raw/objects/{digest[:2]}/{digest}" in objects
        assert s3.cat(f"{BUCKET}/shared/raw/objects/{digest[:2]}/{digest}") == pages[path]
    assert s3.find(f"{BUCKET}/shared/raw/warc"), "every exchange has its WARC record in the bucket"
    assert len(s3.find(f"{BUCKET}/shared/staging")) == 2
    assert s3.find(f"{BUCKET}/shared/prefect-results"), "Prefect's task results are in the bucket"
    assert (tmp_path / "data" / "prefect-results").is_dir()  # the local run kept its own

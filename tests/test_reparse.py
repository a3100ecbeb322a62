"""The plain pipelines in batches (issue 15): run manifests, a reparse that skips current pages before
parsing them, and a parser change that re-derives the rows of the same version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import briefings.parsing
import briefings.pipeline.driver as pipeline_driver
from briefings.pipeline import collect_plain, load_manifest, manifest_dir, reparse_plain, run_context
from briefings.settings import Settings
from tests.conftest import warehouse_checksums
from tests.site_server import SiteServer, column_site
from warehouse.connect import open_reader


@pytest.fixture()
def site():
    server = SiteServer(column_site()).start()
    yield server
    server.stop()


def _settings(tmp_path: Path, site: SiteServer, **changes) -> Settings:
    return Settings.from_env(source=site.source, data_dir=tmp_path / "data",
                             warehouse_path=tmp_path / "warehouse" / "briefings.duckdb", min_interval_s=0.0,
                             **changes)


def _read(settings: Settings, sql: str) -> list[tuple]:
    con = open_reader(settings.warehouse_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _checksums(settings: Settings) -> dict[str, str]:
    return warehouse_checksums(settings.warehouse_path)


def test_collect_in_batches_of_one_gives_the_tables_of_one_batch(tmp_path, site):
    one = _settings(tmp_path / "one", site, load_batch_size=1)
    summary = collect_plain(one)
    assert (summary.count("loaded"), summary.failed, summary.requests) == (2, [], 4)
    manifests = sorted(p.name for p in manifest_dir(one, summary.run_id).iterdir())
    assert [re.fullmatch(r"batch-(\d{5})-[0-9a-f]{12}\.json", m).group(1) for m in manifests] == ["00001", "00002"]
    first = json.loads((manifest_dir(one, summary.run_id) / manifests[0]).read_text(encoding="utf-8"))
    # a manifest lists its pages (list order: session 13 first) and fetch records (the list pages ride
    # with the first batch), no rows
    assert [p["url"] for p in first["pages"]] == [f"{site.source.rsplit('/', 1)[0]}/202403/t20240327_5999013.shtml"]
    assert [r["url"].rsplit("/", 1)[-1] for r in first["records"]] == [
        "index.shtml", "index_1.shtml", "t20240327_5999013.shtml"]

    together = _settings(tmp_path / "together", site)
    assert collect_plain(together).count("loaded") == 2
    assert _checksums(one) == _checksums(together)
    assert _read(one, "SELECT session_no, count(*) FROM turns JOIN briefings USING (briefing_id) GROUP BY 1 "
                      "ORDER BY 1") == [(12, 16), (13, 16)]


def test_loading_a_manifest_again_changes_nothing(tmp_path, site):
    settings = _settings(tmp_path, site)
    summary = collect_plain(settings)
    before = _checksums(settings)
    fetches = _read(settings, "SELECT count(*) FROM fetches")
    [manifest] = manifest_dir(settings, summary.run_id).iterdir()
    with run_context(settings, summary.run_id) as context:
        report = load_manifest(context, manifest)
    assert [o.status for o in report.outcomes] == ["unchanged", "unchanged"]
    assert report.rows == 2 * (1 + 6 + 16 + 13 + 6) + _read(settings, "SELECT count(*) FROM indicators")[0][0]
    assert _checksums(settings) == before
    assert _read(settings, "SELECT count(*) FROM fetches") == fetches


def test_a_reparse_with_nothing_new_parses_nothing(tmp_path, site, monkeypatch):
    settings = _settings(tmp_path, site)
    collect_plain(settings)
    before = _checksums(settings)
    site.stop()

    def must_not_parse(*args, **kwargs):
        raise AssertionError("a current page was parsed")

    monkeypatch.setattr(pipeline_driver, "parse_archived", must_not_parse)
    summary = reparse_plain(settings)
    assert [(p.status, p.stage, p.turns) for p in summary.pages] == [("unchanged", "parse", 16)] * 2
    stored = dict(_read(settings, "SELECT b.url, count(*) FROM indicators JOIN briefings b USING (briefing_id) "
                                  "GROUP BY 1"))
    assert {p.url: p.mentions for p in summary.pages} == stored and min(stored.values()) > 0
    assert summary.ok and summary.requests == 0
    assert _checksums(settings) == before


def test_a_new_parser_version_re_derives_every_page_in_place(tmp_path, site, monkeypatch):
    settings = _settings(tmp_path, site)
    collect_plain(settings)
    site.stop()
    monkeypatch.setattr(briefings.parsing, "PARSER_VERSION", "next-test")
    summary = reparse_plain(settings)
    assert [(p.status, p.stage) for p in summary.pages] == [("loaded", "load")] * 2
    assert summary.ok
    assert _read(settings, "SELECT DISTINCT parser_version FROM turns") == [("next-test",)]
    assert _read(settings, "SELECT version_no, parser_version, valid_to IS NULL FROM briefing_versions") == [
        (1, "next-test", True)] * 2
    # the same version's history rows were replaced, not added to
    assert _read(settings, "SELECT version_no, count(*), min(parser_version) FROM turns_history GROUP BY 1") == [
        (1, 32, "next-test")]
    again = reparse_plain(settings)
    assert [p.status for p in again.pages] == ["unchanged", "unchanged"]

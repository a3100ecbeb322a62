"""Set-based batch loads (issue 15): a batch loads exactly as its pages loaded one by one would, and a
bad page is rejected alone while the rest of its batch loads."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from briefings.errors import LoadError
from tests.warehouse_fixtures import (
    SEED_SHA256,
    SESSION12_URL,
    session12,
    synthetic_briefing,
    with_edited_turn,
)
from warehouse.checks import run_checks
from warehouse.connect import open_writer
from warehouse.load import BatchPage, RejectedRows, load_batch, merge_order, table_checksums, upsert_briefing

EDITED = "湖北日报记者补充提问:天门市今年培育高新技术企业的目标是多少家?"


@pytest.fixture(scope="module")
def base():
    return session12()


@pytest.fixture()
def two_warehouses(tmp_path):
    batch = open_writer(tmp_path / "batch.duckdb")
    single = open_writer(tmp_path / "single.duckdb")
    yield batch, single
    batch.close()
    single.close()


def _pages(base, numbers):
    return [BatchPage(*synthetic_briefing(n, base)) for n in numbers]


def _one_by_one(con, pages, run_id):
    return [upsert_briefing(con, p.parsed, url=p.url, content_sha256=p.content_sha256, run_id=run_id,
                            list_date=p.list_date) for p in pages]


def _all_rows(con) -> int:
    return sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
               for t in ("briefings", "guests", "turns", "appearances", "qa_pairs", "indicators"))


def test_merge_files_run_in_dependency_order():
    order = merge_order()
    assert set(order) == {"briefings", "briefing_versions", "speakers", "speaker_positions", "guests", "turns",
                          "appearances", "qa_pairs", "indicators", "briefings_history", "guests_history",
                          "turns_history", "appearances_history", "qa_pairs_history", "indicators_history",
                          "suspect_labels"}
    for later, earlier in (("speaker_positions", "speakers"), ("turns", "speakers"), ("turns", "briefings"),
                           ("suspect_labels", "briefings"),
                           ("turns_history", "turns"), ("briefings_history", "briefings"),
                           ("indicators_history", "indicators")):
        assert order.index(earlier) < order.index(later), (earlier, later)


def test_a_batch_loads_exactly_like_its_pages_one_by_one(two_warehouses, base):
    batch, single = two_warehouses
    pages = [BatchPage(base, SESSION12_URL, SEED_SHA256), *_pages(base, range(1, 31))]
    results = load_batch(batch, pages, run_id="run-1")
    expected = _one_by_one(single, pages, "run-1")
    assert [r.action for r in results] == ["inserted"] * 31
    assert [(r.briefing_id, r.version_no, r.counts) for r in results] == [
        (r.briefing_id, r.version_no, r.counts) for r in expected]
    assert results[0].counts == {"briefings": 1, "guests": 6, "turns": 16, "appearances": 13, "qa_pairs": 6,
                                 "indicators": len(base.mentions), "speakers": 13,
                                 "speaker_positions": expected[0].counts["speaker_positions"]}
    assert table_checksums(batch) == table_checksums(single)
    # the speakers all pages share are stored once, first seen on the earliest page (one date: lowest id)
    assert batch.execute("SELECT count(*), count(DISTINCT first_briefing_id) FROM speakers").fetchall() == [(13, 1)]
    assert [r for r in run_checks(batch, "run-1") if r.status == "fail"] == []


def test_a_speakers_first_briefing_is_the_earliest_whatever_the_load_order(tmp_path, base):
    """Session 12 (2024-03-26) and a copy held a day later, loaded forwards, backwards and in one
    batch: speakers and their positions are the same rows, first seen in session 12."""
    from datetime import timedelta

    s12 = BatchPage(base, SESSION12_URL, SEED_SHA256)
    parsed, url, sha = synthetic_briefing(1, base)
    later = BatchPage(dataclasses.replace(parsed, briefing=dataclasses.replace(
        parsed.briefing, event_date=base.briefing.event_date + timedelta(days=1))), url, sha)
    orders = {"forwards": [[s12], [later]], "backwards": [[later], [s12]], "one batch": [[later, s12]]}
    found = {}
    for name, batches in orders.items():
        con = open_writer(tmp_path / f"{name}.duckdb")
        for n, pages in enumerate(batches):
            load_batch(con, pages, run_id=f"run-{n}")
        sums = table_checksums(con)
        found[name] = ({t: sums[t] for t in ("speakers", "speaker_positions")},
                       con.execute("SELECT DISTINCT first_briefing_id FROM speakers UNION "
                                   "SELECT DISTINCT first_briefing_id FROM speaker_positions").fetchall())
        con.close()
    assert found["forwards"] == found["backwards"] == found["one batch"]
    assert found["forwards"][1] == [("hubei.gov.cn:t20240326_5134107",)]


def test_new_versions_reparses_repeats_and_unchanged_pages_in_one_batch(two_warehouses, base):
    batch, single = two_warehouses
    first = _pages(base, range(1, 11))
    load_batch(batch, first, run_id="run-1")
    _one_by_one(single, first, "run-1")

    edited = [dataclasses.replace(p, parsed=with_edited_turn(p.parsed, 4, EDITED), content_sha256="e" * 63 + str(i))
              for i, p in enumerate(first[3:5])]
    reparsed = [dataclasses.replace(p, parsed=dataclasses.replace(p.parsed, parser_version="next"))
                for p in first[5:7]]
    back = dataclasses.replace(first[3], content_sha256="f" * 64)  # page 4 again, in the same batch
    second = [*first[:3], *edited, *reparsed, *_pages(base, range(11, 16)), back]
    results = load_batch(batch, second, run_id="run-2")
    expected = _one_by_one(single, second, "run-2")

    assert [(r.action, r.version_no) for r in results] == [(r.action, r.version_no) for r in expected]
    assert [(r.action, r.version_no) for r in results] == (
        [("unchanged", 1)] * 3 + [("updated", 2)] * 2 + [("updated", 1)] * 2 + [("inserted", 1)] * 5
        + [("updated", 3)])
    assert table_checksums(batch) == table_checksums(single)
    assert batch.execute("SELECT version_no, valid_to IS NULL FROM briefing_versions WHERE briefing_id = ? "
                         "ORDER BY 1", [results[3].briefing_id]).fetchall() == [(1, False), (2, False), (3, True)]
    assert batch.execute("SELECT DISTINCT parser_version FROM turns WHERE briefing_id = ?",
                         [results[5].briefing_id]).fetchall() == [("next",)]
    assert [r for r in run_checks(batch, "run-2") if r.status == "fail"] == []


def test_an_unchanged_batch_writes_nothing(two_warehouses, base):
    batch, _ = two_warehouses
    pages = _pages(base, range(1, 6))
    load_batch(batch, pages, run_id="run-1")
    sums = table_checksums(batch)
    loaded_at = batch.execute("SELECT max(loaded_at) FROM turns").fetchall()
    again = load_batch(batch, pages, run_id="run-2")
    assert {r.action for r in again} == {"unchanged"}
    assert table_checksums(batch) == sums
    assert batch.execute("SELECT max(loaded_at) FROM turns").fetchall() == loaded_at


def test_one_bad_page_in_a_batch_of_200_is_rejected_and_the_other_199_load(fresh_warehouse, base):
    con = open_writer(fresh_warehouse)
    try:
        pages = _pages(base, range(1, 201))
        bad = pages[56].parsed
        broken = dataclasses.replace(bad.turns[5], text=None)  # turns.text is NOT NULL
        pages[56] = dataclasses.replace(pages[56], parsed=dataclasses.replace(
            bad, turns=(*bad.turns[:5], broken, *bad.turns[6:])))
        results = load_batch(con, pages, run_id="run-1")

        error = results[56]
        assert isinstance(error, LoadError)
        assert error.url == pages[56].url and error.briefing_id is not None
        assert isinstance(error.__cause__, RejectedRows)
        assert error.__cause__.problems == ["turns: text is NULL (NOT NULL column)"]
        assert "NOT NULL" in str(error)
        assert [r.action for i, r in enumerate(results) if i != 56] == ["inserted"] * 199
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(199,)]
        for table in ("briefings", "turns", "guests", "indicators", "turns_history", "briefing_versions"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE briefing_id = ?",
                               [error.briefing_id]).fetchall() == [(0,)], table
        assert con.execute("SELECT count(*) FROM turns").fetchall() == [(16 * 199,)]
    finally:
        con.close()


def test_spans_outside_the_transcript_and_wrong_counts_are_rejected(fresh_warehouse, base):
    con = open_writer(fresh_warehouse)
    try:
        pages = _pages(base, range(1, 5))
        p = pages[1].parsed
        last = p.turns[-1]
        far = dataclasses.replace(last, span=dataclasses.replace(last.span, end=len(p.transcript) + 3))
        pages[1] = dataclasses.replace(pages[1], parsed=dataclasses.replace(p, turns=(*p.turns[:-1], far)))
        p = pages[2].parsed
        pages[2] = dataclasses.replace(pages[2], parsed=dataclasses.replace(p, turns=(*p.turns, p.turns[-1])))
        results = load_batch(con, pages, run_id="run-1")
        assert [type(r).__name__ for r in results] == ["LoadResult", "LoadError", "LoadError", "LoadResult"]
        assert results[1].__cause__.problems == [
            f"turns: turn 16 span [{last.span.start}, {len(p.transcript) + 3}) is not inside the transcript "
            f"({len(p.transcript)} code points)"]
        assert results[2].__cause__.problems == ["briefings: turn_count 17 but 16 turn rows staged"]
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(2,)]
    finally:
        con.close()


def test_a_page_that_breaks_the_merge_fails_alone(fresh_warehouse, base):
    con = open_writer(fresh_warehouse)
    try:
        pages = _pages(base, range(1, 21))
        p = pages[7].parsed
        huge = dataclasses.replace(p.mentions[0], value=Decimal("1E+40"))  # beyond DECIMAL(38, 4)
        pages[7] = dataclasses.replace(pages[7], parsed=dataclasses.replace(p, mentions=(huge, *p.mentions[1:])))
        before = _all_rows(con)
        results = load_batch(con, pages, run_id="run-1")
        assert isinstance(results[7], LoadError) and results[7].briefing_id is not None
        assert "DECIMAL" in str(results[7].__cause__)
        assert [r.action for i, r in enumerate(results) if i != 7] == ["inserted"] * 19
        assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(19,)]
        assert _all_rows(con) - before == 19 * (1 + 6 + 16 + 13 + 6 + len(base.mentions))
        assert [r for r in run_checks(con, "run-1") if r.status == "fail"] == []
    finally:
        con.close()

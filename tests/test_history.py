"""Page history (issue 8): a changed page becomes the current version; earlier versions stay queryable."""

from __future__ import annotations

import pytest

from tests.warehouse_fixtures import SEED_SHA256, SESSION12_URL, session12, with_edited_turn
from warehouse.checks import run_checks
from warehouse.connect import open_writer
from warehouse.load import table_checksums, upsert_briefing

EDITED = "湖北日报记者补充提问:天门市今年培育高新技术企业的目标是多少家?"
EDITED_SHA = "e" * 64


@pytest.fixture()
def two_versions(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    parsed = session12()
    edited = with_edited_turn(parsed, 4, EDITED)
    first = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    second = upsert_briefing(con, edited, url=SESSION12_URL, content_sha256=EDITED_SHA, run_id="run-2")
    yield con, parsed, edited, first, second
    con.close()


def test_changed_page_becomes_version_two(two_versions):
    con, parsed, edited, first, second = two_versions
    assert (first.action, first.version_no) == ("inserted", 1)
    assert (second.action, second.version_no) == ("updated", 2)
    assert con.execute("SELECT version_no, content_sha256 FROM briefings").fetchall() == [(2, EDITED_SHA)]


def test_current_tables_show_the_edit(two_versions):
    con, parsed, *_ = two_versions
    assert con.execute("SELECT text FROM turns WHERE turn_no = 4").fetchall() == [(EDITED,)]
    assert con.execute("SELECT count(*) FROM turns").fetchall() == [(16,)]
    # untouched turns keep their text; later spans moved with the shorter question
    assert con.execute("SELECT text FROM turns WHERE turn_no = 5").fetchall() == [(parsed.turns[4].text,)]
    ok = con.execute(
        "SELECT bool_and(substring(b.transcript, t.span_start + 1, t.span_end - t.span_start) = t.text) "
        "FROM turns t JOIN briefings b USING (briefing_id)").fetchall()
    assert ok == [(True,)]


def test_history_shows_both_versions(two_versions):
    con, parsed, *_ = two_versions
    rows = con.execute(
        "SELECT version_no, text FROM turns_history WHERE turn_no = 4 ORDER BY version_no").fetchall()
    assert rows == [(1, parsed.turns[3].text), (2, EDITED)]
    assert con.execute("SELECT version_no, count(*) FROM turns_history GROUP BY ALL ORDER BY 1").fetchall() == [
        (1, 16), (2, 16)]
    versions = con.execute(
        "SELECT version_no, content_sha256, valid_to IS NULL, valid_to >= valid_from "
        "FROM briefing_versions ORDER BY version_no").fetchall()
    assert versions == [(1, SEED_SHA256, False, True), (2, EDITED_SHA, True, None)]
    old_transcript = con.execute(
        "SELECT transcript FROM briefings_history WHERE version_no = 1").fetchall()[0][0]
    assert old_transcript == parsed.transcript


def test_reloading_current_version_is_unchanged_and_checks_pass(two_versions):
    con, parsed, edited, *_ = two_versions
    sums = table_checksums(con)
    again = upsert_briefing(con, edited, url=SESSION12_URL, content_sha256=EDITED_SHA, run_id="run-3")
    assert (again.action, again.version_no) == ("unchanged", 2)
    assert table_checksums(con) == sums
    failed = [r for r in run_checks(con, "run-3") if r.status == "fail"]
    assert failed == []


def test_page_reverting_to_old_content_is_a_third_version(two_versions):
    con, parsed, *_ = two_versions
    third = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-3")
    assert (third.action, third.version_no) == ("updated", 3)
    assert con.execute("SELECT text FROM turns WHERE turn_no = 4").fetchall() == [(parsed.turns[3].text,)]
    assert con.execute("SELECT count(*) FILTER (valid_to IS NULL), count(*) FROM briefing_versions").fetchall() == [
        (1, 3)]


def test_versions_query_lists_history(two_versions):
    from warehouse.queries import run_named_query

    con, *_ = two_versions
    cols, rows = run_named_query(con, "briefing_versions", {"session": "12"})
    got = [(r[cols.index("version_no")], r[cols.index("is_current")]) for r in rows]
    assert got == [(1, False), (2, True)]


HISTORY_TABLES = ("briefings", "turns", "indicators", "appearances", "guests", "qa_pairs")


def _history_columns(con, table: str) -> list[str]:
    history = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [f"{table}_history"]).fetchall()}
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]).fetchall()
        if r[0] in history]


def test_the_current_versions_history_rows_are_the_current_rows(two_versions):
    """The loader writes history from the staged rows; they must be what the merges left current."""
    con, *_ = two_versions
    for table in HISTORY_TABLES:
        cols = ", ".join(_history_columns(con, table))
        current = sorted(con.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
        stored = sorted(con.execute(
            f"SELECT {cols} FROM {table}_history WHERE version_no = 2").fetchall(), key=repr)
        assert stored == current and len(current) > 0, table
    assert [len(con.execute(f"SELECT 1 FROM {t}").fetchall()) for t in HISTORY_TABLES] == [1, 16, 104, 13, 6, 6]


def test_a_column_the_loader_does_not_write_reaches_the_history_from_the_table(fresh_warehouse):
    """A migration that adds one column to a table and its history (a reviewer's flag, say) keeps it in
    the next version's history for the rows that did not change: read back from the table, not staging."""
    con = open_writer(fresh_warehouse)
    try:
        parsed = session12()
        upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
        con.execute("ALTER TABLE turns ADD COLUMN reviewed BOOLEAN")
        con.execute("ALTER TABLE turns_history ADD COLUMN reviewed BOOLEAN")
        con.execute("UPDATE turns SET reviewed = true WHERE turn_no = 2")  # before the edit: its span stays
        second = upsert_briefing(con, with_edited_turn(parsed, 4, EDITED), url=SESSION12_URL,
                                 content_sha256=EDITED_SHA, run_id="run-2")
        assert (second.action, second.version_no) == ("updated", 2)
        rows = con.execute("SELECT turn_no, reviewed, text = ? FROM turns_history WHERE version_no = 2 "
                           "AND (reviewed OR turn_no = 4) ORDER BY turn_no", [EDITED]).fetchall()
        assert rows == [(2, True, False), (4, None, True)]
    finally:
        con.close()

"""A warehouse made with migration 001 only, holding the real page, upgrades in place with data intact."""

from __future__ import annotations

import shutil
from datetime import datetime

import duckdb

from briefings.settings import MIGRATIONS_DIR
from tests.warehouse_fixtures import SEED_SHA256, SESSION12_URL, session12
from warehouse.connect import open_writer
from warehouse.load import table_checksums, upsert_briefing
from warehouse.migrate import Migrations
from warehouse.queries import run_named_query

BID = "hubei.gov.cn:t20240326_5134107"
LOADED_AT = datetime(2024, 3, 27, 9, 0)


def _v1_warehouse(tmp_path, parsed):
    """A warehouse as release 1 left it: schema 001 and session 12 written with 001's columns."""
    only_001 = tmp_path / "migrations_v1"
    only_001.mkdir()
    shutil.copy(MIGRATIONS_DIR / "001_create_core_tables.sql", only_001)
    path = tmp_path / "warehouse" / "briefings.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    assert Migrations(con, only_001).apply() == [1]
    b = parsed.briefing
    con.execute(
        "INSERT INTO briefings VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?, ?, ?, ?, 1, ?, ?, 'v1-run', ?)",
        [BID, SESSION12_URL, b.series, b.session_no, b.city, b.event_date, b.publish_date, b.title, b.summary,
         b.template, parsed.transcript, SEED_SHA256, parsed.parser_version, len(parsed.guests), len(parsed.turns),
         LOADED_AT])
    con.executemany(
        "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(BID, t.turn_no, t.speaker_id, t.speaker, t.label, t.role, t.outlet, t.text, t.span.start, t.span.end,
          parsed.parser_version, LOADED_AT) for t in parsed.turns])
    con.executemany(
        "INSERT INTO guests VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(BID, g.guest_no, g.name, g.label, g.speaker_id, g.gender, LOADED_AT) for g in parsed.guests])
    con.execute("INSERT INTO briefing_versions VALUES (?, 1, ?, ?, ?, ?, NULL, 'v1-run')",
                [BID, SESSION12_URL, SEED_SHA256, parsed.parser_version, LOADED_AT])
    sums = table_checksums(con)
    con.close()
    return path, sums


def test_upgrade_in_place_keeps_data(tmp_path):
    parsed = session12()
    path, before = _v1_warehouse(tmp_path, parsed)
    assert "indicators" not in before  # 002 not applied yet

    con = open_writer(path)  # applies 002, 003 ...
    try:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
        assert versions == list(range(1, len(list(MIGRATIONS_DIR.glob("*.sql"))) + 1))
        after = table_checksums(con)
        for table in ("briefings", "turns", "briefing_versions"):
            assert after[table] == before[table], table
        # 004 added guests.parser_version: the old rows keep every value and get NULL there
        guests = con.execute(
            "SELECT guest_no, name, label, speaker_id, gender, loaded_at, parser_version FROM guests ORDER BY guest_no"
        ).fetchall()
        assert guests == [(g.guest_no, g.name, g.label, g.speaker_id, g.gender, LOADED_AT, None) for g in parsed.guests]
        assert con.execute("SELECT count(*) FROM indicators").fetchall() == [(0,)]
        assert con.execute("SELECT loaded_at FROM briefings").fetchall() == [(LOADED_AT,)]

        # the upgraded warehouse reads and loads as a current one
        cols, rows = run_named_query(con, "turns", {"session": "12"})
        assert [r[cols.index("turn_no")] for r in rows] == list(range(1, 17))
        result = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256="a" * 64, run_id="v2-run")
        assert (result.action, result.version_no) == ("updated", 2)
        assert result.counts["indicators"] == len(parsed.mentions)
    finally:
        con.close()


def test_loads_survive_a_later_migration_adding_columns(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    nxt = len(list(folder.glob("*.sql"))) + 1
    (folder / f"{nxt:03d}_add_turn_note.sql").write_text(
        "ALTER TABLE turns ADD COLUMN note VARCHAR;\nALTER TABLE turns_history ADD COLUMN note VARCHAR;\n",
        encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        assert Migrations(con, folder).apply()[-1] == nxt
        parsed = session12()
        first = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="r1")
        con.execute("UPDATE turns SET note = 'checked' WHERE turn_no = 1")
        second = upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256="b" * 64, run_id="r2")
        assert (first.action, second.action, second.counts["turns"]) == ("inserted", "updated", 16)
        # the unchanged turn 1 was left alone, note included; history copies the shared columns
        assert con.execute("SELECT note FROM turns WHERE turn_no = 1").fetchall() == [("checked",)]
        assert con.execute("SELECT version_no, note FROM turns_history WHERE turn_no = 1 ORDER BY 1").fetchall() == [
            (1, None), (2, "checked")]
    finally:
        con.close()

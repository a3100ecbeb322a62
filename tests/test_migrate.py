"""Versioned migrations: applied once each with checksums; edits, gaps and failures are refused."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from briefings.errors import MigrationError
from briefings.settings import MIGRATIONS_DIR
from warehouse.migrate import Migrations


@pytest.fixture()
def migrations_dir(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    return folder


@pytest.fixture()
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield con
    con.close()


def _tables(con):
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def test_fresh_warehouse_gets_every_migration_once(con, migrations_dir):
    m = Migrations(con, migrations_dir)
    files = sorted(p.name for p in migrations_dir.glob("*.sql"))
    assert files[:2] == ["001_create_core_tables.sql", "002_add_indicators.sql"]
    assert [x.version for x in m.pending()] == list(range(1, len(files) + 1))
    assert m.apply() == list(range(1, len(files) + 1))
    assert m.apply() == []
    assert m.pending() == []
    applied = m.applied()
    assert [(a.version, a.name) for a in applied][:2] == [(1, "create_core_tables"), (2, "add_indicators")]
    digest = hashlib.sha256((migrations_dir / "001_create_core_tables.sql").read_bytes()).hexdigest()
    assert applied[0].checksum == digest
    assert {"briefings", "speakers", "speaker_positions", "guests", "turns", "appearances", "qa_pairs",
            "indicators", "fetches", "runs", "dq_results", "briefing_versions", "turns_history",
            "schema_migrations"} <= _tables(con)


def test_issue_named_columns_exist(con, migrations_dir):
    Migrations(con, migrations_dir).apply()

    def cols(table):
        return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}

    assert {"briefing_id", "url", "series", "session_no", "city", "event_date", "publish_date", "list_date",
            "title", "summary", "content_source", "template", "transcript", "content_sha256", "parser_version",
            "version_no", "loaded_at"} <= cols("briefings")
    assert {"briefing_id", "turn_no", "speaker_id", "label", "role", "outlet", "text", "span_start", "span_end",
            "parser_version"} <= cols("turns")
    assert {"briefing_id", "turn_no", "mention_no", "speaker_id", "sentence", "span_start", "span_end",
            "value_text", "value", "unit", "unit_text", "qualifier", "kind", "comparison", "rank_scope",
            "period_start", "period_end", "status", "subject", "metric", "value_m2", "parse_flag",
            "parser_version"} <= cols("indicators")
    assert {"fetch_id", "run_id", "url", "final_url", "status", "fetched_at", "sha256", "encoding", "outcome",
            "error", "error_type", "etag", "last_modified", "body_bytes", "attempts", "headers"} <= cols("fetches")
    assert con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'indicators' "
                       "AND column_name = 'value'").fetchall() == [("DECIMAL(38,4)",)]


def test_pending_and_applied_do_not_write(tmp_path, migrations_dir):
    path = tmp_path / "ro.duckdb"
    duckdb.connect(str(path)).close()
    ro = duckdb.connect(str(path), read_only=True)
    m = Migrations(ro, migrations_dir)
    assert m.applied() == []
    assert len(m.pending()) >= 2
    ro.close()


def test_changed_applied_file_is_refused(con, migrations_dir):
    Migrations(con, migrations_dir).apply()
    path = migrations_dir / "001_create_core_tables.sql"
    path.write_text(path.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    with pytest.raises(MigrationError, match="001_create_core_tables.sql changed after it was applied"):
        Migrations(con, migrations_dir).apply()


def test_gap_in_numbering_is_refused(con, migrations_dir):
    last = len(list(migrations_dir.glob("*.sql")))  # 001 .. last exist; last + 1 is missing
    far = f"{last + 2:03d}_far_ahead.sql"
    (migrations_dir / far).write_text("CREATE TABLE later (x INTEGER);", encoding="utf-8")
    with pytest.raises(MigrationError, match=f"gap .* expected {last + 1:03d}, found {far}"):
        Migrations(con, migrations_dir).apply()
    assert "later" not in _tables(con)


def test_badly_named_file_is_refused(con, migrations_dir):
    (migrations_dir / "4_oops.sql").write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(MigrationError, match="not named NNN_name.sql"):
        Migrations(con, migrations_dir).pending()


def test_failing_migration_is_rolled_back_alone(con, migrations_dir):
    m = Migrations(con, migrations_dir)
    done = m.apply()
    nxt = len(done) + 1
    (migrations_dir / f"{nxt:03d}_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nALTER TABLE no_such_table ADD COLUMN y INTEGER;\n", encoding="utf-8")
    with pytest.raises(MigrationError, match=f"{nxt:03d}_broken.sql failed and was rolled back"):
        m.apply()
    assert "half_done" not in _tables(con)
    assert [a.version for a in m.applied()] == done
    assert [p.version for p in m.pending()] == [nxt]


def test_applied_file_removed_is_refused(con, migrations_dir):
    Migrations(con, migrations_dir).apply()
    for p in migrations_dir.glob("*.sql"):
        p.unlink()
    with pytest.raises(MigrationError, match="file is missing"):
        Migrations(con, migrations_dir).pending()

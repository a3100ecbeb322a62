"""briefings.export and `briefings export`: every mart table of the real session-12 warehouse out and back."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from briefings.cli_look import register
from briefings.errors import BriefingsError, ConfigError, WarehouseLockedError
from briefings.export import (MANIFEST_NAME, export_warehouse, load_export, mart_tables, open_for_export,
                              read_manifest, rows_checksum)
from briefings.parsing.vocabulary import load_metrics
from tests.look_fixtures import SESSION12_ID, build_snapshot_warehouse

# Session 12 as loaded: 1 briefing, 6 guests, 16 turns, 6 question/answer pairs,
# 13 speakers (host, 6 guests, 6 journalists' labels), each appearing once.
EXPECTED_ROWS = {"briefings": 1, "briefing_versions": 1, "guests": 6, "turns": 16, "qa_pairs": 6,
                 "speakers": 13, "appearances": 13, "metrics": len(load_metrics())}  # the shipped vocabulary
FIXED_NOW = datetime(2024, 3, 26, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def snapshot_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("export") / "briefings.duckdb")


@pytest.fixture()
def con(snapshot_path: Path):
    connection = duckdb.connect(str(snapshot_path), read_only=True)
    yield connection
    connection.close()


def _checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    out = {}
    for table in mart_tables(con):
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND table_name = $t ORDER BY column_index", {"t": table}).fetchall()]
        out[table] = (con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0],
                      rows_checksum(con, f'"{table}"', cols))
    return out


def test_mart_tables_leave_out_history_and_operational_tables(con) -> None:
    assert mart_tables(con) == ["appearances", "briefing_versions", "briefings", "guests", "indicators", "metrics",
                                "qa_pairs", "speaker_positions", "speakers", "suspect_labels", "turns"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_round_trip_gives_identical_row_counts_and_checksums(con, tmp_path: Path, fmt: str) -> None:
    manifest = export_warehouse(con, tmp_path, fmt=fmt, source="snapshot", now=lambda: FIXED_NOW,
                                progress_mode="off")
    source = _checksums(con)
    for table, rows in EXPECTED_ROWS.items():
        assert source[table][0] == rows, table
    assert source["indicators"][0] > 0
    # manifest = source
    assert {t.table: (t.rows, t.checksum) for t in manifest.tables} == source
    # files read back into a fresh database = source
    with duckdb.connect() as fresh:
        assert load_export(fresh, tmp_path) == source
        turns = fresh.execute("SELECT turn_no, speaker FROM turns ORDER BY turn_no").fetchall()
    assert turns[0] == (1, "黄勤") and turns[3] == (4, "湖北日报记者") and turns[15] == (16, "黄勤")


def test_manifest_records_tables_columns_schema_version_and_time(con, tmp_path: Path) -> None:
    export_warehouse(con, tmp_path, fmt="parquet", source="snapshot", now=lambda: FIXED_NOW, progress_mode="off")
    data = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data == read_manifest(tmp_path)
    applied = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0][0]
    assert data["schema_version"] == applied >= 3
    assert data["exported_at"] == "2024-03-26T08:00:00Z"
    assert data["format"] == "parquet" and data["source"] == "snapshot"
    turns = next(t for t in data["tables"] if t["table"] == "turns")
    assert turns["file"] == "turns.parquet" and turns["rows"] == 16
    assert turns["columns"][:3] == [{"name": "briefing_id", "type": "VARCHAR"}, {"name": "turn_no", "type": "INTEGER"},
                                    {"name": "speaker_id", "type": "VARCHAR"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([MANIFEST_NAME, *(t["file"] for t in data["tables"])])


def test_parquet_reads_identically_in_pyarrow_and_duckdb(con, tmp_path: Path) -> None:
    manifest = export_warehouse(con, tmp_path, fmt="parquet", progress_mode="off")
    for entry in manifest.tables:
        path = tmp_path / entry.file
        arrow_rows = [tuple(r.values()) for r in pq.read_table(path).to_pylist()]
        duck_rows = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
        source_rows = con.execute(f'SELECT * FROM "{entry.table}" ORDER BY ALL').fetchall()
        assert arrow_rows == duck_rows == source_rows, entry.table
    guests = pq.read_table(tmp_path / "guests.parquet").to_pylist()
    assert [g["name"] for g in guests] == ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
    assert {g["briefing_id"] for g in guests} == {SESSION12_ID}
    values = pq.read_table(tmp_path / "indicators.parquet", columns=["value_text", "value"]).to_pylist()
    # the GDP growth of 2023 said by 肖敏: "GDP同比增长6.2%", an exact decimal
    assert {"value_text": "6.2%", "value": Decimal("6.2000")} in values


def test_unknown_format_is_a_config_error(con, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        export_warehouse(con, tmp_path, fmt="xlsx", progress_mode="off")  # type: ignore[arg-type]


def test_locked_warehouse_is_read_from_its_published_copy(tmp_path: Path) -> None:
    from tests.conftest import warehouse_held_by_another_process
    from warehouse.connect import open_writer, publish_read_copy, read_copy_path

    path = build_snapshot_warehouse(tmp_path / "briefings.duckdb")
    # another process holds the write lock, as a running collection does
    with warehouse_held_by_another_process(path):
        with pytest.raises(WarehouseLockedError):
            open_for_export(path, lock_wait_s=0.1)
    with open_writer(path) as writer:
        publish_read_copy(writer)
    with warehouse_held_by_another_process(path):
        reader, source = open_for_export(path, lock_wait_s=0.1)
        with reader:
            assert source == read_copy_path(path)
            manifest = export_warehouse(reader, tmp_path / "out", source=str(source), progress_mode="off")
    assert {t.table: t.rows for t in manifest.tables}["turns"] == 16
    assert manifest.source.endswith("briefings.read.duckdb")


def test_missing_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BriefingsError):
        read_manifest(tmp_path)


def test_export_command_writes_files_and_logs_progress(snapshot_path: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["export", str(tmp_path / "csv"), "--format", "csv",
                                      "--warehouse", str(snapshot_path)])
    assert result.exit_code == 0, result.output
    assert "turns" in result.stdout and "16 rows" in result.stdout
    # not a terminal: plain progress lines on stderr, the last one complete
    assert re.search(r"^export: (\d+)/\1 rows \(100%\), [\d.]+ rows/s, [\d.]+ s — done$", result.stderr, re.M)
    assert (tmp_path / "csv" / "turns.csv").read_text(encoding="utf-8").splitlines()[0].startswith(
        "briefing_id,turn_no,speaker_id,speaker,label,role")

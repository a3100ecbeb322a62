"""Export every mart table to Parquet or CSV files plus a manifest, for analysts.

The export reads the warehouse read-only. While a collection holds the file's write lock nobody
else can open it, so :func:`open_for_export` falls back to the published read copy
(``warehouse/briefings.read.duckdb``, written after each run by ``warehouse.connect.publish_read_copy``).

Layout of an export folder::

    DIR/briefings.parquet   one file per mart table, rows sorted (ORDER BY ALL)
    DIR/turns.parquet ...
    DIR/manifest.json       written last: {"schema_version", "exported_at", "format", "source",
                            "tables": [{"table", "file", "rows", "columns": [{"name", "type"}],
                            "checksum"}]}

``checksum`` is the MD5 of the table's rows (each value cast to text, rows sorted), the same
whether computed on the warehouse, on the Parquet file read by DuckDB, or on the CSV read back
with the manifest's column types (:func:`load_export`): equal checksums = identical rows.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Literal

import duckdb

from briefings.errors import BriefingsError, ConfigError, OutputError, WarehouseLockedError, WarehouseUnreadableError
from briefings.progress import Mode, progress

__all__ = [
    "ExportFormat",
    "OPERATIONAL_TABLES",
    "ExportedTable",
    "ExportManifest",
    "mart_tables",
    "rows_checksum",
    "open_for_export",
    "export_warehouse",
    "read_manifest",
    "load_export",
    "MANIFEST_NAME",
]

ExportFormat = Literal["parquet", "csv"]
MANIFEST_NAME = "manifest.json"
# Not mart: the raw-layer index, the run log, data-quality results, the migration record.
OPERATIONAL_TABLES = frozenset({"fetches", "runs", "run_attempts", "page_outcomes", "dq_results", "schema_migrations"})


@dataclass(frozen=True)
class ExportedTable:
    """One exported table.

    Attributes:
        table: the warehouse table (``turns``).
        file: the file's name inside the export folder (``turns.parquet``).
        rows: rows written.
        columns: ``{"name", "type"}`` per column, DuckDB type names, in table order.
        checksum: :func:`rows_checksum` of the rows (hex MD5).
    """

    table: str
    file: str
    rows: int
    columns: list[dict[str, str]]
    checksum: str


@dataclass(frozen=True)
class ExportManifest:
    """What an export folder holds (``manifest.json``).

    Attributes:
        schema_version: the highest applied migration (``schema_migrations.version``).
        exported_at: UTC time the export finished, ISO 8601 with ``Z``.
        format: ``parquet`` or ``csv``.
        source: the DuckDB file read (the warehouse or its published read copy).
        tables: the exported tables, in name order.
    """

    schema_version: int | None
    exported_at: str
    format: str
    source: str
    tables: list[ExportedTable] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The manifest as JSON-ready dicts."""
        return asdict(self)


def _quote(name: str) -> str:
    """A SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the mart tables in ``con``'s main schema, sorted.

    Every base table except ``*_history`` (per-version copies) and :data:`OPERATIONAL_TABLES`.
    """
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows if name not in OPERATIONAL_TABLES and not name.endswith("_history")]


def rows_checksum(con: duckdb.DuckDBPyConnection, relation_sql: str, columns: list[str]) -> str:
    """Hex MD5 over the rows of ``relation_sql`` (a table name or a ``read_parquet(...)`` call).

    Each value is cast to VARCHAR (NULL -> ``\\N``), values joined by U+001F, rows sorted and
    joined by newlines; an empty relation gives the MD5 of the empty string.
    """
    cells = ", ".join(f"coalesce(CAST({_quote(c)} AS VARCHAR), '\\N')" for c in columns)
    return con.execute(
        f"SELECT md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) "
        f"FROM (SELECT concat_ws(chr(31), {cells}) AS r FROM {relation_sql})"
    ).fetchall()[0][0]


def open_for_export(path: Path, *, lock_wait_s: float = 3.0) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Open the warehouse read-only, or its published read copy while a writer holds the file.

    Args:
        path: the warehouse file (``Settings.warehouse_path``).
        lock_wait_s: how long to wait for a writer before falling back, seconds.
    Returns:
        (read-only connection, the file actually opened).
    Raises:
        WarehouseLockedError: the file is locked and there is no read copy
            (``warehouse.connect.read_copy_path(path)``).
        BriefingsError: there is no warehouse at ``path``.
    """
    from warehouse.connect import open_reader, read_copy_path

    try:
        return open_reader(path, lock_wait_s=lock_wait_s), Path(path)
    except WarehouseLockedError:
        copy = read_copy_path(path)
        if not copy.exists():
            raise
        return open_reader(copy, lock_wait_s=lock_wait_s), copy


def export_warehouse(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    fmt: ExportFormat = "parquet",
    source: str = "",
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    progress_mode: Mode = "auto",
    progress_sink: Callable[[str], None] | None = None,
) -> ExportManifest:
    """Write every mart table of ``con`` to ``out_dir`` and then ``manifest.json``.

    Args:
        con: a warehouse connection (read-only is enough).
        out_dir: folder to write into (created; files of the same names are replaced).
        fmt: ``parquet`` (zstd) or ``csv`` (header row, UTF-8, RFC 4180 quoting, NULL written as ``\\N``
            so that it differs from an empty string).
        source: what to record as the source file in the manifest.
        now: UTC clock for ``exported_at``.
        progress_mode, progress_sink: see :func:`briefings.progress.progress` (counted in rows).
    Returns:
        The manifest written.
    Raises:
        ConfigError: ``fmt`` is neither ``parquet`` nor ``csv``.
        OutputError: the folder or a file in it cannot be written.
        WarehouseUnreadableError: a table could not be read because the warehouse file is damaged.
        BriefingsError: reading a table failed.
        On any error (or an interrupt) nothing in ``out_dir`` changes: the files are written to a
        hidden folder in it (``.export-*``, removed at the end) and moved in when all are written,
        the manifest last.
    """
    if fmt not in ("parquet", "csv"):
        raise ConfigError(f"--format must be parquet or csv, not {fmt!r}")
    out_dir = Path(out_dir)
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true, NULLSTR '\\N'"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(errno.EACCES, "permission denied", str(out_dir))
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"cannot write the export to {out_dir}: {exc.strerror or exc}", path=str(out_dir)) from exc
    # Files go to a hidden folder inside out_dir first and move in when every table is written, so
    # an export that fails or is interrupted leaves no partial set of files beside an old manifest.
    try:
        try:
            tables = mart_tables(con)
            counts = {t: con.execute(f"SELECT count(*) FROM main.{_quote(t)}").fetchall()[0][0] for t in tables}
            has_migrations = "schema_migrations" in _all_tables(con)
            version_rows = con.execute("SELECT max(version) FROM main.schema_migrations").fetchall() \
                if has_migrations else [(None,)]
            exported: list[ExportedTable] = []
            with progress(sum(counts.values()), "export", unit="rows", mode=progress_mode,
                          sink=progress_sink) as bar:
                for table in tables:
                    columns = [{"name": n, "type": t} for n, t in con.execute(
                        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                        "AND schema_name = 'main' AND table_name = $t ORDER BY column_index", {"t": table}).fetchall()]
                    names = [c["name"] for c in columns]
                    file = f"{table}.{fmt}"
                    con.execute(f"COPY (SELECT * FROM main.{_quote(table)} ORDER BY ALL) "
                                f"TO {_sql_string(str(work / file))} ({options})")
                    checksum = rows_checksum(con, f"main.{_quote(table)}", names)
                    exported.append(ExportedTable(table, file, counts[table], columns, checksum))
                    bar.advance(counts[table], note=table)
        except duckdb.Error as exc:
            from warehouse.integrity import damage_error

            if damage_error(exc):
                raise WarehouseUnreadableError(f"cannot read warehouse {source or 'file'}: the file is damaged: {exc}; "
                                               f"nothing was exported to {out_dir}", path=source) from exc
            if isinstance(exc, duckdb.IOException):
                raise OutputError(f"cannot write the export to {out_dir}: {exc}", path=str(out_dir)) from exc
            raise BriefingsError(f"export to {out_dir} failed: {exc}") from exc
        manifest = ExportManifest(
            schema_version=version_rows[0][0],
            exported_at=now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            format=fmt, source=source, tables=exported,
        )
        try:
            (work / MANIFEST_NAME).write_text(json.dumps(manifest.as_dict(), ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
            (out_dir / MANIFEST_NAME).unlink(missing_ok=True)  # an old manifest never describes new files
            for entry in exported:
                os.replace(work / entry.file, out_dir / entry.file)
            os.replace(work / MANIFEST_NAME, out_dir / MANIFEST_NAME)  # last: the export is complete
        except OSError as exc:
            raise OutputError(f"cannot write the export to {out_dir}: {exc.strerror or exc}",
                              path=str(out_dir)) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _all_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of all tables of the current database's main schema."""
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()}


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The ``manifest.json`` of an export folder, as a dict.

    Raises:
        BriefingsError: the folder holds no manifest (not an export, or the export did not finish).
    """
    path = Path(out_dir) / MANIFEST_NAME
    if not path.exists():
        raise BriefingsError(f"no {MANIFEST_NAME} in {out_dir}: not a finished export")
    return json.loads(path.read_text(encoding="utf-8"))


def _reader_sql(out_dir: Path, entry: dict[str, Any], fmt: str) -> str:
    """``read_parquet(...)`` / ``read_csv(...)`` of one exported file, CSV typed by the manifest."""
    path = _sql_string(str(Path(out_dir) / entry["file"]))
    if fmt == "parquet":
        return f"read_parquet({path})"
    columns = "{" + ", ".join(f"{_sql_string(c['name'])}: {_sql_string(c['type'])}" for c in entry["columns"]) + "}"
    return f"read_csv({path}, header = true, columns = {columns}, auto_detect = false, nullstr = '\\N')"


def load_export(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, tuple[int, str]]:
    """Create one table per exported file in ``con`` (replacing tables of the same name).

    Args:
        con: a writable connection (e.g. ``duckdb.connect()`` in memory).
        out_dir: an export folder with its manifest.
    Returns:
        table -> (rows, :func:`rows_checksum`) as read back; compare with the manifest's.
    Raises:
        BriefingsError: no manifest, or a file could not be read.
    """
    manifest = read_manifest(out_dir)
    out: dict[str, tuple[int, str]] = {}
    try:
        for entry in manifest["tables"]:
            table = entry["table"]
            con.execute(f"CREATE OR REPLACE TABLE {_quote(table)} AS SELECT * FROM "
                        f"{_reader_sql(out_dir, entry, manifest['format'])}")
            rows = con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchall()[0][0]
            out[table] = (rows, rows_checksum(con, _quote(table), [c["name"] for c in entry["columns"]]))
    except duckdb.Error as exc:
        raise BriefingsError(f"reading the export in {out_dir} failed: {exc}") from exc
    return out

"""The DuckDB warehouse: versioned schema, idempotent set-based batch loads with page history,
data-quality checks and named queries.

Open with ``open_writer`` (one process at a time; migrates) or ``open_reader`` (read-only);
see ``docs/tables.md`` for the tables.
"""

from warehouse.checks import CheckResult, run_checks
from warehouse.connect import open_reader, open_writer, publish_read_copy, read_copy_path
from warehouse.load import (
    BatchPage,
    LoadResult,
    load_batch,
    checkpoint,
    list_validators,
    loaded_watermarks,
    record_fetches,
    record_run,
    table_checksums,
    upsert_briefing,
)
from warehouse.migrate import Migrations
from warehouse.queries import NamedQuery, list_queries, run_named_query, run_sql

__all__ = [
    "open_writer",
    "open_reader",
    "publish_read_copy",
    "read_copy_path",
    "Migrations",
    "LoadResult",
    "BatchPage",
    "load_batch",
    "upsert_briefing",
    "record_fetches",
    "record_run",
    "loaded_watermarks",
    "list_validators",
    "table_checksums",
    "checkpoint",
    "CheckResult",
    "run_checks",
    "NamedQuery",
    "list_queries",
    "run_named_query",
    "run_sql",
]

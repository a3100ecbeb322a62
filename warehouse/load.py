"""Loading parsed briefings and run records into the warehouse: staging -> mart, a batch at a time.

A batch of pages (a few hundred; ``load_batch``) is loaded in ONE transaction and a handful of
set-based statements, whatever its size:

1. one lookup of the batch's briefings in ``briefings`` sorts each page into ``inserted`` (new
   URL), ``updated`` (new content_sha256 or parser_version) or ``unchanged`` (both already
   current: nothing is staged or written for it);
2. the rows of the other pages are staged (``briefings.staging.staged_rows``) as one Arrow table
   per mart table, copied into ``stg_<table>`` temp tables of the mart's column types;
3. the staged rows are checked (``sql/staging/checks.sql``: required values, counts, spans inside
   the transcript); a page that fails is rejected alone (a ``LoadError`` for it) and left out;
4. the merge files ``sql/merges/<table>.sql`` (one per mart or history table, its grain and key
   in its header) run in dependency order over the staged rows and ``load_batch`` (one row per
   page to write: its version_no, whether it is a new version);
5. the rows per briefing are counted and compared with what was staged, and the batch commits.

Any error in 4-5 rolls the whole batch back; its pages are then loaded one by one, so that a page
the checks did not catch fails alone and the others still load. Nothing partial is ever committed.

Page history: a new ``content_sha256`` makes a new version (``version_no`` + 1). Its rows become the
current rows and are also appended to ``<table>_history`` with their ``version_no``; the earlier
versions' history rows and ``briefing_versions`` rows stay (``valid_to`` set on the one replaced).
Same hash with a new ``parser_version`` re-derives the rows of the same version. Child rows are
merged by anti-join on every column the loader writes: a row that did not change is left as it is.
"""

from __future__ import annotations

import graphlib
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2
import pyarrow as pa
import pyarrow.compute as pc

from briefings.errors import LoadError
from briefings.ids import briefing_id_for
from briefings.models import FetchRecord, ParsedBriefing
from briefings.settings import SQL_DIR
from briefings.staging import CHILD_TABLES, STAGED_COLUMNS, staged_rows
from warehouse.connect import memory_hint

__all__ = [
    "LoadResult",
    "BatchPage",
    "CHILD_TABLES",
    "CHECKSUM_TABLES",
    "MERGES_DIR",
    "load_batch",
    "upsert_briefing",
    "merge_order",
    "record_fetches",
    "record_run",
    "loaded_watermarks",
    "list_validators",
    "table_checksums",
    "checkpoint",
    "RejectedRows",
]

MERGES_DIR = SQL_DIR / "merges"
# Tables compared by table_checksums (operational tables fetches/runs/dq_results are not load output).
CHECKSUM_TABLES = (
    "briefings", "briefing_versions", "speakers", "speaker_positions", *CHILD_TABLES,
    "briefings_history", *(f"{t}_history" for t in CHILD_TABLES),
)
# Columns that record when/which run loaded a row, not what was loaded.
AUDIT_COLUMNS = frozenset({"loaded_at", "run_id", "valid_from", "valid_to"})
# Key columns per staged table: left out of the UPDATE SET of an upsert.
_KEYS = {"briefings": ("briefing_id",), "speakers": ("speaker_id",)}
FETCH_COLUMNS = (
    "fetch_id", "run_id", "url", "final_url", "status", "fetched_at", "sha256", "encoding", "outcome", "error",
    "error_type", "etag", "last_modified", "body_bytes", "attempts", "headers", "attempt_no",
)


@dataclass(frozen=True)
class LoadResult:
    """What the load did with one page.

    Attributes:
        briefing_id: the briefing's id (``briefing_id_for(url)``).
        action: ``inserted`` (new page), ``updated`` (new content or parser version) or
            ``unchanged`` (same content_sha256 and parser_version already current; nothing written).
        version_no: the current version after the load (1 for a new page).
        counts: current rows per table for this briefing (``briefings``, ``guests``, ``turns``,
            ``appearances``, ``qa_pairs``, ``indicators``, ``speakers``, ``speaker_positions``).
    """

    briefing_id: str
    action: str
    version_no: int
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        """Rows of this briefing in the current per-briefing tables (briefing, guests, turns, ...)."""
        return sum(self.counts.get(t, 0) for t in ("briefings", *CHILD_TABLES))


@dataclass(frozen=True)
class BatchPage:
    """One parsed page to load.

    Attributes:
        parsed: the page's parse (rows are taken as given; turn numbers are not renumbered, so a
            bad page is stored and reported by ``run_checks``).
        url: the page URL (natural key; ``briefing_id = briefing_id_for(url)``).
        content_sha256: hex SHA-256 of the page body (``fetches.sha256``); the watermark.
        list_date: date shown beside the link on the list page, where known.
    """

    parsed: ParsedBriefing
    url: str
    content_sha256: str
    list_date: date | None = None


class RejectedRows(ValueError):
    """A page's staged rows broke a contract of the mart before any merge (the cause of its LoadError).

    Attributes:
        problems: one line per problem found (``turns: text is NULL (NOT NULL column)``).
    """

    def __init__(self, problems: Sequence[str]) -> None:
        shown = "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else "")
        super().__init__(shown)
        self.problems = list(problems)


def _utc_naive(moment: datetime | None) -> datetime | None:
    """UTC wall time without tzinfo (how ``*_at`` columns store it); naive input is taken as UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _catalog(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, bool]]]:
    """Table -> [(column, DuckDB type, nullable)] in order, for every main-schema table."""
    rows = con.execute(
        "SELECT table_name, list((column_name, data_type, is_nullable) ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
    ).fetchall()
    return {table: [tuple(c.values()) if isinstance(c, dict) else tuple(c) for c in cols] for table, cols in rows}


def _all_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Table -> column names, in order, for every main-schema table of the current database."""
    return {table: [c[0] for c in cols] for table, cols in _catalog(con).items()}


# --- the SQL files -------------------------------------------------------------------------------

_DEPENDS = re.compile(r"^--\s*depends:(.*)$", re.MULTILINE)


def _template_env(catalog: dict[str, list[tuple[str, str, bool]]]) -> jinja2.Environment:
    """Jinja environment over ``sql/`` whose globals expand column lists (see sql/merges/_macros.sql)."""

    def columns(table: str, alias: str | None = None) -> str:
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + c for c in STAGED_COLUMNS[table])

    def assignments(table: str, alias: str) -> str:
        keys = _KEYS.get(table, ("briefing_id",))
        return ", ".join(f"{c} = {alias}.{c}" for c in STAGED_COLUMNS[table] if c not in keys)

    def same_row(table: str, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in STAGED_COLUMNS[table])

    def kept_columns(history: str, table: str) -> list[str]:
        current = {c[0] for c in catalog.get(table, [])}
        return [c[0] for c in catalog.get(history, [])
                if c[0] in current and not (c[0] == "version_no" and table != "briefings")]

    def shared_columns(history: str, table: str, alias: str | None = None) -> str:
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + c for c in kept_columns(history, table))

    def staged_covers(history: str, table: str, *merged: str) -> bool:
        covered = set(STAGED_COLUMNS.get(table, ())) | set(merged)
        return table in STAGED_COLUMNS and all(c in covered for c in kept_columns(history, table))

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SQL_DIR)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, autoescape=False)
    env.globals.update(columns=columns, assignments=assignments, same_row=same_row, shared_columns=shared_columns,
                       kept_columns=kept_columns, staged_covers=staged_covers)
    return env


@lru_cache(maxsize=4)
def merge_order(merges_dir: Path = MERGES_DIR) -> tuple[str, ...]:
    """The merge files' tables in dependency order (``-- depends:`` header lines; ties by name).

    Raises:
        LoadError: a file depends on a table that has no merge file, or the dependencies form a cycle.
    """
    graph: dict[str, set[str]] = {}
    for path in sorted(Path(merges_dir).glob("*.sql")):
        if path.name.startswith("_"):
            continue
        found = _DEPENDS.search(path.read_text(encoding="utf-8"))
        graph[path.stem] = {d.strip() for d in (found.group(1).split(",") if found else []) if d.strip()}
    unknown = {d for deps in graph.values() for d in deps} - set(graph)
    if unknown:
        raise LoadError(f"merge files depend on tables without a merge file: {sorted(unknown)}")
    sorter = graphlib.TopologicalSorter({t: sorted(graph[t]) for t in sorted(graph)})
    try:
        return tuple(sorter.static_order())
    except graphlib.CycleError as exc:
        raise LoadError(f"merge files depend on each other in a cycle: {exc.args[1]}") from exc


def _statements(sql: str) -> list[str]:
    """Split rendered SQL into statements (each ends with ``;`` at a line end); comments-only parts dropped."""
    out = []
    for part in re.split(r";[ \t]*(?:\n|$)", sql):
        code = "\n".join(line for line in part.splitlines() if not line.strip().startswith("--")).strip()
        if code:
            out.append(part.strip())
    return out


def _execute(con: duckdb.DuckDBPyConnection, statement: str, params: dict[str, Any]) -> None:
    used = {k: v for k, v in params.items() if f"${k}" in statement}
    con.execute(statement, used) if used else con.execute(statement)


# --- staging -------------------------------------------------------------------------------------

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
    "SMALLINT": pa.int16(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
}


def _arrow_type(duckdb_type: str) -> pa.DataType:
    """The Arrow type a staged column is built with (DECIMALs travel as text and are cast by DuckDB)."""
    return _ARROW_TYPES.get(duckdb_type, pa.string())


def _arrow(table: str, rows: list[tuple[Any, ...]], positions: list[int], types: dict[str, str]) -> pa.Table:
    """Rows of one staged table (plus their pages' ``batch_pos``) as an Arrow table of the mart's types."""
    names = STAGED_COLUMNS[table]
    columns = list(zip(*rows)) if rows else [()] * len(names)
    arrays = {}
    for name, values in zip(names, columns):
        kind = types[name]
        if kind.startswith("DECIMAL"):
            values = tuple(None if v is None else str(v) for v in values)
        arrays[name] = pa.array(values, type=_arrow_type(kind))
    arrays["batch_pos"] = pa.array(positions, type=pa.int32())
    return pa.table(arrays)


@dataclass
class _Page:
    """A page of a batch while it is loaded."""

    pos: int
    page: BatchPage
    briefing_id: str
    action: str = ""
    version_no: int = 0
    new_version: bool = False
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def _stage(con: duckdb.DuckDBPyConnection, pages: list[_Page], catalog: dict[str, list[tuple[str, str, bool]]]
           ) -> dict[int, str]:
    """Fill ``stg_<table>`` with the rows of ``pages``; returns batch_pos -> why a page could not be staged."""
    failed: dict[int, str] = {}
    arrows: dict[str, pa.Table] = {}
    types = {t: {c[0]: c[1] for c in catalog[t]} for t in STAGED_COLUMNS}
    missing = {t: [c for c in cols if c not in types[t]] for t, cols in STAGED_COLUMNS.items()}
    if any(missing.values()):
        raise LoadError(f"the warehouse lacks columns the loader writes (a migration missing?): "
                        f"{ {t: m for t, m in missing.items() if m} }")
    for table in STAGED_COLUMNS:
        good = [p for p in pages if p.pos not in failed]
        rows = [r for p in good for r in p.rows[table]]
        positions = [p.pos for p in good for _ in p.rows[table]]
        try:
            batch = _arrow(table, rows, positions, types[table])
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            # find the pages whose values do not fit the column types; the others go on
            for p in good:
                try:
                    _arrow(table, p.rows[table], [p.pos] * len(p.rows[table]), types[table])
                except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
                    failed[p.pos] = f"{table}: a value does not fit its column type: {exc}"
            good = [p for p in good if p.pos not in failed]
            rows = [r for p in good for r in p.rows[table]]
            batch = _arrow(table, rows, [p.pos for p in good for _ in p.rows[table]], types[table])
        arrows[table] = batch
    if failed:  # a page found bad in a later table: drop its rows from the earlier ones too
        bad = pa.array(sorted(failed), type=pa.int32())
        arrows = {t: a.filter(pc.invert(pc.is_in(a["batch_pos"], value_set=bad))) for t, a in arrows.items()}
    for table, batch in arrows.items():
        # the Arrow table stays registered until the batch ends; the view gives it the mart's types
        casts = ", ".join(f"CAST({c} AS {types[table][c]}) AS {c}" if types[table][c].startswith("DECIMAL") else c
                          for c in STAGED_COLUMNS[table])
        con.register(f"stg_{table}_arrow", batch)
        con.execute(f"CREATE OR REPLACE TEMP VIEW stg_{table} AS SELECT {casts}, batch_pos FROM stg_{table}_arrow")
    return failed


def _unregister_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the batch's staged Arrow tables and their views (after commit or rollback)."""
    for table in STAGED_COLUMNS:
        try:
            con.execute(f"DROP VIEW IF EXISTS temp.stg_{table}")
            con.unregister(f"stg_{table}_arrow")
        except duckdb.Error:
            pass  # never registered (the batch ended before staging)


def _check_staged(con: duckdb.DuckDBPyConnection, env: jinja2.Environment,
                  catalog: dict[str, list[tuple[str, str, bool]]]) -> dict[int, list[str]]:
    """Run ``sql/staging/checks.sql`` over the staged rows: batch_pos -> problems."""
    not_null = {t: [c for c, _, nullable in catalog[t] if not nullable and c in STAGED_COLUMNS[t]]
                for t in STAGED_COLUMNS}
    sql = env.get_template("staging/checks.sql").render(not_null=not_null)
    problems: dict[int, list[str]] = {}
    for pos, problem in con.execute(sql).fetchall():
        problems.setdefault(pos, []).append(problem)
    return problems


# --- the batch load ------------------------------------------------------------------------------


def _current_counts(con: duckdb.DuckDBPyConnection, briefing_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Current rows per table of each briefing in ``briefing_ids`` (one statement for all of them)."""
    ids = list(briefing_ids)
    branches = [
        f"SELECT '{t}' AS tbl, x.briefing_id, count(*) AS n FROM main.{t} AS x "
        f"SEMI JOIN ids ON ids.briefing_id = x.briefing_id GROUP BY x.briefing_id"
        for t in ("briefings", *CHILD_TABLES)
    ]
    people = ("SELECT DISTINCT u.briefing_id, u.speaker_id FROM (SELECT briefing_id, speaker_id FROM appearances "
              "UNION ALL SELECT briefing_id, speaker_id FROM guests) AS u SEMI JOIN ids ON ids.briefing_id = u.briefing_id")
    branches.append(f"SELECT 'speakers', briefing_id, count(*) FROM ({people}) GROUP BY briefing_id")
    branches.append(f"SELECT 'speaker_positions', p.briefing_id, count(*) FROM ({people}) AS p "
                    "JOIN speaker_positions AS sp ON sp.speaker_id = p.speaker_id GROUP BY p.briefing_id")
    sql = "WITH ids AS (SELECT unnest($ids::VARCHAR[]) AS briefing_id) " + " UNION ALL ".join(branches)
    counts = {bid: {t: 0 for t in ("briefings", *CHILD_TABLES, "speakers", "speaker_positions")} for bid in ids}
    for table, bid, n in con.execute(sql, {"ids": ids}).fetchall():
        counts[bid][table] = n
    return counts


def _write(con: duckdb.DuckDBPyConnection, pages: list[_Page], *, run_id: str, now: datetime,
           catalog: dict[str, list[tuple[str, str, bool]]], env: jinja2.Environment) -> None:
    """Run the merge files over ``load_batch`` (``pages``) and the staged rows (inside the open transaction)."""
    batch = pa.table({
        "briefing_id": pa.array([p.briefing_id for p in pages], type=pa.string()),
        "batch_pos": pa.array([p.pos for p in pages], type=pa.int32()),
        "action": pa.array([p.action for p in pages], type=pa.string()),
        "version_no": pa.array([p.version_no for p in pages], type=pa.int32()),
        "new_version": pa.array([p.new_version for p in pages], type=pa.bool_()),
    })
    con.register("load_batch_arrow", batch)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE load_batch AS SELECT * FROM load_batch_arrow")
    finally:
        con.unregister("load_batch_arrow")
    flags = {"updated": any(p.action == "updated" for p in pages),
             "reparsed": any(p.action == "updated" and not p.new_version for p in pages)}
    params = {"run_id": run_id, "now": now}
    for table in merge_order():
        for statement in _statements(env.get_template(f"merges/{table}.sql").render(**flags)):
            _execute(con, statement, params)


def _load_group(con: duckdb.DuckDBPyConnection, group: list[_Page], run_id: str, now: datetime
                ) -> dict[int, LoadResult | LoadError]:
    """Load pages with distinct briefing ids in one transaction (see the module docstring)."""
    out: dict[int, LoadResult | LoadError] = {}
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.Error as exc:
        raise LoadError(f"cannot begin the load transaction: {exc}") from exc
    try:
        # a row loaded before migration 010 has no site: the same page parsed again is not current
        current = {
            bid: (sha, pv, version_no, read_by)
            for bid, sha, pv, version_no, read_by in con.execute(
                "SELECT briefing_id, content_sha256, parser_version, version_no, site FROM briefings "
                "WHERE briefing_id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": [p.briefing_id for p in group]}
            ).fetchall()
        }
        todo: list[_Page] = []
        for p in group:
            cur = current.get(p.briefing_id)
            if cur is None:
                p.action, p.version_no, p.new_version = "inserted", 1, True
            elif (cur[0] == p.page.content_sha256 and cur[1] == p.page.parsed.parser_version
                  and (cur[3] is not None or p.page.parsed.briefing.site is None)):
                p.action, p.version_no = "unchanged", cur[2]
                continue
            else:
                p.new_version = cur[0] != p.page.content_sha256
                p.action, p.version_no = "updated", cur[2] + (1 if p.new_version else 0)
            try:
                p.rows = staged_rows(p.page.parsed, briefing_id=p.briefing_id, url=p.page.url,
                                     content_sha256=p.page.content_sha256, list_date=p.page.list_date)
            except (AttributeError, TypeError, ValueError) as exc:
                failure = LoadError(f"the page's rows could not be staged: {exc}", url=p.page.url,
                                    briefing_id=p.briefing_id)
                failure.__cause__ = exc
                out[p.pos] = failure
                continue
            todo.append(p)
        if todo:
            catalog = _catalog(con)
            env = _template_env(catalog)
            rejected = {pos: [why] for pos, why in _stage(con, todo, catalog).items()}
            for pos, problems in _check_staged(con, env, catalog).items():
                rejected.setdefault(pos, []).extend(problems)
            for p in todo:
                if p.pos in rejected:
                    cause = RejectedRows(rejected[p.pos])
                    error = LoadError(f"the page's rows were rejected before the merge: {cause}", url=p.page.url,
                                      briefing_id=p.briefing_id)
                    error.__cause__ = cause
                    out[p.pos] = error
            todo = [p for p in todo if p.pos not in rejected]
            if todo:
                _write(con, todo, run_id=run_id, now=now, catalog=catalog, env=env)
        loaded = [p for p in group if p.pos not in out]
        counts = _current_counts(con, [p.briefing_id for p in loaded]) if loaded else {}
        for p in todo:
            expected = {"briefings": 1, **{t: len(p.rows[t]) for t in CHILD_TABLES}}
            wrong = {t: (counts[p.briefing_id][t], n) for t, n in expected.items() if counts[p.briefing_id][t] != n}
            if wrong:
                raise LoadError(f"row counts after merge differ from staging (table: (rows, staged)): {wrong}",
                                url=p.page.url, briefing_id=p.briefing_id)
        con.execute("COMMIT" if todo else "ROLLBACK")
    except BaseException:
        _rollback(con)
        raise
    finally:
        _unregister_staged(con)
    for p in loaded:
        out[p.pos] = LoadResult(p.briefing_id, p.action, p.version_no, counts[p.briefing_id])
    return out


def load_batch(con: duckdb.DuckDBPyConnection, pages: Sequence[BatchPage], *, run_id: str,
               now: datetime | None = None) -> list[LoadResult | LoadError]:
    """Load many parsed pages, each as the current version of its briefing, in one transaction.

    Args:
        con: writable warehouse connection (``open_writer``), no transaction open.
        pages: the pages, in list order (which decides, among the batch, whose values a new speaker
            takes); a URL given twice is loaded twice, in order (the later one in a later transaction).
        run_id: the run loading them (kept in ``briefings.run_id`` and ``briefing_versions``).
        now: load time for ``loaded_at`` / ``valid_from`` (UTC); default the current time.
    Returns:
        One entry per page, in order: its LoadResult (``unchanged`` pages write nothing, not even
        load times), or the LoadError that rejected it (rows failing the staging checks, or a
        merge error it caused when loaded alone; the other pages are loaded all the same).
    Raises:
        LoadError: the warehouse could not be written at all (nothing of the batch is committed).
    """
    now = _utc_naive(now) or _now()
    out: list[LoadResult | LoadError | None] = [None] * len(pages)
    group: list[_Page] = []
    ids: set[str] = set()
    groups: list[list[_Page]] = []
    for pos, page in enumerate(pages):
        try:
            bid = briefing_id_for(page.url)
        except ValueError as exc:
            out[pos] = LoadError(f"cannot derive a briefing id: {exc}", url=page.url)
            continue
        if bid in ids:  # the same briefing again: a later transaction, after the first one's
            groups.append(group)
            group, ids = [], set()
        group.append(_Page(pos, page, bid))
        ids.add(bid)
    groups.append(group)
    for group in groups:
        if not group:
            continue
        try:
            results = _load_group(con, group, run_id, now)
        except (duckdb.Error, LoadError) as exc:
            if len(group) == 1:
                p = group[0]
                error = exc if isinstance(exc, LoadError) and exc.briefing_id else LoadError(
                    f"loading the briefing failed and was rolled back: {exc}{memory_hint(exc)}", url=p.page.url, briefing_id=p.briefing_id)
                if error is not exc:
                    error.__cause__ = exc
                results = {p.pos: error}
            else:  # one page broke the batch: load each alone, so that only it fails
                results = {p.pos: load_batch(con, [p.page], run_id=run_id, now=now)[0] for p in group}
        for pos, result in results.items():
            out[pos] = result
    filled = [result for result in out if result is not None]
    assert len(filled) == len(out), "every page of the batch has its result"
    return filled


def upsert_briefing(con: duckdb.DuckDBPyConnection, parsed: ParsedBriefing, *, url: str, content_sha256: str,
                    run_id: str, list_date: date | None = None) -> LoadResult:
    """Load one parsed page as the current version of its briefing, in one transaction (a batch of one).

    Args:
        con: writable warehouse connection (``open_writer``), no transaction open.
        parsed: the page's parse (rows are taken as given; turn numbers are not renumbered, so a
            bad page is stored and reported by ``run_checks``).
        url: the page URL (natural key; ``briefing_id = briefing_id_for(url)``).
        content_sha256: hex SHA-256 of the page body (``fetches.sha256``); the watermark.
        run_id: the run loading it (kept in ``briefings.run_id`` and ``briefing_versions``).
        list_date: date shown beside the link on the list page, where known.
    Returns:
        LoadResult; ``unchanged`` when this content_sha256 and parser_version are already current
        (nothing is written, not even load times).
    Raises:
        LoadError: any failure; the transaction is rolled back and earlier briefings stay as they were.
    """
    [result] = load_batch(con, [BatchPage(parsed, url, content_sha256, list_date)], run_id=run_id)
    if isinstance(result, LoadError):
        raise result
    return result


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # nothing open (DuckDB already aborted it)


def _fetch_id(record: FetchRecord, run_id: str) -> str:
    """Stable id of a response: sha256 of run, URL, completion time, attempts and try number (first 20 hex)."""
    fetched_at = _utc_naive(record.fetched_at)
    key = f"{run_id}|{record.url}|{fetched_at.isoformat() if fetched_at else None}|{record.attempts}"
    if record.attempt_no not in (None, record.attempts):  # an earlier try: the last one keeps its old id
        key += f"|try {record.attempt_no}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def record_fetches(con: duckdb.DuckDBPyConnection, records: Sequence[FetchRecord], run_id: str) -> int:
    """Append HTTP responses to ``fetches`` (the raw layer index); records already there are skipped.

    One row per response: each record's ``retried`` tries first (outcome ``retried``), then the
    record itself, each with its ``attempt_no``.

    Args:
        con: writable warehouse connection.
        records: the run's fetches (``FetchRecord`` from the fetcher, one per request).
        run_id: the run that made them.
    Returns:
        Rows inserted (a response seen before, same run/url/fetched_at/attempts/try, is not inserted twice).
    Raises:
        LoadError: the insert failed (rolled back: none of ``records`` is stored).
    """
    rows = []
    for r in (response for record in records for response in record.responses()):
        headers: dict[str, str] = {}
        for name, value in r.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        rows.append((_fetch_id(r, run_id), run_id, r.url, r.final_url, r.status, _utc_naive(r.fetched_at),
                     r.sha256, r.encoding, r.outcome, r.error, r.error_type, r.etag, r.last_modified,
                     r.body_bytes, r.attempts, json.dumps(headers, ensure_ascii=False),
                     r.attempts if r.attempt_no is None else r.attempt_no))
    rows = list({row[0]: row for row in rows}.values())
    try:
        con.execute("BEGIN TRANSACTION")
        before: int = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE stg_fetches AS SELECT {', '.join(FETCH_COLUMNS)} "
                    "FROM main.fetches WITH NO DATA")
        if rows:
            batch = pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(FETCH_COLUMNS)})
            con.register("stg_fetches_arrow", batch)
            try:
                con.execute("INSERT INTO stg_fetches SELECT * FROM stg_fetches_arrow")
            finally:
                con.unregister("stg_fetches_arrow")
        con.execute(f"INSERT INTO main.fetches ({', '.join(FETCH_COLUMNS)}) SELECT * FROM stg_fetches s "
                    "ANTI JOIN main.fetches f ON f.fetch_id = s.fetch_id")
        after: int = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise LoadError(f"recording {len(rows)} fetches failed and was rolled back: {exc}") from exc
    return after - before


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime | None,
               finished_at: datetime | None, status: str, summary: dict[str, Any]) -> None:
    """Insert or update the ``runs`` row of ``run_id``.

    Args:
        started_at, finished_at: UTC (aware datetimes are converted; naive ones are taken as UTC).
        status: e.g. ``running``, ``completed``, ``failed``.
        summary: JSON-ready dict (counts per outcome, errors by type ...); stored as JSON.
    Raises:
        LoadError: the write failed.
    """
    try:
        con.execute(
            "MERGE INTO runs AS t USING (SELECT $run_id AS run_id, $flow AS flow, $started::TIMESTAMP AS started_at, "
            "$finished::TIMESTAMP AS finished_at, $status AS status, $summary::JSON AS summary) AS s "
            "ON t.run_id = s.run_id WHEN MATCHED THEN UPDATE SET flow = s.flow, started_at = s.started_at, "
            "finished_at = s.finished_at, status = s.status, summary = s.summary "
            "WHEN NOT MATCHED THEN INSERT (run_id, flow, started_at, finished_at, status, summary) "
            "VALUES (s.run_id, s.flow, s.started_at, s.finished_at, s.status, s.summary)",
            {"run_id": run_id, "flow": flow, "started": _utc_naive(started_at), "finished": _utc_naive(finished_at),
             "status": status, "summary": json.dumps(summary, ensure_ascii=False, default=str)},
        )
    except duckdb.Error as exc:
        raise LoadError(f"recording run {run_id} failed: {exc}") from exc


def loaded_watermarks(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """URL -> content_sha256 of every briefing's current version (what incremental runs skip)."""
    return dict(con.execute("SELECT url, content_sha256 FROM briefings ORDER BY url").fetchall())


def list_validators(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """URL -> (ETag, Last-Modified) of its latest ``ok`` fetch, for conditional GET."""
    rows = con.execute(
        "SELECT url, etag, last_modified FROM fetches WHERE outcome = 'ok' "
        "QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, fetch_id DESC) = 1"
    ).fetchall()
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Table -> MD5 over its sorted rows, audit columns (load times, run ids, valid_from/to) left out.

    Covers ``CHECKSUM_TABLES`` (mart and history tables) present in the warehouse; equal values
    before and after a rerun show the load was idempotent. A column NULL in every row (one a
    migration just added) holds no data and is left out, so an upgrade leaves the sums equal.
    """
    out: dict[str, str] = {}
    columns = _all_columns(con)
    for table in CHECKSUM_TABLES:
        cols = [c for c in columns.get(table, []) if c not in AUDIT_COLUMNS]
        if not cols:
            continue
        counts = ", ".join(f'count("{c}")' for c in cols)
        filled = con.execute(f"SELECT {counts} FROM main.{table}").fetchall()[0]
        cols = [c for c, n in zip(cols, filled) if n] or cols
        packed = "CAST(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in cols) + ") AS VARCHAR)"
        out[table] = con.execute(
            f"SELECT md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM (SELECT {packed} AS r FROM main.{table})"
        ).fetchall()[0][0]
    return out


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the WAL into the database file (call after a run's loads).

    Raises:
        LoadError: the checkpoint failed.
    """
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise LoadError(f"checkpoint failed: {exc}") from exc

"""Named SQL queries (``sql/queries/<name>.sql``) and ad hoc SQL for readers.

Header convention of a query file (comment lines before the SQL)::

    -- <name>: what it returns.
    -- grain: one row per ...
    -- param <name> <TYPE>: description                 required
    -- param <name> <TYPE> optional: description        optional: bound to NULL when not given

The SQL refers to parameters as ``$name``; an optional one is written ``($name IS NULL OR ...)``.
Values arrive as strings (CLI flags) and are converted to the declared type, then bound, never
interpolated. Types: INTEGER, VARCHAR, DATE, DECIMAL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb

from briefings.errors import QueryArgumentError, QueryError
from briefings.settings import QUERIES_DIR

__all__ = ["NamedQuery", "QueryResult", "list_queries", "get_query", "run_named_query", "run_sql", "named_query_result",
           "sql_result"]

_PARAM = re.compile(r"^--\s*param\s+(\w+)\s+(INTEGER|VARCHAR|DATE|DECIMAL)(\s+optional)?\s*:\s*(.*)$")
_GRAIN = re.compile(r"^--\s*grain\s*:\s*(.*)$")
_TITLE = re.compile(r"^--\s*(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    """A query file of ``sql/queries``.

    Attributes:
        name: the file's stem (``turns``).
        params: parameter name -> declared type (``INTEGER``, ``VARCHAR``, ``DATE``, ``DECIMAL``),
            in header order.
        grain: what one row is (header ``-- grain:``).
        sql: the file's text.
        path: the file.
        optional: names of the parameters declared ``optional`` (bound to NULL when not given).
        description: the header's first line after ``<name>:``.
        param_help: parameter name -> its description from the header.
    """

    name: str
    params: dict[str, str]
    grain: str
    sql: str
    path: Path
    optional: frozenset[str] = frozenset()
    description: str = ""
    param_help: dict[str, str] = field(default_factory=dict)


def _parse_file(path: Path) -> NamedQuery:
    """Read one query file and its header."""
    sql = path.read_text(encoding="utf-8")
    params: dict[str, str] = {}
    helps: dict[str, str] = {}
    optional: set[str] = set()
    grain = description = ""
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        if m := _PARAM.match(line):
            params[m.group(1)] = m.group(2)
            helps[m.group(1)] = m.group(4).strip()
            if m.group(3):
                optional.add(m.group(1))
        elif m := _GRAIN.match(line):
            grain = m.group(1).strip()
        elif (m := _TITLE.match(line)) and m.group(1) == path.stem:
            description = m.group(2).strip()
    if not grain:
        raise QueryError(f"query file {path} has no '-- grain:' header line")
    return NamedQuery(path.stem, params, grain, sql, path, frozenset(optional), description, helps)


def list_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query of ``directory`` (default ``sql/queries``), by name.

    Raises:
        QueryError: a file lacks its ``-- grain:`` header.
    """
    return [_parse_file(p) for p in sorted(Path(directory).glob("*.sql"))]


def get_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """The named query ``name``.

    Raises:
        QueryArgumentError: no such query (the message lists the known names).
    """
    path = Path(directory) / f"{name}.sql"
    if not re.fullmatch(r"\w+", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries(directory))
        raise QueryArgumentError(f"unknown query {name!r}; known queries: {known}")
    return _parse_file(path)


def _convert(query: NamedQuery, name: str, raw: str) -> object:
    """A parameter's string value as its declared type."""
    kind = query.params[name]
    try:
        if kind == "INTEGER":
            return int(raw)
        if kind == "DATE":
            return date.fromisoformat(raw)
        if kind == "DECIMAL":
            return Decimal(raw)
    except (ValueError, InvalidOperation) as exc:
        raise QueryArgumentError(f"query {query.name}: parameter {name}={raw!r} is not a valid {kind}") from exc
    return raw


@dataclass(frozen=True)
class QueryResult:
    """A query's rows with their column names and DuckDB types (``INTEGER``, ``VARCHAR``, ``JSON``, …)."""

    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]


def _result(cursor: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> QueryResult:
    description = cursor.description or []
    return QueryResult([d[0] for d in description], [str(d[1]) for d in description], rows)


def run_named_query(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, str],
                    directory: Path = QUERIES_DIR) -> tuple[list[str], list[tuple[Any, ...]]]:
    """:func:`named_query_result` as (column names, rows)."""
    result = named_query_result(con, name, params, directory)
    return result.columns, result.rows


def named_query_result(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, str],
                       directory: Path = QUERIES_DIR) -> QueryResult:
    """Run a named query with bound parameters.

    Args:
        con: a warehouse connection (read-only is enough).
        name: the query's name (file stem in ``sql/queries``).
        params: parameter name -> value as text (``{"session": "12"}``); optional parameters left
            out (or given as None) are bound to NULL.
    Returns:
        The column names, their DuckDB types and the rows.
    Raises:
        QueryArgumentError: unknown query or parameter, a required parameter missing, or a value
            not of the declared type.
        QueryError: the query failed in DuckDB.
    """
    query = get_query(name, directory)
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        raise QueryArgumentError(f"query {name} has no parameter(s) {', '.join(unknown)}; "
                         f"it takes: {', '.join(query.params) or 'none'}")
    bound: dict[str, object] = {}
    for pname in query.params:
        raw = params.get(pname)
        if raw is None:
            if pname not in query.optional:
                raise QueryArgumentError(f"query {name} needs parameter {pname} ({query.params[pname]}): "
                                 f"{query.param_help.get(pname, '')}")
            bound[pname] = None
        else:
            bound[pname] = _convert(query, pname, str(raw))
    try:
        cursor = con.execute(query.sql, bound)
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise QueryError(f"query {name} failed: {exc}") from exc
    return _result(cursor, rows)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """:func:`sql_result` as (column names, rows)."""
    result = sql_result(con, sql)
    return result.columns, result.rows


def sql_result(con: duckdb.DuckDBPyConnection, sql: str) -> QueryResult:
    """Run ad hoc SQL (give a read-only connection from ``open_reader``: writes then fail).

    File system access is switched off on ``con`` first (``enable_external_access = false``, which
    cannot be switched back on), so ``COPY … TO`` or ``read_csv`` cannot reach files either.

    Returns:
        Column names, types and rows; all empty for a statement that returns nothing.
    Raises:
        QueryArgumentError: empty SQL.
        QueryError: DuckDB rejected or failed the statement.
    """
    if not sql.strip():
        raise QueryArgumentError("no SQL given")
    try:
        con.execute("SET enable_external_access = false")
        cursor = con.execute(sql)
        if cursor.description is None:
            return QueryResult([], [], [])
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise QueryError(f"SQL failed: {exc}") from exc
    return _result(cursor, rows)

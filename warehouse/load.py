"""Loading parsed briefings and run records into the warehouse (staging -> mart, one transaction each).

A briefing is loaded in ONE transaction: its rows are staged in ``stg_`` temp tables (exact
duplicates dropped), then merged into the current tables on natural keys — the briefing row by
``briefing_id`` (derived from the URL), ``speakers`` by ``speaker_id``, and ``guests`` / ``turns`` /
``appearances`` / ``qa_pairs`` / ``indicators`` by anti-join on ``briefing_id`` plus the row's values
(rows that did not change are left untouched, rows that are gone are deleted, new ones inserted) —
row counts are checked and the transaction commits. Any error rolls everything back.

Page history: a new ``content_sha256`` makes a new version (``version_no`` + 1). Its rows become the
current rows and are also appended to ``<table>_history`` with their ``version_no``; the earlier
versions' history rows and ``briefing_versions`` rows stay (``valid_to`` set on the one replaced).
Same hash with a new ``parser_version`` re-derives the rows of the same version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import duckdb
import pyarrow as pa

from briefings.errors import LoadError
from briefings.ids import briefing_id_for
from briefings.models import FetchRecord, ParsedBriefing, Turn

__all__ = [
    "LoadResult",
    "CHILD_TABLES",
    "CHECKSUM_TABLES",
    "upsert_briefing",
    "record_fetches",
    "record_run",
    "loaded_watermarks",
    "list_validators",
    "table_checksums",
    "checkpoint",
]

# Per-briefing current tables and their history twins (all carry briefing_id).
CHILD_TABLES = ("guests", "turns", "appearances", "qa_pairs", "indicators")
# Tables compared by table_checksums (operational tables fetches/runs/dq_results are not load output).
CHECKSUM_TABLES = (
    "briefings", "briefing_versions", "speakers", "speaker_positions", *CHILD_TABLES,
    "briefings_history", *(f"{t}_history" for t in CHILD_TABLES),
)
# Columns that record when/which run loaded a row, not what was loaded.
AUDIT_COLUMNS = frozenset({"loaded_at", "run_id", "valid_from", "valid_to"})

# Columns the loader writes, by name (a later migration may add columns: they stay NULL / default).
BRIEFING_COLUMNS = (
    "briefing_id", "url", "series", "session_no", "city", "event_date", "publish_date", "list_date", "title",
    "summary", "content_source", "template", "transcript", "content_sha256", "parser_version", "version_no",
    "guest_count", "turn_count", "run_id", "loaded_at", "lead", "extra_spans",
)
SPEAKER_COLUMNS = ("speaker_id", "name", "kind", "gender", "outlet", "first_briefing_id", "loaded_at")
POSITION_COLUMNS = ("speaker_id", "organisation", "title", "first_briefing_id", "loaded_at")
CHILD_COLUMNS = {
    "guests": ("briefing_id", "guest_no", "name", "label", "speaker_id", "gender", "parser_version"),
    "turns": ("briefing_id", "turn_no", "speaker_id", "speaker", "label", "role", "outlet", "text", "span_start",
              "span_end", "parser_version"),
    "appearances": ("briefing_id", "speaker_id", "role", "label", "first_turn_no", "turn_count", "parser_version"),
    "qa_pairs": ("briefing_id", "question_turn_no", "answer_turn_no", "outlet", "answer_speaker_id", "parser_version"),
    "indicators": ("briefing_id", "turn_no", "mention_no", "speaker_id", "sentence", "span_start", "span_end",
                   "value_text", "value", "unit", "unit_text", "qualifier", "kind", "comparison", "rank_scope",
                   "period_start", "period_end", "status", "subject", "metric", "value_m2", "parse_flag",
                   "parser_version", "metric_code"),
}
FETCH_COLUMNS = (
    "fetch_id", "run_id", "url", "final_url", "status", "fetched_at", "sha256", "encoding", "outcome", "error",
    "error_type", "etag", "last_modified", "body_bytes", "attempts", "headers",
)


@dataclass(frozen=True)
class LoadResult:
    """What ``upsert_briefing`` did.

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


def _utc_naive(moment: datetime | None) -> datetime | None:
    """UTC wall time without tzinfo (how ``*_at`` columns store it); naive input is taken as UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _all_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Table -> column names, in order, for every main-schema table of the current database."""
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
    ).fetchall()
    return {table: list(cols) for table, cols in rows}


def _fallback_speaker_id(name: str, role: str) -> str:
    """Speaker id when the parser gave none: ``journalist:<label>`` or ``person:<name>``."""
    return f"journalist:{name}" if role == "journalist" else f"person:{name}"


def _turn_speaker_id(turn: Turn) -> str:
    return turn.speaker_id or _fallback_speaker_id(turn.speaker, turn.role)


def _stage_rows(parsed: ParsedBriefing, briefing_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per child table for one briefing, in ``CHILD_COLUMNS`` order, exact duplicates dropped."""
    pv = parsed.parser_version
    turns_by_no = {t.turn_no: t for t in parsed.turns}
    guests = [
        (briefing_id, g.guest_no, g.name, g.label, g.speaker_id or _fallback_speaker_id(g.name, "guest"), g.gender,
         pv)
        for g in parsed.guests
    ]
    turns = [
        (briefing_id, t.turn_no, _turn_speaker_id(t), t.speaker, t.label, t.role, t.outlet, t.text,
         t.span.start, t.span.end, pv)
        for t in parsed.turns
    ]
    first: dict[str, list[Any]] = {}
    for t in parsed.turns:
        sid = _turn_speaker_id(t)
        if sid in first:
            first[sid][5] += 1
        else:
            first[sid] = [briefing_id, sid, t.role, t.label, t.turn_no, 1, pv]
    appearances = [tuple(v) for v in first.values()]
    qa_pairs = []
    for q in parsed.qa_pairs:
        question, answer = turns_by_no.get(q.question_turn_no), turns_by_no.get(q.answer_turn_no)
        qa_pairs.append((briefing_id, q.question_turn_no, q.answer_turn_no,
                         question.outlet if question else None,
                         _turn_speaker_id(answer) if answer else None, pv))
    indicators = []
    for m in parsed.mentions:
        turn = turns_by_no.get(m.turn_no)
        indicators.append((
            briefing_id, m.turn_no, m.mention_no, _turn_speaker_id(turn) if turn else None, m.sentence,
            m.span.start, m.span.end, m.value_text, m.value, m.unit, m.unit_text, m.qualifier, m.kind,
            m.comparison, m.rank_scope, m.period_start, m.period_end, m.status, m.subject, m.metric,
            m.value_m2, m.parse_flag, pv, m.metric_code,
        ))
    rows = {"guests": guests, "turns": turns, "appearances": appearances, "qa_pairs": qa_pairs,
            "indicators": indicators}
    return {table: list(dict.fromkeys(r)) for table, r in rows.items()}


def _stage_speakers(parsed: ParsedBriefing, briefing_id: str) -> tuple[list[tuple], list[tuple]]:
    """(speakers rows, speaker_positions rows) seen in one briefing, one per key."""
    speakers: dict[str, list[Any]] = {}
    positions: dict[tuple[str, str, str], tuple] = {}

    def add(sid: str, name: str, kind: str, gender: str | None, outlet: str | None, pos: Sequence) -> None:
        row = speakers.setdefault(sid, [sid, name, kind, gender, outlet, briefing_id])
        if row[3] is None and gender is not None:
            row[3] = gender
        for p in pos:
            positions.setdefault((sid, p.organisation, p.title), (sid, p.organisation, p.title, briefing_id))

    for g in parsed.guests:
        add(g.speaker_id or _fallback_speaker_id(g.name, "guest"), g.name, "person", g.gender, None, g.positions)
    for t in parsed.turns:
        kind = "journalist" if t.role == "journalist" else "person"
        add(_turn_speaker_id(t), t.speaker, kind, t.gender, t.outlet, t.positions)
    return [tuple(r) for r in speakers.values()], list(positions.values())


def _stage(con: duckdb.DuckDBPyConnection, table: str, cols: Sequence[str], rows: list[tuple]) -> None:
    """Create temp ``stg_<table>`` with ``table``'s types for ``cols`` and fill it with ``rows`` (in ``cols`` order)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{table} AS SELECT {', '.join(cols)} FROM main.{table} WITH NO DATA")
    if rows:
        # one Arrow batch instead of a statement per row (executemany is ~3 ms a row)
        batch = pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(cols)})
        con.register("stg_batch", batch)
        try:
            con.execute(f"INSERT INTO stg_{table} SELECT * FROM stg_batch")
        finally:
            con.unregister("stg_batch")


def _same_row(cols: Sequence[str], left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in cols)


def _merge_child(con: duckdb.DuckDBPyConnection, table: str, cols: Sequence[str], briefing_id: str,
                 now: datetime) -> None:
    """Anti-join upsert of one briefing's rows: delete vanished/changed rows, insert new/changed rows."""
    con.execute(
        f"DELETE FROM main.{table} AS t WHERE t.briefing_id = $bid AND NOT EXISTS "
        f"(SELECT 1 FROM stg_{table} s WHERE {_same_row(cols, 's', 't')})",
        {"bid": briefing_id},
    )
    con.execute(
        f"INSERT INTO main.{table} ({', '.join(cols)}, loaded_at) SELECT {', '.join('s.' + c for c in cols)}, $now "
        f"FROM stg_{table} s WHERE NOT EXISTS (SELECT 1 FROM main.{table} t WHERE t.briefing_id = $bid "
        f"AND {_same_row(cols, 's', 't')})",
        {"bid": briefing_id, "now": now},
    )


def _count(con: duckdb.DuckDBPyConnection, table: str, briefing_id: str) -> int:
    return con.execute(f"SELECT count(*) FROM main.{table} WHERE briefing_id = $bid", {"bid": briefing_id}).fetchall()[0][0]


def _current_counts(con: duckdb.DuckDBPyConnection, briefing_id: str) -> dict[str, int]:
    counts = {t: _count(con, t, briefing_id) for t in ("briefings", *CHILD_TABLES)}
    counts["speakers"] = _count_speakers(con, briefing_id)
    counts["speaker_positions"] = con.execute(
        "SELECT count(*) FROM speaker_positions WHERE speaker_id IN "
        "(SELECT speaker_id FROM appearances WHERE briefing_id = $bid UNION SELECT speaker_id FROM guests "
        "WHERE briefing_id = $bid)", {"bid": briefing_id}).fetchall()[0][0]
    return counts


def _count_speakers(con: duckdb.DuckDBPyConnection, briefing_id: str) -> int:
    return con.execute(
        "SELECT count(DISTINCT speaker_id) FROM (SELECT speaker_id FROM appearances WHERE briefing_id = $bid "
        "UNION ALL SELECT speaker_id FROM guests WHERE briefing_id = $bid)", {"bid": briefing_id}).fetchall()[0][0]


def _write_briefing(con: duckdb.DuckDBPyConnection, parsed: ParsedBriefing, *, briefing_id: str, url: str,
                    content_sha256: str, run_id: str, list_date: date | None, now: datetime,
                    current: tuple | None) -> tuple[str, int, dict[str, int]]:
    """Body of the load transaction (caller begins, commits and rolls back)."""
    if current is None:
        action, version_no, new_version = "inserted", 1, True
    else:
        _, old_sha, _, old_version = current
        new_version = old_sha != content_sha256
        action, version_no = "updated", old_version + (1 if new_version else 0)
    b = parsed.briefing
    columns = _all_columns(con)
    child_rows = _stage_rows(parsed, briefing_id)
    briefing_row = (
        briefing_id, url, b.series, b.session_no, b.city, b.event_date, b.publish_date or list_date, list_date,
        b.title, b.summary, b.content_source, b.template, parsed.transcript, content_sha256, parsed.parser_version,
        version_no, len(parsed.guests), len(parsed.turns), run_id, now, b.lead,
        json.dumps([{"kind": x.kind, "span_start": x.span.start, "span_end": x.span.end} for x in parsed.extras]),
    )
    _stage(con, "briefings", BRIEFING_COLUMNS, [briefing_row])
    con.execute(
        "MERGE INTO main.briefings AS t USING stg_briefings AS s ON t.briefing_id = s.briefing_id "
        f"WHEN MATCHED THEN UPDATE SET {', '.join(f'{c} = s.{c}' for c in BRIEFING_COLUMNS[1:])} "
        f"WHEN NOT MATCHED THEN INSERT ({', '.join(BRIEFING_COLUMNS)}) "
        f"VALUES ({', '.join('s.' + c for c in BRIEFING_COLUMNS)})")

    speakers, positions = _stage_speakers(parsed, briefing_id)
    _stage(con, "speakers", SPEAKER_COLUMNS, [(*r, now) for r in speakers])
    con.execute(
        "MERGE INTO main.speakers AS t USING stg_speakers AS s ON t.speaker_id = s.speaker_id "
        "WHEN MATCHED AND t.gender IS NULL AND s.gender IS NOT NULL THEN UPDATE SET gender = s.gender "
        f"WHEN NOT MATCHED THEN INSERT ({', '.join(SPEAKER_COLUMNS)}) "
        f"VALUES ({', '.join('s.' + c for c in SPEAKER_COLUMNS)})")
    _stage(con, "speaker_positions", POSITION_COLUMNS, [(*r, now) for r in positions])
    con.execute(
        f"INSERT INTO main.speaker_positions ({', '.join(POSITION_COLUMNS)}) SELECT * FROM stg_speaker_positions s "
        "WHERE NOT EXISTS (SELECT 1 FROM main.speaker_positions t WHERE t.speaker_id = s.speaker_id "
        "AND t.organisation = s.organisation AND t.title = s.title)")

    for table in CHILD_TABLES:
        _stage(con, table, CHILD_COLUMNS[table], child_rows[table])
        _merge_child(con, table, CHILD_COLUMNS[table], briefing_id, now)

    # history: the current rows, stored under this version_no
    bid = {"bid": briefing_id, "v": version_no}
    if new_version:
        con.execute("UPDATE briefing_versions SET valid_to = $now WHERE briefing_id = $bid AND valid_to IS NULL",
                    {"bid": briefing_id, "now": now})
        con.execute("INSERT INTO briefing_versions (briefing_id, version_no, url, content_sha256, parser_version, "
                    "valid_from, valid_to, run_id) VALUES ($bid, $v, $url, $sha, $pv, $now, NULL, $run)",
                    {**bid, "url": url, "sha": content_sha256, "pv": parsed.parser_version, "now": now,
                     "run": run_id})
    else:
        con.execute("UPDATE briefing_versions SET parser_version = $pv, url = $url WHERE briefing_id = $bid "
                    "AND version_no = $v", {**bid, "pv": parsed.parser_version, "url": url})
    for table in ("briefings", *CHILD_TABLES):
        history = f"{table}_history"
        con.execute(f"DELETE FROM main.{history} WHERE briefing_id = $bid AND version_no = $v", bid)
        # every column the history table shares with the current one (both grow by migrations)
        cols = [c for c in columns[history] if c in columns[table] and c != "version_no"]
        if table == "briefings":
            cols = ["version_no", *cols]
            con.execute(f"INSERT INTO main.{history} ({', '.join(cols)}) SELECT {', '.join(cols)} "
                        f"FROM main.briefings WHERE briefing_id = $bid", {"bid": briefing_id})
        else:
            con.execute(f"INSERT INTO main.{history} (version_no, {', '.join(cols)}) SELECT $v, {', '.join(cols)} "
                        f"FROM main.{table} WHERE briefing_id = $bid", bid)

    counts = _current_counts(con, briefing_id)
    expected = {"briefings": 1, **{t: len(r) for t, r in child_rows.items()}}
    wrong = {t: (counts[t], n) for t, n in expected.items() if counts[t] != n}
    if wrong:
        raise LoadError(f"row counts after merge differ from staging (table: (rows, staged)): {wrong}",
                        url=url, briefing_id=briefing_id)
    return action, version_no, counts


def upsert_briefing(con: duckdb.DuckDBPyConnection, parsed: ParsedBriefing, *, url: str, content_sha256: str,
                    run_id: str, list_date: date | None = None) -> LoadResult:
    """Load one parsed page as the current version of its briefing, in one transaction.

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
    try:
        briefing_id = briefing_id_for(url)
    except ValueError as exc:
        raise LoadError(f"cannot derive a briefing id: {exc}", url=url) from exc
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.Error as exc:
        raise LoadError(f"cannot begin the load transaction: {exc}", url=url, briefing_id=briefing_id) from exc
    try:
        rows = con.execute(
            "SELECT briefing_id, content_sha256, parser_version, version_no FROM briefings WHERE briefing_id = $bid",
            {"bid": briefing_id}).fetchall()
        current = rows[0] if rows else None
        if current and current[1] == content_sha256 and current[2] == parsed.parser_version:
            counts = _current_counts(con, briefing_id)
            con.execute("ROLLBACK")
            return LoadResult(briefing_id, "unchanged", current[3], counts)
        action, version_no, counts = _write_briefing(
            con, parsed, briefing_id=briefing_id, url=url, content_sha256=content_sha256, run_id=run_id,
            list_date=list_date, now=_now(), current=current)
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise LoadError(f"loading the briefing failed and was rolled back: {exc}", url=url,
                        briefing_id=briefing_id) from exc
    except BaseException:
        _rollback(con)
        raise
    return LoadResult(briefing_id, action, version_no, counts)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # nothing open (DuckDB already aborted it)


def _fetch_id(record: FetchRecord, run_id: str) -> str:
    """Stable id of a fetch: sha256 of run, URL, completion time and attempts (first 20 hex)."""
    key = f"{run_id}|{record.url}|{_utc_naive(record.fetched_at).isoformat()}|{record.attempts}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def record_fetches(con: duckdb.DuckDBPyConnection, records: Sequence[FetchRecord], run_id: str) -> int:
    """Append HTTP exchanges to ``fetches`` (the raw layer index); records already there are skipped.

    Args:
        con: writable warehouse connection.
        records: the run's fetches (``FetchRecord`` from the fetcher).
        run_id: the run that made them.
    Returns:
        Rows inserted (a record seen before, same run/url/fetched_at/attempts, is not inserted twice).
    Raises:
        LoadError: the insert failed (rolled back: none of ``records`` is stored).
    """
    rows = []
    for r in records:
        headers: dict[str, str] = {}
        for name, value in r.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        rows.append((_fetch_id(r, run_id), run_id, r.url, r.final_url, r.status, _utc_naive(r.fetched_at),
                     r.sha256, r.encoding, r.outcome, r.error, r.error_type, r.etag, r.last_modified,
                     r.body_bytes, r.attempts, json.dumps(headers, ensure_ascii=False)))
    rows = list({row[0]: row for row in rows}.values())
    try:
        con.execute("BEGIN TRANSACTION")
        before = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        _stage(con, "fetches", FETCH_COLUMNS, rows)
        con.execute(f"INSERT INTO main.fetches ({', '.join(FETCH_COLUMNS)}) SELECT * FROM stg_fetches s WHERE NOT EXISTS "
                    "(SELECT 1 FROM main.fetches f WHERE f.fetch_id = s.fetch_id)")
        after = con.execute("SELECT count(*) FROM fetches").fetchall()[0][0]
        con.execute("COMMIT")
    except duckdb.Error as exc:
        _rollback(con)
        raise LoadError(f"recording {len(rows)} fetches failed and was rolled back: {exc}") from exc
    return after - before


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime | None,
               finished_at: datetime | None, status: str, summary: dict) -> None:
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
            "ON t.run_id = s.run_id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
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

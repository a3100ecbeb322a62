"""Data-quality checks over the current tables; each run's results are written to ``dq_results``.

``run_checks(..., briefing_ids)`` narrows the per-briefing checks to some briefings (a run's), so
that they cost what a run loaded rather than what the warehouse holds; ``briefings check`` runs
them over the whole warehouse, read-only.

Every check is one SQL query returning the offending rows (as text, at most ``_SAMPLE`` of them
shown in ``details``); no row means ``pass``. ``error`` checks guard the warehouse's contracts
(keys, spans, speakers); ``warn`` checks flag pages worth a look.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from briefings.errors import LoadError
from warehouse.connect import memory_hint

__all__ = ["CheckResult", "CHECKS", "evaluate_checks", "run_checks"]

_SAMPLE = 5


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check in one run.

    Attributes:
        check_name: the check (a key of ``CHECKS``).
        severity: ``error`` or ``warn``.
        status: ``pass`` or ``fail``.
        details: for a failure, how many rows offend and the first few of them; else what was checked.
    """

    check_name: str
    severity: str
    status: str
    details: str


# name -> (severity, description, SQL returning one text column describing each offending row)
CHECKS: dict[str, tuple[str, str, str]] = {
    "turns_have_speaker": (
        "error", "every turn has a speaker_id found in speakers",
        """SELECT t.briefing_id || ' turn ' || t.turn_no FROM turns t
           LEFT JOIN speakers s USING (speaker_id)
           WHERE t.speaker_id IS NULL OR t.speaker_id = '' OR s.speaker_id IS NULL
           ORDER BY 1""",
    ),
    "turn_no_unique": (
        "error", "no duplicate (briefing_id, turn_no) in turns",
        """SELECT briefing_id || ' turn ' || turn_no || ' x' || count(*) FROM turns
           GROUP BY briefing_id, turn_no HAVING count(*) > 1 ORDER BY 1""",
    ),
    "turn_no_contiguous": (
        "error", "turn_no runs 1..n without gap or repeat in each briefing",
        """SELECT briefing_id || ': ' || count(*) || ' turns, ' || count(DISTINCT turn_no) || ' numbers, '
                  || min(turn_no) || '..' || max(turn_no) FROM turns
           GROUP BY briefing_id
           HAVING min(turn_no) <> 1 OR max(turn_no) <> count(*) OR count(DISTINCT turn_no) <> count(*)
           ORDER BY 1""",
    ),
    "briefings_have_turns": (
        "error", "every briefing has at least one turn, and turn_count matches turns",
        """SELECT b.briefing_id || ': turn_count ' || b.turn_count || ', rows ' || count(t.turn_no)
           FROM briefings b LEFT JOIN turns t USING (briefing_id)
           GROUP BY b.briefing_id, b.turn_count HAVING count(t.turn_no) = 0 OR count(t.turn_no) <> b.turn_count
           ORDER BY 1""",
    ),
    "turn_spans_match_transcript": (
        "error", "turns.text equals transcript[span_start:span_end] (code points)",
        """SELECT t.briefing_id || ' turn ' || t.turn_no || ' [' || t.span_start || ', ' || t.span_end || ')'
           FROM turns t JOIN briefings b USING (briefing_id)
           WHERE t.span_start < 0 OR t.span_end < t.span_start OR t.span_end > length(b.transcript)
              OR substring(b.transcript, t.span_start + 1, t.span_end - t.span_start) <> t.text
           ORDER BY 1""",
    ),
    "guest_no_contiguous": (
        "error", "guest_no runs 1..n without gap or repeat in each briefing",
        """SELECT briefing_id || ': ' || count(*) || ' guests, ' || min(guest_no) || '..' || max(guest_no)
           FROM guests GROUP BY briefing_id
           HAVING min(guest_no) <> 1 OR max(guest_no) <> count(*) OR count(DISTINCT guest_no) <> count(*)
           ORDER BY 1""",
    ),
    "guests_appear": (
        "warn", "every 嘉宾 guest appears in appearances (spoke at least once)",
        """SELECT g.briefing_id || ' guest ' || g.guest_no || ' ' || g.name FROM guests g
           WHERE NOT EXISTS (SELECT 1 FROM appearances a
                             WHERE a.briefing_id = g.briefing_id AND a.speaker_id = g.speaker_id)
           ORDER BY 1""",
    ),
    "briefing_published_once": (
        "warn", "a session of a series (series, session_no, city) is loaded from one URL only",
        """SELECT series || ' ' || session_no || ' ' || city || ': ' || string_agg(url, ', ' ORDER BY url)
           FROM briefings WHERE session_no IS NOT NULL
           GROUP BY series, session_no, city HAVING count(*) > 1 ORDER BY 1""",
    ),
    "qa_pairs_reference_turns": (
        "error", "each qa pair's question is a journalist turn and its answer a later turn of the briefing",
        """SELECT q.briefing_id || ' q' || q.question_turn_no || ' a' || q.answer_turn_no FROM qa_pairs q
           LEFT JOIN turns tq ON tq.briefing_id = q.briefing_id AND tq.turn_no = q.question_turn_no
           LEFT JOIN turns ta ON ta.briefing_id = q.briefing_id AND ta.turn_no = q.answer_turn_no
           WHERE tq.turn_no IS NULL OR ta.turn_no IS NULL OR tq.role <> 'journalist'
              OR q.answer_turn_no <= q.question_turn_no
           ORDER BY 1""",
    ),
    "indicators_value_or_flag": (
        "error", "every indicator has a value or a parse_flag, and a unit",
        """SELECT briefing_id || ' mention ' || mention_no || ' ' || value_text FROM indicators
           WHERE (value IS NULL AND (parse_flag IS NULL OR parse_flag = '')) OR unit IS NULL OR unit = ''
           ORDER BY 1""",
    ),
    "indicator_spans_match_transcript": (
        "error", "indicators.value_text equals transcript[span_start:span_end] and lies in its turn",
        # the transcript is compared first and left behind: a join that carried it on to turns held a
        # copy of it per mention (250 briefings' did not fit in 128 MB)
        """WITH compared AS MATERIALIZED (
               SELECT i.briefing_id, i.mention_no, i.turn_no, i.span_start, i.span_end,
                      substring(b.transcript, i.span_start + 1, i.span_end - i.span_start)
                          IS DISTINCT FROM i.value_text AS text_differs
               FROM indicators i JOIN briefings b USING (briefing_id))
           SELECT c.briefing_id || ' mention ' || c.mention_no FROM compared c
           LEFT JOIN turns t ON t.briefing_id = c.briefing_id AND t.turn_no = c.turn_no
           WHERE c.text_differs OR t.turn_no IS NULL OR c.span_start < t.span_start OR c.span_end > t.span_end
           ORDER BY 1""",
    ),
    "mention_no_unique": (
        "error", "no duplicate (briefing_id, mention_no) in indicators",
        """SELECT briefing_id || ' mention ' || mention_no || ' x' || count(*) FROM indicators
           GROUP BY briefing_id, mention_no HAVING count(*) > 1 ORDER BY 1""",
    ),
    "one_current_version": (
        "error", "each briefing has exactly one open briefing_versions row, matching its version_no and hash",
        """SELECT b.briefing_id || ': ' || count(v.version_no) || ' open versions' FROM briefings b
           LEFT JOIN briefing_versions v ON v.briefing_id = b.briefing_id AND v.valid_to IS NULL
                AND v.version_no = b.version_no AND v.content_sha256 = b.content_sha256
           GROUP BY b.briefing_id HAVING count(v.version_no) <> 1
           UNION ALL
           SELECT briefing_id || ': ' || count(*) || ' open versions' FROM briefing_versions
           WHERE valid_to IS NULL GROUP BY briefing_id HAVING count(*) > 1
           ORDER BY 1""",
    ),
    "history_holds_current": (
        "error", "turns_history holds the current version's turns",
        """SELECT b.briefing_id || ' v' || b.version_no FROM briefings b
           WHERE (SELECT count(*) FROM turns_history h
                  WHERE h.briefing_id = b.briefing_id AND h.version_no = b.version_no)
              <> (SELECT count(*) FROM turns t WHERE t.briefing_id = b.briefing_id)
           ORDER BY 1""",
    ),
    "unique_speaker_id": (
        "error", "no duplicate speaker_id in speakers",
        """SELECT speaker_id || ' x' || count(*) FROM speakers GROUP BY speaker_id HAVING count(*) > 1 ORDER BY 1""",
    ),
    "unread_labels": (
        "warn", "no line or sentence opens like a speaker label that the parser did not read (suspect_labels)",
        """SELECT s.briefing_id || ' @' || s.span_start || ' ' || s.text FROM suspect_labels s
           SEMI JOIN briefings b ON b.briefing_id = s.briefing_id
           ORDER BY s.briefing_id, s.span_start""",
    ),
    "host_opens_and_closes": (
        "warn", "the first and the last turn of a briefing are the host's",
        """SELECT briefing_id || ' turn ' || turn_no || ' is ' || role FROM turns t
           WHERE role <> 'host' AND (turn_no = 1 OR turn_no = (SELECT max(turn_no) FROM turns x
                                                             WHERE x.briefing_id = t.briefing_id))
           ORDER BY 1""",
    ),
}


# A run's checks read only the briefings it wrote: these tables are narrowed to them (temporary views
# of the same names, on a cursor of its own), speakers to those the narrowed rows name.
_PER_BRIEFING_TABLES = ("briefings", "turns", "guests", "appearances", "qa_pairs", "indicators", "briefing_versions",
                        "turns_history", "suspect_labels")
# checks that compare a briefing with others: always over the whole tables
_WHOLE_TABLE_CHECKS = frozenset({"briefing_published_once"})
# checks whose join holds the transcript of every briefing they read in memory (a 2,000-briefing run's
# did not fit in 128 MB): they read TRANSCRIPT_SLICE briefings at a time, so their memory is bounded
# whatever the size of the run or of the warehouse
_TRANSCRIPT_CHECKS = frozenset({"turn_spans_match_transcript", "indicator_spans_match_transcript"})
TRANSCRIPT_SLICE = 250


def _narrowed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of ``con`` on which the per-briefing tables are views of the briefings in its temporary
    table ``run_briefings`` (empty; see :func:`_narrow_to`)."""
    scoped = con.cursor()
    db = scoped.execute("SELECT current_database()").fetchall()[0][0]
    _narrow_to(scoped, [])
    for table in _PER_BRIEFING_TABLES:
        scoped.execute(f'CREATE TEMP VIEW {table} AS SELECT * FROM "{db}".main.{table} '
                       "WHERE briefing_id IN (SELECT briefing_id FROM run_briefings)")
    scoped.execute(f'CREATE TEMP VIEW speakers AS SELECT * FROM "{db}".main.speakers WHERE speaker_id IN '
                   "(SELECT speaker_id FROM turns UNION SELECT speaker_id FROM guests "
                   "UNION SELECT speaker_id FROM appearances)")
    return scoped


def _narrow_to(scoped: duckdb.DuckDBPyConnection, briefing_ids: Sequence[str]) -> None:
    # a new table each time, not DELETE + INSERT: a table's row estimate only grows, and once it looked
    # large the planner built its hash join on every turn of the warehouse rather than on the slice
    scoped.execute("CREATE OR REPLACE TEMP TABLE run_briefings AS SELECT unnest(?::VARCHAR[]) AS briefing_id",
                   [list(briefing_ids)])


def _sorted_rows(rows: list[str | None]) -> list[str | None]:
    """Rows of several slices in the order of one query's ``ORDER BY 1`` (code points, NULLs last)."""
    return sorted(rows, key=lambda r: (r is None, r or ""))


def evaluate_checks(con: duckdb.DuckDBPyConnection, briefing_ids: Sequence[str] | None = None) -> list[CheckResult]:
    """Run every check of ``CHECKS`` (read-only).

    The transcript checks (``_TRANSCRIPT_CHECKS``) read ``TRANSCRIPT_SLICE`` briefings a query and
    their rows are merged in the order one query would give.

    Args:
        con: a warehouse connection (read-only is enough).
        briefing_ids: check only these briefings' rows (a run's: the briefings it wrote), except the
            checks that compare briefings with each other; None: the whole warehouse (``briefings check``).
    Returns:
        One CheckResult per check, in ``CHECKS`` order.
    Raises:
        duckdb.Error: a check's query failed.
    """
    if briefing_ids is None:
        sliced_ids = [r[0] for r in con.execute("SELECT briefing_id FROM briefings ORDER BY 1").fetchall()]
    else:
        sliced_ids = list(dict.fromkeys(briefing_ids))
    offending: dict[str, list[str | None]] = {}
    scoped = _narrowed(con)
    try:
        if briefing_ids is not None:
            _narrow_to(scoped, sliced_ids)
        for name, (_, _, sql) in CHECKS.items():
            if name in _TRANSCRIPT_CHECKS:
                continue
            reader = con if briefing_ids is None or name in _WHOLE_TABLE_CHECKS else scoped
            offending[name] = [r[0] for r in reader.execute(sql).fetchall()]
        for name in _TRANSCRIPT_CHECKS:
            rows: list[str | None] = []
            for start in range(0, len(sliced_ids), TRANSCRIPT_SLICE):
                _narrow_to(scoped, sliced_ids[start:start + TRANSCRIPT_SLICE])
                rows += [r[0] for r in scoped.execute(CHECKS[name][2]).fetchall()]
            offending[name] = _sorted_rows(rows)
    finally:
        scoped.close()
    results: list[CheckResult] = []
    for name, (severity, description, _) in CHECKS.items():
        rows = offending[name]
        if rows:
            shown = "; ".join(str(r) for r in rows[:_SAMPLE])
            more = f" (+{len(rows) - _SAMPLE} more)" if len(rows) > _SAMPLE else ""
            results.append(CheckResult(name, severity, "fail", f"{len(rows)} offending: {shown}{more}"))
        else:
            results.append(CheckResult(name, severity, "pass", description))
    return results


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str,
               briefing_ids: Sequence[str] | None = None) -> list[CheckResult]:
    """Run every check of ``CHECKS`` and append the results to ``dq_results`` (one row per check).

    Args:
        con: writable warehouse connection.
        run_id: the run the results belong to (``dq_results.run_id``).
        briefing_ids: as :func:`evaluate_checks` (a run passes the briefings it wrote); None: all.
    Returns:
        One CheckResult per check, in ``CHECKS`` order.
    Raises:
        LoadError: a check's query or the write of the results failed (nothing is written).
    """
    try:
        results = evaluate_checks(con, briefing_ids)
        checked_at = datetime.now(timezone.utc).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        con.executemany(
            "INSERT INTO dq_results VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, r.check_name, r.severity, r.status, r.details, checked_at) for r in results],
        )
        con.execute("COMMIT")
    except duckdb.Error as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # no transaction open
        raise LoadError(f"data-quality checks of run {run_id} failed to run: {exc}{memory_hint(exc)}") from exc
    return results

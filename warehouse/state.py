"""The run-state reads of the pipeline: what a run needs to know of the warehouse before it starts.

Watermarks and list-page validators (``collect``'s incremental state), the archived pages of the
current briefings (``reparse``), and the totals a run reports. Plain SQL over a connection the
caller gives (the run's writer cursor); rows come back as tuples, so ``warehouse/`` never imports
the pipeline's types.
"""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["TOTAL_TABLES", "list_page_validators", "archived_page_rows", "totals"]

TOTAL_TABLES = ("briefings", "speakers", "guests", "turns", "appearances", "qa_pairs", "indicators", "fetches")


def list_page_validators(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None, str | None]]:
    """``url -> (etag, last_modified, sha256)`` of each URL's last ``ok`` fetch (for conditional GETs)."""
    rows = con.execute(
        """
        SELECT url, etag, last_modified, sha256 FROM (
            SELECT url, etag, last_modified, sha256,
                   row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) AS rn
            FROM fetches WHERE outcome = 'ok' AND sha256 IS NOT NULL)
        WHERE rn = 1
        """
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def archived_page_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """One row per current briefing, in URL order: url, content sha256, Content-Type of the fetch that
    brought that body, list date (ISO text or None), parser version, turns, indicators."""
    return con.execute(
        """
        SELECT b.url, b.content_sha256, f.headers->>'$."content-type"', CAST(b.list_date AS VARCHAR),
               b.parser_version, b.turn_count, coalesce(i.n, 0)
        FROM briefings b
        LEFT JOIN (
            SELECT sha256, any_value(headers) AS headers FROM fetches
            WHERE outcome = 'ok' GROUP BY sha256
        ) f ON f.sha256 = b.content_sha256
        LEFT JOIN (SELECT briefing_id, count(*) AS n FROM indicators GROUP BY briefing_id) i
            ON i.briefing_id = b.briefing_id
        ORDER BY b.url
        """
    ).fetchall()


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per mart table (``TOTAL_TABLES`` that exist), for the run summary."""
    present = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TOTAL_TABLES if t in present}

"""Search benchmark: plain SQL over ``turns`` vs an n-gram index table, on a synthetic warehouse.

Builds a warehouse of N briefings (default 10,000; 16 turns each) from the real session-12 page:
the page is loaded once through ``warehouse.load.upsert_briefing``, then its briefing, turns and
speakers rows are copied N-1 times in SQL with another briefing_id, session, city and date, each
turn's text rotated by a different offset (so hits differ between copies). Then it times, per
query, the median of ``--repeat`` runs of:

- ``search_turns``: what ``briefings search`` runs (SQL fold + contains + BM25, exact NFKC pass);
- ``ilike``: ``count(*) WHERE text ILIKE '%term%'`` on the raw text (no normalisation), a floor;
- ``regexp``: ``count(*) WHERE regexp_matches(text, term)``;
- ``bigram``: a ``turn_grams(briefing_id, turn_no, gram)`` table of distinct character bigrams of
  the folded text (built once, its build time and rows reported), candidates = turns holding every
  bigram of the term, then ``contains`` on those; ranking not included.

Usage: ``.venv/bin/python bench/search_bench.py [--briefings 10000] [--repeat 5] [--path FILE] [--no-bigram]``.
Prints one line per (query, method): milliseconds and hit count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import duckdb  # noqa: E402

from briefings.search import search_terms, search_turns  # noqa: E402

# fold used by the "translate" variants: full-width ASCII -> ASCII, ideographic space -> space
_FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "

QUERIES = ("新质生产力", "增长 亿元", "ＧＤＰ", "量子计算")
CITIES = ("天门", "襄阳", "神农架", "黄冈", "宜昌", "荆州", "十堰", "孝感", "鄂州", "荆门", "咸宁", "随州", "恩施")


def build_synthetic_warehouse(path: Path, briefings: int) -> float:
    """Create ``path`` with ``briefings`` briefings (the real one + copies); returns build seconds."""
    from look_fixtures import build_snapshot_warehouse

    started = time.perf_counter()
    build_snapshot_warehouse(path)
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TEMP TABLE n AS SELECT range AS i FROM range(2, $n + 1)", {"n": briefings})
        con.execute("CREATE TEMP TABLE cities AS SELECT unnest($c) AS city, generate_subscripts($c, 1) - 1 AS k",
                    {"c": list(CITIES)})
        con.execute(
            "INSERT INTO briefings SELECT b.* REPLACE ("
            " 'synthetic:' || n.i AS briefing_id, b.url || '?copy=' || n.i AS url, n.i::INTEGER AS session_no,"
            " c.city AS city, b.event_date + (n.i % 700)::INTEGER AS event_date,"
            " '[synthetic ' || n.i || '] ' || b.title AS title)"
            " FROM briefings b, n JOIN cities c ON c.k = n.i % $nc",
            {"nc": len(CITIES)},
        )
        con.execute(
            "INSERT INTO turns SELECT t.* REPLACE ('synthetic:' || n.i AS briefing_id,"
            " substr(t.text, ((n.i * 7919 + t.turn_no) % length(t.text)) + 1)"
            " || substr(t.text, 1, ((n.i * 7919 + t.turn_no) % length(t.text))) AS text)"
            " FROM turns t, n WHERE t.briefing_id NOT LIKE 'synthetic:%'"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return time.perf_counter() - started


def _median_ms(fn, repeat: int) -> tuple[float, int]:
    """Median wall time of ``fn()`` over ``repeat`` runs, ms, and its last result."""
    times, result = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def _build_bigrams(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    """Create the temp ``turn_grams`` table; returns (build seconds, rows)."""
    t0 = time.perf_counter()
    con.execute(
        "CREATE TEMP TABLE turn_grams AS SELECT DISTINCT briefing_id, turn_no, substr(norm, i, 2) AS gram FROM ("
        " SELECT briefing_id, turn_no, norm, unnest(range(1, length(norm))) AS i FROM ("
        "  SELECT briefing_id, turn_no, lower(translate(text, $fw, $hw)) AS norm FROM turns))",
        {"fw": _FULLWIDTH, "hw": _HALFWIDTH},
    )
    rows = con.execute("SELECT count(*) FROM turn_grams").fetchall()[0][0]
    return time.perf_counter() - t0, rows


def _bigram_count(con: duckdb.DuckDBPyConnection, terms: tuple[str, ...]) -> int:
    """Hits via the bigram table: turns holding every bigram of every term, then checked with contains."""
    grams = sorted({t[i:i + 2] for t in terms for i in range(max(len(t) - 1, 1))})
    checks = " AND ".join(f"contains(lower(translate(t.text, $fw, $hw)), $t{i})" for i in range(len(terms)))
    params = {"grams": grams, "k": len(grams), "fw": _FULLWIDTH, "hw": _HALFWIDTH}
    params |= {f"t{i}": term for i, term in enumerate(terms)}
    return con.execute(
        "WITH cand AS (SELECT briefing_id, turn_no FROM turn_grams WHERE list_contains($grams, gram) "
        " GROUP BY ALL HAVING count(*) = $k) "
        f"SELECT count(*) FROM cand JOIN turns t USING (briefing_id, turn_no) WHERE {checks}",
        params,
    ).fetchall()[0][0]


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) the synthetic warehouse and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--path", type=Path, default=None, help="reuse/keep the warehouse here")
    parser.add_argument("--no-bigram", action="store_true", help="skip the bigram table (its build takes minutes)")
    args = parser.parse_args(argv)
    path = args.path or Path(tempfile.mkdtemp()) / "bench.duckdb"
    if not path.exists():
        print(f"building {args.briefings} briefings at {path}: {build_synthetic_warehouse(path, args.briefings):.1f} s")
    con = duckdb.connect(str(path), read_only=True)
    n_briefings, n_turns, n_chars = con.execute(
        "SELECT (SELECT count(*) FROM briefings), count(*), sum(length(text)) FROM turns").fetchall()[0]
    print(f"warehouse: {n_briefings} briefings, {n_turns} turns, {n_chars / 1e6:.1f} M characters of turn text")
    fw = {"fw": _FULLWIDTH, "hw": _HALFWIDTH}
    for query in QUERIES:
        terms = search_terms(query)
        like = " AND ".join(f"text ILIKE '%' || $t{i} || '%'" for i in range(len(terms)))
        rex = " AND ".join(f"regexp_matches(text, $t{i})" for i in range(len(terms)))
        tp = {f"t{i}": t for i, t in enumerate(terms)}
        ms, hits = _median_ms(lambda: len(search_turns(con, query, limit=20)), args.repeat)
        print(f"{query:<10} search_turns (top 20) {ms:8.1f} ms  {hits} hits")
        ms, hits = _median_ms(lambda: len(search_turns(con, query, speaker="肖敏", limit=20)), args.repeat)
        print(f"{query:<10} search_turns --speaker 肖敏 {ms:6.1f} ms  {hits} hits")
        ms, hits = _median_ms(
            lambda: con.execute(f"SELECT count(*) FROM turns WHERE {like}", tp).fetchall()[0][0], args.repeat)
        print(f"{query:<10} ilike count          {ms:8.1f} ms  {hits} turns")
        ms, hits = _median_ms(
            lambda: con.execute(f"SELECT count(*) FROM turns WHERE {rex}", tp).fetchall()[0][0], args.repeat)
        print(f"{query:<10} regexp count         {ms:8.1f} ms  {hits} turns")
        ms, hits = _median_ms(
            lambda: con.execute(
                "SELECT count(*) FROM turns t WHERE "
                + " AND ".join(f"contains(lower(translate(t.text, $fw, $hw)), $t{i})" for i in range(len(terms))),
                tp | fw).fetchall()[0][0], args.repeat)
        print(f"{query:<10} fold+contains count  {ms:8.1f} ms  {hits} turns")
    if args.no_bigram:
        return
    mem = duckdb.connect()
    mem.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    mem.execute("USE w")
    mem.execute("SET temp_directory = '/tmp'")
    mem.execute("CREATE TEMP TABLE turns AS SELECT briefing_id, turn_no, text FROM w.turns")
    build_s, rows = _build_bigrams(mem)
    print(f"bigram table: {rows} rows, built in {build_s:.1f} s")
    for query in QUERIES:
        terms = search_terms(query)
        ms, hits = _median_ms(lambda: _bigram_count(mem, terms), args.repeat)
        print(f"{query:<10} bigram count         {ms:8.1f} ms  {hits} turns")


if __name__ == "__main__":
    main()

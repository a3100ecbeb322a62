"""Load benchmark: rows per second of ``upsert_briefing`` vs DuckDB ``COPY`` of the same rows from Parquet.

Per repeat, in one process:

1. ``upsert``: a fresh warehouse (``open_writer``: file created and migrated, not timed); the
   already parsed synthetic pages are loaded one by one with ``warehouse.load.upsert_briefing``
   (one transaction each: staging tables, merges, history, row-count check). Timed.
2. The rows it wrote — every table of ``warehouse.load.CHECKSUM_TABLES`` (current tables, history,
   versions, speakers) — are exported to one Parquet file per table (not timed).
3. ``copy``: a second fresh, migrated warehouse; ``COPY <table> FROM '<table>.parquet'`` for each
   table. Timed.

Both rates count the same rows (the sum over those tables). Target (issue 9): upsert at least half
the rows/s of COPY.

Usage: ``.venv/bin/python bench/bench_load.py [--pages 100] [--repeats 5] [--out FILE]``
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, timed, write_result  # noqa: E402


def run(pages: int, repeats: int, seed: int = 0) -> dict[str, object]:
    """Measure upsert vs COPY; returns the result document (times in s, rates in rows/s)."""
    from bench.synth import synth_pages
    from briefings.parsing import parse_page
    from warehouse.connect import open_writer
    from warehouse.load import CHECKSUM_TABLES, upsert_briefing

    docs = [
        (p.url, hashlib.sha256(p.html.encode("utf-8")).hexdigest(), p.publish_date, parse_page(p.html, p.url, kind="html"))
        for p in synth_pages(pages, seed=seed)
    ]
    upsert_s: list[float] = []
    copy_s: list[float] = []
    rows_per_table: dict[str, int] = {}
    for r in range(repeats):
        work = Path(tempfile.mkdtemp(prefix=f"bench-load-{r}-"))
        try:
            con = open_writer(work / "upsert.duckdb")

            def load_all() -> None:
                for url, sha, list_date, parsed in docs:
                    upsert_briefing(con, parsed, url=url, content_sha256=sha, run_id=f"bench-{r}", list_date=list_date)

            seconds, _ = timed(load_all)
            upsert_s.append(seconds)
            rows_per_table = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in CHECKSUM_TABLES}
            for table in CHECKSUM_TABLES:
                con.execute(f"COPY {table} TO '{work / table}.parquet' (FORMAT parquet)")
            con.close()

            target = open_writer(work / "copy.duckdb")

            def copy_all() -> None:
                for table in CHECKSUM_TABLES:
                    target.execute(f"COPY {table} FROM '{work / table}.parquet' (FORMAT parquet)")

            seconds, _ = timed(copy_all)
            copy_s.append(seconds)
            copied = {t: target.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in CHECKSUM_TABLES}
            target.close()
            if copied != rows_per_table:
                raise RuntimeError(f"COPY loaded other row counts than the upsert wrote: {copied} != {rows_per_table}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    rows = sum(rows_per_table.values())
    ratios = [c / u for u, c in zip(upsert_s, copy_s)]  # = (rows/upsert_s) / (rows/copy_s)
    result = {
        "pages": pages,
        "repeats": repeats,
        "rows_total": rows,
        "rows_per_table": rows_per_table,
        "seconds": {"upsert": upsert_s, "copy": copy_s},
        "median_s": {"upsert": median(upsert_s), "copy": median(copy_s)},
        "median_rows_per_s": {"upsert": rows / median(upsert_s), "copy": rows / median(copy_s)},
        "median_ms_per_briefing_upsert": 1000 * median(upsert_s) / pages,
        "ratio_upsert_rate_over_copy_rate": {"per_repeat": ratios, "median": median(ratios), "target_min": 0.5},
    }
    result["targets_met"] = {"upsert_at_least_half_copy": median(ratios) >= 0.5}
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write bench/results/load.json (or --out), print the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="synthetic briefings loaded per repeat")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/load.json)")
    args = parser.parse_args(argv)
    result = run(args.pages, args.repeats, args.seed)
    path = write_result("load", result, args.out)
    rate = result["median_rows_per_s"]
    print(
        f"load: {args.pages} briefings, {result['rows_total']} rows x {args.repeats}: upsert {rate['upsert']:.0f} rows/s, "
        f"COPY {rate['copy']:.0f} rows/s, ratio {result['ratio_upsert_rate_over_copy_rate']['median']:.4f} "
        f"(target >= 0.5) -> {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

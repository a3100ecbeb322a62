"""Batch loads into a growing warehouse, then a no-op reparse of all of it (issue 15).

1. ``--distinct`` synthetic pages are parsed once (not timed) and replicated to ``--briefings``
   pages under distinct URLs and content hashes (same rows otherwise; about 310 rows per briefing
   plus as many history rows), then loaded with ``load_batch``, ``--batch-size`` pages per call,
   into one fresh warehouse. Every batch is timed: whether the cost of a batch grows with the rows
   already in the warehouse is the question (issue 15 measured 18x the parse per page at 600
   pages and 66x at 10,000 with per-briefing loads).
2. A second child process runs ``reparse_plain`` on that warehouse: every briefing is current, so
   every page is skipped before parsing; its wall time and peak RSS (``os.wait4``) are recorded.
   Target: at 10,000 briefings within 30 s. Both steps run in children of a small parent: Linux
   carries a parent's peak RSS over into a child it forks and execs (``ru_maxrss``), so a child
   started by a process that had just filled the warehouse would report the parent's peak.

The 1-minute load average is recorded at the start and the end.

Usage: ``.venv/bin/python bench/bench_warehouse_growth.py [--briefings 10000] [--out FILE]``
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, plain_settings, write_result  # noqa: E402

HERE = Path(__file__).resolve()


def _child(run_dir: Path) -> int:
    from briefings.pipeline import reparse_plain

    settings = plain_settings("https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml", run_dir)
    start = time.perf_counter()
    summary = reparse_plain(settings)
    seconds = time.perf_counter() - start
    counts: dict[str, int] = {}
    for page in summary.pages:
        counts[page.status] = counts.get(page.status, 0) + 1
    print("RESULT " + json.dumps({"seconds": seconds, "pages": counts, "ok": summary.ok}), flush=True)
    return 0


def _fill(run_dir: Path, briefings: int, distinct: int, batch_size: int, seed: int) -> int:
    """Child: fill the warehouse batch by batch; print the batch times and row counts."""
    from bench.synth import synth_pages
    from briefings.sites import parse_page
    from warehouse.connect import open_writer
    from warehouse.load import BatchPage, LoadError, load_batch

    parsed = [(p, parse_page(p.html, p.url, kind="html")) for p in synth_pages(distinct, seed=seed)]
    settings = plain_settings("https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml", run_dir)
    con = open_writer(settings)
    batch_s: list[float] = []
    try:
        for start in range(0, briefings, batch_size):
            pages = []
            for n in range(start, min(start + batch_size, briefings)):
                page, p = parsed[n % distinct]
                url = page.url.rsplit("_", 1)[0] + f"_{8_000_000 + n}.shtml"
                b = dataclasses.replace(p.briefing, url=url)
                pages.append(BatchPage(dataclasses.replace(p, briefing=b), url,
                                       hashlib.sha256(url.encode()).hexdigest(), page.publish_date))
            t = time.perf_counter()
            results = load_batch(con, pages, run_id="growth")
            batch_s.append(time.perf_counter() - t)
            bad = [r for r in results if isinstance(r, LoadError)]
            if bad:
                raise RuntimeError(f"{len(bad)} pages failed: {bad[0]}")
        rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("briefings", "turns", "indicators", "indicators_history")}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    print("RESULT " + json.dumps({"batch_seconds": batch_s, "rows": rows}), flush=True)
    return 0


def _spawn(*args: str) -> tuple[dict[str, object], int]:
    """Run this script as a child with ``args``; (its RESULT document, its peak RSS in bytes)."""
    proc = subprocess.Popen([sys.executable, str(HERE), *args], stdout=subprocess.PIPE, cwd=HERE.parent.parent)
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT ")), None)
    return (json.loads(line[len("RESULT "):]) if line else {"error": f"child exited {status}"}), usage.ru_maxrss * 1024


def run(briefings: int, distinct: int, batch_size: int, seed: int = 0) -> dict[str, object]:
    """Fill a warehouse batch by batch, then time a no-op reparse of it; returns the result document."""
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    fill, fill_rss = _spawn("--child", "fill", "--run-dir", str(work), "--briefings", str(briefings),
                            "--distinct", str(distinct), "--batch-size", str(batch_size), "--seed", str(seed))
    batch_s = fill["batch_seconds"]  # type: ignore[index]
    file_bytes = (work / "warehouse.duckdb").stat().st_size
    t = time.perf_counter()
    noop, noop_rss = _spawn("--child", "noop", "--run-dir", str(work))
    noop.update({"wall_s": time.perf_counter() - t, "peak_rss_bytes": noop_rss})
    shutil.rmtree(work, ignore_errors=True)
    first, last = batch_s[:10], batch_s[-10:]  # type: ignore[index]
    doc: dict[str, object] = {
        "briefings": briefings, "distinct_pages": distinct, "batch_size": batch_size,
        "rows_at_end": fill.get("rows"), "warehouse_file_bytes": file_bytes, "fill_peak_rss_bytes": fill_rss,
        "batch_seconds": batch_s,
        "ms_per_briefing_first_10_batches": {"median": 1000 * median(first) / batch_size,
                                             "min": 1000 * min(first) / batch_size},
        "ms_per_briefing_last_10_batches": {"median": 1000 * median(last) / batch_size,
                                            "min": 1000 * min(last) / batch_size},
        "noop_reparse": noop,
        "load_average_1min": [load_start, os.getloadavg()[0]],
    }
    doc["targets_met"] = {"noop_reparse_within_30_s": noop.get("seconds", 1e9) <= 30}
    return doc


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run (or be the child), write bench/results/warehouse_growth.json (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefings", type=int, default=10_000)
    parser.add_argument("--distinct", type=int, default=100, help="synthetic pages parsed and replicated")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", choices=("fill", "noop"), help=argparse.SUPPRESS)
    parser.add_argument("--run-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "fill":
        return _fill(args.run_dir, args.briefings, args.distinct, args.batch_size, args.seed)
    if args.child == "noop":
        return _child(args.run_dir)
    doc = run(args.briefings, args.distinct, args.batch_size, args.seed)
    path = write_result("warehouse_growth", doc, args.out)
    print(f"growth: {doc['ms_per_briefing_first_10_batches']} -> "
          f"{doc['ms_per_briefing_last_10_batches']} ms/briefing, no-op reparse "
          f"{doc['noop_reparse'].get('seconds')} s, peak RSS {doc['noop_reparse']['peak_rss_bytes'] / 2**20:.0f} MiB "
          f"-> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Diagnostic for the memory benchmark: which phase of a collect run sets the peak RSS.

Runs the steps of ``briefings.pipeline.collect_plain`` one by one against a loopback site
(discover + fetch + parse, load, checks, totals, run record + CHECKPOINT, read copy) while a
thread samples this process's RSS (``/proc/self/status`` VmRSS) every 0.2 s; reports the peak per
phase and DuckDB's own view (``duckdb_memory()``, ``memory_limit``) after the load.

``--duckdb-memory-limit 256MB`` tries the remedy proposed in BENCHMARKS.md without editing the
warehouse code: every ``duckdb.connect`` of this process is followed by ``SET memory_limit``.

Usage: ``.venv/bin/python bench/memory_phases.py [--sizes 100,2000] [--duckdb-memory-limit 256MB] [--out FILE]``
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import plain_settings, write_result  # noqa: E402


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class _Sampler:
    """Peak RSS per named phase, sampled every ``interval_s`` seconds by a daemon thread."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self.phase = "start"
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval_s,), daemon=True)
        self._thread.start()

    def _run(self, interval_s: float) -> None:
        while not self._stop.is_set():
            self.mark()
            time.sleep(interval_s)

    def mark(self) -> None:
        """Record the current RSS under the current phase."""
        rss = _rss_bytes()
        self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), rss)

    def enter(self, phase: str) -> None:
        """Close the current phase (one last sample) and start ``phase``."""
        self.mark()
        self.phase = phase
        self.mark()

    def stop(self) -> None:
        """Stop sampling."""
        self.mark()
        self._stop.set()
        self._thread.join()


def _phases(source: str, run_dir: Path) -> dict[str, object]:
    from briefings.pipeline import (
        PageOutcome,
        RunSummary,
        discover_series,
        fetch_detail,
        load_manifest,
        new_run_id,
        parse_archived,
        read_state,
        run_context,
        write_manifest,
    )
    from warehouse.checks import run_checks
    from warehouse.connect import open_writer, publish_read_copy
    from warehouse.load import checkpoint, record_run

    settings = plain_settings(source, run_dir)
    sampler = _Sampler()
    run_id = new_run_id()
    started = datetime.now(timezone.utc)
    sampler.enter("discover_fetch_parse")
    with run_context(settings, run_id) as context:
        watermarks, validators = read_state(context)
        discovery = discover_series(context, validators)
        records = list(discovery.records)
        staged = []
        for entry in discovery.entries:
            record = fetch_detail(context, entry.url)
            records.append(record)
            staged.append(parse_archived(context, entry.url, record.sha256, "text/html"))
        sampler.enter("load")
        report = load_manifest(context, write_manifest(settings, run_id, 1, staged, records))
    summary = RunSummary(run_id=run_id, pages=list(report.outcomes), requests=report.requests)
    con = open_writer(settings)
    duck = {
        "memory_limit": con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0],
        "threads": con.execute("SELECT current_setting('threads')").fetchall()[0][0],
        "duckdb_memory_bytes_after_load_reopened": con.execute(
            "SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0],
    }
    sampler.enter("checks")
    run_checks(con, run_id)
    duck["duckdb_memory_bytes_after_checks"] = con.execute(
        "SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]
    sampler.enter("record_run_checkpoint")
    record_run(con, run_id, "collect", started, datetime.now(timezone.utc), "completed", {"pages": len(staged)})
    checkpoint(con)
    sampler.enter("publish_read_copy")
    # as check_run does since 3e60459: with the writer connection, while it holds the lock
    publish_read_copy(con)
    con.close()
    sampler.stop()
    loaded = sum(1 for p in summary.pages if isinstance(p, PageOutcome) and p.status == "loaded")
    return {"pages_loaded": loaded, "peak_rss_bytes_by_phase": sampler.peaks, "duckdb": duck}


def _limit_duckdb(limit: str) -> None:
    """Make every later ``duckdb.connect`` in this process run ``SET memory_limit = limit``."""
    import duckdb

    original = duckdb.connect

    def connect(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        con = original(*args, **kwargs)  # type: ignore[arg-type]
        con.execute(f"SET memory_limit = '{limit}'")
        return con

    duckdb.connect = connect  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    """Command line entry: one child-free run per size, in this process, one after another."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,2000")
    parser.add_argument("--out", type=Path, default=None, help="default bench/results/memory_phases.json")
    parser.add_argument("--duckdb-memory-limit", default=None, help="SET memory_limit on every DuckDB connection")
    args = parser.parse_args(argv)
    if args.duckdb_memory_limit:
        _limit_duckdb(args.duckdb_memory_limit)
    from bench.server import serve_site
    from bench.synth import write_site

    work = Path(tempfile.mkdtemp(prefix="bench-memph-"))
    by_size = {}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        write_site(work / f"site-{size}", size)
        with serve_site(work / f"site-{size}") as site:
            by_size[str(size)] = _phases(site.first_list_url, work / f"run-{size}")
        shutil.rmtree(work / f"run-{size}", ignore_errors=True)
        shutil.rmtree(work / f"site-{size}", ignore_errors=True)
        peaks = by_size[str(size)]["peak_rss_bytes_by_phase"]
        print(f"  {size}: " + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in peaks.items()), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    path = write_result("memory_phases", {"note": "sizes run in turn in one process (later sizes start warmer): run one size per invocation",
                                          "duckdb_memory_limit": args.duckdb_memory_limit,
                                          "by_size": by_size}, args.out)
    print(f"memory phases -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

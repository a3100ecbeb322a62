"""Scale-out: reparse of 2,000 changed pages and collect of 200 pages with 1 and 2 Dask workers.

Run: ``.venv/bin/python -m bench.bench_workers [--pages 2000] [--collect-pages 200] [--interval 0.2]``
Writes ``bench/results/workers.json``.

- **reparse**: a synthetic column (``bench.synth``) is collected once without Prefect, with the parser
  version set to an older value, so that every page is *changed* for the reparse that follows (its rows are
  replaced, as after a parser change). Each reparse starts from a copy of that warehouse with staging
  emptied, and runs the Prefect ``reparse`` flow in-process (ephemeral API, SQLite) with ``workers=1``
  (no Dask) and ``workers=2`` (a ``LocalCluster`` of 2 processes).
- **collect**: the ``collect`` flow of a fresh warehouse from a loopback copy of a 200-page column at
  ``BRIEFINGS_MIN_INTERVAL_S=0.2``, with 1 and 2 workers; both are bound by politeness on one host.

Where the time goes is read back from Prefect's task runs of each flow run: from the flow's start to
the first parse (or fetch) task's start (cluster start-up with Dask), the span of the parse/fetch tasks,
the sum of their run times (work done in them), the load and the checks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import quiet_prefect_env, stop_prefect_servers, write_result  # noqa: E402


def _phases(flow_run_id: Any) -> dict[str, Any]:
    """Seconds per phase of one flow run, from its task runs (see the module docstring)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        tasks: list[Any] = []
        while True:  # the API answers at most 200 per call
            page = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                                         limit=200, offset=len(tasks))
            tasks += page
            if len(page) < 200:
                break
    start = run.start_time
    out: dict[str, Any] = {"flow_total_s": round((run.end_time - start).total_seconds(), 2), "tasks": len(tasks)}
    by_kind: dict[str, list[Any]] = {}
    for t in tasks:  # "parse <url>", "fetch <url>", or "<task name>-<3 hex>"
        kind = t.name.split(" ")[0] if " " in t.name else t.name.rsplit("-", 1)[0]
        by_kind.setdefault(kind, []).append(t)
    for kind, runs in sorted(by_kind.items()):
        runs = [r for r in runs if r.start_time and r.end_time]
        if not runs:
            continue
        first = min(r.start_time for r in runs)
        last = max(r.end_time for r in runs)
        out[kind] = {
            "count": len(runs),
            "starts_after_s": round((first - start).total_seconds(), 2),
            "span_s": round((last - first).total_seconds(), 2),
            "run_time_sum_s": round(sum(r.total_run_time.total_seconds() for r in runs), 2),
        }
    return out


def _flow(flow: Any, **params: Any) -> dict[str, Any]:
    """Run ``flow`` in-process; wall time, page counts and phases."""
    from briefings.settings import Settings
    from flows.common import with_result_storage

    started = time.monotonic()
    state = with_result_storage(flow, Settings.from_env())(return_state=True, **params)
    seconds = time.monotonic() - started
    result = state.result(raise_on_failure=False)
    summary = result if isinstance(result, dict) else getattr(result, "summary", None) or {}
    return {
        "seconds": round(seconds, 2),
        "ok": state.is_completed(),
        "error": None if state.is_completed() else str(result)[:300],
        "pages": {k: summary.get(k) for k in ("loaded", "unchanged", "skipped", "failed", "blocked")},
        "phases": _phases(state.state_details.flow_run_id),
    }


def bench_reparse(work: Path, pages: int) -> dict[str, Any]:
    """Reparse ``pages`` changed pages with 1 and 2 workers (see the module docstring)."""
    import briefings.parsing as parsing
    from bench.common import plain_settings
    from bench.server import serve_site
    from bench.synth import write_site
    from briefings.pipeline import collect_plain
    from flows.reparse import reparse

    write_site(work / "site", pages)
    seed = work / "seed"
    real_version = parsing.PARSER_VERSION
    parsing.PARSER_VERSION = real_version + "-before"  # the rows of an older parser: every page changes
    try:
        with serve_site(work / "site") as site:
            started = time.monotonic()
            summary = collect_plain(plain_settings(site.first_list_url, seed))
            setup_s = time.monotonic() - started
    finally:
        parsing.PARSER_VERSION = real_version
    assert summary.count("loaded") == pages, summary.as_dict()
    out: dict[str, Any] = {"pages": pages, "setup_collect_plain_s": round(setup_s, 1)}
    for workers in (1, 2):
        run = work / f"reparse{workers}"
        shutil.copytree(seed, run)
        shutil.rmtree(run / "data" / "staging", ignore_errors=True)
        os.environ["BRIEFINGS_DATA_DIR"] = str(run / "data")
        out[f"workers_{workers}"] = _flow(reparse, warehouse=str(run / "warehouse.duckdb"), workers=workers)
        print(f"reparse workers={workers}: {out[f'workers_{workers}']['seconds']} s", flush=True)
    out["speedup"] = round(out["workers_1"]["seconds"] / out["workers_2"]["seconds"], 2)
    return out


def bench_collect(work: Path, pages: int, interval_s: float) -> dict[str, Any]:
    """Collect ``pages`` pages at ``interval_s`` with 1 and 2 workers (see the module docstring)."""
    from bench.server import serve_site
    from bench.synth import write_site
    from flows.collect import collect

    write_site(work / "csite", pages)
    out: dict[str, Any] = {"pages": pages, "min_interval_s": interval_s}
    os.environ["BRIEFINGS_MIN_INTERVAL_S"] = str(interval_s)
    os.environ["BRIEFINGS_MAX_LIST_PAGES"] = "10000"
    with serve_site(work / "csite") as site:
        for workers in (1, 2):
            run = work / f"collect{workers}"
            os.environ["BRIEFINGS_DATA_DIR"] = str(run / "data")
            site.counts.reset()
            result = _flow(collect, source=site.first_list_url, warehouse=str(run / "warehouse.duckdb"), workers=workers)
            result["requests"] = site.counts.snapshot()
            out[f"workers_{workers}"] = result
            print(f"collect workers={workers}: {result['seconds']} s", flush=True)
    os.environ.pop("BRIEFINGS_MIN_INTERVAL_S")
    out["ratio_2_to_1"] = round(out["workers_2"]["seconds"] / out["workers_1"]["seconds"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="changed pages to reparse")
    parser.add_argument("--collect-pages", type=int, default=200, help="pages to collect")
    parser.add_argument("--interval", type=float, default=0.2, help="politeness interval of the collect, s")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    quiet_prefect_env(work / "prefect")
    try:
        result = {
            "collect": bench_collect(work, args.collect_pages, args.interval),
            "reparse": bench_reparse(work, args.pages),
            "load_avg_after": os.getloadavg(),
        }
        path = write_result("workers", result, args.out)
        print(f"wrote {path}")
    finally:
        stop_prefect_servers()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Orchestration benchmark: the Prefect ``collect`` flow vs the same pipeline without Prefect.

For each size (default 17, 200 and 2,000 synthetic pages) a site tree is written
(``bench.synth.write_site``) and served on 127.0.0.1 (``bench.server``). Each repeat runs, in
alternating order, ``briefings.pipeline.collect_plain`` and ``flows.collect.collect`` from the
site's first list page into a fresh warehouse and data folder, and takes the ratio of the two
wall times. Both run in THIS process: Prefect's ephemeral API server is started once by an
untimed warm-up flow run (its start-up time is reported separately as ``prefect_startup_s``), so
the ratio is the per-run cost of orchestration, not of starting Prefect.

Settings: ``BRIEFINGS_MIN_INTERVAL_S=0`` (no politeness delay: on loopback it would be the whole
time); Prefect home in a temporary folder, logging at WARNING. The flow submits the fetch and
parse tasks to Prefect's default thread pool, the plain pipeline runs them one after another.

Large sizes may not fit ``--repeats`` runs in ``--budget-s``: a size stops repeating once its
budget is spent (at least one pair of runs); the number of runs is in the result.

Usage: ``.venv/bin/python bench/bench_orchestration.py [--sizes 17,200,2000] [--repeats 5] [--budget-s 900]``
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, quiet_prefect_env, stop_prefect_servers, write_result  # noqa: E402


def run(sizes: list[int], repeats: int, budget_s: float, seed: int = 0, work: Path | None = None) -> dict[str, object]:
    """Measure flow vs plain at each size; returns the result document (times in s)."""
    work = work or Path(tempfile.mkdtemp(prefix="bench-orch-"))
    quiet_prefect_env(work / "prefect-home")
    from bench.runs import collect_flow_run, collect_plain_run
    from bench.server import serve_site
    from bench.synth import write_site

    results: dict[str, object] = {}
    startup_s: float | None = None
    for size in sizes:
        site_root = work / f"site-{size}"
        written = write_site(site_root, size, seed=seed)
        runs: list[dict[str, object]] = []
        with serve_site(site_root) as site:
            if startup_s is None:
                start = time.perf_counter()
                collect_flow_run(site, work / "warmup-flow")
                startup_s = time.perf_counter() - start
                collect_plain_run(site, work / "warmup-plain")
            spent_start = time.perf_counter()
            for r in range(repeats):
                pair: dict[str, object] = {}
                for kind in (("plain", "flow") if r % 2 == 0 else ("flow", "plain")):
                    run_dir = work / f"run-{size}-{r}-{kind}"
                    result = (collect_plain_run if kind == "plain" else collect_flow_run)(site, run_dir)
                    pair[kind] = result.as_dict()
                    shutil.rmtree(run_dir, ignore_errors=True)
                runs.append(pair)
                if time.perf_counter() - spent_start > budget_s:
                    break
        shutil.rmtree(site_root, ignore_errors=True)
        plain = [p["plain"]["seconds"] for p in runs]  # type: ignore[index]
        flow = [p["flow"]["seconds"] for p in runs]  # type: ignore[index]
        ratios = [f / p for f, p in zip(flow, plain)]
        results[str(size)] = {
            "pages": size,
            "list_pages": len(written.list_paths),
            "runs": len(runs),
            "seconds": {"plain": plain, "flow": flow},
            "median_s": {"plain": median(plain), "flow": median(flow)},
            "ratio_flow_over_plain": {"per_repeat": ratios, "median": median(ratios)},
            "overhead_pct": 100 * (median(ratios) - 1),
            "all_ok": all(p["plain"]["ok"] and p["flow"]["ok"] for p in runs),  # type: ignore[index]
            "detail": runs,
        }
    doc: dict[str, object] = {"sizes": sizes, "repeats_asked": repeats, "budget_s_per_size": budget_s,
                              "prefect_startup_s": startup_s, "by_size": results}
    if "200" in results:
        doc["targets_met"] = {"overhead_within_20pct_at_200": results["200"]["overhead_pct"] <= 20}  # type: ignore[index]
    stop_prefect_servers()
    shutil.rmtree(work, ignore_errors=True)
    return doc


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write bench/results/orchestration.json (or --out), print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="17,200,2000", help="comma-separated page counts")
    parser.add_argument("--repeats", type=int, default=5, help="pairs of runs per size (at most)")
    parser.add_argument("--budget-s", type=float, default=900.0, help="stop repeating a size after this many s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/orchestration.json)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    doc = run(sizes, args.repeats, args.budget_s, args.seed)
    path = write_result("orchestration", doc, args.out)
    print(f"orchestration: Prefect start-up {doc['prefect_startup_s']:.1f} s (untimed warm-up) -> {path}")
    for size, res in doc["by_size"].items():  # type: ignore[union-attr]
        print(
            f"  {size} pages, {res['runs']} runs: plain {res['median_s']['plain']:.2f} s, flow {res['median_s']['flow']:.2f} s, "
            f"flow/plain {res['ratio_flow_over_plain']['median']:.2f} (overhead {res['overhead_pct']:.0f}%), ok={res['all_ok']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

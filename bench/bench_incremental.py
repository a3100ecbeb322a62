"""Incremental benchmark: a rerun with nothing new — its time and the requests it makes.

For each size (default 200 and 2,000 synthetic pages) a site is written and served on 127.0.0.1
(``bench.server``, which counts requests by kind and status). One first ``collect_plain`` run
fills a warehouse and data folder (timed, reported as ``first_run``); then, on the same warehouse,
``--repeats`` no-op reruns of ``collect_plain`` and, when ``--flow`` is given, of the Prefect
``collect`` flow (in-process; Prefect's start-up is an untimed warm-up). Each rerun records wall
time and the server's counts.

Target (issue 9): a no-op rerun costs list-page requests only (``detail == 0``); with conditional
GET those answer 304.

Usage: ``.venv/bin/python bench/bench_incremental.py [--sizes 200,2000] [--repeats 5] [--flow]``
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


def run(sizes: list[int], repeats: int, with_flow: bool, budget_s: float, seed: int = 0,
        work: Path | None = None) -> dict[str, object]:
    """Measure no-op reruns per size; returns the result document (times in s)."""
    work = work or Path(tempfile.mkdtemp(prefix="bench-incr-"))
    if with_flow:
        quiet_prefect_env(work / "prefect-home")
    from bench.runs import collect_flow_run, collect_plain_run
    from bench.server import serve_site
    from bench.synth import write_site

    by_size: dict[str, object] = {}
    warmed = False
    for size in sizes:
        site_root = work / f"site-{size}"
        written = write_site(site_root, size, seed=seed)
        run_dir = work / f"run-{size}"
        with serve_site(site_root) as site:
            if with_flow and not warmed:
                collect_flow_run(site, work / "warmup")
                shutil.rmtree(work / "warmup", ignore_errors=True)
                warmed = True
            first = collect_plain_run(site, run_dir)
            reruns: dict[str, list[dict[str, object]]] = {"plain": [], "flow": []}
            kinds = ["plain", "flow"] if with_flow else ["plain"]
            start = time.perf_counter()
            for r in range(repeats):
                for kind in kinds if r % 2 == 0 else kinds[::-1]:
                    result = (collect_plain_run if kind == "plain" else collect_flow_run)(site, run_dir)
                    reruns[kind].append(result.as_dict())
                if time.perf_counter() - start > budget_s:
                    break
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(site_root, ignore_errors=True)
        entry: dict[str, object] = {
            "pages": size,
            "list_pages": len(written.list_paths),
            "first_run": first.as_dict(),
        }
        for kind in kinds:
            runs = reruns[kind]
            seconds = [r["seconds"] for r in runs]
            entry[kind] = {
                "runs": len(runs),
                "seconds": seconds,
                "median_s": median(seconds),  # type: ignore[arg-type]
                "requests": [r["requests"] for r in runs],
                "pages": runs[-1]["pages"] if runs else {},
                "list_requests_only": all(r["requests"]["detail"] == 0 for r in runs),  # type: ignore[index]
                "all_ok": all(r["ok"] for r in runs),
            }
        by_size[str(size)] = entry
    stop_prefect_servers()
    shutil.rmtree(work, ignore_errors=True)
    doc: dict[str, object] = {"sizes": sizes, "repeats_asked": repeats, "flow": with_flow, "by_size": by_size}
    doc["targets_met"] = {
        f"noop_{kind}_{size}_list_requests_only": e[kind]["list_requests_only"]  # type: ignore[index]
        for size, e in by_size.items() for kind in ("plain", "flow") if kind in e  # type: ignore[operator]
    }
    return doc


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write bench/results/incremental.json (or --out), print a line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000", help="comma-separated page counts")
    parser.add_argument("--repeats", type=int, default=5, help="no-op reruns per size and kind")
    parser.add_argument("--flow", action="store_true", help="also rerun with the Prefect flow")
    parser.add_argument("--budget-s", type=float, default=600.0, help="stop repeating a size after this many s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/incremental.json)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    doc = run(sizes, args.repeats, args.flow, args.budget_s, args.seed)
    path = write_result("incremental", doc, args.out)
    for size, e in doc["by_size"].items():  # type: ignore[union-attr]
        first = e["first_run"]
        line = f"  {size} pages ({e['list_pages']} list pages): first run {first['seconds']:.1f} s"
        for kind in ("plain", "flow"):
            if kind in e:
                k = e[kind]
                line += (f"; no-op {kind} x{k['runs']}: {k['median_s']:.2f} s, requests {k['requests'][-1]}, "
                         f"list only={k['list_requests_only']}")
        print(line)
    print(f"incremental -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

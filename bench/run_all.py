"""Run every benchmark, one subprocess each, and print their summary lines (``make bench``).

Each script writes ``bench/results/<name>.json``; BENCHMARKS.md reports them. The defaults are
the measurement sizes of BENCHMARKS.md; ``--quick`` runs each at a tiny size instead (a smoke run,
results written below a temporary folder, not over the committed ones).

Usage: ``.venv/bin/python bench/run_all.py [--quick] [--only parse,load,...]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (script, full-size arguments, quick arguments)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "parse": ("bench_parse.py", ["--pages", "200", "--repeats", "5"], ["--pages", "3", "--repeats", "1"]),
    "load": ("bench_load.py", ["--pages", "100", "--repeats", "5"], ["--pages", "2", "--repeats", "1"]),
    "orchestration": (
        "bench_orchestration.py",
        ["--sizes", "17,200,2000", "--repeats", "5", "--budget-s", "900"],
        ["--sizes", "2", "--repeats", "1"],
    ),
    "incremental": (
        "bench_incremental.py",
        ["--sizes", "200,2000", "--repeats", "5", "--flow"],
        ["--sizes", "3", "--repeats", "1"],
    ),
    "memory": ("bench_memory.py", ["--sizes", "100,10000", "--modes", "plain"], ["--sizes", "2,4", "--modes", "plain"]),
}


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks in turn; exit status 1 if any script failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, results to a temporary folder")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of " + ", ".join(BENCHMARKS))
    args = parser.parse_args(argv)
    out_dir = Path(tempfile.mkdtemp(prefix="bench-quick-")) if args.quick else None
    failed = []
    for name in [n for n in args.only.split(",") if n]:
        script, full, quick = BENCHMARKS[name]
        cmd = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        if out_dir is not None:
            cmd += ["--out", str(out_dir / f"{name}.json")]
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=HERE.parent)
        print(f"== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Memory benchmark: peak RSS of a collect run and of a reparse run, at 100 and at 10,000 pages.

For each size a synthetic site is written and served on 127.0.0.1 by THIS process; each
measurement is a fresh child process (``python bench/bench_memory.py --child …``) whose peak
resident set size is read from ``os.wait4`` (``ru_maxrss``, KiB on Linux: the child's own peak,
or a waited-for grandchild's if larger). The loopback server's memory is not in it.

- ``collect``: ``collect_plain`` (``--mode plain``) or the Prefect flow (``--mode flow``, which
  starts Prefect's ephemeral API in that child) into a fresh warehouse;
- ``reparse``: afterwards, on the same warehouse and archive, the reparse steps with the staging
  folder cleared so every page is parsed again (``bench.runs.reparse_plain_run`` /
  ``reparse_flow_run``).

Target (issue 9): peak RSS at 10,000 pages within 1.2x of that at 100 (same mode).
The flow at 10,000 pages is too slow for the time we had; the plain pipeline stands in there.

Usage: ``.venv/bin/python bench/bench_memory.py [--sizes 100,10000] [--modes plain] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import finish_run, quiet_prefect_env, run_child, stop_prefect_servers, write_result  # noqa: E402

HERE = Path(__file__).resolve()


def _child(action: str, mode: str, source: str, run_dir: Path) -> int:
    """Run one measured action in this (child) process; print its RunResult as JSON."""
    from bench.server import LoopbackSite, RequestCounts

    if mode == "flow":
        quiet_prefect_env(run_dir.parent / "prefect-home")
    from bench import runs

    site = LoopbackSite(base_url=source.split("/hbfb/")[0], counts=RequestCounts())
    if action == "collect":
        result = (runs.collect_plain_run if mode == "plain" else runs.collect_flow_run)(site, run_dir)
    else:
        result = (runs.reparse_plain_run if mode == "plain" else runs.reparse_flow_run)(run_dir)
    doc = result.as_dict()
    doc["requests"] = None  # counted by the server in the parent, not here
    print("RESULT " + json.dumps(doc, default=str), flush=True)
    stop_prefect_servers()  # waited for here, so its peak RSS counts in ru_maxrss if larger
    return 0


def _measure(action: str, mode: str, source: str, run_dir: Path, log: Path) -> dict[str, object]:
    """Start a child for one action, wait for it, return its result plus peak RSS in bytes."""
    child = run_child([sys.executable, str(HERE), "--child", action, "--mode", mode, "--source", source,
                       "--run-dir", str(run_dir)], log)
    return {
        "action": action,
        "mode": mode,
        "peak_rss_bytes": child.peak_rss_bytes,
        "wall_s": child.seconds,
        "exit_code": child.exit_code,
        "result": child.result(log),
    }


def run(sizes: list[int], modes: list[str], seed: int = 0, work: Path | None = None) -> dict[str, object]:
    """Measure peak RSS per size, mode and action; returns the result document."""
    from bench.server import serve_site
    from bench.synth import write_site

    work = work or Path(tempfile.mkdtemp(prefix="bench-mem-"))
    log = work / "children.log"
    rows: list[dict[str, object]] = []
    for size in sizes:
        site_root = work / f"site-{size}"
        write_site(site_root, size, seed=seed)
        with serve_site(site_root) as site:
            for mode in modes:
                run_dir = work / f"run-{size}-{mode}"
                for action in ("collect", "reparse"):
                    row = _measure(action, mode, site.first_list_url, run_dir, log)
                    row["pages"] = size
                    rows.append(row)
                    print(
                        f"  {action} {mode} {size} pages: peak RSS {row['peak_rss_bytes'] / 2**20:.0f} MiB, "
                        f"{row['wall_s']:.0f} s, exit {row['exit_code']}",
                        flush=True,
                    )
                shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(site_root, ignore_errors=True)
    ratios: dict[str, float] = {}
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        for mode in modes:
            for action in ("collect", "reparse"):
                peak = {r["pages"]: r["peak_rss_bytes"] for r in rows if r["mode"] == mode and r["action"] == action}
                if small in peak and large in peak:
                    ratios[f"{action}_{mode}_{large}_over_{small}"] = peak[large] / peak[small]  # type: ignore[operator]
    doc: dict[str, object] = {"sizes": sizes, "modes": modes, "measurements": rows, "ratios": ratios}
    doc["targets_met"] = {k: v <= 1.2 for k, v in ratios.items()}
    return finish_run(doc, log, work, tail=2000)


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run (or be a child), write bench/results/memory.json (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000", help="comma-separated page counts")
    parser.add_argument("--modes", default="plain", help="comma-separated: plain, flow")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/memory.json)")
    parser.add_argument("--child", choices=("collect", "reparse"), help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="plain", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--run-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.mode, args.source, args.run_dir)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    doc = run(sizes, modes, args.seed)
    path = write_result("memory", doc, args.out)
    print(f"memory: ratios {json.dumps(doc['ratios'])} (target <= 1.2) -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

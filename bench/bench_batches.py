"""Batch-load benchmark (issue 15): collect, reparse (changed and no-op) and parse-only, side by side.

For each size N a synthetic site (``bench.synth.write_site``) is served on 127.0.0.1 by THIS
process; each measurement is a fresh child process, whose wall time is taken inside the child and
whose peak RSS is read from ``os.wait4`` (``ru_maxrss``):

- ``parse``: ``parse_page`` of every page's HTML (read from the site folder first, not timed): the
  full parse of the N pages, the yardstick of the others;
- ``collect``: ``collect_plain`` from the loopback site into a fresh warehouse, politeness off
  (``BRIEFINGS_MIN_INTERVAL_S=0``): discover, fetch, parse, stage, load in batches, checks, run
  record, CHECKPOINT, read copy;
- ``reparse_changed``: ``reparse_plain`` on that warehouse with ``PARSER_VERSION`` changed in the
  child, so every page is parsed again and every row re-derived in place;
- ``reparse_noop``: ``reparse_plain`` again with the same changed version, nothing to do (every page
  current: skipped before parse).

Targets (issue 15): collect cost per page <= 3x the parse of a page (at 600 and 10,000 pages);
reparse_changed <= 2x parse at 10,000; reparse_noop at 10,000 <= 30 s; peak RSS of collect and of
reparse at 10,000 <= 1.5x that at 100. The 1-minute load average is recorded before and after
each child (the machine is shared).

Usage: ``.venv/bin/python bench/bench_batches.py [--sizes 100,600] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import finish_run, plain_settings, run_child, write_result  # noqa: E402

HERE = Path(__file__).resolve()
ACTIONS = ("parse", "collect", "reparse_changed", "reparse_noop")


def _child(action: str, source: str, run_dir: Path, site_root: Path) -> int:
    """Run one measured action in this (child) process; print ``RESULT <json>``."""
    settings = plain_settings(source, run_dir)
    doc: dict[str, object] = {}
    if action == "parse":
        from briefings.sites import parse_page

        pages = [(p, p.read_text(encoding="utf-8")) for p in sorted(site_root.rglob("t*_*.shtml"))]
        start = time.perf_counter()
        for path, html in pages:
            parse_page(html, f"https://www.hubei.gov.cn/{path.name}", kind="html")
        doc["seconds"] = time.perf_counter() - start
        doc["pages"] = {"parsed": len(pages)}
    else:
        from briefings import pipeline

        if action.startswith("reparse"):  # reparse_noop runs after reparse_changed, with its version
            import briefings.parsing

            briefings.parsing.PARSER_VERSION = briefings.parsing.PARSER_VERSION + "+bench"
        start = time.perf_counter()
        summary = (pipeline.collect_plain if action == "collect" else pipeline.reparse_plain)(settings)
        doc["seconds"] = time.perf_counter() - start
        counts: dict[str, int] = {}
        for page in summary.pages:
            counts[page.status] = counts.get(page.status, 0) + 1
        doc["pages"] = counts
        doc["ok"] = summary.ok
        doc["totals"] = summary.totals
        doc["requests"] = summary.requests
    print("RESULT " + json.dumps(doc, default=str), flush=True)
    return 0


def _measure(action: str, source: str, run_dir: Path, site_root: Path, log: Path) -> dict[str, object]:
    child = run_child([sys.executable, str(HERE), "--child", action, "--source", source, "--run-dir", str(run_dir),
                       "--site-root", str(site_root)], log)
    return {"action": action, "peak_rss_bytes": child.peak_rss_bytes, "wall_s": child.seconds,
            "load_average_1min": child.load_average_1min, "exit_status": child.status, **child.result(log)}


def run(sizes: list[int], seed: int = 0, work: Path | None = None, out: Path | None = None) -> dict[str, object]:
    """Measure every action at every size; returns the result document (seconds, bytes, ratios)."""
    from bench.server import serve_site
    from bench.synth import write_site

    work = work or Path(tempfile.mkdtemp(prefix="bench-batches-"))
    log = work / "children.log"
    rows: list[dict[str, object]] = []
    for size in sizes:
        site_root = work / f"site-{size}"
        write_site(site_root, size, seed=seed)
        run_dir = work / f"run-{size}"
        with serve_site(site_root) as site:
            for action in ACTIONS:
                row = _measure(action, site.first_list_url, run_dir, site_root, log)
                row["size"] = size
                rows.append(row)
                if out is not None:  # keep what is measured so far, should a long run be stopped
                    write_result("batches", {"sizes": sizes, "partial": True, "measurements": rows}, out)
                print(f"  {size} pages {action}: {row.get('seconds', float('nan')):.1f} s, peak RSS "
                      f"{row['peak_rss_bytes'] / 2**20:.0f} MiB, load {row['load_average_1min']}, "
                      f"pages {row.get('pages')}", flush=True)
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(site_root, ignore_errors=True)
    by = {(r["size"], r["action"]): r for r in rows}
    ratios: dict[str, float] = {}
    for size in sizes:
        parse_s = by[(size, "parse")]["seconds"]
        ratios[f"collect_per_page_over_parse_per_page_{size}"] = by[(size, "collect")]["seconds"] / parse_s
        ratios[f"reparse_changed_over_parse_{size}"] = by[(size, "reparse_changed")]["seconds"] / parse_s
    small, large = min(sizes), max(sizes)
    if small != large:
        for action in ("collect", "reparse_changed", "reparse_noop"):
            ratios[f"peak_rss_{action}_{large}_over_{small}"] = (
                by[(large, action)]["peak_rss_bytes"] / by[(small, action)]["peak_rss_bytes"])
    targets = {k: v <= 3 for k, v in ratios.items() if k.startswith("collect_per_page")}
    targets.update({k: v <= 2 for k, v in ratios.items() if k.startswith("reparse_changed_over")})
    targets.update({k: v <= 1.5 for k, v in ratios.items() if k.startswith("peak_rss")})
    targets.update({f"reparse_noop_{s}_within_30_s": by[(s, "reparse_noop")]["seconds"] <= 30 for s in sizes})
    doc: dict[str, object] = {"sizes": sizes, "measurements": rows, "ratios": ratios, "targets_met": targets}
    return finish_run(doc, log, work)


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run (or be a child), write bench/results/batches.json (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,600", help="comma-separated page counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/batches.json)")
    parser.add_argument("--child", choices=ACTIONS, help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--run-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--site-root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.source, args.run_dir, args.site_root)
    doc = run([int(s) for s in args.sizes.split(",") if s], args.seed, out=args.out)
    path = write_result("batches", doc, args.out)
    print(f"batches: {json.dumps(doc['ratios'])} targets {json.dumps(doc['targets_met'])} -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The spine's benchmark (issue 24): ``briefings collect`` as users run it, per page, against the parse.

For each size N a synthetic site (``bench.synth.write_site``) is served on 127.0.0.1 by THIS process;
each measurement is a fresh child process (wall time taken around it or inside it, peak RSS from
``os.wait4``), in one run, so every ratio compares numbers measured on the same machine minutes apart:

- ``parse``: ``parse_page`` of every page (``bench_batches``'s child), the yardstick;
- ``collect_cli``: the installed ``briefings collect --source <loopback> --warehouse <fresh>`` (the
  Prefect flow with its ephemeral server, politeness off), wall time of the whole command;
- ``collect``: ``collect_plain`` (the same batch loop, no Prefect);
- ``reparse_changed``: ``reparse_plain`` with the parser version changed, so every archived page is
  parsed and loaded again (a new version of every briefing);
- ``reparse_noop``: ``reparse_plain`` again with that version, nothing to do (every page current).

Per-page cost of a collect is the difference of two sizes divided by the pages between them, so that
the start-up (Prefect's server, imports) cancels out: ``(T(large) - T(small)) / (large - small)``,
against the parse's per-page cost at the large size. Targets (issue 24): collect through the CLI
<= 2.5x the parse per page at 600 (<= 3x at 10,000); peak RSS of collect and of a changed reparse
at the large size <= 1.5x at the small one; a no-op reparse of 10,000 briefings <= 10 s. The 1-minute
load average is kept beside every measurement: the machine is shared.

On a shared 2-core machine one round's ratio at 60/600 pages moved between 1.7x and 3.1x (the
ephemeral server's start-up alone varies by seconds); ``--repeats 3`` or more gives medians.

Usage: ``.venv/bin/python bench/bench_spine.py [--sizes 60,600] [--repeats 3] [--actions ...] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_batches import _measure  # noqa: E402
from bench.common import finish_run, run_child, write_result  # noqa: E402

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))


def _collect_cli(source: str, run_dir: Path, log: Path) -> dict[str, object]:
    """``briefings collect`` from ``source`` into ``run_dir`` (fresh), as a user runs it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFINGS_", "PREFECT_"))} | {
        "BRIEFINGS_DATA_DIR": str(run_dir / "data"), "BRIEFINGS_MIN_INTERVAL_S": "0",
        "PREFECT_HOME": str(run_dir / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "BRIEFINGS_MAX_LIST_PAGES": "10000"}  # the default (200 list pages of 20) stops a 10,000-page site at 4,000
    cmd = [BRIEFINGS, "collect", "--source", source, "--warehouse", str(run_dir / "warehouse.duckdb"),
           "--format", "json"]
    child = run_child(cmd, log, env=env, cwd=None)
    try:
        summary = json.loads(child.out)
        pages = {k: summary[k] for k in ("loaded", "unchanged", "skipped", "failed", "blocked")}
    except (ValueError, KeyError):
        pages = {"error": child.out[-500:]}
    return {"action": "collect_cli", "seconds": child.seconds, "wall_s": child.seconds,
            "peak_rss_bytes": child.peak_rss_bytes, "load_average_1min": child.load_average_1min,
            "exit_status": child.status, "pages": pages}


ACTIONS = ("parse", "collect_cli", "collect", "reparse_changed", "reparse_noop")


def run(sizes: list[int], out: Path | None = None, actions: tuple[str, ...] = ACTIONS, repeats: int = 1
        ) -> dict[str, object]:
    """Measure ``actions`` (the reparses need ``collect``) at every size, ``repeats`` rounds; returns the
    result document (seconds, bytes, and the ratios the measured actions allow).

    Every size's site is served for the whole run and each round measures every size in turn, each
    action on a fresh run folder, so that a slow spell of the shared machine falls on all of them
    alike. A ratio is computed from each (size, action)'s median over the rounds (seconds and peak
    RSS); ``ratios_per_round`` keeps each round's own ratios, the spread.
    """
    from bench.server import serve_site
    from bench.synth import write_site

    work = Path(tempfile.mkdtemp(prefix="bench-spine-"))
    log = work / "children.log"
    rows: list[dict[str, object]] = []
    with ExitStack() as stack:
        sites: dict[int, tuple[str, Path]] = {}
        for size in sizes:
            site_root = work / f"site-{size}"
            write_site(site_root, size, seed=0)
            sites[size] = (stack.enter_context(serve_site(site_root)).first_list_url, site_root)
        for round_no in range(1, repeats + 1):
            for size in sizes:
                source, site_root = sites[size]
                for action in actions:
                    if action == "collect_cli":
                        row = _collect_cli(source, work / f"cli-{size}-{round_no}", log)
                    else:
                        row = _measure(action, source, work / f"run-{size}-{round_no}", site_root, log)
                    row["size"], row["round"] = size, round_no
                    rows.append(row)
                    if out is not None:
                        write_result("spine", {"sizes": sizes, "partial": True, "measurements": rows}, out)
                    print(f"  round {round_no}, {size} pages {action}: {row.get('seconds', float('nan')):.2f} s, "
                          f"peak RSS {row['peak_rss_bytes'] / 2**20:.0f} MiB, load {row['load_average_1min']}, "
                          f"pages {row.get('pages')}", flush=True)
                for folder in (f"cli-{size}-{round_no}", f"run-{size}-{round_no}"):
                    shutil.rmtree(work / folder, ignore_errors=True)
    ratios = _ratios(rows, sizes, actions)
    doc: dict[str, object] = {
        "sizes": sizes, "repeats": repeats, "measurements": rows, "ratios": ratios,
        "parse_per_page_s": _median(rows, max(sizes), "parse", "seconds") / max(sizes),
        "ratios_per_round": [_ratios([r for r in rows if r["round"] == n], sizes, actions)
                             for n in range(1, repeats + 1)] if repeats > 1 else [],
    }
    return finish_run(doc, log, work)


def _median(rows: list[dict[str, object]], size: int, action: str, key: str) -> float:
    """The median of ``key`` (``seconds``, ``peak_rss_bytes``) over the rounds of ``(size, action)``."""
    return statistics.median(float(r[key]) for r in rows if r["size"] == size and r["action"] == action)  # type: ignore[arg-type]


def _ratios(rows: list[dict[str, object]], sizes: list[int], actions: tuple[str, ...]) -> dict[str, float]:
    """The targets' ratios, from the medians of ``rows``: per-page cost (the difference of the two
    sizes over the pages between) against the parse per page at the large size; peak RSS of the large
    size over the small; the no-op reparse's seconds."""
    small, large = min(sizes), max(sizes)
    parse_per_page = _median(rows, large, "parse", "seconds") / large
    ratios: dict[str, float] = {}
    for action in (a for a in ("collect_cli", "collect", "reparse_changed") if a in actions):
        per_page = (_median(rows, large, action, "seconds") - _median(rows, small, action, "seconds")) / (large - small)
        ratios[f"{action}_per_page_over_parse_per_page_{small}_to_{large}"] = per_page / parse_per_page
        ratios[f"peak_rss_{action}_{large}_over_{small}"] = (
            _median(rows, large, action, "peak_rss_bytes") / _median(rows, small, action, "peak_rss_bytes"))
    if "reparse_noop" in actions:
        ratios[f"reparse_noop_{large}_seconds"] = _median(rows, large, "reparse_noop", "seconds")
    return ratios


def main(argv: list[str] | None = None) -> int:
    """Command line entry: measure, write bench/results/spine.json (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="60,600", help="comma-separated page counts (two or more)")
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/spine.json)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="rounds over every size and action; ratios from the medians (default 1)")
    parser.add_argument("--actions", default=",".join(ACTIONS),
                        help="comma-separated, in order; parse is needed for the ratios (default: all)")
    args = parser.parse_args(argv)
    actions = tuple(a for a in args.actions.split(",") if a)
    unknown = set(actions) - set(ACTIONS)
    if unknown or "parse" not in actions:
        parser.error(f"--actions: unknown {sorted(unknown)} or no parse; choose among {', '.join(ACTIONS)}")
    if args.repeats < 1:
        parser.error("--repeats: at least 1")
    first_reparse = next((i for i, a in enumerate(actions) if a.startswith("reparse")), None)
    if first_reparse is not None and "collect" not in actions[:first_reparse]:
        parser.error("--actions: a reparse needs collect before it (it reparses what that collect archived)")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s})
    if len(sizes) < 2:
        parser.error("--sizes: two or more different page counts (the per-page cost is their difference)")
    doc = run(sizes, out=args.out, actions=actions, repeats=args.repeats)
    path = write_result("spine", doc, args.out)
    print(f"spine: {json.dumps(doc['ratios'])} -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

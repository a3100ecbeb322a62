"""Parse benchmark: the full parse vs the raw selectolax limit vs the same extraction with BeautifulSoup.

Side by side in one process, over the same synthetic pages (``bench.synth``), in rotating order:

- ``full``: ``briefings.parsing.parse_page(html, url, kind="html")`` (briefing + turns + speakers
  + indicators), the product's parse;
- ``raw``: ``LexborHTMLParser(html).body.text()``, the floor: selectolax parse plus text;
- ``bs4``: ``bench.bs4_port.parse_page_bs4``, the same extraction on BeautifulSoup + lxml;
- diagnostics: ``html`` (``parse_html``: tree + turns, no indicators), ``bs4_html`` (its port),
  ``mentions`` (``extract_mentions`` alone on already parsed pages).

Per repeat every variant parses all pages once; ratios are taken within a repeat, then the
median over repeats is reported. Targets (issue 9): full <= 3x raw; bs4 >= 10x full.

Usage: ``.venv/bin/python bench/bench_parse.py [--pages 200] [--repeats 5] [--out FILE]``

Before/after a change (issue 22: the full parse may cost at most 15% more): ``--baseline REV`` times
``parse_page`` of the working tree against the package as it was at git revision REV (extracted with
``git archive`` into a temporary folder), over the same pages, in ONE run: each repeat starts one fresh
process per side (imports not timed, one warm-up page), in alternating order so that the load other
processes put on the machine falls on both sides alike; the ratio after/before is taken within a
repeat and its median reported (``bench/results/parse_baseline.json``).
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, timed, write_result  # noqa: E402


def run(pages: int, repeats: int, seed: int = 0) -> dict[str, object]:
    """Measure the parse variants; returns the result document (times in s, rates in pages/s)."""
    from selectolax.lexbor import LexborHTMLParser

    from bench.bs4_port import parse_html_bs4, parse_page_bs4
    from bench.synth import synth_pages
    from briefings.parsing import parse_html, parse_page
    from briefings.parsing.indicators import extract_mentions

    docs = [(p.url, p.html) for p in synth_pages(pages, seed=seed)]
    parsed = [parse_html(html, url) for url, html in docs]
    # the port must give the same rows, or the comparison means nothing
    mismatches = sum(parse_page_bs4(h, u) != parse_page(h, u, kind="html") for u, h in docs[: min(20, len(docs))])

    variants = {
        "full": lambda: [parse_page(h, u, kind="html") for u, h in docs],
        "raw": lambda: [LexborHTMLParser(h).body.text() for _, h in docs],
        "bs4": lambda: [parse_page_bs4(h, u) for u, h in docs],
        "html": lambda: [parse_html(h, u) for u, h in docs],
        "bs4_html": lambda: [parse_html_bs4(h, u) for u, h in docs],
        "mentions": lambda: [extract_mentions(p.transcript, p.turns, p.briefing.event_date) for p in parsed],
    }
    names = list(variants)
    times: dict[str, list[float]] = {n: [] for n in names}
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            gc.collect()
            seconds, _ = timed(variants[name])
            times[name].append(seconds)
    ratio_full_raw = [f / w for f, w in zip(times["full"], times["raw"])]
    ratio_bs4_full = [b / f for b, f in zip(times["bs4"], times["full"])]
    ratio_bs4_html = [b / f for b, f in zip(times["bs4_html"], times["html"])]
    page_bytes = sum(len(h.encode("utf-8")) for _, h in docs)
    result = {
        "pages": pages,
        "repeats": repeats,
        "page_bytes_total": page_bytes,
        "bs4_port_mismatches_first_20": mismatches,
        "seconds": times,
        "median_s": {n: median(t) for n, t in times.items()},
        "median_ms_per_page": {n: 1000 * median(t) / pages for n, t in times.items()},
        "median_pages_per_s": {n: pages / median(t) for n, t in times.items()},
        "ratio_full_over_raw": {"per_repeat": ratio_full_raw, "median": median(ratio_full_raw), "target_max": 3.0},
        "ratio_bs4_over_full": {"per_repeat": ratio_bs4_full, "median": median(ratio_bs4_full), "target_min": 10.0},
        "ratio_bs4_html_over_html": {"per_repeat": ratio_bs4_html, "median": median(ratio_bs4_html)},
    }
    result["targets_met"] = {
        "full_within_3x_raw": result["ratio_full_over_raw"]["median"] <= 3.0,  # type: ignore[index]
        "full_10x_faster_than_bs4": result["ratio_bs4_over_full"]["median"] >= 10.0,  # type: ignore[index]
    }
    return result


_SIDE = """
import gc, pickle, sys, time
root, pages_file, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, root)
import briefings
assert briefings.__file__.startswith(root), briefings.__file__
from briefings.parsing import parse_page
docs = pickle.loads(open(pages_file, "rb").read())
parse_page(docs[0][1], docs[0][0], kind="html")
gc.collect()
start, cpu = time.perf_counter(), time.process_time()
for _ in range(passes):
    for url, html in docs:
        parse_page(html, url, kind="html")
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def run_baseline(rev: str, pages: int, repeats: int, seed: int = 0, passes: int = 1) -> dict[str, object]:
    """Time the full parse of the working tree against git revision ``rev``, alternating, in one run.

    Returns:
        The result document: seconds per side and repeat, median ms per page, the ratio after/before
        per repeat and its median, and whether it is within the issue-22 target (<= 1.15).
    Raises:
        subprocess.CalledProcessError: ``git archive`` failed (unknown revision) or a side crashed.
    """
    import pickle
    import subprocess
    import tarfile
    import tempfile

    from bench.common import ROOT
    from bench.synth import synth_pages

    docs = [(p.url, p.html) for p in synth_pages(pages, seed=seed)]
    with tempfile.TemporaryDirectory(prefix="bench-parse-") as tmp:
        before_root = Path(tmp) / "before"
        before_root.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "briefings"], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(before_root, filter="data")
        pages_file = Path(tmp) / "pages.pickle"
        pages_file.write_bytes(pickle.dumps(docs))
        roots = {"before": str(before_root), "after": str(ROOT)}
        times: dict[str, list[float]] = {"before": [], "after": []}
        cpu: dict[str, list[float]] = {"before": [], "after": []}
        for r in range(repeats):
            for side in (("before", "after") if r % 2 == 0 else ("after", "before")):
                out = subprocess.run([sys.executable, "-c", _SIDE, roots[side], str(pages_file), str(passes)],
                                     check=True, capture_output=True, text=True).stdout
                wall, used = (float(x) for x in out.strip().splitlines()[-1].split())
                times[side].append(wall)
                cpu[side].append(used)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    ratios = [a / b for a, b in zip(times["after"], times["before"])]
    cpu_ratios = [a / b for a, b in zip(cpu["after"], cpu["before"])]
    per_page = pages * passes
    return {
        "pages": pages,
        "passes": passes,
        "repeats": repeats,
        "before_rev": rev,
        "after": f"working tree at {head}",
        "seconds": times,
        "cpu_seconds": cpu,
        "median_ms_per_page": {side: 1000 * median(t) / per_page for side, t in times.items()},
        "median_cpu_ms_per_page": {side: 1000 * median(t) / per_page for side, t in cpu.items()},
        "ratio_after_over_before": {"per_repeat": ratios, "median": median(ratios), "target_max": 1.15},
        "cpu_ratio_after_over_before": {"per_repeat": cpu_ratios, "median": median(cpu_ratios), "target_max": 1.15},
        # the least disturbed run of each side: on a loaded machine the fastest run is closest to the cost
        "min_cpu_ratio_after_over_before": min(cpu["after"]) / min(cpu["before"]),
        # CPU time of the parsing process: what the page costs, least disturbed by other processes' load
        "target_met": median(cpu_ratios) <= 1.15,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write bench/results/parse.json (or --out), print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="synthetic pages to parse per variant and repeat")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/parse.json)")
    parser.add_argument("--baseline", metavar="REV", default=None,
                        help="compare the full parse with the package at git revision REV instead")
    parser.add_argument("--passes", type=int, default=1, help="with --baseline: passes over the pages per timing")
    args = parser.parse_args(argv)
    if args.baseline:
        result = run_baseline(args.baseline, args.pages, args.repeats, args.seed, args.passes)
        path = write_result("parse_baseline", result, args.out)
        ms, ratio = result["median_ms_per_page"], result["ratio_after_over_before"]
        cms, cratio = result["median_cpu_ms_per_page"], result["cpu_ratio_after_over_before"]
        print(f"parse before ({args.baseline}) {ms['before']:.3f} ms/page, after {ms['after']:.3f} ms/page: "
              f"after/before = {ratio['median']:.3f} wall; CPU {cms['before']:.3f} -> {cms['after']:.3f} ms/page, "
              f"after/before = {cratio['median']:.3f} (fastest runs: {result['min_cpu_ratio_after_over_before']:.3f}; "
              f"target <= 1.15) -> {path}")
        return 0
    result = run(args.pages, args.repeats, args.seed)
    path = write_result("parse", result, args.out)
    ms = result["median_ms_per_page"]
    print(f"parse: {args.pages} pages x {args.repeats}: ms/page " + ", ".join(f"{k}={v:.3f}" for k, v in ms.items()))
    print(
        f"  full/raw = {result['ratio_full_over_raw']['median']:.1f}x (target <= 3), "
        f"bs4/full = {result['ratio_bs4_over_full']['median']:.2f}x (target >= 10), "
        f"bs4_html/html = {result['ratio_bs4_html_over_html']['median']:.2f}x -> {path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

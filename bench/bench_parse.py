"""Parse benchmark: the full parse vs the raw selectolax limit vs the same extraction with BeautifulSoup.

Side by side in one process, over the same synthetic pages (``bench.synth``), in rotating order:

- ``full``: ``briefings.sites.parse_page(html, url, kind="html")`` (briefing + turns + speakers
  + indicators), the product's parse;
- ``raw``: ``LexborHTMLParser(html).body.text()``, the floor: selectolax parse plus text;
- ``bs4``: ``bench.bs4_port.parse_page_bs4``, the same extraction on BeautifulSoup + lxml;
- diagnostics: ``html`` (``parse_html``: tree + turns, no indicators), ``bs4_html`` (its port),
  ``mentions`` (``extract_mentions`` alone on already parsed pages).

Per repeat every variant parses all pages once; ratios are taken within a repeat, then the
median over repeats is reported. Targets (issue 9): full <= 3x raw; bs4 >= 10x full.

Before/after a change (issue 22: the full parse may cost at most 15% more): ``--baseline REV`` times
``parse_page`` of the working tree against the package as it was at git revision REV (extracted with
``git archive`` into a temporary folder), over the same pages, in ONE run: each repeat starts one fresh
process per side (imports not timed, one warm-up page), in alternating order so that the load other
processes put on the machine falls on both sides alike; the ratio after/before is taken within a
repeat and its median reported (``bench/results/parse_baseline.json``).

Site profiles (issue 23), in the result's ``sites`` section: every variant once per repeat in
rotating order (ms/page), and each compared pair once more per repeat back to back, in alternating
order, for the ratios (the machine is shared: a load spike then hits both sides). ``before_html`` /
``before_full`` are ``parse_html`` / ``parse_page`` of the
commit before the profiles (``--before``, read from git and loaded beside today's code; the
segmenter and indicators are today's in both), against today's ``html`` / ``full`` on the same
Hubei pages (target: at most 1.15x); ``generic_html`` is the generic reader
(``briefings.sites.generic.read_detail``) on the same pages; ``portal:<template>`` the generic
reader on session 12 in each other portal template of ``tests/portals.py``, per page.

Usage: ``.venv/bin/python bench/bench_parse.py [--pages 200] [--repeats 5] [--before REV] [--baseline REV] [--out FILE]``
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, timed, write_result  # noqa: E402


BEFORE_PROFILES = "e273d39"  # main before issue 23: parse_html was the only detail reader


def _module_at(rev: str, path: str, name: str) -> ModuleType | None:
    """``path`` as it was at git revision ``rev``, loaded as module ``name``; None without git or the file."""
    try:
        source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=Path(__file__).resolve().parent.parent,
                                capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader(name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    exec(compile(source, f"{rev}:{path}", "exec"), module.__dict__)
    return module


def run_sites(pages: int, repeats: int, seed: int = 0, before: str = BEFORE_PROFILES) -> dict[str, object]:
    """Measure the site profiles' cost: before/after on Hubei pages, the generic reader beside them."""
    from dataclasses import replace

    from bench.synth import synth_pages
    from briefings.sites import parse_page
    from briefings.sites.hubei import parse_html
    from briefings.parsing.indicators import extract_mentions
    from briefings.sites import generic
    from tests import portals

    docs = [(p.url, p.html) for p in synth_pages(pages, seed=seed)]
    old = _module_at(before, "briefings/parsing/detail.py", "bench_detail_before")
    variants = {
        "html": lambda: [parse_html(h, u) for u, h in docs],
        "full": lambda: [parse_page(h, u, kind="html") for u, h in docs],
        "generic_html": lambda: [generic.read_detail(h, u) for u, h in docs],
    }
    if old is not None:
        def old_full() -> list[object]:
            out = []
            for u, h in docs:
                p = old.parse_html(h, u)
                out.append(replace(p, mentions=tuple(extract_mentions(p.transcript, p.turns, p.briefing.event_date))))
            return out

        variants["before_html"] = lambda: [old.parse_html(h, u) for u, h in docs]
        variants["before_full"] = old_full
        same = all(
            replace(old.parse_html(h, u), briefing=replace(old.parse_html(h, u).briefing, site="hubei")) == parse_html(h, u)
            for u, h in docs[: min(20, len(docs))]
        )
    templates = {name: build() for name, (_, build, _) in portals.TEMPLATES.items()}
    for name, html in templates.items():
        variants[f"portal:{name}"] = lambda html=html: [generic.read_detail(html, None) for _ in range(max(1, pages // 10))]
    names = list(variants)
    # each compared pair runs back to back, in alternating order, so a load spike hits both sides
    pairs = [("html", "before_html"), ("full", "before_full"), ("generic_html", "html")] if old is not None else []
    times: dict[str, list[float]] = {n: [] for n in names}
    pair_times: dict[str, list[tuple[float, float]]] = {f"{a}/{b}": [] for a, b in pairs}
    for r in range(repeats):
        for a, b in pairs:
            measured: dict[str, float] = {}
            for name in ((a, b) if r % 2 == 0 else (b, a)):
                gc.collect()
                measured[name], _ = timed(variants[name])
            pair_times[f"{a}/{b}"].append((measured[a], measured[b]))
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            gc.collect()
            seconds, _ = timed(variants[name])
            times[name].append(seconds)
    per_page = {n: (pages if not n.startswith("portal:") else max(1, pages // 10)) for n in names}
    result: dict[str, object] = {
        "before_rev": before if old is not None else None,
        "median_ms_per_page": {n: 1000 * median(t) / per_page[n] for n, t in times.items()},
        "seconds": times,
        "portal_page_bytes": {n: len(h.encode("utf-8")) for n, h in templates.items()},
    }
    result["pair_seconds"] = pair_times
    if old is not None:
        for kind in ("html", "full"):
            ratios = [a / b for a, b in pair_times[f"{kind}/before_{kind}"]]
            result[f"ratio_{kind}_after_over_before"] = {"per_repeat": ratios, "median": median(ratios), "target_max": 1.15}
        result["before_equals_after_first_20"] = same
        ratios = [g / h for g, h in pair_times["generic_html/html"]]
    else:
        ratios = [g / h for g, h in zip(times["generic_html"], times["html"])]
    result["ratio_generic_over_hubei_html"] = {"per_repeat": ratios, "median": median(ratios)}
    return result


def run(pages: int, repeats: int, seed: int = 0) -> dict[str, object]:
    """Measure the parse variants; returns the result document (times in s, rates in pages/s)."""
    from selectolax.lexbor import LexborHTMLParser

    from bench.bs4_port import parse_html_bs4, parse_page_bs4
    from bench.synth import synth_pages
    from briefings.sites import parse_page
    from briefings.sites.hubei import parse_html
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
try:  # a revision before parse_page moved to briefings.sites had it in briefings.parsing
    from briefings.sites import parse_page
except ImportError:
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
    parser.add_argument("--before", default=BEFORE_PROFILES, help="git revision of the parser before site profiles")
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
    result["sites"] = run_sites(args.pages, args.repeats, args.seed, args.before)
    path = write_result("parse", result, args.out)
    ms = result["median_ms_per_page"]
    print(f"parse: {args.pages} pages x {args.repeats}: ms/page " + ", ".join(f"{k}={v:.3f}" for k, v in ms.items()))
    print(
        f"  full/raw = {result['ratio_full_over_raw']['median']:.1f}x (target <= 3), "
        f"bs4/full = {result['ratio_bs4_over_full']['median']:.2f}x (target >= 10), "
        f"bs4_html/html = {result['ratio_bs4_html_over_html']['median']:.2f}x -> {path}"
    )
    sites = result["sites"]
    print("  sites: ms/page " + ", ".join(f"{k}={v:.3f}" for k, v in sites["median_ms_per_page"].items()))
    if "ratio_html_after_over_before" in sites:
        print(f"  html after/before = {sites['ratio_html_after_over_before']['median']:.3f}x, "
              f"full after/before = {sites['ratio_full_after_over_before']['median']:.3f}x (target <= 1.15), "
              f"generic/hubei html = {sites['ratio_generic_over_hubei_html']['median']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

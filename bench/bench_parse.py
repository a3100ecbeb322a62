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


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write bench/results/parse.json (or --out), print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="synthetic pages to parse per variant and repeat")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/parse.json)")
    args = parser.parse_args(argv)
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

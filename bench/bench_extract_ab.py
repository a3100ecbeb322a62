"""Indicator extraction before and after a change, alternated in one process on the same parsed pages.

A loaded machine (several engineers share 2 cores) moves every timing; two runs of ``bench_parse.py`` minutes
apart compare loads, not code. Here the extractor of another git revision (``--before``, default ``main``:
``briefings/parsing/indicators.py`` at that revision, loaded under another module name) and the working tree's
run in alternating order, repeat after repeat, on the same ``bench.synth`` pages:

- ``mentions``: ``extract_mentions`` alone on already parsed pages;
- ``full``: ``briefings.sites.parse_page`` (HTML parse + indicators), the unit of ``bench_parse.py``,
  with the extractor swapped.

Ratios (after / before) are taken within a repeat; the median over repeats is reported with its range.

Usage: ``.venv/bin/python bench/bench_extract_ab.py [--before main] [--pages 100] [--repeats 10] [--out FILE]``
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, median, write_result  # noqa: E402


def _load_revision(rev: str):  # type: ignore[no-untyped-def]
    """The ``extract_mentions`` of ``briefings/parsing/indicators.py`` at git revision ``rev``.

    Raises:
        subprocess.CalledProcessError: git cannot show the file at that revision.
    """
    source = subprocess.run(["git", "show", f"{rev}:briefings/parsing/indicators.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "indicators_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("indicators_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["indicators_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.extract_mentions


def run(before: str, pages: int, repeats: int) -> dict[str, object]:
    """Alternate the two extractors; returns the result document (ms per page, ratios after / before)."""
    import briefings.parsing.indicators as indicators
    from bench.synth import synth_pages
    from briefings.sites import parse_page
    from briefings.sites.hubei import parse_html

    after_fn, before_fn = indicators.extract_mentions, _load_revision(before)
    docs = [(p.url, p.html) for p in synth_pages(pages, seed=0)]
    parsed = [parse_html(html, url) for url, html in docs]

    def mentions(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        for p in parsed:
            fn(p.transcript, p.turns, p.briefing.event_date)
        return (time.perf_counter() - start) / len(parsed) * 1000

    def full(fn) -> float:  # type: ignore[no-untyped-def]
        indicators.extract_mentions = fn  # parse_page imports it from the module on each call
        try:
            start = time.perf_counter()
            for url, html in docs:
                parse_page(html, url, kind="html")
            return (time.perf_counter() - start) / len(docs) * 1000
        finally:
            indicators.extract_mentions = after_fn

    out: dict[str, object] = {"before": before, "pages": pages, "repeats": repeats}
    for name, measure in (("mentions", mentions), ("full", full)):
        measure(before_fn), measure(after_fn)  # warm-up
        old, new = [], []
        for i in range(repeats):
            if i % 2 == 0:
                old.append(measure(before_fn)), new.append(measure(after_fn))
            else:
                new.append(measure(after_fn)), old.append(measure(before_fn))
        ratios = [b / a for a, b in zip(old, new)]
        out[name] = {"before_ms_per_page": median(old), "after_ms_per_page": median(new),
                     "ratio_median": median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision of the extractor to compare with")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/extract_ab.json)")
    args = parser.parse_args(argv)
    result = run(args.before, args.pages, args.repeats)
    path = write_result("extract_ab", result, args.out)
    for name in ("mentions", "full"):
        r = result[name]
        print(f"{name:<8} before {r['before_ms_per_page']:.1f} ms/page  after {r['after_ms_per_page']:.1f} ms/page  "
              f"after/before median {r['ratio_median']:.3f} (range {r['ratio_min']:.3f}-{r['ratio_max']:.3f})")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Main-content extraction for the generic reader: trafilatura and resiliparse vs our density rule.

Which finds the transcript of a page no profile claims so that the segmenter gives session 12's turns
exactly, and at what cost per page. Pages: session 12 in the six portal templates of ``tests/portals.py``
plus the two rewrites (主持人 labels, 问/答 labels) in each of them, and the real Hubei page (18 + 1).

Variants, each giving the body's text lines to the same segmenter (``detail.read_lines``; title, dates
and the widget-line filter are the generic reader's in every variant, so only the body finding differs):

- ``density``: ``briefings.sites.generic.read_detail`` (selectolax tree, density rule, widget lines);
- ``trafilatura``: ``trafilatura.extract(html, favor_recall=True)``, lines of its text;
- ``trafilatura_precision``: the same with its default settings;
- ``resiliparse``: ``resiliparse.extract.html2text.extract_plain_text(html, main_content=True)``.

The cost of the body finding alone (no title, dates or segmentation) is measured too. A page counts as exact when its 16 turns equal the expected ones (label, speaker, role, outlet, text)
and no widget text is left in the transcript. Cost: ms per page (median of repeats, rotating order),
extraction plus segmentation. The libraries are not dependencies of the package: run this in an
environment that has them, e.g. ``python -m venv /tmp/mc && /tmp/mc/bin/pip install trafilatura
resiliparse selectolax==1.0.2 && PYTHONPATH=. /tmp/mc/bin/python bench/bench_main_content.py``.

Usage: ``python bench/bench_main_content.py [--repeats 5] [--out FILE]``
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOISE = ("分享", "打印", "关闭", "相关新闻", "相关链接", "推荐阅读", "版权", "ICP备", "扫一扫", "阅读原文", "字号", "责编")


def _pages() -> list[tuple[str, str, list[tuple]]]:
    """(name, html, expected turns) of every page measured."""
    from briefings.sites.hubei import parse_html
    from briefings.sites import generic
    from tests import portals
    from tests import variants as v

    real = parse_html(v.real_page(), v.PAGE_URL)
    pages = [("hubei_real_page", v.real_page(), _turns(real))]
    for name, (_, build, _) in portals.TEMPLATES.items():
        pages.append((name, build(), _turns(real)))
        for shape, paras in (("host_labels", portals.rewrite_host_labels()), ("qa", portals.rewrite_qa())):
            html = build(paras)
            pages.append((f"{name}+{shape}", html, _turns(generic.read_detail(portals.trs_provincial(paras), None))))
    return pages


def _turns(parsed) -> list[tuple]:
    return [(t.label, t.speaker, t.role, t.outlet, t.text) for t in parsed.turns]


def _read_with(lines_of: Callable[[str], list[str]]) -> Callable[[str], object]:
    """A reader that takes the body's lines from ``lines_of(html)`` and the rest as the generic reader does."""
    from selectolax.lexbor import LexborHTMLParser

    from briefings.parsing.detail import PageFront, mark_breaks, read_lines
    from briefings.sites import generic

    def read(html: str) -> object:
        tree = LexborHTMLParser(mark_breaks(html))
        for node in tree.css("script, style, noscript, template"):
            node.remove()
        front = PageFront(title=generic.headline(tree), publish_text=generic.publish_text(tree))
        lines = [line.strip() for line in lines_of(html).splitlines() if line.strip()]
        lines = [line for line in lines if not generic._WIDGET_LINE.match(line)]  # as the density reader does
        while lines and lines[0] == front.title:
            lines.pop(0)
        return read_lines(lines, front, None, "generic", site="generic")

    return read


def variants() -> dict[str, Callable[[str], object]]:
    """name -> reader; the libraries' variants only where they are installed."""
    from briefings.sites import generic

    out: dict[str, Callable[[str], object]] = {"density": lambda html: generic.read_detail(html, None)}
    try:
        import trafilatura

        out["trafilatura"] = _read_with(lambda h: trafilatura.extract(h, favor_recall=True) or "")
        out["trafilatura_precision"] = _read_with(lambda h: trafilatura.extract(h) or "")
    except ImportError:
        pass
    try:
        from resiliparse.extract.html2text import extract_plain_text

        out["resiliparse"] = _read_with(lambda h: extract_plain_text(h, main_content=True))
    except ImportError:
        pass
    return out


def extractors() -> dict[str, Callable[[str], object]]:
    """name -> the body finding alone (no title, dates or segmentation), for the cost of that step."""
    from selectolax.lexbor import LexborHTMLParser

    from briefings.parsing.detail import node_lines
    from briefings.sites import generic

    def density(html: str) -> object:
        tree = LexborHTMLParser(generic._marked(html))
        for node in tree.css("script, style, noscript, template"):
            node.remove()
        generic._drop_widgets(tree)
        return node_lines(generic.find_body(tree))

    out: dict[str, Callable[[str], object]] = {"density": density}
    try:
        import trafilatura

        out["trafilatura"] = lambda h: trafilatura.extract(h, favor_recall=True)
        out["trafilatura_precision"] = lambda h: trafilatura.extract(h)
    except ImportError:
        pass
    try:
        from resiliparse.extract.html2text import extract_plain_text

        out["resiliparse"] = lambda h: extract_plain_text(h, main_content=True)
    except ImportError:
        pass
    return out


def _timed_runs(readers: dict[str, Callable[[str], object]], htmls: list[str], repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {n: [] for n in readers}
    names = list(readers)
    for r in range(repeats):
        for name in names[r % len(names):] + names[: r % len(names)]:
            gc.collect()
            start = time.perf_counter()
            for html in htmls:
                try:
                    readers[name](html)
                except Exception:  # noqa: BLE001 - timed as it is
                    pass
            times[name].append(time.perf_counter() - start)
    return times


def run(repeats: int) -> dict[str, object]:
    """Accuracy per page and variant, and the median cost per page."""
    pages = _pages()
    readers = variants()
    exact: dict[str, dict[str, str]] = {}
    for name, read in readers.items():
        exact[name] = {}
        for page, html, expected in pages:
            try:
                parsed = read(html)
            except Exception as exc:  # noqa: BLE001 - a library's failure is a result here
                exact[name][page] = f"error: {type(exc).__name__}: {str(exc)[:60]}"
                continue
            got = _turns(parsed)
            left = [w for w in NOISE if w in parsed.transcript]
            if got == expected and not left:
                exact[name][page] = "exact"
            elif len(got) != len(expected):
                exact[name][page] = f"{len(got)} turns"
            else:
                wrong = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b) if got != expected else None
                exact[name][page] = f"turn {wrong + 1} differs" if wrong is not None else f"noise left: {left}"
    htmls = [html for _, html, _ in pages]
    times = _timed_runs(readers, htmls, repeats)
    body_times = _timed_runs(extractors(), htmls, repeats)
    return {
        "pages": [p[0] for p in pages],
        "repeats": repeats,
        "exact_pages": {n: sum(v == "exact" for v in e.values()) for n, e in exact.items()},
        "per_page": exact,
        "median_ms_per_page": {n: 1000 * statistics.median(t) / len(pages) for n, t in times.items()},
        "median_ms_per_page_body_only": {n: 1000 * statistics.median(t) / len(pages) for n, t in body_times.items()},
        "seconds": times,
        "seconds_body_only": body_times,
        "load_average_1_5_15": __import__("os").getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run, write the result (bench/results/main_content.json or --out), print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "main_content.json")
    args = parser.parse_args(argv)
    result = run(args.repeats)
    try:
        from importlib import metadata

        result["versions"] = {d: metadata.version(d) for d in ("trafilatura", "resiliparse", "selectolax")}
    except Exception:  # noqa: BLE001 - versions are informative only
        pass
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = len(result["pages"])  # type: ignore[arg-type]
    for name, count in result["exact_pages"].items():  # type: ignore[union-attr]
        print(f"{name}: {count}/{total} pages exact, {result['median_ms_per_page'][name]:.2f} ms/page, "  # type: ignore[index]
              f"body finding alone {result['median_ms_per_page_body_only'][name]:.2f} ms/page")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

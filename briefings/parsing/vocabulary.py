"""The metric vocabulary: one ``metric_code`` per indicator, whatever words a speaker used for it.

The vocabulary is package data, ``briefings/vocabulary/metrics.csv`` (UTF-8, one row per metric):

- ``metric_code``: the code (``fixed_asset_investment``), stored in ``indicators.metric_code``;
- ``name_zh``: the official Chinese name (固定资产投资); ``name_en``: the English name;
- ``base_unit``: the unit ``indicators.value`` has for a level of it (``CNY``, ``USD``, ``count``,
  ``person``, ``index``, ``percent``, ``kWh``, ``tonne``, ``m2`` ...);
- ``synonyms``: ``|``-separated other names and abbreviations (规上工业增加值, GDP, 社零额); a metric as
  worded matches when it **ends** with the name or a synonym (Chinese puts the head noun last:
  全市规上工业增加值, 实现营业收入);
- ``exact_synonyms``: ``|``-separated short words that match only the whole metric (出口, 利润, 社零), so
  that 出口企业 is not exports;
- ``vocabulary_version``: the version of the vocabulary that added or last changed the row; the
  vocabulary's version is the highest of them.

Migration ``005_metric_vocabulary.sql`` (version 1) and its successors (``007_metric_vocabulary_v2.sql`` ...) load the same rows into the ``metrics`` table (made by
``scripts/metrics_sql.py``; ``tests/test_vocabulary.py`` fails when the two differ). Reading the file is
the only I/O here: once, on first use, from the installed package.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Metric", "VOCABULARY_FILE", "load_metrics", "vocabulary_version", "metric_code_for", "normalize_metric"]

VOCABULARY_FILE = "vocabulary/metrics.csv"  # inside the ``briefings`` package
_COLUMNS = ("metric_code", "name_zh", "name_en", "base_unit", "synonyms", "exact_synonyms", "vocabulary_version")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Generic words at the end of a metric that do not change what is measured (高企总量 = 高企).
# What may stand before a matched name: nothing, or words that do not narrow the metric (全市, 实现, 新增省级,
# 规模以上工业企业). Anything else makes it a part of the metric (装备制造业增加值 is not 制造业增加值): no code.
_OPEN_PREFIX = re.compile(
    r"(?:实现|完成|累计|共计|合计|达到|入库|新增|全社会|地方|全部|全体|全市|我市|本市|全县|全区|全省|全国|企业|单位|级"
    r"|年|月|季度|其中|外贸|货物|各类)$"
)
_GENERIC_TAIL = re.compile(r"(?:总量|总数|数量|增速|增幅|金额)$")


@dataclass(frozen=True)
class Metric:
    """One row of the vocabulary (see the module docstring for the columns)."""

    metric_code: str
    name_zh: str
    name_en: str
    base_unit: str
    synonyms: tuple[str, ...]
    exact_synonyms: tuple[str, ...]
    vocabulary_version: int


def normalize_metric(text: str) -> str:
    """The form names are compared in: NFKC (ＧＤＰ -> GDP), Latin upper-cased, no spaces or quote marks."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"[\s“”\"'‘’「」]", "", folded)


def parse_vocabulary(text: str) -> tuple[Metric, ...]:
    """Read the vocabulary CSV.

    Args:
        text: the CSV, header row first (columns as in the module docstring).
    Returns:
        The metrics in file order.
    Raises:
        ValueError: a missing column, a code that is not snake_case, a duplicate code, a name claimed by
            two metrics, or a version that is not a positive integer.
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"metric vocabulary: columns must be {', '.join(_COLUMNS)}; found {reader.fieldnames}")
    metrics: list[Metric] = []
    owner: dict[str, str] = {}
    for line_no, row in enumerate(reader, start=2):
        code = row["metric_code"].strip()
        if not _CODE.match(code):
            raise ValueError(f"metric vocabulary line {line_no}: code {code!r} is not snake_case")
        if not row["vocabulary_version"].strip().isdigit() or int(row["vocabulary_version"]) < 1:
            raise ValueError(f"metric vocabulary line {line_no}: version {row['vocabulary_version']!r}")
        metric = Metric(
            metric_code=code,
            name_zh=row["name_zh"].strip(),
            name_en=row["name_en"].strip(),
            base_unit=row["base_unit"].strip(),
            synonyms=tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
            exact_synonyms=tuple(s.strip() for s in row["exact_synonyms"].split("|") if s.strip()),
            vocabulary_version=int(row["vocabulary_version"]),
        )
        if any(m.metric_code == code for m in metrics):
            raise ValueError(f"metric vocabulary line {line_no}: duplicate code {code!r}")
        for name in (metric.name_zh, *metric.synonyms, *metric.exact_synonyms):
            key = normalize_metric(name)
            if key in owner:
                raise ValueError(f"metric vocabulary line {line_no}: {name!r} is already a name of {owner[key]!r}")
            owner[key] = code
        metrics.append(metric)
    return tuple(metrics)


@lru_cache(maxsize=1)
def load_metrics() -> tuple[Metric, ...]:
    """The vocabulary shipped with the package (read once).

    Raises:
        ValueError: the shipped file is malformed (see ``parse_vocabulary``).
    """
    text = resources.files("briefings").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    return parse_vocabulary(text)


def vocabulary_version() -> int:
    """The shipped vocabulary's version: the highest ``vocabulary_version`` of its rows."""
    return max(m.vocabulary_version for m in load_metrics())


@lru_cache(maxsize=1)
def _matchers() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(suffix names longest first, exact names) -> code."""
    suffixes: list[tuple[str, str]] = []
    exact: dict[str, str] = {}
    for m in load_metrics():
        for name in (m.name_zh, *m.synonyms):
            suffixes.append((normalize_metric(name), m.metric_code))
        for name in m.exact_synonyms:
            exact[normalize_metric(name)] = m.metric_code
    suffixes.sort(key=lambda pair: -len(pair[0]))
    return suffixes, exact


@lru_cache(maxsize=4096)
def metric_code_for(metric: str) -> str | None:
    """The vocabulary code of a metric as worded, or None when the vocabulary has no such metric.

    Args:
        metric: ``Mention.metric`` (全市规上工业增加值, 高企总量, 出口).
    Returns:
        The code of an exact synonym equal to the whole metric, else of the longest name or synonym the
        metric ends with; failing both, the same after dropping one generic tail word (总量, 总数, 数量, 增速,
        增幅, 金额), so 固定资产投资增速 is ``fixed_asset_investment_growth`` (a name of its own) and 高企总量 is
        ``high_tech_enterprises``; else None.
        What stands before the name must not narrow it: nothing, or words such as 全市, 实现, 完成, 新增省级,
        规模以上工业企业 (装备制造业增加值 -> None, not manufacturing).
        规上工业增加值 -> ``industrial_value_added_above_scale``; 高企总量 -> ``high_tech_enterprises``;
        出口企业 -> None.
    """
    text = normalize_metric(metric)
    if not text:
        return None
    suffixes, exact = _matchers()
    whole = _match(text, suffixes, exact)  # a name with its tail word (固定资产投资增速) is a metric of its own
    if whole is not None:
        return whole
    trimmed = _GENERIC_TAIL.sub("", text)
    return _match(trimmed, suffixes, exact) if trimmed and trimmed != text else None


def _match(text: str, suffixes: list[tuple[str, str]], exact: dict[str, str]) -> str | None:
    """The code of the exact synonym ``text`` is, else of the longest name it ends with (open prefix only)."""
    if text in exact:
        return exact[text]
    for name, code in suffixes:
        if text.endswith(name):
            prefix = text[: len(text) - len(name)]
            return code if not prefix or _OPEN_PREFIX.search(prefix) else None
    return None

"""Indicator mentions of any Chinese text: a work report, a statistical bulletin, a speech (pure, no I/O).

``briefings.extract(text, date=None)`` is the public API; ``briefings extract FILE|-`` prints the same rows.
No warehouse and no Prefect are involved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from briefings.models import Mention, Span, Turn
from briefings.parsing.indicators import extract_mentions

__all__ = ["extract", "MENTION_COLUMNS", "mention_rows"]

# The columns of ``indicators`` that a text outside a briefing has (no briefing, turn or speaker).
MENTION_COLUMNS = (
    "mention_no", "value_text", "value", "unit", "unit_text", "qualifier", "kind", "comparison", "rank_scope",
    "period_start", "period_end", "status", "subject", "metric", "metric_code", "value_m2", "parse_flag",
    "span_start", "span_end", "sentence",
)


def extract(text: str, date: dt.date | None = None) -> list[Mention]:
    """Every economic indicator value said in ``text``.

    Args:
        text: any Chinese text, full- or half-width punctuation; sentences end at 。！？ and line breaks.
        date: the day the text was said or published; relative periods (今年, 1-2月, 去年以来) resolve
            against it. None leaves them NULL (absolute ones such as 2023年 still resolve).
    Returns:
        The mentions in text order, ``mention_no`` from 1, all with ``turn_no`` 1; ``span`` is
        [start, end) in code points of ``text`` and cuts ``value_text``. The columns mean what they
        mean in the ``indicators`` table (docs/indicators.md): signed changes, kind, comparison,
        period, status, subject, metric and metric_code.
    Raises:
        TypeError: ``text`` is not a str, or ``date`` is not a date.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if date is not None and not isinstance(date, dt.date):
        raise TypeError(f"date must be a datetime.date or None, not {type(date).__name__}")
    if isinstance(date, dt.datetime):
        date = date.date()
    turn = Turn(1, "", "", "guest", None, text, Span(0, len(text)))
    return extract_mentions(text, [turn], date)


def mention_rows(mentions: list[Mention]) -> list[tuple[Any, ...]]:
    """The mentions as rows in ``MENTION_COLUMNS`` order (Decimal and date values kept)."""
    return [
        (m.mention_no, m.value_text, m.value, m.unit, m.unit_text, m.qualifier, m.kind, m.comparison, m.rank_scope,
         m.period_start, m.period_end, m.status, m.subject, m.metric, m.metric_code, m.value_m2, m.parse_flag,
         m.span.start, m.span.end, m.sentence)
        for m in mentions
    ]

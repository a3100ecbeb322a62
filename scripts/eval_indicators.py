"""Precision and recall of indicator extraction against the hand-labelled session-12 page.

Usage::

    .venv/bin/python scripts/eval_indicators.py            # the bundled HTML page (full-width text)
    .venv/bin/python scripts/eval_indicators.py --seed     # the seed text (half-width punctuation)
    .venv/bin/python scripts/eval_indicators.py -v         # also list every disagreement

Labels: tests/fixtures/indicators_labelled.jsonl, one mention per line. ``context`` is a unique stretch
of the transcript holding ``value_text`` (punctuation folded to half-width, so it matches either form);
``subject`` and ``metric`` are the subject and metric a reader writes (docs/indicators.md, conventions), compared
exactly in their normal form (``normal_form``: NFKC, no spaces, no quote or title marks — “两化融合” = 两化融合);
"" means the text names no subject, and an extracted subject must then be empty too;
``metric_code`` is the code of the vocabulary (briefings/vocabulary/metrics.csv) the metric has, null when
the vocabulary has none; ``value`` is signed for changes (下降3.5% -> "-3.5").

Figures printed:
- detection: a predicted row matches a labelled row with the same span (rows of one span — 均, 分别 —
  are paired in order); precision = matched / predicted, recall = matched / labelled.
- field accuracy over matched rows, per field.
- strict: a match counts only when every field agrees; the strict all-fields rate = strict / matched.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.models import Mention  # noqa: E402
from briefings.parsing import parse_text  # noqa: E402
from briefings.sites.hubei import parse_html  # noqa: E402
from briefings.parsing.indicators import extract_mentions  # noqa: E402
from briefings.settings import SEED_TEXT_PATH, SNAPSHOT_SITE_DIR  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "indicators_labelled.jsonl"
PAGE_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
PAGE = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
FIELDS = ("value", "unit", "unit_text", "qualifier", "kind", "comparison", "rank_scope", "period", "status",
          "subject", "metric", "metric_code", "value_m2")


def fold(text: str) -> str:
    """Full-width punctuation and digits to half-width, one code point for one (offsets are kept)."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


_MARKS = re.compile(r"[\s“”‘’\"'「」《》]")


def normal_form(text: str) -> str:
    """The form a subject or metric is compared in: NFKC-folded, without spaces and quote / title marks."""
    return _MARKS.sub("", unicodedata.normalize("NFKC", text or ""))


def locate(folded_transcript: str, label: dict) -> tuple[int, int]:
    """Span of a label's value_text in the transcript, found through its unique context."""
    context = fold(label["context"])
    at = folded_transcript.find(context)
    if at < 0 or folded_transcript.find(context, at + 1) >= 0:
        raise SystemExit(f"context not found once in the transcript: {label['context']!r}")
    start = at + context.index(fold(label["value_text"]))
    return start, start + len(label["value_text"])


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def disagreements(pred: Mention, gold: dict) -> list[str]:
    """Names of the fields where the prediction differs from the label."""
    wrong = []
    checks = {
        "value": pred.value == (Decimal(gold["value"]) if gold["value"] is not None else None),
        "unit": pred.unit == gold["unit"],
        "unit_text": fold(pred.unit_text) == fold(gold["unit_text"]),
        "qualifier": pred.qualifier == gold["qualifier"],
        "kind": pred.kind == gold["kind"],
        "comparison": pred.comparison == gold["comparison"],
        "rank_scope": pred.rank_scope == gold["rank_scope"],
        "period": (pred.period_start, pred.period_end) == (_date(gold["period_start"]), _date(gold["period_end"])),
        "status": pred.status == gold["status"],
        "subject": normal_form(pred.subject) == normal_form(gold["subject"]),
        "metric": normal_form(pred.metric) == normal_form(gold["metric"]),
        "metric_code": pred.metric_code == gold.get("metric_code"),
        "value_m2": pred.value_m2 == (Decimal(gold["value_m2"]) if gold.get("value_m2") else None),
    }
    for name in FIELDS:
        if not checks[name]:
            wrong.append(name)
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="evaluate on the seed text instead of the HTML page")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, extras and field errors")
    args = parser.parse_args(argv)

    if args.seed:
        parsed = parse_text(SEED_TEXT_PATH.read_text(encoding="utf-8"))
    else:
        parsed = parse_html(PAGE.read_text(encoding="utf-8"), PAGE_URL)
    mentions = extract_mentions(parsed.transcript, parsed.turns, parsed.briefing.event_date)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    folded = fold(parsed.transcript)

    gold_by_span: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for label in labels:
        gold_by_span[locate(folded, label)].append(label)
    pred_by_span: dict[tuple[int, int], list[Mention]] = defaultdict(list)
    for mention in mentions:
        pred_by_span[(mention.span.start, mention.span.end)].append(mention)

    matched: list[tuple[Mention, dict, list[str]]] = []
    missed: list[dict] = []
    extra: list[Mention] = []
    for span in sorted(set(gold_by_span) | set(pred_by_span)):
        golds, preds = gold_by_span.get(span, []), pred_by_span.get(span, [])
        for pred, gold in zip(preds, golds):
            matched.append((pred, gold, disagreements(pred, gold)))
        missed.extend(golds[len(preds):])
        extra.extend(preds[len(golds):])

    n_pred, n_gold, n_match = len(mentions), len(labels), len(matched)
    n_strict = sum(1 for _, _, wrong in matched if not wrong)
    source = "seed text" if args.seed else "HTML page"
    print(f"session 12 ({source}): {n_gold} labelled, {n_pred} extracted")
    print(f"detection: precision {n_match / n_pred:.3f}  recall {n_match / n_gold:.3f}  ({n_match} matched)")
    print(f"strict (all fields right): precision {n_strict / n_pred:.3f}  recall {n_strict / n_gold:.3f}"
          f"  all-fields rate {n_strict / n_match:.3f}  ({n_strict}/{n_match})")
    print("field accuracy over matched rows:")
    for name in FIELDS:
        right = sum(1 for _, _, wrong in matched if name not in wrong)
        print(f"  {name:<11} {right / n_match:.3f}  ({right}/{n_match})")
    if args.verbose:
        for gold in missed:
            print(f"MISSED  {gold['value_text']} in {gold['context']!r}")
        for pred in extra:
            print(f"EXTRA   {pred.value_text} in {pred.sentence[:40]!r}")
        for pred, gold, wrong in matched:
            if wrong:
                detail = ", ".join(f"{name}: got {_got(pred, name)!r} want {_want(gold, name)!r}" for name in wrong)
                print(f"FIELDS  {pred.value_text} in {gold['context']!r}: {detail}")
    return 0


def _got(pred: Mention, name: str) -> object:
    return (str(pred.period_start), str(pred.period_end)) if name == "period" else getattr(pred, name)


def _want(gold: dict, name: str) -> object:
    return (str(gold["period_start"]), str(gold["period_end"])) if name == "period" else gold.get(name)


if __name__ == "__main__":
    raise SystemExit(main())

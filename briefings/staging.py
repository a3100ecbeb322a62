"""The staging layer: parsed pages on disk, and the rows they stage for the warehouse.

On disk, one parsed page is one JSON file, between the parse and load steps: Prefect tasks pass
only the file's key (small values, flat memory) and the load step reads the file back.
``dump_parsed`` / ``load_parsed`` round-trip a ParsedBriefing exactly (dates as ISO strings,
Decimals as strings).

For the load, :func:`staged_rows` turns one parsed page into the rows of every staged table
(``stg_<table>``), named by ``STAGED_COLUMNS`` — the one place that says which columns the loader
writes. A column named there is read from the model object of its row (``Turn.text`` for
``turns.text``) unless the loader derives it (ids, spans, ``parser_version``): adding a column
to a mart table is one line here, once the model carries the value under the column's name.
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from briefings.models import (
    Briefing,
    Extra,
    FetchRecord,
    Guest,
    Mention,
    ParsedBriefing,
    Position,
    QAPair,
    Span,
    SuspectLabel,
    Turn,
    to_jsonable,
)

__all__ = [
    "dump_parsed",
    "load_parsed",
    "write_staged",
    "read_staged",
    "staging_key",
    "STAGED_COLUMNS",
    "CHILD_TABLES",
    "staged_rows",
    "fallback_speaker_id",
    "dump_record",
    "load_record",
]


def staging_key(sha256: str, parser_version: str) -> str:
    """File stem of a staged page: the body's sha256 and the parser version that read it."""
    return f"{sha256}-{parser_version}"


def dump_parsed(parsed: ParsedBriefing) -> bytes:
    """Serialise ``parsed`` to UTF-8 JSON bytes (Decimal -> str, date -> ISO 8601, keys sorted).

    The same JSON as ``json.dumps(to_jsonable(parsed))``, written by orjson (~50x faster: at
    10,000 pages the standard library's encoder cost a third of the parse).
    """
    return orjson.dumps(parsed, default=_json_default, option=orjson.OPT_SORT_KEYS)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot stage a {type(value).__name__}")


def _date(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def _dec(v: str | None) -> Decimal | None:
    return Decimal(v) if v is not None else None


def _span(d: dict[str, int] | None) -> Span | None:
    return Span(d["start"], d["end"]) if d else None


def _positions(items: list[dict[str, str]]) -> tuple[Position, ...]:
    return tuple(Position(**p) for p in items)


def load_parsed(data: bytes) -> ParsedBriefing:
    """Inverse of :func:`dump_parsed`.

    Raises:
        ValueError: the bytes are not a staged ParsedBriefing (bad JSON or missing keys).
    """
    try:
        obj: dict[str, Any] = orjson.loads(data)
        b = obj["briefing"]
        briefing = Briefing(
            **{**b, "event_date": _date(b["event_date"]), "publish_date": _date(b["publish_date"])}
        )
        guests = tuple(Guest(**{**g, "positions": _positions(g["positions"])}) for g in obj["guests"])
        turns = tuple(
            Turn(
                **{
                    **t,
                    "span": _span(t["span"]),
                    "label_span": _span(t.get("label_span")),
                    "positions": _positions(t["positions"]),
                }
            )
            for t in obj["turns"]
        )
        mentions = tuple(
            Mention(
                **{
                    **m,
                    "span": _span(m["span"]),
                    "value": _dec(m["value"]),
                    "value_m2": _dec(m.get("value_m2")),
                    "period_start": _date(m["period_start"]),
                    "period_end": _date(m["period_end"]),
                }
            )
            for m in obj["mentions"]
        )
        return ParsedBriefing(
            briefing=briefing,
            transcript=obj["transcript"],
            guests=guests,
            turns=turns,
            qa_pairs=tuple(QAPair(**q) for q in obj["qa_pairs"]),
            mentions=mentions,
            parser_version=obj["parser_version"],
            extras=tuple(
                Extra(kind=x["kind"], span=Span(x["span"]["start"], x["span"]["end"]), text=x["text"])
                for x in obj.get("extras", ())
            ),
            suspect_labels=tuple(
                SuspectLabel(span=Span(x["span"]["start"], x["span"]["end"]), text=x["text"])
                for x in obj.get("suspect_labels", ())
            ),
        )
    except (KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"not a staged briefing: {exc}") from exc


def write_staged(staging_dir: Path, key: str, parsed: ParsedBriefing) -> Path:
    """Write ``parsed`` atomically to ``staging_dir/<key>.json`` and return the path.

    ``staging_dir`` is a local ``Path`` (temp file + rename) or a remote ``upath.UPath`` (one PUT).
    """
    path = staging_dir / f"{key}.json"
    if not isinstance(staging_dir, Path):
        path.write_bytes(dump_parsed(parsed))
        return path
    staging_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(dump_parsed(parsed))
    os.replace(tmp, path)
    return path


def read_staged(staging_dir: Path, key: str) -> ParsedBriefing:
    """Read ``staging_dir/<key>.json``.

    Raises:
        FileNotFoundError: nothing was staged under ``key``.
        ValueError: the file is not a staged briefing.
    """
    return load_parsed((staging_dir / f"{key}.json").read_bytes())


# Per-briefing child tables (every row carries briefing_id), in load order.
CHILD_TABLES = ("guests", "turns", "appearances", "qa_pairs", "indicators")

# Columns the loader writes, per mart table, in the order they are staged. Columns a later
# migration adds and the loader does not name here stay NULL / default (and are kept on reloads).
# The loader adds ``batch_pos`` (the page's 0-based position in its batch) to every staged table;
# it adds ``version_no``, ``run_id`` and ``loaded_at`` itself.
STAGED_COLUMNS: dict[str, tuple[str, ...]] = {
    "briefings": (
        "briefing_id", "url", "series", "session_no", "city", "event_date", "publish_date", "list_date", "title",
        "summary", "content_source", "template", "transcript", "content_sha256", "parser_version", "guest_count",
        "turn_count",
        "lead",  # Briefing.lead (issue 13)
        "extra_spans",  # ParsedBriefing.extras as a JSON list of {kind, span_start, span_end} (issue 13)
        "site",  # Briefing.site: the site profile that read the page (issue 23)
    ),
    "speakers": ("speaker_id", "name", "kind", "gender", "outlet", "first_briefing_id"),
    "speaker_positions": ("speaker_id", "organisation", "title", "first_briefing_id"),
    "guests": ("briefing_id", "guest_no", "name", "label", "speaker_id", "gender", "parser_version"),
    "turns": (
        "briefing_id", "turn_no", "speaker_id", "speaker", "label", "role", "outlet", "text", "span_start", "span_end",
        "parser_version",
    ),
    "appearances": ("briefing_id", "speaker_id", "role", "label", "first_turn_no", "turn_count", "parser_version"),
    "qa_pairs": ("briefing_id", "question_turn_no", "answer_turn_no", "outlet", "answer_speaker_id", "parser_version"),
    "indicators": (
        "briefing_id", "turn_no", "mention_no", "speaker_id", "sentence", "span_start", "span_end", "value_text",
        "value", "unit", "unit_text", "qualifier", "kind", "comparison", "rank_scope", "period_start", "period_end",
        "status", "subject", "metric", "value_m2", "parse_flag", "parser_version",
        "metric_code",  # Mention.metric_code (issue 14)
    ),
    # ParsedBriefing.suspect_labels (issue 22): current rows only, not a CHILD_TABLES member (no history)
    "suspect_labels": ("briefing_id", "span_start", "span_end", "text", "parser_version"),
}


def fallback_speaker_id(name: str, role: str) -> str:
    """Speaker id when the parser gave none: ``journalist:<label>`` or ``person:<name>``."""
    return f"journalist:{name}" if role == "journalist" else f"person:{name}"


def _turn_speaker_id(turn: Turn) -> str:
    return turn.speaker_id or fallback_speaker_id(turn.speaker, turn.role)


def _row(columns: tuple[str, ...], derived: dict[str, Any], *sources: Any) -> tuple[Any, ...]:
    """One staged row: each column from ``derived``, else the first source object that has it."""
    values = []
    for column in columns:
        if column in derived:
            values.append(derived[column])
            continue
        for source in sources:
            if hasattr(source, column):
                values.append(getattr(source, column))
                break
        else:
            raise ValueError(f"no value for staged column {column!r} (not derived, not on {type(sources[0]).__name__})")
    return tuple(values)


def staged_rows(
    parsed: ParsedBriefing, *, briefing_id: str, url: str, content_sha256: str, list_date: date | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows one parsed page stages, per mart table, in ``STAGED_COLUMNS`` order.

    Pure: no I/O. Rows of the child tables are deduplicated (an exact duplicate row is staged
    once); speakers and their positions are one row per key within the page (a speaker's gender
    is the first one the page gives).

    Args:
        parsed: the page's parse; rows are taken as given (turn numbers are not renumbered).
        briefing_id: ``briefing_id_for(url)``.
        url: the page URL (natural key).
        content_sha256: hex SHA-256 of the page body (the watermark).
        list_date: the date beside the link on the list page, where known.
    Returns:
        ``{table: [row, ...]}`` for every table of ``STAGED_COLUMNS`` (the briefings list has one row).
    Raises:
        AttributeError, TypeError, ValueError: the page's objects lack a value a column needs.
    """
    pv = parsed.parser_version
    b = parsed.briefing
    cols = STAGED_COLUMNS
    briefing = _row(cols["briefings"], {
        "briefing_id": briefing_id, "url": url, "list_date": list_date, "transcript": parsed.transcript,
        "content_sha256": content_sha256, "parser_version": pv, "guest_count": len(parsed.guests),
        "turn_count": len(parsed.turns), "publish_date": b.publish_date or list_date,
        "extra_spans": json.dumps([{"kind": x.kind, "span_start": x.span.start, "span_end": x.span.end}
                                   for x in parsed.extras]),
    }, b, parsed)
    turns_by_no = {t.turn_no: t for t in parsed.turns}
    guests = [
        _row(cols["guests"], {"briefing_id": briefing_id, "parser_version": pv,
                              "speaker_id": g.speaker_id or fallback_speaker_id(g.name, "guest")}, g)
        for g in parsed.guests
    ]
    turns = [
        _row(cols["turns"], {"briefing_id": briefing_id, "parser_version": pv, "speaker_id": _turn_speaker_id(t),
                             "span_start": t.span.start, "span_end": t.span.end}, t)
        for t in parsed.turns
    ]
    first: dict[str, dict[str, Any]] = {}
    for t in parsed.turns:
        sid = _turn_speaker_id(t)
        if sid in first:
            first[sid]["turn_count"] += 1
        else:
            first[sid] = {"briefing_id": briefing_id, "speaker_id": sid, "role": t.role, "label": t.label,
                          "first_turn_no": t.turn_no, "turn_count": 1, "parser_version": pv}
    appearances = [_row(cols["appearances"], d) for d in first.values()]
    qa_pairs = []
    for q in parsed.qa_pairs:
        question, answer = turns_by_no.get(q.question_turn_no), turns_by_no.get(q.answer_turn_no)
        qa_pairs.append(_row(cols["qa_pairs"], {
            "briefing_id": briefing_id, "parser_version": pv, "outlet": question.outlet if question else None,
            "answer_speaker_id": _turn_speaker_id(answer) if answer else None}, q))
    indicators = []
    for m in parsed.mentions:
        turn = turns_by_no.get(m.turn_no)
        indicators.append(_row(cols["indicators"], {
            "briefing_id": briefing_id, "parser_version": pv, "speaker_id": _turn_speaker_id(turn) if turn else None,
            "span_start": m.span.start, "span_end": m.span.end}, m))
    speakers, positions = _speaker_rows(parsed, briefing_id)
    suspects = [(briefing_id, s.span.start, s.span.end, s.text, pv) for s in parsed.suspect_labels]
    rows = {"briefings": [briefing], "speakers": speakers, "speaker_positions": positions, "guests": guests,
            "turns": turns, "appearances": appearances, "qa_pairs": qa_pairs, "indicators": indicators,
            "suspect_labels": suspects}
    return {table: list(dict.fromkeys(r)) for table, r in rows.items()}


def _speaker_rows(parsed: ParsedBriefing, briefing_id: str) -> tuple[list[tuple], list[tuple]]:
    """(speakers rows, speaker_positions rows) seen in one briefing, one per key, guests first."""
    speakers: dict[str, dict[str, Any]] = {}
    positions: dict[tuple[str, str, str], tuple] = {}

    def add(sid: str, person: Any, name: str, kind: str, outlet: str | None) -> None:
        seen = speakers.get(sid)
        if seen is None:
            speakers[sid] = {"speaker_id": sid, "name": name, "kind": kind, "gender": person.gender,
                             "outlet": outlet, "first_briefing_id": briefing_id, "_source": person}
        elif seen["gender"] is None and person.gender is not None:
            seen["gender"] = person.gender
        for p in person.positions:
            key = (sid, p.organisation, p.title)
            if key not in positions:
                positions[key] = _row(STAGED_COLUMNS["speaker_positions"],
                                      {"speaker_id": sid, "first_briefing_id": briefing_id}, p)

    for g in parsed.guests:
        add(g.speaker_id or fallback_speaker_id(g.name, "guest"), g, g.name, "person", None)
    for t in parsed.turns:
        add(_turn_speaker_id(t), t, t.speaker, "journalist" if t.role == "journalist" else "person", t.outlet)
    rows = [_row(STAGED_COLUMNS["speakers"], d, d["_source"]) for d in speakers.values()]
    return rows, list(positions.values())


def dump_record(record: FetchRecord) -> dict[str, Any]:
    """A FetchRecord as a JSON-ready dict (``fetched_at`` ISO 8601, headers as pairs)."""
    return to_jsonable(record)


def load_record(data: dict[str, Any]) -> FetchRecord:
    """Inverse of :func:`dump_record`.

    Raises:
        ValueError: ``data`` is not a dumped FetchRecord.
    """
    from datetime import datetime

    try:
        return FetchRecord(**{**data, "fetched_at": datetime.fromisoformat(data["fetched_at"]),
                              "headers": tuple(tuple(h) for h in data.get("headers", ())),
                              "retried": tuple(load_record(r) for r in data.get("retried", ()))})
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a dumped fetch record: {exc}") from exc

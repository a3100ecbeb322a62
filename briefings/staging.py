"""The staging layer on disk: one parsed page as a JSON file, between the parse and load steps.

Prefect tasks pass only the file's key between them (small values, flat memory); the load step
reads the file back. ``dump_parsed`` / ``load_parsed`` round-trip a ParsedBriefing exactly
(dates as ISO strings, Decimals as strings).
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from briefings.models import (
    Briefing,
    Extra,
    Guest,
    Mention,
    ParsedBriefing,
    Position,
    QAPair,
    Span,
    Turn,
    to_jsonable,
)

__all__ = ["dump_parsed", "load_parsed", "write_staged", "read_staged", "staging_key"]


def staging_key(sha256: str, parser_version: str) -> str:
    """File stem of a staged page: the body's sha256 and the parser version that read it."""
    return f"{sha256}-{parser_version}"


def dump_parsed(parsed: ParsedBriefing) -> bytes:
    """Serialise ``parsed`` to UTF-8 JSON bytes (Decimal -> str, date -> ISO 8601)."""
    return json.dumps(to_jsonable(parsed), ensure_ascii=False, sort_keys=True).encode("utf-8")


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
        obj: dict[str, Any] = json.loads(data)
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
        )
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a staged briefing: {exc}") from exc


def write_staged(staging_dir: Path, key: str, parsed: ParsedBriefing) -> Path:
    """Write ``parsed`` atomically to ``staging_dir/<key>.json`` and return the path."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    path = staging_dir / f"{key}.json"
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

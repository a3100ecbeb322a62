"""Query results for a person or a program: tables that fit the terminal, records, and JSON of every DuckDB type.

Pure: values and widths in, text out (no terminal, no DuckDB connection). ``briefings.cli`` gives the
terminal width (None when the output is not a terminal).

- :func:`render_table`: every column is shown. Short columns keep their full width, long text is cut
  with ``…`` to what fits, numbers are right-aligned. Widths are terminal cells (a CJK character is 2).
  When even that cannot fit (long columns would get fewer than :data:`MIN_LONG_WIDTH` cells), the rows
  are printed as records instead, as psql's ``\\x auto`` does.
- :func:`render_records`: one field a line, a header line per row (psql's ``\\x``).
- :func:`jsonable`: any value DuckDB returns as a JSON value (ISO 8601 for dates, times and intervals,
  strings for UUID and DECIMAL, base64 for BLOB, null for NaN and ±Infinity, JSON columns as JSON).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from rich.cells import cell_len, set_cell_size

__all__ = ["MIN_LONG_WIDTH", "SHORT_WIDTH", "cell_text", "iso_duration", "jsonable", "render_records",
           "render_table"]

SEPARATOR = "  "  # between two columns
SHORT_WIDTH = 16  # a column this wide or narrower (cells) is shown in full
MIN_LONG_WIDTH = 8  # a long column gets at least this many cells, or the rows are shown as records
NEWLINE_MARK = " ⏎ "
ELLIPSIS = "…"


def iso_duration(value: timedelta) -> str:
    """An interval as an ISO 8601 duration: ``P33DT5H0M1.5S``; negative ones start with ``-``.

    DuckDB hands INTERVAL to Python as a timedelta (a month counted as 30 days), so there is no month part.
    """
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    second_text = f"{seconds + value.microseconds / 1e6:g}"
    return f"{sign}P{value.days}DT{hours}H{minutes}M{second_text}S"


def jsonable(value: Any, type_name: str | None = None) -> Any:
    """``value`` as a value ``json.dumps(..., allow_nan=False)`` writes.

    Args:
        value: one cell as DuckDB's Python client returns it.
        type_name: the column's DuckDB type (``str(cursor.description[i][1])``); a ``JSON`` column's
            text is parsed, so it stays JSON rather than becoming an escaped string.
    Returns:
        None, bool, int, str, float (finite), list or dict. Dates, times and timestamps as ISO 8601
        (``2024-03-25``, ``12:30:01.500000``, ``2024-03-25T02:00:00+00:00``), intervals as ISO 8601 durations,
        UUID and DECIMAL as strings (exact), BLOB as base64, NaN and ±Infinity as None; LIST, STRUCT and
        MAP element by element (MAP keys as strings).
    """
    if value is None or isinstance(value, (bool, int, str)):
        if type_name == "JSON" and isinstance(value, str):
            return json.loads(value)
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, (Decimal, UUID)):
        return str(value) if not (isinstance(value, Decimal) and not value.is_finite()) else None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def cell_text(value: Any) -> str:
    """One cell as a person reads it on one line: '' for NULL, ``⏎`` for a line break, JSON for LIST/STRUCT."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(jsonable(value), ensure_ascii=False)
    if isinstance(value, (bytes, bytearray, memoryview, timedelta, float)):
        shown = jsonable(value)
        return "" if shown is None else str(shown)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\n", NEWLINE_MARK)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in ``…`` when cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap


def _column_widths(columns: Sequence[str], cells: list[list[str]], width: int | None) -> list[int] | None:
    """Each column's width in cells, or None when the table cannot show every column usefully in ``width``."""
    natural = [max([cell_len(c)] + [cell_len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    if width is None:
        return natural
    room = width - cell_len(SEPARATOR) * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    short = [n <= max(SHORT_WIDTH, cell_len(c)) for n, c in zip(natural, columns)]
    long_room = room - sum(n for n, s in zip(natural, short) if s)
    long_columns = [i for i, s in enumerate(short) if not s]
    if long_room < MIN_LONG_WIDTH * len(long_columns):
        return None
    widths = list(natural)
    # share the room out evenly; a column that needs less than its share gives the rest to the others
    pending = sorted(long_columns, key=lambda i: natural[i])
    while pending:
        share = long_room // len(pending)
        i = pending.pop(0)
        widths[i] = min(natural[i], share) if pending else min(natural[i], long_room)
        long_room -= widths[i]
    return widths


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, width: int | None,
                 wide: bool = False) -> str:
    """Rows as a table of ``width`` terminal cells at most, every column shown.

    Args:
        columns: column names, in order.
        rows: the rows, values as DuckDB returns them.
        width: the terminal's width in cells; None (not a terminal) or ``wide`` for no cutting.
        wide: never cut a value (``--wide``): lines may be wider than the terminal.
    Returns:
        A header line, a rule, one line per row (no trailing newline); numbers right-aligned. When the
        columns cannot all be shown (see the module docstring), :func:`render_records` of the rows.
    """
    cells = [[cell_text(v) for v in row] for row in rows]
    widths = _column_widths(columns, cells, None if wide else width)
    if widths is None:
        return render_records(columns, rows, width=width, wide=wide)
    numeric = [bool(rows) and all(row[i] is None or _is_number(row[i]) for row in rows) and
               any(row[i] is not None for row in rows) for i in range(len(columns))]
    lines = [SEPARATOR.join(_pad(_cut(c, w), w, right) for c, w, right in zip(columns, widths, numeric)).rstrip(),
             SEPARATOR.join("─" * w for w in widths)]
    for row in cells:
        lines.append(SEPARATOR.join(_pad(_cut(v, w), w, right) for v, w, right in zip(row, widths, numeric)).rstrip())
    return "\n".join(lines)


def render_records(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, width: int | None,
                   wide: bool = False) -> str:
    """Rows as records, one field a line, like psql's ``\\x``::

        -[ row 1 ]-------------------
        session_no │ 12
        city       │ 天门

    Args:
        columns: column names, in order.
        rows: the rows.
        width: the terminal's width in cells: a value is cut with ``…`` to fit; None or ``wide``: not cut.
        wide: never cut a value.
    Returns:
        The records (no trailing newline); '' when there are no rows.
    """
    name_width = max((cell_len(c) for c in columns), default=0)
    value_width = None if wide or width is None else max(width - name_width - 3, MIN_LONG_WIDTH)
    rule_width = min(width or 40, 40)
    lines: list[str] = []
    for n, row in enumerate(rows, 1):
        head = f"-[ row {n} ]"
        lines.append(head + "─" * max(rule_width - cell_len(head), 0))
        for column, value in zip(columns, row):
            text = cell_text(value)
            lines.append(f"{_pad(column, name_width, False)} │ {_cut(text, value_width) if value_width else text}"
                         .rstrip())
    return "\n".join(lines)

"""The ``briefings extract FILE|-`` command: indicator mentions of any text, no warehouse, no Prefect.

``briefings.cli`` calls :func:`register` on its Typer ``app``. Exit codes follow ``briefings.errors.ExitCode``:
2 a missing file, a bad ``--date`` or a bad setting; 6 bytes that do not decode as text, or more of them than
``BRIEFINGS_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register", "read_text", "read_capped", "ExtractFormat"]


class ExtractFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def read_capped(source: str, max_bytes: int) -> bytes:
    """The bytes of a file, or of standard input for ``-``, refusing more than ``max_bytes``.

    Reads at most ``max_bytes + 1`` bytes, so ``/dev/zero`` or a huge file costs no more memory than
    the cap (the same cap as a fetched body's, ``BRIEFINGS_MAX_BODY_BYTES``).

    Raises:
        FileNotFoundError / IsADirectoryError / PermissionError: the file cannot be read.
        ParseError: the input is larger than ``max_bytes`` (``missing="size"``).
    """
    from briefings.errors import ParseError

    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        with Path(source).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ParseError(f"more than {max_bytes} bytes (BRIEFINGS_MAX_BODY_BYTES, the cap of a fetched page); "
                         f"not read", missing="size")
    return data


def read_text(source: str, max_bytes: int | None = None) -> str:
    """The text of a file, or of standard input for ``-``: UTF-8 (with or without BOM), else as a fetch decodes.

    Args:
        source: a path, or ``-``.
        max_bytes: refuse a larger input; None -> ``Settings.max_body_bytes`` (``BRIEFINGS_MAX_BODY_BYTES``).
    Raises:
        FileNotFoundError / IsADirectoryError / PermissionError: the file cannot be read.
        ParseError: the bytes decode under no charset, or there are more than ``max_bytes``.
        ConfigError: ``max_bytes`` is None and a ``BRIEFINGS_*`` setting is bad.
    """
    from briefings.fetching.decode import decode_body
    from briefings.settings import Settings

    data = read_capped(source, Settings.from_env().max_body_bytes if max_bytes is None else max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_body(data, None)[0]


def register(app: typer.Typer) -> None:
    """Add ``extract`` to ``app``."""

    @app.command()
    def extract(
        file: str = typer.Argument(..., help="A text file (UTF-8, GB18030 ...), or - for standard input.",
                                   metavar="FILE|-"),
        when: Optional[datetime] = typer.Option(
            None, "--date", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD",
            help="The day the text was said or published: resolves 今年, 1-2月, 去年以来 (else they stay empty)."),
        fmt: ExtractFormat = typer.Option(ExtractFormat.table, "--format", help="table, csv or json."),
    ) -> None:
        """Print the indicator mentions of any Chinese text (a work report, a bulletin, a speech)."""
        from briefings.cli_output import OutputFormat, _fail, _print_rows
        from briefings.errors import ExitCode, ParseError
        from briefings.extraction import MENTION_COLUMNS, extract as extract_text, mention_rows

        try:
            text = read_text(file)
        except OSError as exc:
            raise _fail(f"{file}: cannot read: {exc.strerror or exc}", ExitCode.USAGE) from exc
        except ParseError as exc:
            raise _fail(f"{file}: {exc}", ExitCode.PARSE_FAILED) from exc
        mentions = extract_text(text, when.date() if when else None)
        _print_rows(MENTION_COLUMNS, mention_rows(mentions), OutputFormat(fmt.value))

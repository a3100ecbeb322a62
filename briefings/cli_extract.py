"""The ``briefings extract FILE|-`` command: indicator mentions of any text, no warehouse, no Prefect.

``briefings.cli`` calls :func:`register` on its Typer ``app``. Exit codes follow ``briefings.errors.ExitCode``:
2 a missing file or a bad ``--date``; 6 bytes that do not decode as text.
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register", "read_text", "ExtractFormat"]


class ExtractFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def read_text(source: str) -> str:
    """The text of a file, or of standard input for ``-``: UTF-8 (with or without BOM), else as a fetch decodes.

    Raises:
        FileNotFoundError / IsADirectoryError / PermissionError: the file cannot be read.
        ParseError: the bytes decode under no charset.
    """
    from briefings.fetching.decode import decode_body

    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
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

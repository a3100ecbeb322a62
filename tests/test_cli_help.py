"""`--help` of every command says its defaults and reads as plain usage; Prefect stays quiet; small messages."""

from __future__ import annotations

import os
import re

import pytest
import typer.main
from typer.testing import CliRunner

from briefings.cli import app

runner = CliRunner()


def _command_paths(group, prefix=()):  # type: ignore[no-untyped-def]
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*prefix, name))


COMMANDS = [" ".join(path) for path in _command_paths(typer.main.get_command(app))]


def _help(*argv: str) -> str:
    result = runner.invoke(app, [*argv, "--help"], env={"COLUMNS": "120", "NO_COLOR": "1"}, color=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["collect", "reparse", "query", "sql", "search", "export", "report", "runs"])
def test_the_warehouse_default_is_shown(command: str) -> None:
    text = _help(command)
    assert "DuckDB file of the warehouse." in text
    assert "[default: warehouse/briefings.duckdb]" in text
    assert "[env var: BRIEFINGS_WAREHOUSE_PATH]" in text
    assert "warehouse ." not in text


def test_collect_shows_the_source_and_series_defaults() -> None:
    text = _help("collect")
    assert "[default: https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml]" in text
    assert "[default: 市长话经济]" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_lines_and_option_types_read_plainly(command: str) -> None:
    text = _help(*command.split())
    usage = [line for line in text.splitlines() if "Usage:" in line]
    assert len(usage) == 1 and "{" not in usage[0] and "<" not in usage[0]
    assert "<bool>" not in text and "<str>" not in text and "<int>" not in text and "<path>" not in text


def test_usage_names_arguments_as_click_does() -> None:
    assert "Usage: briefings parse [OPTIONS] FILE" in _help("parse")
    assert "Usage: briefings search [OPTIONS] TEXT..." in _help("search")
    assert "Usage: briefings query [OPTIONS] NAME" in _help("query")
    assert re.search(r"--format\s+\[table\|records\|csv\|json\]", _help("query"))
    assert re.search(r"--param\s+KEY=VALUE", _help("query"))


def test_prefect_is_told_not_to_track(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from briefings.cli import _prepare_prefect_env
    from briefings.settings import Settings

    for name in ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_HOME", "PREFECT_LOGGING_LEVEL",
                 "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        monkeypatch.setenv(name, "x")  # restored after the test, whatever the function sets
        monkeypatch.delenv(name)
    _prepare_prefect_env(Settings.from_env(data_dir=tmp_path))
    assert (os.environ["DO_NOT_TRACK"], os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"]) == ("1", "false")


def test_the_decode_error_says_what_was_tried() -> None:
    from briefings.errors import ParseError
    from briefings.fetching.decode import decode_body

    with pytest.raises(ParseError) as info:
        decode_body(b"\x80\x81\xfe\xff" * 40, "text/html; charset=utf-8")
    assert str(info.value) == ("body of 160 bytes is not valid text in any charset tried: "
                               "declared utf-8; detected or usual gb18030")
    assert info.value.missing == "charset"


def _options(command_path: str):  # type: ignore[no-untyped-def]
    command = typer.main.get_command(app)
    for name in command_path.split():
        command = command.commands[name]
    return [p for p in command.params if getattr(p, "help", None)]


@pytest.mark.parametrize("command", COMMANDS)
def test_rich_eats_no_bracketed_text_of_a_help_string(command: str) -> None:
    """Issue 25 item 14: ``[default: 1, no Dask]`` written into a help string was read as Rich markup
    and vanished (``tasks.``, ``warehouse .``). Every help text is shown whole, brackets included."""
    flat = " ".join(_help(*command.split()).replace("│", " ").split())
    for param in _options(command):
        assert " ".join(param.help.split()) in flat, (command, param.name)


def test_the_workers_default_is_shown() -> None:
    text = _help("collect")
    assert "Dask worker processes for the fetch and parse tasks." in text
    assert "[default: 1, no Dask]" in text


def test_version_prints_the_installed_version() -> None:
    import importlib.metadata
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([str(Path(sys.executable).with_name("briefings")), "--version"], capture_output=True,
                         text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, f"briefings {importlib.metadata.version('briefings')}\n", "")

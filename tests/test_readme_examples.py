"""Every `briefings …` example of the README runs as shown, offline, and prints what the README shows.

Each command is run by bash as a person would paste it, in README order, in a fresh folder (HOME too) with
the warehouse, data and Prefect folders in it; ``briefings`` is this venv's. A block's ``$ command`` lines are
followed by the output the README shows: each of its lines must appear, in order, in what the command printed,
except ``…`` (lines left out), and lines whose values change from run to run (run ids, rates, times, sizes).
Only examples that need the live portal (``--live``) are not run: there is no network here; nor are those of
the block that first starts a Prefect server (``prefect server start``; tests/test_prefect_server.py runs a
real server), nor ``--dask-address`` (a Dask scheduler elsewhere; tests/test_workers.py runs Dask). The
``--source http://127.0.0.1:8000/…`` example is served by a loopback copy of the column on a free port (the
command's URL is rewritten to it) and loads into a warehouse of its own, so that the examples after it see the bundled snapshot's data.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefings.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
VOLATILE = re.compile(r"pages/s|rows/s|briefings/s|^run [0-9a-f]{8}-…|exported \d{4}-\d\d-\d\dT|, \d+ bytes\)$")
COMMENT = re.compile(r"\s{2,}#.*$")
TERMINAL = re.compile(r"#\s*in an (\d+)-column terminal")


@dataclass
class Example:
    line_no: int
    command: str
    columns: int | None  # "# in an 80-column terminal": the output shown is that terminal's
    expected: list[str]  # output lines shown after a `$ command` line
    needs_server: bool = False  # in a block that starts a Prefect server first (`prefect server start`)


def readme_examples(text: str) -> list[Example]:
    """The `briefings` commands of the README's code blocks, in order, with the output each block shows."""
    examples: list[Example] = []
    lines = text.splitlines()
    fences = [i for i, line in enumerate(lines) if line.startswith("```")]
    for start, end in zip(fences[::2], fences[1::2]):
        block = lines[start + 1:end]
        # a block with `$ ` prompts shows commands and their output; a block without shows commands only
        prompted = any(line.startswith("$ ") for line in block)
        needs_server = any(line.startswith("prefect server start") for line in block)
        current: Example | None = None
        for no, line in enumerate(block, start + 2):
            command = line[2:] if prompted and line.startswith("$ ") else None if prompted else line
            if command is not None and command.startswith("briefings "):
                columns = TERMINAL.search(command)
                current = Example(no, COMMENT.sub("", command).strip(), int(columns.group(1)) if columns else None,
                                  [], needs_server)
                examples.append(current)
            elif prompted and current is not None:
                current.expected.append(line)
    return examples


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_the_examples_this_test_runs() -> None:
    commands = [e.command.split()[1] for e in EXAMPLES]
    assert {"collect", "parse", "queries", "query", "sql", "reparse", "search", "export", "report"} <= set(commands)
    assert len(EXAMPLES) >= 25


# the number of fetches grows with every collect the examples run before (one warehouse for all of them)
FETCH_COUNT = re.compile(r"fetches \d+$")


def _not_run_here(example: Example) -> bool:
    """Examples that need what this machine lacks: the live portal, a Prefect server, a Dask scheduler."""
    argv = shlex.split(example.command)
    return "--live" in argv or "--dask-address" in argv or example.needs_server


def _in_order(expected: list[str], actual: list[str]) -> list[str]:
    """The expected lines not found in ``actual`` in order (empty when all are there)."""
    missing, at = [], 0
    actual = [FETCH_COUNT.sub("fetches N", line) for line in actual]
    for line in [FETCH_COUNT.sub("fetches N", line) for line in expected]:
        if line.strip() == "…" or VOLATILE.search(line):
            continue
        try:
            at = actual.index(line, at) + 1
        except ValueError:
            missing.append(line)
    return missing


@pytest.mark.slow
def test_every_readme_example_runs_as_shown(tmp_path: Path) -> None:
    from tests.site_server import SiteServer, column_site

    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "briefings").symlink_to(PROJECT_ROOT / "briefings")  # `briefings parse briefings/snapshot/…`
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_") and k not in ("COLUMNS", "LINES")}
    env.update({
        "HOME": str(home), "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        "BRIEFINGS_WAREHOUSE_PATH": str(tmp_path / "warehouse" / "briefings.duckdb"),
        "BRIEFINGS_DATA_DIR": str(tmp_path / "data"), "PREFECT_HOME": str(tmp_path / "prefect"),
        "BRIEFINGS_MIN_INTERVAL_S": "0", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
    })
    site, readme_host = None, "http://127.0.0.1:8000/"
    if any(readme_host in e.command for e in EXAMPLES):
        # the README's own loopback example, served on a free port (8000 may be taken on a shared machine)
        site = SiteServer(column_site()).start()
    failures, skipped = [], []
    try:
        for example in EXAMPLES:
            if _not_run_here(example):
                skipped.append(example.command)
                continue
            run_env = dict(env)
            if "--source" in example.command:  # another column's pages: into a warehouse of their own
                run_env["BRIEFINGS_WAREHOUSE_PATH"] = str(tmp_path / "loopback" / "briefings.duckdb")
                run_env["BRIEFINGS_DATA_DIR"] = str(tmp_path / "loopback" / "data")
            if example.columns:
                run_env["COLUMNS"] = str(example.columns)
            command = example.command
            if site is not None:
                command = command.replace(readme_host, f"http://127.0.0.1:{site.port}/")
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=run_env, capture_output=True,
                                  text=True, timeout=300)
            output = done.stdout.splitlines() + done.stderr.splitlines()
            if done.returncode != 0:
                failures.append(f"README line {example.line_no}: `{example.command}` exited {done.returncode}:\n"
                                + "\n".join(output[-15:]))
            elif missing := _in_order(example.expected, output):
                failures.append(f"README line {example.line_no}: `{example.command}` did not print:\n"
                                + "\n".join(missing) + "\n--- it printed:\n" + "\n".join(output[:40]))
    finally:
        if site is not None:
            site.stop()
    assert failures == [], "\n\n".join(failures)
    assert skipped == [e.command for e in EXAMPLES if _not_run_here(e)]
    assert len([c for c in skipped if "--live" in c]) <= 4

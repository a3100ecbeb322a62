"""What a person sees: the real ``briefings`` process writing to a pseudo-terminal 80 and 120 columns wide.

The terminal is the standard library's ``pty`` with its window size set (TIOCSWINSZ), so the command
finds a terminal and its width as in a real one; ``COLUMNS`` is unset.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.look_fixtures import build_snapshot_warehouse

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TURNS_COLUMNS = ["session_no", "city", "briefing_id", "turn_no", "speaker", "role", "label", "outlet", "text"]
QA_COLUMNS = ["session_no", "city", "briefing_id", "question_turn_no", "outlet", "question", "answer_turn_no",
              "answered_by", "answer"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_snapshot_warehouse(tmp_path_factory.mktemp("tty") / "briefings.duckdb")


def run_in_terminal(argv: list[str], columns: int, rows: int = 50) -> list[str]:
    """Run ``briefings argv`` with stdout and stderr on a pseudo-terminal of ``columns`` x ``rows``; its lines."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([sys.executable, "-m", "briefings.cli", *argv], stdin=slave, stdout=slave, stderr=slave,
                            env=env, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    text = ANSI.sub("", b"".join(chunks).decode("utf-8"))
    return text.replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize("columns", [80, 120])
def test_turns_show_every_column_within_the_terminal_width(warehouse: Path, columns: int) -> None:
    lines = run_in_terminal(["query", "turns", "--param", "session=12", "--warehouse", str(warehouse)], columns)
    assert max(cell_len(line) for line in lines) <= columns
    assert "(16 rows)" in lines
    if columns == 80:  # too narrow for nine columns with the short ones in full: records, as psql's \x auto
        assert lines[0].startswith("-[ row 1 ]")
        fields = [[part.strip() for part in line.split("│", 1)] for line in lines if "│" in line]
        assert [name.strip() for name, _ in fields[:9]] == TURNS_COLUMNS
        assert [value for name, value in fields if name.strip() == "speaker"][:5] == [
            "黄勤", "肖敏", "黄勤", "湖北日报记者", "夏齐飞"]
        assert sum(1 for line in lines if line.startswith("-[ row ")) == 16
    else:
        header = lines[0].split()
        assert header == TURNS_COLUMNS
        row4 = lines[5]  # header, rule, turns 1-3, then turn 4 (湖北日报's question)
        # short columns in full: session, city, turn number, speaker, role, outlet
        assert re.match(r"^\s+12  天门  \S+\s+4  湖北日报记者  journalist  湖北日报记者\s+湖北日报  企业是创新的主体", row4)
        assert row4.endswith("…")
        # numbers right-aligned under their header
        assert lines[2].index("12") + 2 == len("session_no") and lines[2].startswith("        12")


@pytest.mark.parametrize("columns", [80, 120])
def test_qa_pairs_show_every_column(warehouse: Path, columns: int) -> None:
    lines = run_in_terminal(["query", "qa_pairs", "--param", "session=12", "--warehouse", str(warehouse)], columns)
    assert max(cell_len(line) for line in lines) <= columns
    assert "(6 rows)" in lines
    shown = " ".join(lines)
    for column in QA_COLUMNS:
        assert column in shown
    assert "夏齐飞" in shown and "湖北日报" in shown


def test_wide_and_records_formats(warehouse: Path) -> None:
    wide = run_in_terminal(["query", "turns", "--param", "session=12", "--wide", "--warehouse", str(warehouse)], 80)
    turn16 = [line for line in wide if re.match(r"^\s+12  天门  \S+\s+16  ", line)]
    assert len(turn16) == 1 and turn16[0].endswith("今天的新闻发布会到此结束。")  # not cut
    records = run_in_terminal(["query", "briefings", "--format", "records", "--warehouse", str(warehouse)], 120)
    assert records[0].startswith("-[ row 1 ]")
    assert "session_no   │ 12" in records and "city         │ 天门" in records
    assert "(1 row)" in records


def test_search_keeps_its_match_marks_on_one_line_when_piped(warehouse: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "briefings.cli", "search", "新质生产力", "--warehouse", str(warehouse)],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    assert "(5 hits)" in out.stdout
    for line in out.stdout.splitlines():
        assert line.count("**") % 2 == 0, line

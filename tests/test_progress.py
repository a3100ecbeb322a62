"""briefings.progress: log lines when not in a terminal, a rich bar when asked to draw one."""

from __future__ import annotations

import io
import re

import pytest

from briefings.progress import progress, track

LINE = re.compile(r"^export: (\d+)/10 tables \((\d+)%\), [\d.]+ tables/s, [\d.]+ s")


def test_not_a_terminal_gives_a_line_per_ten_percent_and_a_final_line() -> None:
    lines: list[str] = []
    with progress(10, "export", unit="tables", sink=lines.append, stream=io.StringIO()) as bar:
        for _ in range(10):
            bar.advance()
    assert lines[0] == "export: starting, 10 tables"
    counts = [int(LINE.match(line).group(1)) for line in lines[1:]]
    assert counts == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert lines[-1].endswith(" — done")
    assert bar.done == 10


def test_big_steps_log_once_per_step_not_per_ten_percent() -> None:
    lines: list[str] = []
    with progress(171, "export", unit="rows", mode="log", sink=lines.append) as bar:
        for n, table in ((13, "appearances"), (1, "briefing_versions"), (1, "briefings"), (6, "guests"),
                         (104, "indicators"), (6, "qa_pairs"), (11, "speaker_positions"), (13, "speakers"),
                         (16, "turns")):
            bar.advance(n, note=table)
    progress_lines = [line for line in lines[1:-1]]
    assert [re.match(r"export: (\d+)/171", line).group(1) for line in progress_lines] == ["21", "125", "142", "155"]
    assert progress_lines[1].endswith("[indicators]")
    assert lines[-1].startswith("export: 171/171 rows (100%)")


def test_default_sink_writes_to_the_stream_when_it_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with progress(2, "reparse", unit="pages", stream=stream) as bar:
        bar.advance(2)
    out = stream.getvalue().splitlines()
    assert out[0] == "reparse: starting, 2 pages"
    assert out[-1].startswith("reparse: 2/2 pages (100%)") and out[-1].endswith("— done")


def test_an_error_is_reported_and_raised() -> None:
    lines: list[str] = []
    with pytest.raises(RuntimeError):
        with progress(4, "collect", unit="pages", mode="log", sink=lines.append) as bar:
            bar.advance()
            raise RuntimeError("page failed")
    assert lines[-1].startswith("collect: 1/4 pages (25%)") and lines[-1].endswith("stopped by an error")


def test_unknown_total_counts_without_percent() -> None:
    lines: list[str] = []
    with progress(None, "collect", unit="pages", mode="log", sink=lines.append) as bar:
        bar.advance(3)
    assert lines[0] == "collect: starting, ? pages"
    assert re.match(r"^collect: 3 pages, [\d.]+ pages/s, [\d.]+ s — done$", lines[-1])


def test_bar_mode_draws_counts_and_rate() -> None:
    stream = io.StringIO()
    with progress(16, "parse", unit="pages", mode="bar", stream=stream) as bar:
        bar.advance(16)
    out = stream.getvalue()
    assert "16/16" in out and "pages/s" in out and "100%" in out


def test_off_mode_is_silent_but_counts() -> None:
    stream = io.StringIO()
    with progress(3, "export", mode="off", stream=stream) as bar:
        bar.advance(3)
    assert stream.getvalue() == "" and bar.done == 3


def test_track_yields_every_item_and_logs() -> None:
    lines: list[str] = []
    pages = ["index.shtml", "index_1.shtml", "t20240326_5134107.shtml"]
    assert list(track(pages, "discover", unit="pages", mode="log", sink=lines.append)) == pages
    assert lines[0] == "discover: starting, 3 pages" and lines[-1].startswith("discover: 3/3 pages (100%)")


def test_a_group_logs_each_step_and_the_load_line_ends_with_its_rows() -> None:
    from briefings.progress import progress_group

    lines: list[str] = []
    with progress_group([("fetch", 4, "pages"), ("load", 4, "briefings")], mode="log", sink=lines.append) as bars:
        for _ in range(4):
            bars["fetch"].advance()
        bars["load"].set_total(3)  # one page failed to fetch
        bars["load"].advance(2, note="620 rows")
        bars["load"].advance(1, note="931 rows")
    assert lines[:2] == ["fetch: starting, 4 pages", "load: starting, 4 briefings"]
    assert [re.match(r"(\w+): (\d+)/(\d+)", line).groups() for line in lines[2:]] == [
        ("fetch", "1", "4"), ("fetch", "2", "4"), ("fetch", "3", "4"), ("load", "2", "3"), ("fetch", "4", "4"),
        ("load", "3", "3")]
    assert lines[-2].endswith(" — done") and "[" not in lines[-2]
    assert lines[-1].startswith("load: 3/3 briefings (100%)") and lines[-1].endswith(" [931 rows] — done")


def test_a_group_draws_one_bar_per_step_in_a_terminal() -> None:
    from briefings.progress import progress_group

    out = io.StringIO()
    with progress_group([("parse", 2, "pages"), ("load", 2, "briefings")], mode="bar", stream=out) as bars:
        bars["parse"].advance(2)
        bars["load"].advance(2, note="620 rows")
    text = out.getvalue()
    assert "parse" in text and "2/2" in text and "pages/s" in text and "briefings/s" in text and "620 rows" in text

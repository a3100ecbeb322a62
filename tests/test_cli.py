"""The ``briefings`` command: parse, collect's exit codes and messages, help and docs of every command."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.settings import PROJECT_ROOT, SEED_TEXT_PATH
from tests.conftest import GUESTS, SESSION12_PATH, TURN_SPEAKERS, warehouse_held_by_another_process

runner = CliRunner()


def _parse_json(path: Path) -> dict:
    result = runner.invoke(app, ["parse", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_parse_json_of_the_real_page_has_the_issue_keys_and_exact_values():
    obj = _parse_json(SESSION12_PATH)
    b = obj["briefing"]
    assert (b["session_no"], b["city"], b["event_date"], b["publish_date"]) == (12, "天门", "2024-03-25", "2024-03-26")
    assert [(g["guest_no"], g["name"]) for g in obj["guests"]] == list(enumerate(GUESTS, 1))
    assert obj["guests"][0]["label"] == "天门市委副书记、市长肖敏"
    turns = obj["turns"]
    assert {"turn_no", "speaker", "label", "role", "outlet", "text"} <= set(turns[0])
    assert [(t["role"], t["outlet"]) for t in turns] == [(r, o) for r, _, o in TURN_SPEAKERS]
    assert turns[3]["label"] == "湖北日报记者" and turns[3]["speaker"] == "湖北日报记者"
    assert turns[4]["speaker"] == "夏齐飞" and turns[4]["text"].startswith("谢谢你的提问。近年来")


def test_parse_of_the_seed_text_gives_the_same_turns_as_the_html_page():
    html = _parse_json(SESSION12_PATH)["turns"]
    text = _parse_json(SEED_TEXT_PATH)["turns"]
    key = lambda t: (t["turn_no"], t["speaker"], t["label"], t["role"], t["outlet"],  # noqa: E731
                     unicodedata.normalize("NFKC", t["text"]))
    assert [key(t) for t in text] == [key(t) for t in html]


def test_parse_text_output_lists_the_turns():
    result = runner.invoke(app, ["parse", str(SESSION12_PATH)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == "series 奋战开门红 市长话经济 · session 12 · city 天门 · held 2024-03-25 · published 2024-03-26"
    assert lines[2] == "guests: 肖敏、周启荣、夏齐飞、陈明敏、陈晓敏、黄祥斌"
    assert lines[3].startswith("  1 黄勤 (host): 记者朋友们，下午好！")
    assert lines[-1] == "16 turns, 104 indicator mentions"


def test_parse_of_a_page_that_is_not_a_briefing_exits_6(tmp_path: Path):
    page = tmp_path / "list.shtml"
    page.write_bytes((SESSION12_PATH.parent.parent / "index.shtml").read_bytes())
    result = runner.invoke(app, ["parse", str(page)])
    assert result.exit_code == 6
    assert "ParseError" in result.output or "transcript" in result.output


def test_query_without_a_warehouse_says_to_collect_first(tmp_path: Path):
    result = runner.invoke(app, ["query", "briefings", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "briefings collect" in result.output


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_documented_in_the_readme():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands()
    assert {"collect", "parse", "query", "sql", "reparse", "queries"} <= set(commands)
    for name in commands:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output
        assert f"briefings {name}" in readme, f"README lacks `briefings {name}`"


@pytest.mark.slow
def test_collect_blocked_exits_3_and_names_the_browser_flag(prefect_harness, monkeypatch, tmp_path: Path):
    from tests.loopback import challenge_body
    from tests.site_server import LIST_PATH, SiteServer, column_site

    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    site = SiteServer(column_site()).start()
    site.status_override[LIST_PATH] = (412, challenge_body())
    try:
        result = runner.invoke(
            app, ["collect", "--source", site.source, "--warehouse", str(tmp_path / "w.duckdb")]
        )
    finally:
        site.stop()
    assert result.exit_code == 3, result.output
    assert "1 blocked" in result.output
    assert "--browser" in result.output


@pytest.mark.slow
def test_collect_while_another_process_holds_the_warehouse_exits_4_naming_it(prefect_harness, monkeypatch, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_LOCK_WAIT_S", "1")
    with warehouse_held_by_another_process(warehouse) as pid:
        result = runner.invoke(app, ["collect", "--warehouse", str(warehouse)])
    assert result.exit_code == 4, result.output
    assert f"PID {pid}" in result.output


def test_search_while_a_writer_holds_the_warehouse_reads_the_published_copy_and_says_so(tmp_path: Path):
    from briefings.sites import parse_page
    from tests.conftest import SESSION12_URL
    from warehouse.connect import open_writer, publish_read_copy, read_copy_path
    from warehouse.load import upsert_briefing

    warehouse = tmp_path / "w.duckdb"
    con = open_writer(warehouse)
    upsert_briefing(con, parse_page(SESSION12_PATH.read_text(encoding="utf-8"), SESSION12_URL, kind="html"),
                    url=SESSION12_URL, content_sha256="0" * 64, run_id="r1")
    con.close()
    publish_read_copy(warehouse)
    with warehouse_held_by_another_process(warehouse):
        result = runner.invoke(app, ["search", "新质生产力", "--speaker", "肖敏", "--format", "json",
                                     "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert f"reading its published copy {read_copy_path(warehouse)}" in result.output
    hits = json.loads(result.output[result.output.index("["):])
    assert [(h["turn_no"], h["speaker"]) for h in hits] == [(2, "肖敏")]

"""Data-quality checks: the real page passes; broken pages fail the right check and are recorded."""

from __future__ import annotations

import dataclasses

import pytest

from tests.warehouse_fixtures import SEED_SHA256, SESSION12_URL, session12, synthetic_briefing, with_duplicated_turn_no
from warehouse.checks import CHECKS, run_checks
from warehouse.connect import open_writer
from warehouse.load import upsert_briefing


@pytest.fixture()
def con(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    yield con
    con.close()


@pytest.fixture(scope="module")
def parsed():
    return session12()


def _failures(results):
    return {r.check_name: (r.severity, r.details) for r in results if r.status == "fail"}


def test_real_page_passes_every_check(con, parsed):
    upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    results = run_checks(con, "run-1")
    assert [r.check_name for r in results] == list(CHECKS)
    assert _failures(results) == {}
    stored = con.execute("SELECT count(*), count(*) FILTER (status = 'pass') FROM dq_results "
                         "WHERE run_id = 'run-1'").fetchall()
    assert stored == [(len(CHECKS), len(CHECKS))]


def test_duplicated_turn_number_is_recorded_as_error(con, parsed):
    bad = with_duplicated_turn_no(parsed)
    assert [t.turn_no for t in bad.turns][:5] == [1, 2, 3, 3, 5]
    result = upsert_briefing(con, bad, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    assert result.counts["turns"] == 16  # loaded as given, so the check can see it
    failures = _failures(run_checks(con, "run-1"))
    assert failures["turn_no_unique"] == ("error", "1 offending: hubei.gov.cn:t20240326_5134107 turn 3 x2")
    assert failures["turn_no_contiguous"][0] == "error"
    rows = con.execute(
        "SELECT severity, status, details FROM dq_results WHERE run_id = 'run-1' AND check_name = 'turn_no_unique'"
    ).fetchall()
    assert rows == [("error", "fail", "1 offending: hubei.gov.cn:t20240326_5134107 turn 3 x2")]


def test_indicator_without_value_or_flag_fails(con, parsed):
    m = dataclasses.replace(parsed.mentions[0], value=None, parse_flag=None)
    bad = dataclasses.replace(parsed, mentions=(m, *parsed.mentions[1:]))
    upsert_briefing(con, bad, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    failures = _failures(run_checks(con, "run-1"))
    assert list(failures) == ["indicators_value_or_flag"]
    assert failures["indicators_value_or_flag"][1].endswith(f"mention 1 {m.value_text}")


def test_flagged_indicator_passes(con, parsed):
    m = dataclasses.replace(parsed.mentions[0], value=None, parse_flag="unparsed_numeral")
    ok = dataclasses.replace(parsed, mentions=(m, *parsed.mentions[1:]))
    upsert_briefing(con, ok, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    assert _failures(run_checks(con, "run-1")) == {}


def test_span_off_by_one_fails(con, parsed):
    t = parsed.turns[6]
    shifted = dataclasses.replace(t, span=dataclasses.replace(t.span, start=t.span.start + 1))
    bad = dataclasses.replace(parsed, turns=(*parsed.turns[:6], shifted, *parsed.turns[7:]))
    upsert_briefing(con, bad, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    failures = _failures(run_checks(con, "run-1"))
    assert "turn_spans_match_transcript" in failures
    assert "turn 7 [" in failures["turn_spans_match_transcript"][1]


def test_silent_guest_is_a_warning(con, parsed):
    # drop 黄祥斌's answer (turn 7) and the question before it: he is in 嘉宾 but never speaks
    turns = [t for t in parsed.turns if t.turn_no not in (6, 7)]
    turns = [dataclasses.replace(t, turn_no=i) for i, t in enumerate(turns, start=1)]
    silent = dataclasses.replace(parsed, turns=tuple(turns), qa_pairs=(), mentions=())
    upsert_briefing(con, silent, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    failures = _failures(run_checks(con, "run-1"))
    assert failures == {"guests_appear": ("warn", "1 offending: hubei.gov.cn:t20240326_5134107 guest 6 黄祥斌")}


def test_each_run_appends_its_results(con, parsed):
    p, url, sha = synthetic_briefing(1, parsed)
    upsert_briefing(con, p, url=url, content_sha256=sha, run_id="run-1")
    run_checks(con, "run-1")
    run_checks(con, "run-2")
    assert con.execute("SELECT run_id, count(*) FROM dq_results GROUP BY ALL ORDER BY 1").fetchall() == [
        ("run-1", len(CHECKS)), ("run-2", len(CHECKS))]


def test_the_same_session_from_two_urls_is_flagged(con, parsed):
    tianmen = "https://www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"
    upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    upsert_briefing(con, parsed, url=tianmen, content_sha256=SEED_SHA256, run_id="run-1")
    failures = _failures(run_checks(con, "run-1"))
    assert failures == {
        "briefing_published_once": ("warn", f"1 offending: 奋战开门红 市长话经济 12 天门: {SESSION12_URL}, {tianmen}")
    }


def test_unread_labels_are_stored_and_listed_as_a_warning(con):
    """Session 12 with the host labelled ``湖北省人民政府新闻办公室黄勤`` and nothing introducing 黄勤 (issue 22):
    the three host labels are suspect_labels rows and the warn check ``unread_labels`` lists them; a
    reload that reads them (the lead names the host) deletes the rows and the check passes."""
    from briefings.sites.hubei import parse_html
    from tests import variants as v

    def page(lead: list[str]) -> str:
        groups = v.turn_groups(v.transcript_texts())
        groups = [("湖北省人民政府新闻办公室黄勤" if label == v.HOST_LABEL else label, texts) for label, texts in groups]
        return v.shaped_page([*lead, *v.from_groups(groups)])

    unread = parse_html(page([]), v.PAGE_URL)
    upsert_briefing(con, unread, url=SESSION12_URL, content_sha256="a" * 64, run_id="run-1")
    rows = con.execute("SELECT span_start, span_end, text, parser_version FROM suspect_labels "
                       "ORDER BY span_start").fetchall()
    assert rows == [(s.span.start, s.span.end, "湖北省人民政府新闻办公室黄勤", unread.parser_version)
                    for s in unread.suspect_labels]
    assert len(rows) == 3 and rows[0][:2] == (0, 14)
    severity, details = _failures(run_checks(con, "run-1"))["unread_labels"]
    assert severity == "warn"
    assert details.startswith("3 offending: ") and "@0 湖北省人民政府新闻办公室黄勤" in details

    read = parse_html(page(["发布会由湖北省人民政府新闻办公室黄勤主持。"]), v.PAGE_URL)
    assert read.suspect_labels == () and len(read.turns) == 16
    upsert_briefing(con, read, url=SESSION12_URL, content_sha256="b" * 64, run_id="run-2")
    assert con.execute("SELECT count(*) FROM suspect_labels").fetchall() == [(0,)]
    assert "unread_labels" not in _failures(run_checks(con, "run-2"))


def test_transcript_checks_read_a_slice_of_briefings_at_a_time_and_report_as_one_query(con, parsed, monkeypatch):
    """The span checks hold transcripts in memory, so they read ``TRANSCRIPT_SLICE`` briefings a query;
    their rows from several slices come out counted and ordered as one query over all would give them."""
    import warehouse.checks
    from warehouse.checks import evaluate_checks

    t, m = parsed.turns[6], parsed.mentions[0]
    shifted_turn = dataclasses.replace(t, span=dataclasses.replace(t.span, start=t.span.start + 1))
    shifted_mention = dataclasses.replace(m, span=dataclasses.replace(m.span, start=m.span.start + 1))
    broken = dataclasses.replace(parsed, turns=(*parsed.turns[:6], shifted_turn, *parsed.turns[7:]),
                                 mentions=(shifted_mention, *parsed.mentions[1:]))
    for n in (3, 1, 2):
        page, url, sha = synthetic_briefing(n, broken)
        upsert_briefing(con, page, url=url, content_sha256=sha, run_id="run-1")
    upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    ids = [r[0] for r in con.execute("SELECT briefing_id FROM briefings ORDER BY session_no DESC").fetchall()]
    in_one_query = _failures(evaluate_checks(con, ids))
    monkeypatch.setattr(warehouse.checks, "TRANSCRIPT_SLICE", 1)
    assert _failures(evaluate_checks(con, ids)) == _failures(evaluate_checks(con)) == in_one_query
    assert (t.span.start, t.span.end) == (3802, 4530)
    assert in_one_query["turn_spans_match_transcript"] == ("error", (
        "3 offending: hubei.gov.cn:t20240301_9000001 turn 7 [3803, 4530); hubei.gov.cn:t20240302_9000002 turn 7 "
        "[3803, 4530); hubei.gov.cn:t20240303_9000003 turn 7 [3803, 4530)"))
    assert in_one_query["indicator_spans_match_transcript"] == ("error", (
        "3 offending: hubei.gov.cn:t20240301_9000001 mention 1; hubei.gov.cn:t20240302_9000002 mention 1; "
        "hubei.gov.cn:t20240303_9000003 mention 1"))


def test_a_runs_checks_read_the_briefings_it_wrote_and_the_whole_warehouse_check_reads_all(con, parsed):
    """A briefing broken by an earlier run fails the whole-warehouse check, not a later run's scoped one."""
    from warehouse.checks import evaluate_checks

    upsert_briefing(con, with_duplicated_turn_no(parsed), url=SESSION12_URL, content_sha256=SEED_SHA256,
                    run_id="run-old")
    page, url, sha = synthetic_briefing(1, parsed)
    upsert_briefing(con, page, url=url, content_sha256=sha, run_id="run-new")
    wrote = [r[0] for r in con.execute("SELECT briefing_id FROM briefings WHERE run_id = 'run-new'").fetchall()]
    assert wrote == ["hubei.gov.cn:t20240301_9000001"]
    assert _failures(run_checks(con, "run-new", wrote)) == {}
    whole = _failures(evaluate_checks(con))
    assert whole["turn_no_unique"] == ("error", "1 offending: hubei.gov.cn:t20240326_5134107 turn 3 x2")
    assert _failures(evaluate_checks(con, [])) == {}  # a run that wrote nothing has nothing to check
    # the scoped views were on a cursor of their own: the connection still sees every table whole
    assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(2,)]


def test_briefings_check_runs_every_check_over_the_whole_warehouse_and_writes_nothing(fresh_warehouse, parsed):
    import json
    import subprocess
    import sys
    from pathlib import Path

    con = open_writer(fresh_warehouse)
    try:
        upsert_briefing(con, with_duplicated_turn_no(parsed), url=SESSION12_URL, content_sha256=SEED_SHA256,
                        run_id="run-old")
    finally:
        con.close()
    briefings = str(Path(sys.executable).with_name("briefings"))
    out = subprocess.run([briefings, "check", "--format", "json", "--warehouse", str(fresh_warehouse)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr  # an error-severity check failed
    results = json.loads(out.stdout)
    assert [r["check_name"] for r in results] == list(CHECKS)
    failed = {r["check_name"]: r["details"] for r in results if r["status"] == "fail"}
    assert failed["turn_no_unique"] == "1 offending: hubei.gov.cn:t20240326_5134107 turn 3 x2"
    con = open_writer(fresh_warehouse)
    try:
        assert con.execute("SELECT count(*) FROM dq_results").fetchall() == [(0,)]
    finally:
        con.close()


def test_checks_out_of_memory_name_the_setting_that_caps_the_writer(con, parsed):
    """A writer too small for the checks fails the run with a LoadError that says what to raise."""
    from briefings.errors import LoadError

    upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=SEED_SHA256, run_id="run-1")
    con.execute("SET memory_limit = '8MB'")
    with pytest.raises(LoadError) as raised:
        run_checks(con, "run-1")
    assert str(raised.value).startswith("data-quality checks of run run-1 failed to run: Out of Memory Error")
    assert str(raised.value).endswith(" (the warehouse writer's DuckDB memory is capped by "
                                      "BRIEFINGS_WRITER_MEMORY_LIMIT, default 128MB: raise it)")

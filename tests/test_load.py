"""Loading the real session-12 page: exact rows, idempotent reruns, rollback on failure, raw index."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from briefings.errors import LoadError
from briefings.models import FetchRecord
from tests.warehouse_fixtures import (
    GUEST_NAMES,
    OUTLETS,
    SEED_SHA256,
    SESSION12_URL,
    TURN_SPEAKERS,
    session12,
    synthetic_briefing,
)
from warehouse.connect import open_writer
from warehouse.load import (
    checkpoint,
    list_validators,
    loaded_watermarks,
    record_fetches,
    record_run,
    table_checksums,
    upsert_briefing,
)

BID = "hubei.gov.cn:t20240326_5134107"


@pytest.fixture(scope="module")
def parsed():
    return session12()


@pytest.fixture()
def con(fresh_warehouse):
    con = open_writer(fresh_warehouse)
    yield con
    con.close()


def _load(con, parsed, sha=SEED_SHA256, run_id="run-1"):
    return upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=sha, run_id=run_id)


def test_first_load_inserts_every_table(con, parsed):
    result = _load(con, parsed)
    assert result.briefing_id == BID
    assert result.action == "inserted"
    assert result.version_no == 1
    assert result.counts["briefings"] == 1
    assert result.counts["guests"] == 6
    assert result.counts["turns"] == 16
    assert result.counts["qa_pairs"] == 6
    # host + 6 guests + 6 journalists spoke
    assert result.counts["appearances"] == 13
    assert result.counts["indicators"] == len(parsed.mentions) > 0


def test_briefing_row_holds_the_page_facts(con, parsed):
    _load(con, parsed)
    row = con.execute(
        "SELECT briefing_id, url, session_no, city, event_date::VARCHAR, publish_date::VARCHAR, series, "
        "content_sha256, version_no, turn_count, guest_count, length(transcript) FROM briefings"
    ).fetchall()
    assert row == [(BID, SESSION12_URL, 12, "天门", "2024-03-25", "2024-03-26", "奋战开门红 市长话经济",
                    SEED_SHA256, 1, 16, 6, len(parsed.transcript))]


def test_turns_are_stored_in_page_order_with_speakers_and_outlets(con, parsed):
    _load(con, parsed)
    rows = con.execute(
        "SELECT t.turn_no, s.name, t.role, t.outlet FROM turns t JOIN speakers s USING (speaker_id) "
        "ORDER BY turn_no"
    ).fetchall()
    assert [r[0] for r in rows] == list(range(1, 17))
    names = [r[1] for r in rows]
    assert names == list(TURN_SPEAKERS)
    assert [r[2] for r in rows][:3] == ["host", "guest", "host"] and rows[-1][2] == "host"
    assert tuple(r[3] for r in rows if r[2] == "journalist") == OUTLETS


def test_spans_index_the_stored_transcript(con, parsed):
    _load(con, parsed)
    bad = con.execute(
        "SELECT t.turn_no FROM turns t JOIN briefings b USING (briefing_id) "
        "WHERE substring(b.transcript, t.span_start + 1, t.span_end - t.span_start) <> t.text"
    ).fetchall()
    assert bad == []
    first_question = con.execute("SELECT text FROM turns WHERE turn_no = 4").fetchall()[0][0]
    assert first_question.startswith("企业是创新的主体")


def test_guests_in_listed_order_with_positions(con, parsed):
    _load(con, parsed)
    assert [r[0] for r in con.execute("SELECT name FROM guests ORDER BY guest_no").fetchall()] == list(GUEST_NAMES)
    label = con.execute("SELECT label FROM guests WHERE guest_no = 1").fetchall()[0][0]
    assert label == "天门市委副书记、市长肖敏"
    titles = con.execute(
        "SELECT p.title FROM speaker_positions p JOIN speakers s USING (speaker_id) WHERE s.name = '肖敏' "
        "ORDER BY p.title"
    ).fetchall()
    assert [t[0] for t in titles] == ["副书记", "市长"]
    genders = dict(con.execute("SELECT name, gender FROM speakers WHERE kind = 'person'").fetchall())
    assert genders["肖敏"] == "female" and genders["陈明敏"] == "male" and genders["陈晓敏"] == "female"


def test_qa_pairs_name_the_answering_guest(con, parsed):
    _load(con, parsed)
    rows = con.execute(
        "SELECT q.outlet, s.name FROM qa_pairs q JOIN speakers s ON s.speaker_id = q.answer_speaker_id "
        "ORDER BY question_turn_no"
    ).fetchall()
    assert rows == [("湖北日报", "夏齐飞"), ("经济日报", "黄祥斌"), ("湖北发布", "肖敏"), ("央广网", "陈晓敏"),
                    ("新华网", "周启荣"), ("极目新闻", "陈明敏")]


def test_indicator_values_are_exact_decimals(con, parsed):
    _load(con, parsed)
    gdp = con.execute(
        "SELECT value, unit, value_text FROM indicators WHERE value_text = '6.2%' AND sentence LIKE '%GDP%'"
    ).fetchall()
    assert gdp == [(Decimal("6.2000"), "percent", "6.2%")]
    investment = con.execute(
        "SELECT value FROM indicators WHERE value_text = '50亿元' ORDER BY mention_no LIMIT 1").fetchall()
    assert investment == [(Decimal("5000000000.0000"),)]  # yuan


def test_same_page_three_times_leaves_identical_checksums(con, parsed):
    first = _load(con, parsed, run_id="run-1")
    sums = table_checksums(con)
    loaded_at = con.execute("SELECT loaded_at FROM briefings").fetchall()
    second = _load(con, parsed, run_id="run-2")
    third = _load(con, parsed, run_id="run-3")
    assert (first.action, second.action, third.action) == ("inserted", "unchanged", "unchanged")
    assert second.counts == first.counts == third.counts
    assert table_checksums(con) == sums
    # unchanged means nothing written, not even load times
    assert con.execute("SELECT loaded_at FROM briefings").fetchall() == loaded_at


def test_checksums_notice_a_changed_row(con, parsed):
    _load(con, parsed)
    sums = table_checksums(con)
    con.execute("UPDATE turns SET text = text || '!' WHERE turn_no = 16")
    changed = table_checksums(con)
    assert changed["turns"] != sums["turns"]
    assert changed["guests"] == sums["guests"]


def test_new_parser_version_rewrites_rows_of_the_same_version(con, parsed):
    _load(con, parsed)
    renamed = dataclasses.replace(parsed, parser_version=parsed.parser_version + "+next")
    result = _load(con, renamed, run_id="run-2")
    assert (result.action, result.version_no) == ("updated", 1)
    assert con.execute("SELECT DISTINCT parser_version FROM turns").fetchall() == [(renamed.parser_version,)]
    assert con.execute("SELECT count(*), max(version_no) FROM turns_history").fetchall() == [(16, 1)]
    assert con.execute("SELECT count(*) FROM briefing_versions").fetchall() == [(1,)]


def test_failed_load_rolls_back_and_keeps_earlier_briefings(con, parsed):
    _load(con, parsed)
    before = table_checksums(con)
    bad_parsed, url, sha = synthetic_briefing(1, parsed)
    broken_turn = dataclasses.replace(bad_parsed.turns[5], text=None)  # violates turns.text NOT NULL
    bad_parsed = dataclasses.replace(bad_parsed, turns=(*bad_parsed.turns[:5], broken_turn, *bad_parsed.turns[6:]))
    with pytest.raises(LoadError) as info:
        upsert_briefing(con, bad_parsed, url=url, content_sha256=sha, run_id="run-2")
    assert info.value.briefing_id == "hubei.gov.cn:t20240301_9000001"
    assert isinstance(info.value.__cause__, Exception) and "NOT NULL" in str(info.value.__cause__)
    assert table_checksums(con) == before
    assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(1,)]
    # the connection is usable after the rollback
    good, url, sha = synthetic_briefing(1, parsed)
    assert upsert_briefing(con, good, url=url, content_sha256=sha, run_id="run-2").action == "inserted"


def test_speakers_shared_across_briefings_are_stored_once(con, parsed):
    _load(con, parsed)
    for n in (1, 2):
        p, url, sha = synthetic_briefing(n, parsed)
        upsert_briefing(con, p, url=url, content_sha256=sha, run_id="run-2")
    assert con.execute("SELECT count(*) FROM briefings").fetchall() == [(3,)]
    assert con.execute("SELECT count(*) FROM turns").fetchall() == [(48,)]
    assert con.execute("SELECT count(*) FROM speakers").fetchall() == [(13,)]
    assert con.execute("SELECT count(*) FROM appearances WHERE speaker_id = "
                       "(SELECT speaker_id FROM speakers WHERE name = '肖敏')").fetchall() == [(3,)]


def _fetch(url, minutes, outcome="ok", etag=None):
    at = datetime(2024, 3, 26, 8, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    return FetchRecord(url=url, final_url=url, status=200 if outcome == "ok" else 412, fetched_at=at,
                       sha256=SEED_SHA256, encoding="utf-8", outcome=outcome, etag=etag,
                       last_modified="Tue, 26 Mar 2024 08:00:00 GMT",
                       headers=(("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", "a=1"),
                                ("Set-Cookie", "b=2")))


def test_record_fetches_and_validators(con):
    records = [_fetch(SESSION12_URL, 0, etag='"v1"'), _fetch(SESSION12_URL, 5, etag='"v2"'),
               _fetch(SESSION12_URL, 9, outcome="blocked", etag='"v3"')]
    assert record_fetches(con, records, "run-1") == 3
    assert record_fetches(con, records, "run-1") == 0  # the same records are not stored twice
    assert list_validators(con) == {SESSION12_URL: ('"v2"', "Tue, 26 Mar 2024 08:00:00 GMT")}
    headers = json.loads(con.execute("SELECT headers FROM fetches LIMIT 1").fetchall()[0][0])
    assert headers == {"content-type": "text/html; charset=utf-8", "set-cookie": "a=1, b=2"}
    # stored as UTC wall time
    assert con.execute("SELECT min(fetched_at)::VARCHAR FROM fetches").fetchall() == [("2024-03-26 08:00:00",)]


def test_watermarks_are_current_hashes(con, parsed):
    _load(con, parsed)
    assert loaded_watermarks(con) == {SESSION12_URL: SEED_SHA256}
    _load(con, parsed, sha="f" * 64)
    assert loaded_watermarks(con) == {SESSION12_URL: "f" * 64}


def test_record_run_inserts_then_updates(con):
    start = datetime(2024, 3, 26, 8, 0, tzinfo=timezone.utc)
    record_run(con, "run-1", "collect", start, None, "running", {})
    record_run(con, "run-1", "collect", start, start + timedelta(seconds=42), "completed", {"loaded": 1})
    rows = con.execute("SELECT flow, status, finished_at::VARCHAR, summary->>'loaded' FROM runs").fetchall()
    assert rows == [("collect", "completed", "2024-03-26 08:00:42", "1")]
    checkpoint(con)


def test_checkpoint_moves_the_wal_into_the_file(fresh_warehouse, parsed):
    con = open_writer(fresh_warehouse)
    try:
        _load(con, parsed)
        wal = fresh_warehouse.with_name(fresh_warehouse.name + ".wal")
        assert wal.exists() and wal.stat().st_size > 0
        checkpoint(con)
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        con.close()

"""`briefings collect --source … --series …` on a portal no site profile knows, over loopback.

A TRS city portal on 127.0.0.1 (tests/portals.py): three list pages in a template unlike Hubei's
(``ul.list_con``; paged by ``createPageHTML(…)``, then a 下一页 link), each with one entry outside
the series, and three detail pages: session 12, and session 12 rewritten with 主持人 labels and
inline officials, and with 问/答 labels. The generic readers find the entries and the turns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefings.cli import app
from briefings.sites.hubei import parse_html
from tests import portals
from tests import variants as v
from tests.site_server import SiteServer
from warehouse.connect import open_reader
from tests.conftest import warehouse_checksums

pytestmark = pytest.mark.slow

REAL_SPEAKERS = [t[1] for t in v.EXPECTED_TURNS]
QA_SPEAKERS = ["黄勤", "肖敏", "黄勤", *(["问", "答"] * 6), "黄勤"]


@pytest.fixture()
def portal():
    server = SiteServer(portals.loopback_portal()).start()
    yield server
    server.stop()


def _rows(path: Path, sql: str) -> list[tuple]:
    con = open_reader(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_collect_from_a_portal_without_a_profile_loads_the_three_pages_exactly(prefect_harness, monkeypatch, tmp_path, portal):
    monkeypatch.setenv("BRIEFINGS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0")
    warehouse = tmp_path / "w.duckdb"
    base = f"http://127.0.0.1:{portal.port}{portals.LOOPBACK_COLUMN}"
    args = ["collect", "--source", base + "index.html", "--series", "市长话经济", "--warehouse", str(warehouse),
            "--format", "json"]  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output[first.output.index("{"):])
    assert (summary["loaded"], summary["failed"], summary["blocked"]) == (3, 0, 0)
    assert summary["requests"] == 6  # three list pages, three series pages; the others never fetched
    before = warehouse_checksums(warehouse)
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    rerun = json.loads(again.output[again.output.index("{"):])
    assert (rerun["loaded"], rerun["skipped"]) == (0, 3)
    assert warehouse_checksums(warehouse) == before

    assert [p for p in portal.log if p.path.endswith(tuple(d for _, d, _ in portals.OTHER_ENTRIES))] == []
    briefings = _rows(warehouse, "SELECT briefing_id, site, template, title, session_no, city, publish_date, list_date, "
                                 "turn_count, guest_count FROM briefings ORDER BY briefing_id")
    assert [(b[0], b[1], b[2], b[3], b[4], b[5], str(b[6]), str(b[7]), b[8], b[9]) for b in briefings] == [
        ("127.0.0.1:t20240326_4410012", "generic", "generic", portals.TITLE, 12, "天门", "2024-03-26", "2024-03-26", 16, 6),
        ("127.0.0.1:t20240327_4410013", "generic", "generic", portals.TITLE + "（文字实录）", 12, "天门", "2024-03-26",
         "2024-03-27", 16, 6),
        ("127.0.0.1:t20240328_4410014", "generic", "generic", portals.TITLE + "（问答实录）", 12, "天门", "2024-03-26",
         "2024-03-28", 16, 6),
    ]  # fmt: skip
    real_texts = [t.text for t in parse_html(v.real_page(), v.PAGE_URL).turns]
    turns = _rows(warehouse, "SELECT briefing_id, turn_no, speaker, role, text FROM turns ORDER BY briefing_id, turn_no")
    by_page: dict[str, list[tuple]] = {}
    for bid, turn_no, speaker, role, text in turns:
        by_page.setdefault(bid, []).append((turn_no, speaker, role, text))
    real_roles = [t[2] for t in v.EXPECTED_TURNS]
    assert by_page["127.0.0.1:t20240326_4410012"] == list(zip(range(1, 17), REAL_SPEAKERS, real_roles, real_texts))
    assert by_page["127.0.0.1:t20240327_4410013"] == list(zip(range(1, 17), REAL_SPEAKERS, real_roles, real_texts))
    assert by_page["127.0.0.1:t20240328_4410014"] == list(zip(range(1, 17), QA_SPEAKERS, real_roles, real_texts))
    guests = _rows(warehouse, "SELECT DISTINCT briefing_id, guest_no, name FROM guests ORDER BY 1, 2")
    assert [g[2] for g in guests] == ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"] * 3

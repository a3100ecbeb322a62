"""Every parsed row carries the parser_version that made it (issue 5), and reparse refills it."""

from __future__ import annotations

from briefings.parsing import PARSER_VERSION

from briefings.sites import parse_page
from tests.conftest import SESSION12_PATH, SESSION12_URL
from warehouse.connect import open_writer
from warehouse.load import upsert_briefing

PARSED_TABLES = ("briefings", "guests", "turns", "appearances", "qa_pairs", "indicators")


def test_every_parsed_row_has_the_parser_version(fresh_warehouse):
    parsed = parse_page(SESSION12_PATH.read_text(encoding="utf-8"), SESSION12_URL, kind="html")
    con = open_writer(fresh_warehouse)
    try:
        upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256="0" * 64, run_id="r1")
        for table in PARSED_TABLES:
            versions = con.execute(f"SELECT DISTINCT parser_version FROM {table}").fetchall()
            assert versions == [(PARSER_VERSION,)], table
            history = f"{table}_history"
            assert con.execute(f"SELECT DISTINCT parser_version FROM {history}").fetchall() == [(PARSER_VERSION,)]
    finally:
        con.close()

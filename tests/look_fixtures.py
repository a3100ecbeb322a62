"""A warehouse holding what ``briefings collect`` loads from the bundled snapshot (session 12, 天门),
built without Prefect: the real page's bytes -> decode -> ``parse_page`` -> ``upsert_briefing``.

Used by tests/test_search.py, test_export.py and test_report.py.
"""

from __future__ import annotations

from pathlib import Path

from briefings.fetching.decode import decode_body
from briefings.ids import sha256_hex
from briefings.sites import parse_page
from briefings.settings import SNAPSHOT_SITE_DIR

SESSION12_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
SESSION12_PATH = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
SESSION12_ID = "hubei.gov.cn:t20240326_5134107"


def build_snapshot_warehouse(path: Path) -> Path:
    """Create (or refresh) the warehouse file ``path`` with the real session-12 page loaded; returns ``path``."""
    from warehouse.connect import open_writer
    from warehouse.load import checkpoint, upsert_briefing

    data = SESSION12_PATH.read_bytes()
    text, _encoding = decode_body(data, None)
    parsed = parse_page(text, SESSION12_URL, kind="html")
    con = open_writer(path)
    try:
        upsert_briefing(con, parsed, url=SESSION12_URL, content_sha256=sha256_hex(data), run_id="test-snapshot")
        checkpoint(con)
    finally:
        con.close()
    return path


def build_two_city_warehouse(path: Path) -> Path:
    """Session 12 plus one copy of it marked synthetic (city 襄阳, session 101, its own URL and id)."""
    import dataclasses

    from warehouse.connect import open_writer
    from warehouse.load import checkpoint, upsert_briefing

    from tests.warehouse_fixtures import synthetic_briefing

    build_snapshot_warehouse(path)
    text, _encoding = decode_body(SESSION12_PATH.read_bytes(), None)
    real = parse_page(text, SESSION12_URL, kind="html")
    copy, url, sha = synthetic_briefing(1, base=real)
    assert dataclasses.replace(copy.briefing, title="").city == "襄阳"
    con = open_writer(path)
    try:
        upsert_briefing(con, copy, url=url, content_sha256=sha, run_id="test-synthetic")
        checkpoint(con)
    finally:
        con.close()
    return path

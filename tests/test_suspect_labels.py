"""The safety net of issue 22 end to end: a head that opens like a speaker label but is not read as one is a
suspect_label in the parse, survives staging, is printed by ``briefings parse`` and counted per page by the run."""

from __future__ import annotations

import json
from dataclasses import replace

from typer.testing import CliRunner

from briefings.cli import app
from briefings.models import Span, SuspectLabel
from briefings.sites.hubei import parse_html
from briefings.pipeline import Staged, load_staged
from briefings.settings import Settings
from briefings.staging import dump_parsed, load_parsed, write_staged
from tests import variants as v
from warehouse.connect import open_writer

UNREAD = "湖北省人民政府新闻办公室黄勤"


def _unread_host_page() -> str:
    """Session 12 with the host labelled ``<office><name>`` and nothing that introduces 黄勤."""
    groups = [(UNREAD if label == v.HOST_LABEL else label, texts) for label, texts in v.turn_groups(v.transcript_texts())]
    return v.shaped_page(v.from_groups(groups))


def test_suspect_labels_survive_staging():
    parsed = parse_html(_unread_host_page(), v.PAGE_URL)
    assert [(s.span.start, s.text) for s in parsed.suspect_labels][0] == (0, UNREAD)
    assert load_parsed(dump_parsed(parsed)) == parsed
    assert load_parsed(dump_parsed(replace(parsed, suspect_labels=()))).suspect_labels == ()


def test_briefings_parse_prints_suspect_labels(tmp_path):
    parsed = parse_html(_unread_host_page(), v.PAGE_URL)
    page = tmp_path / "unread.shtml"
    page.write_bytes(_unread_host_page().encode("utf-8"))
    runner = CliRunner()
    result = runner.invoke(app, ["parse", str(page)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("suspect_label")]
    assert lines == [f"suspect_label at {s.span.start}: {UNREAD} (opens like a speaker label, not read as one)"
                     for s in parsed.suspect_labels]
    assert "13 turns" in result.output
    result = runner.invoke(app, ["parse", str(page), "--format", "json"])
    obj = json.loads(result.output)
    assert obj["suspect_labels"] == [{"span": {"start": s.span.start, "end": s.span.end}, "text": UNREAD}
                                     for s in parsed.suspect_labels]


def test_the_run_counts_suspect_labels_per_page(fresh_warehouse, tmp_path):
    unread = parse_html(_unread_host_page(), v.PAGE_URL)
    real = parse_html(v.real_page(), v.PAGE_URL)
    settings = replace(Settings(), data_dir=tmp_path, warehouse_path=fresh_warehouse)
    write_staged(settings.staging_dir, "unread", unread)
    write_staged(settings.staging_dir, "real", real)
    items = [Staged(v.PAGE_URL, "unread", "a" * 64), Staged(v.TIANMEN_URL, "real", "b" * 64)]
    con = open_writer(fresh_warehouse)
    try:
        outcomes, _ = load_staged(con, settings, "run-1", items)
        stored = con.execute("SELECT count(*) FROM suspect_labels").fetchall()
    finally:
        con.close()
    assert [(o.status, o.turns, o.suspect_labels) for o in outcomes] == [("loaded", 13, 3), ("loaded", 16, 0)]
    assert stored == [(3,)]


def test_suspect_label_is_a_frozen_span_and_text():
    label = SuspectLabel(Span(0, 14), UNREAD)
    assert label.span.cut(UNREAD + "：") == UNREAD


def test_session_12_in_every_rendition_has_no_suspect_labels():
    from briefings.parsing import parse_text
    from tests import shapes

    forms = [parse_html(trap(v.real_page()), v.PAGE_URL) for trap in v.TRAPS.values()]
    forms += [parse_html(v.real_page(), v.PAGE_URL), parse_html(v.tianmen_page(), v.TIANMEN_URL),
              parse_text(v.seed_text())]
    for parsed in forms:
        assert parsed.suspect_labels == ()
        assert [(t.speaker, t.role, t.outlet) for t in parsed.turns] == [e[1:4] for e in v.EXPECTED_TURNS]
    assert parse_text(shapes.sichuan_text()).suspect_labels == parse_text(shapes.fujian_text()).suspect_labels == ()

"""Site profiles (briefings.sites): one module per portal, and the registry that picks one.

The Hubei and Tianmen pages of the snapshot (both templates, the GBK copy) give what they gave
before the profiles existed: the same ids, turns and rows, now with the profile's name.
"""

from __future__ import annotations

from datetime import date

import pytest

from briefings.errors import ParseError
from briefings.fetching.decode import decode_body
from briefings.ids import briefing_id_for, document_stem_id
from briefings.sites import parse_page
from briefings.sites.hubei import parse_html, read_list as parse_list_page
from briefings.sites import (
    parse_detail,
    profile_for_page,
    profile_for_url,
    profile_hosts,
    profile_named,
    profiles,
)
from briefings.sites import parse_list_page as site_list_page
from briefings.staging import STAGED_COLUMNS, staged_rows
from tests import portals
from tests import variants as v

LOOPBACK_URL = "http://127.0.0.1:8123/hbfb/xwfbh/202403/t20240326_5134107.shtml"
GBK_META = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'


def _turns(parsed):
    return [(t.turn_no, t.label, t.speaker, t.role, t.outlet, t.text, t.span, t.speaker_id) for t in parsed.turns]


@pytest.fixture(scope="module")
def real():
    return parse_html(v.real_page(), v.PAGE_URL)


def test_profiles_are_one_module_each_then_the_generic_reader():
    assert [(p.name, p.hosts, p.column_url) for p in profiles()] == [
        ("hubei", ("www.hubei.gov.cn", "hubei.gov.cn"), "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml"),
        ("tianmen", ("www.tianmen.gov.cn", "tianmen.gov.cn"), "https://www.tianmen.gov.cn/hdjl/xwfbh/"),
        ("generic", (), None),
    ]
    assert profile_hosts() == ("www.hubei.gov.cn", "hubei.gov.cn", "www.tianmen.gov.cn", "tianmen.gov.cn")
    assert profile_named("hubei").series_pattern == profile_named("tianmen").series_pattern == "市长话经济"
    with pytest.raises(KeyError):
        profile_named("sichuan")


def test_a_url_is_read_by_the_profile_of_its_host():
    assert profile_for_url(v.PAGE_URL).name == "hubei"
    assert profile_for_url(v.PAGE_URL.replace("https://www.", "http://")).name == "hubei"
    assert profile_for_url(v.TIANMEN_URL).name == "tianmen"
    assert profile_for_url(LOOPBACK_URL) is None
    assert profile_for_url(None) is None


def test_a_page_elsewhere_is_read_by_the_profile_whose_template_it_carries():
    assert profile_for_page(v.real_page(), LOOPBACK_URL).name == "hubei"  # a copy of the portal on loopback
    assert profile_for_page(v.list_page(), "http://127.0.0.1:8123/hbfb/xwfbh/index.shtml").name == "hubei"
    assert profile_for_page(portals.trs_provincial(), "https://www.example-province.gov.cn/a.html").name == "generic"
    assert profile_for_page(portals.wechat_article(), None).name == "generic"


def test_hubei_classic_and_article_pages_keep_their_rows_and_record_the_profile(real):
    page = parse_page(v.real_page(), v.PAGE_URL, kind="html")
    assert (page.briefing.site, page.briefing.template) == ("hubei", "classic")
    assert _turns(page) == _turns(real) and page.transcript == real.transcript
    assert real.briefing.site == "hubei"
    article = parse_page(v.article_template(v.real_page()), v.PAGE_URL, kind="html")
    assert (article.briefing.site, article.briefing.template) == ("hubei", "article")
    assert _turns(article) == _turns(real)
    assert (article.briefing.publish_date, article.briefing.event_date) == (date(2024, 3, 26), date(2024, 3, 25))
    loopback = parse_page(v.real_page(), LOOPBACK_URL, kind="html")
    assert (loopback.briefing.site, loopback.briefing.template, _turns(loopback)) == ("hubei", "classic", _turns(real))


def test_the_gbk_copy_reads_as_the_utf8_page(real):
    body = v.real_page().replace('<meta charset="utf-8">', GBK_META).encode("gbk")
    text, encoding = decode_body(body, None)
    parsed = parse_page(text, v.PAGE_URL, kind="html")
    assert (encoding, parsed.briefing.site, parsed.briefing.title) == ("gb18030", "hubei", real.briefing.title)
    assert _turns(parsed) == _turns(real)


def test_tianmen_page_is_read_by_its_own_profile_with_the_same_turns_and_its_own_id(real):
    parsed = parse_page(v.tianmen_page(), v.TIANMEN_URL, kind="html")
    b = parsed.briefing
    assert (b.site, b.template, b.publish_date, b.event_date) == ("tianmen", "classic", date(2024, 4, 7), date(2024, 3, 25))
    assert _turns(parsed) == _turns(real)
    assert briefing_id_for(v.TIANMEN_URL) == "tianmen.gov.cn:t20240407_5150157"
    assert profile_named("tianmen").briefing_id(v.TIANMEN_URL) == document_stem_id(v.TIANMEN_URL)


def test_staged_briefing_row_carries_the_site(real):
    rows = staged_rows(real, briefing_id="hubei.gov.cn:t20240326_5134107", url=v.PAGE_URL, content_sha256="0" * 64)
    columns = ("briefing_id", "url", "series", "session_no", "city", "event_date", "publish_date", "template", "site")
    staged = dict(zip(STAGED_COLUMNS["briefings"], rows["briefings"][0]))
    assert {c: staged[c] for c in columns} == {
        "briefing_id": "hubei.gov.cn:t20240326_5134107", "url": v.PAGE_URL, "series": "奋战开门红 市长话经济",
        "session_no": 12, "city": "天门", "event_date": date(2024, 3, 25), "publish_date": date(2024, 3, 26),
        "template": "classic", "site": "hubei",
    }  # fmt: skip
    assert [len(rows[t]) for t in ("guests", "turns", "qa_pairs")] == [6, 16, 6]


def test_ids_follow_the_profile_rule_and_any_other_url_the_document_stem_rule():
    assert briefing_id_for(v.PAGE_URL) == "hubei.gov.cn:t20240326_5134107"
    assert briefing_id_for(LOOPBACK_URL) == "127.0.0.1:t20240326_5134107"
    assert briefing_id_for("http://127.0.0.1:8000/art/2024/3/26/art_3021_101.html") == document_stem_id(
        "http://127.0.0.1:8000/art/2024/3/26/art_3021_101.html"
    )


def test_a_hubei_url_with_a_page_in_another_template_falls_back_to_the_generic_reader(real):
    # the portal changed its template: none of the profile's blocks, the generic reader reads it
    parsed = parse_detail(portals.trs_provincial(), v.PAGE_URL)
    assert (parsed.briefing.site, parsed.briefing.template) == ("generic", "generic")
    assert [(t.label, t.speaker, t.role, t.outlet, t.text) for t in parsed.turns] == [
        (t.label, t.speaker, t.role, t.outlet, t.text) for t in real.turns
    ]


def test_a_page_without_a_transcript_keeps_the_profiles_error():
    with pytest.raises(ParseError) as info:
        parse_detail(v.no_transcript_block(v.real_page()), v.PAGE_URL)
    assert (info.value.missing, info.value.url) == ("transcript block", v.PAGE_URL)


def test_list_pages_are_read_by_the_profile_and_a_changed_template_by_the_generic_reader():
    hubei = site_list_page(v.list_page(), v.LIST_URL)
    assert hubei == parse_list_page(v.list_page(), v.LIST_URL)
    # the same entries in an unknown list template at the portal's host: the generic list reader
    rows = "".join(
        f'<tr><td><a href="{e.url}" title="{e.title}">{e.title}</a></td><td>{e.list_date}</td></tr>' for e in hubei.entries
    )
    html = f'<html><body><table class="newslist">{rows}</table><a href="index_1.shtml">下一页</a></body></html>'
    generic = site_list_page(html, v.LIST_URL)
    assert [(e.url, e.title, e.list_date) for e in generic.entries] == [
        (e.url, e.title, e.list_date) for e in hubei.entries
    ]
    assert generic.next_url == v.LIST_URL_2
    with pytest.raises(ParseError) as info:
        site_list_page("<html><body><p>维护中</p></body></html>", v.LIST_URL)
    assert info.value.missing == "list entries block"


def test_briefings_site_records_the_profile_and_a_row_from_before_it_gets_it_when_parsed_again(fresh_warehouse):
    from warehouse.connect import open_writer
    from warehouse.load import upsert_briefing

    other_url = "http://127.0.0.1:8000/art/2024/3/26/art_3021_101.html"
    pages = [
        (parse_page(v.real_page(), v.PAGE_URL, kind="html"), v.PAGE_URL),
        (parse_page(v.tianmen_page(), v.TIANMEN_URL, kind="html"), v.TIANMEN_URL),
        (parse_page(portals.hanweb_portal(), other_url, kind="html"), other_url),
    ]
    con = open_writer(fresh_warehouse)
    try:
        for parsed, url in pages:
            upsert_briefing(con, parsed, url=url, content_sha256="a" * 64, run_id="r1")
        rows = con.execute("SELECT briefing_id, site, template, turn_count FROM briefings ORDER BY url").fetchall()
        assert rows == [
            (document_stem_id(other_url), "generic", "generic", 16),
            ("hubei.gov.cn:t20240326_5134107", "hubei", "classic", 16),
            ("tianmen.gov.cn:t20240407_5150157", "tianmen", "classic", 16),
        ]
        # a row loaded before migration 010 has no site: the same page parsed again fills it, no new version
        con.execute("UPDATE briefings SET site = NULL WHERE briefing_id = 'hubei.gov.cn:t20240326_5134107'")
        again = upsert_briefing(con, pages[0][0], url=v.PAGE_URL, content_sha256="a" * 64, run_id="r2")
        assert (again.action, again.version_no) == ("updated", 1)
        once_more = upsert_briefing(con, pages[0][0], url=v.PAGE_URL, content_sha256="a" * 64, run_id="r3")
        assert (once_more.action, once_more.version_no) == ("unchanged", 1)
        assert con.execute("SELECT site FROM briefings WHERE briefing_id = 'hubei.gov.cn:t20240326_5134107'").fetchall() == [("hubei",)]
        history = con.execute("SELECT briefing_id, version_no, site FROM briefings_history ORDER BY 1").fetchall()
        assert history == [
            (document_stem_id(other_url), 1, "generic"),
            ("hubei.gov.cn:t20240326_5134107", 1, "hubei"),
            ("tianmen.gov.cn:t20240407_5150157", 1, "tianmen"),
        ]
    finally:
        con.close()


def test_briefings_sites_lists_the_profiles():
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from briefings.cli import app

    result = CliRunner().invoke(app, ["sites", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["name", "hosts", "column_url", "series", "reads"]
    assert [r[:4] for r in rows[1:]] == [
        ["hubei", "www.hubei.gov.cn, hubei.gov.cn", "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml", "市长话经济"],
        ["tianmen", "www.tianmen.gov.cn, tianmen.gov.cn", "https://www.tianmen.gov.cn/hdjl/xwfbh/", "市长话经济"],
        ["generic", "(any other)", "", ""],
    ]
    as_json = json.loads(CliRunner().invoke(app, ["sites", "--format", "json"]).output)
    assert [(p["name"], p["column_url"]) for p in as_json] == [
        ("hubei", "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml"), ("tianmen", "https://www.tianmen.gov.cn/hdjl/xwfbh/"),
        ("generic", None),
    ]  # fmt: skip
    table = CliRunner().invoke(app, ["sites"])
    assert table.exit_code == 0 and table.output.rstrip().endswith("(3 rows)")

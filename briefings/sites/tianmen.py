"""The Tianmen city portal (www.tianmen.gov.cn): it republishes the province's briefings on Tianmen.

The worked example of ``docs/sites.md``. The portal runs the same TRS publishing system as the
province and republishes the briefing pages in the province's layout, so this module reuses the
Hubei module's layouts and rules; what is its own is the hosts, the column (互动交流 > 新闻发布会,
``/hdjl/xwfbh/``) and the series it is collected with. A page at its hosts is read here and
recorded as ``site = 'tianmen'``.
"""

from __future__ import annotations

from briefings.models import ListPage, ParsedBriefing
from briefings.parsing.detail import briefing_facts_from_title, read_detail_page
from briefings.parsing.listing import read_list_page
from briefings.sites import hubei
from briefings.sites.profile import SiteProfile, document_stem_id

__all__ = ["PROFILE", "read_detail", "read_list"]

NAME = "tianmen"
HOSTS = ("www.tianmen.gov.cn", "tianmen.gov.cn")
COLUMN_URL = "https://www.tianmen.gov.cn/hdjl/xwfbh/"
SERIES_PATTERN = "市长话经济"

DETAIL_LAYOUT = hubei.DETAIL_LAYOUT  # the province's layout, republished as is
LIST_LAYOUT = hubei.LIST_LAYOUT


def read_detail(html: str, url: str | None) -> ParsedBriefing:
    """A briefing page republished on the portal (the province's classic or article template)."""
    return read_detail_page(html, url, DETAIL_LAYOUT, site=NAME, title_facts=briefing_facts_from_title)


def read_list(html: str, url: str) -> ListPage:
    """A list page of the portal's 新闻发布会 column."""
    return read_list_page(html, url, LIST_LAYOUT)


PROFILE = SiteProfile(
    name=NAME,
    hosts=HOSTS,
    column_url=COLUMN_URL,
    series_pattern=SERIES_PATTERN,
    read_list=read_list,
    read_detail=read_detail,
    title_facts=briefing_facts_from_title,
    briefing_id=document_stem_id,
    description="天门市人民政府 新闻发布会 (republishes the province's pages in its layout)",
)

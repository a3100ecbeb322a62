"""The Tianmen city portal (www.tianmen.gov.cn): it republishes the province's briefings on Tianmen.

The worked example of ``docs/sites.md``. The portal runs the same TRS publishing system as the
province and republishes the briefing pages in the province's layout, so its profile is the Hubei
profile with what is its own: the hosts, the column (互动交流 > 新闻发布会, ``/hdjl/xwfbh/``), the
series it is collected with and its name. A page at its hosts is read by the Hubei reader and
recorded as ``site = 'tianmen'``.
"""

from __future__ import annotations

from dataclasses import replace

from briefings.models import ParsedBriefing
from briefings.sites import hubei

__all__ = ["PROFILE", "read_detail"]

NAME = "tianmen"


def read_detail(html: str, url: str | None) -> ParsedBriefing:
    """A briefing page republished on the portal (the province's classic or article template)."""
    return hubei.read_detail(html, url, site=NAME)


PROFILE = replace(
    hubei.PROFILE,
    name=NAME,
    hosts=("www.tianmen.gov.cn", "tianmen.gov.cn"),
    column_url="https://www.tianmen.gov.cn/hdjl/xwfbh/",
    series_pattern="市长话经济",
    read_detail=read_detail,
    claims_page=None,  # a copy of the province's template at another host is the province's page
    description="天门市人民政府 新闻发布会 (republishes the province's pages in its layout)",
)

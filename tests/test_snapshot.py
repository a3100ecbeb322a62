"""SnapshotTransport and make_fetcher: the bundled portal answers at its real URLs."""

from __future__ import annotations

import httpx
import pytest

from briefings.fetching.client import make_fetcher
from briefings.fetching.snapshot import SnapshotTransport, has_snapshot_host
from briefings.ids import sha256_hex
from briefings.settings import SNAPSHOT_SITE_DIR, Settings

DETAIL_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
DETAIL_FILE = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
INDEX_FILE = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/index.shtml"
TIANMEN_URL = "https://www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"


@pytest.fixture
def client():
    with httpx.Client(transport=SnapshotTransport()) as c:
        yield c


def test_serves_the_real_page_like_the_portal(client):
    response = client.get(DETAIL_URL)
    assert response.status_code == 200
    assert response.content == DETAIL_FILE.read_bytes()
    assert response.headers["content-type"] == "text/html"  # no charset: the decoder reads <meta>
    assert response.headers["etag"] == f'"{sha256_hex(DETAIL_FILE.read_bytes())[:32]}"'
    assert "last-modified" not in response.headers


def test_trailing_slash_serves_index(client):
    response = client.get("https://www.hubei.gov.cn/hbfb/xwfbh/")
    assert response.status_code == 200 and response.content == INDEX_FILE.read_bytes()


def test_second_host_is_served(client):
    response = client.get(TIANMEN_URL)
    assert response.status_code == 200 and "肖敏" in response.content.decode("utf-8")


def test_missing_and_escaping_paths_are_404(client):
    assert client.get("https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240329_5100002.shtml").status_code == 404
    # would resolve to briefings/settings.py without the guard
    assert client.get("https://www.hubei.gov.cn/%2e%2e/%2e%2e/%2e%2e/settings.py").status_code == 404
    assert client.get("https://www.example.com/").status_code == 404


def test_if_none_match_gives_304(client):
    etag = client.get(DETAIL_URL).headers["etag"]
    not_modified = client.get(DETAIL_URL, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.get(DETAIL_URL, headers={"If-None-Match": '"other"'}).status_code == 200


def test_only_get_and_head(client):
    assert client.post(DETAIL_URL).status_code == 405
    head = client.head(DETAIL_URL)
    assert head.status_code == 200 and head.headers["content-length"] == str(DETAIL_FILE.stat().st_size)


def test_has_snapshot_host():
    assert has_snapshot_host("www.hubei.gov.cn") is True
    assert has_snapshot_host("www.xiangyang.gov.cn") is False
    assert has_snapshot_host(None) is False


def test_make_fetcher_offline_reads_the_snapshot_at_real_urls():
    settings = Settings(min_interval_s=0.0).normalised()
    with make_fetcher(settings) as fetcher:
        result = fetcher.fetch(DETAIL_URL)
        again = fetcher.fetch(DETAIL_URL, etag=result.record.etag)
    rec = result.record
    assert (rec.outcome, rec.status, rec.url, rec.final_url, rec.encoding) == ("ok", 200, DETAIL_URL, DETAIL_URL, "utf-8")
    assert rec.sha256 == sha256_hex(DETAIL_FILE.read_bytes())
    assert "湖北省委宣传部二级巡视员黄勤" in result.text
    assert again.record.outcome == "not_modified" and again.body is None

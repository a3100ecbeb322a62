import pytest

from briefings.ids import briefing_id_for, sha256_hex
from tests.conftest import SESSION12_URL, TIANMEN_URL


def test_briefing_id_from_document_stem():
    assert briefing_id_for(SESSION12_URL) == "hubei.gov.cn:t20240326_5134107"
    assert briefing_id_for(TIANMEN_URL) == "tianmen.gov.cn:t20240407_5150157"


def test_briefing_id_ignores_scheme_and_www():
    assert briefing_id_for(SESSION12_URL.replace("https://www.", "http://")) == "hubei.gov.cn:t20240326_5134107"


def test_briefing_id_without_document_stem_hashes_the_path():
    a = briefing_id_for("http://127.0.0.1:8000/page?id=1")
    b = briefing_id_for("http://127.0.0.1:8000/page?id=2")
    assert a.startswith("127.0.0.1:") and len(a) == len("127.0.0.1:") + 12
    assert a != b


def test_briefing_id_rejects_relative_url():
    with pytest.raises(ValueError):
        briefing_id_for("./202403/t20240326_5134107.shtml")


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

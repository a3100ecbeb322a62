"""is_challenge: the portal's script-only 412/202 page versus the real session-12 page."""

from __future__ import annotations

import pytest

from briefings.fetching.challenge import has_challenge_marker, is_challenge, visible_text
from tests.loopback import REAL_PAGE, challenge_body

CHALLENGE = challenge_body().decode("utf-8")
REAL_TEXT = REAL_PAGE.decode("utf-8")


@pytest.mark.parametrize("status", [412, 202])
def test_script_only_page_is_a_challenge(status):
    assert is_challenge(status, CHALLENGE) is True


@pytest.mark.parametrize("status", [200, 403, 404, 503])
def test_other_statuses_are_never_challenges(status):
    assert is_challenge(status, CHALLENGE) is False


@pytest.mark.parametrize("status", [412, 202])
def test_real_page_is_not_a_challenge_even_with_412_or_202(status):
    assert is_challenge(status, REAL_TEXT) is False


def test_empty_412_counts_as_challenge():
    assert is_challenge(412, "") is True


def test_marker_with_a_title_still_counts_but_not_with_a_page_of_text():
    titled = CHALLENGE.replace("<head>", "<head><title>湖北省人民政府门户网站</title>")
    assert is_challenge(412, titled) is True
    assert is_challenge(412, REAL_TEXT.replace("</head>", "<script>$_ts={};</script></head>")) is False


def test_markers_and_visible_text():
    assert has_challenge_marker(CHALLENGE) is True
    assert has_challenge_marker("<script type=\"text/javascript\" r='m' src=\"/x.js\"></script>") is True
    assert has_challenge_marker(REAL_TEXT) is False
    assert visible_text(CHALLENGE) == ""
    visible = visible_text(REAL_TEXT)
    assert visible.startswith("“奋战开门红市长话经济”第十二场天门：")  # <title>, whitespace dropped
    assert "湖北省委宣传部二级巡视员黄勤：" in visible

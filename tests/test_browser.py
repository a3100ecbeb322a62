"""Browser mode against a loopback imitation of the portal's challenge (/guarded/*).

The first answer is 412 with an inline script that computes a token, sets it as cookie
``lb_clearance`` and reloads; with the right cookie the server sends the real session-12 page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from briefings.errors import BlockedError
from briefings.fetching.browser import BrowserSolver
from briefings.fetching.client import Fetcher
from tests.loopback import CLEARANCE_COOKIE, CLEARANCE_TOKEN, REAL_PAGE, loopback_server, loopback_settings  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
REAL_TEXT = REAL_PAGE.decode("utf-8")

_no_chromium = pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian chromium is not installed at /usr/bin/chromium")
_no_playwright = pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                                    reason="the optional extra playwright is not installed")


def browser_test(fn):
    """Marks a test ``browser`` and ``slow``; skips it where Chromium or Playwright is missing."""
    return pytest.mark.browser(pytest.mark.slow(_no_chromium(_no_playwright(fn))))


def _by_httpx(entry) -> bool:
    """httpx sends exactly our Accept-Encoding and none of Chromium's client hints."""
    return entry.headers.get("accept-encoding") == "gzip, deflate" and "sec-ch-ua" not in entry.headers


def test_without_browser_every_guarded_fetch_is_blocked(loopback_server):
    with Fetcher(loopback_settings(loopback_server, browser=False)) as fetcher:
        for path in ("/guarded/1", "/guarded/2"):
            with pytest.raises(BlockedError) as info:
                fetcher.fetch(loopback_server.url(path))
            rec = info.value.record
            assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("blocked", 412, 1, "BlockedError")
            assert "--browser" in str(info.value)
    assert [e.path for e in loopback_server.log] == ["/guarded/1", "/guarded/2"]


@browser_test
def test_browser_solves_once_then_httpx_carries_the_cookie(loopback_server):
    with Fetcher(loopback_settings(loopback_server, browser=True)) as fetcher:
        first = fetcher.fetch(loopback_server.url("/guarded/1"))
        second = fetcher.fetch(loopback_server.url("/guarded/2"))
        third = fetcher.fetch(loopback_server.url("/guarded/3"))
    assert (first.record.outcome, first.record.status, first.record.attempts) == ("ok", 200, 2)
    assert first.text == REAL_TEXT and "天门市委副书记、市长肖敏" in first.text
    for later in (second, third):
        assert (later.record.outcome, later.record.status, later.record.attempts) == ("ok", 200, 1)
        assert later.text == REAL_TEXT
    # later pages: one request each, by httpx, with the clearance cookie the browser earned
    for path in ("/guarded/2", "/guarded/3"):
        (entry,) = loopback_server.requests(path)
        assert _by_httpx(entry)
        assert entry.cookies[CLEARANCE_COOKIE] == CLEARANCE_TOKEN
    # /guarded/1: httpx without cookie (412), the browser (412, then the reload with cookie), httpx with cookie
    first_hits = loopback_server.requests("/guarded/1")
    assert _by_httpx(first_hits[0]) and CLEARANCE_COOKIE not in first_hits[0].cookies
    assert _by_httpx(first_hits[-1]) and first_hits[-1].cookies[CLEARANCE_COOKIE] == CLEARANCE_TOKEN
    assert any(not _by_httpx(e) and e.cookies.get(CLEARANCE_COOKIE) == CLEARANCE_TOKEN for e in first_hits)


@browser_test
def test_page_still_blocked_after_clearance_raises_and_does_not_loop(loopback_server):
    settings = loopback_settings(loopback_server, browser=True, browser_timeout_s=1.0)
    with Fetcher(settings) as fetcher:
        ok = fetcher.fetch(loopback_server.url("/guarded/1"))
        with pytest.raises(BlockedError) as info:
            fetcher.fetch(loopback_server.url("/challenge-412"))
    assert ok.record.outcome == "ok"
    rec = info.value.record
    # httpx once (blocked), then one browser load (still the challenge): no second solve
    assert (rec.outcome, rec.status, rec.attempts, rec.error_type) == ("blocked", 412, 2, "BlockedError")
    assert "still blocked" in rec.error
    hits = loopback_server.requests("/challenge-412")
    assert [_by_httpx(e) for e in hits] == [True, False]


@browser_test
def test_solver_returns_the_clearance_cookie_and_user_agent(loopback_server):
    clearance = BrowserSolver(loopback_settings(loopback_server)).solve(loopback_server.url("/guarded/9"))
    assert {c["name"]: c["value"] for c in clearance.cookies} == {CLEARANCE_COOKIE: CLEARANCE_TOKEN}
    assert "Chrome/" in clearance.user_agent


@browser_test
def test_solver_gives_up_after_browser_timeout(loopback_server):
    solver = BrowserSolver(loopback_settings(loopback_server, browser_timeout_s=1.0))
    with pytest.raises(BlockedError) as info:
        solver.solve(loopback_server.url("/challenge-412"))
    assert info.value.status == 412


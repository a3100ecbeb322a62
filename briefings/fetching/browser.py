"""Browser mode (issue 6): pass the portal's JavaScript challenge with headless Chromium.

Needs the optional extra ``playwright`` and Debian's ``chromium`` (``Settings.chromium_path``);
no browser is ever downloaded. Each call starts a browser with a fresh temporary profile
(``--user-data-dir``), loads the page, waits until the challenge has finished, and closes it
again. Playwright's sync API runs in a thread of its own, so the solver works from Prefect task
threads and from inside a running event loop alike. Visits are spaced by the limiter the
HTTP client uses (``briefings.fetching.politeness``), handed in by the ``Fetcher``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

from briefings.errors import BlockedError, ConfigError, FetchError
from briefings.fetching.challenge import is_challenge
from briefings.fetching.politeness import RATE_LIMITER
from briefings.settings import Settings

__all__ = ["Clearance", "BrowserSolver", "CHROMIUM_ARGS", "REAL_PAGE_SELECTORS"]

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Elements of a real portal page (detail templates, list template); their presence ends the wait.
REAL_PAGE_SELECTORS = ("div.text_record", ".hbgov-article-content", ".media_block", "div.hbgov-bfc-block")
_POLL_MS = 100
_LAUNCH_TIMEOUT_MS = 60_000  # how long Chromium may take to start, ms
_T = TypeVar("_T")


@dataclass(frozen=True)
class Clearance:
    """What the browser earned by passing the challenge.

    Attributes:
        cookies: Playwright cookie dicts (``name``, ``value``, ``domain``, ``path``, ...).
        user_agent: the browser's User-Agent (clearance cookies may be bound to it).
    """

    cookies: list[dict[str, Any]]
    user_agent: str


@dataclass
class _Visit:
    status: int
    html: str
    cookies: list[dict[str, Any]]
    user_agent: str
    cleared: bool


def _in_own_thread(work: Callable[[], _T]) -> _T:
    """Run ``work`` in a fresh thread (no event loop there) and return or raise its outcome."""
    values: list[_T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            values.append(work())
        except BaseException as exc:  # handed back to the caller below
            errors.append(exc)

    thread = threading.Thread(target=run, name="briefings-browser", daemon=True)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return values[0]


class BrowserSolver:
    """Headless Chromium driven by Playwright; one browser per call, calls serialised.

    Args:
        settings: ``chromium_path``, ``browser_timeout_s``, ``min_interval_s`` are used.
        limiter: spaces the visits to one host (``briefings.fetching.politeness``); None -> the
            process's ``RATE_LIMITER``.
    Raises:
        ConfigError: (on first use) Playwright is not installed or ``chromium_path`` is missing.
    """

    def __init__(self, settings: Settings, limiter: Any = None) -> None:
        self.settings = settings
        self.limiter = limiter if limiter is not None else RATE_LIMITER
        self._lock = threading.Lock()

    def solve(self, url: str) -> Clearance:
        """Load ``url`` until the challenge has finished; return the cookies and User-Agent.

        Raises:
            BlockedError: the page still shows the challenge after ``browser_timeout_s`` seconds.
            FetchError: the browser could not load the page at all.
            ConfigError: Playwright or Chromium is missing.
        """
        visit = self._visit(url)
        if not visit.cleared:
            raise BlockedError(
                f"the browser did not pass the challenge within {self.settings.browser_timeout_s} s "
                f"(last HTTP {visit.status})", url=url, status=visit.status)
        return Clearance(cookies=visit.cookies, user_agent=visit.user_agent)

    def fetch_html(self, url: str) -> tuple[int, str]:
        """Load ``url`` in the browser and return (HTTP status of the last main-frame response, DOM as HTML).

        The HTML is the document after scripts ran (``page.content()``), not the server's bytes.

        Raises:
            FetchError: the browser could not load the page at all.
            ConfigError: Playwright or Chromium is missing.
        """
        visit = self._visit(url)
        return visit.status, visit.html

    # -- internals ------------------------------------------------------------------------------

    def _check_setup(self) -> Any:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise ConfigError("browser mode needs the optional extra: pip install 'briefings[browser]'") from exc
        if not Path(self.settings.chromium_path).is_file():
            raise ConfigError(f"browser mode needs Chromium at {self.settings.chromium_path} "
                              "(Debian: apt-get install chromium; set BRIEFINGS_CHROMIUM_PATH otherwise)")
        return sync_playwright

    def _visit(self, url: str) -> _Visit:
        sync_playwright = self._check_setup()
        host = urlsplit(url).hostname or ""
        # the visit holds the host's turn, so the next request to the host (from any worker) comes
        # the interval after the visit ended, not after it started
        with self._lock, self.limiter.turn(host, self.settings.min_interval_s):
            return _in_own_thread(lambda: self._visit_in_thread(sync_playwright, url))

    def _visit_in_thread(self, sync_playwright: Any, url: str) -> _Visit:
        from playwright.sync_api import Error as PlaywrightError

        timeout_ms = self.settings.browser_timeout_s * 1000
        # starting Chromium is not part of the challenge's time: a cold start on a busy machine takes seconds
        launch_timeout_ms = max(timeout_ms, _LAUNCH_TIMEOUT_MS)
        with tempfile.TemporaryDirectory(prefix="briefings-chromium-") as profile, sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=self.settings.chromium_path,
                headless=True,
                args=list(CHROMIUM_ARGS),
                timeout=launch_timeout_ms,
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                statuses: list[int] = []
                page.on("response", lambda r: statuses.append(r.status)
                        if r.request.is_navigation_request() and r.frame == page.main_frame else None)
                try:
                    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
                except PlaywrightError as exc:
                    raise FetchError(f"the browser could not load the page: {exc}", url=url) from exc
                cleared, html = self._wait_for_real_page(page, statuses, PlaywrightError)
                user_agent = page.evaluate("navigator.userAgent")
                return _Visit(status=statuses[-1] if statuses else 0, html=html, cookies=context.cookies(),
                              user_agent=user_agent, cleared=cleared)
            finally:
                context.close()

    def _wait_for_real_page(self, page: Any, statuses: list[int], error_type: type[Exception]) -> tuple[bool, str]:
        """Poll until a real-page element shows or the last navigation is no challenge; (cleared, html)."""
        give_up_at = time.monotonic() + self.settings.browser_timeout_s
        selector = ", ".join(REAL_PAGE_SELECTORS)
        html = ""
        while True:
            try:
                html = page.content()
                if page.query_selector(selector) is not None:
                    return True, html
                status = statuses[-1] if statuses else 0
                if status and not is_challenge(status, html) and status < 400:
                    return True, html
            except error_type:
                pass  # the challenge reloaded the page mid-read; look again
            if time.monotonic() >= give_up_at:
                return False, html
            page.wait_for_timeout(_POLL_MS)

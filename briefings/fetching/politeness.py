"""Politeness within one process: a minimum interval between two requests to one host.

Every limiter the fetchers take (this one, and ``tasks.politeness.PrefectHostLimiter`` across
processes) has the same two methods:

    ``wait(host, min_interval_s) -> float``
        block until ``host`` may be contacted; returns the seconds waited.
    ``turn(host, min_interval_s)``
        a context manager around one request: entered when the host may be contacted, and what
        happens on exit is the limiter's (here nothing; across processes, the host is held until
        ``min_interval_s`` after the response).

Both ``briefings.fetching.client`` (HTTP) and ``briefings.fetching.browser`` (Chromium) take their
limiter from here, so neither imports the other for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["HostRateLimiter", "RATE_LIMITER"]


class HostRateLimiter:
    """Minimum interval between two requests to one host; thread-safe, shared by the process.

    Slots are reserved under a lock and slept outside it, so concurrent callers queue up
    ``min_interval_s`` apart instead of all waking at once. Intervals count from one request's
    start to the next one's.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_at: dict[str, float] = {}

    def wait(self, host: str, min_interval_s: float) -> float:
        """Block until ``host`` may be contacted again; returns the time slept, seconds."""
        if min_interval_s <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_at.get(host, now))
            self._next_at[host] = slot + min_interval_s
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    @contextmanager
    def turn(self, host: str, min_interval_s: float) -> Iterator[None]:
        """``wait`` on entry; nothing on exit (the next slot was reserved on entry)."""
        self.wait(host, min_interval_s)
        yield


RATE_LIMITER = HostRateLimiter()

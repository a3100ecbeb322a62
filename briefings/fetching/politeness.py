"""Politeness within one process: a minimum interval between two requests to one host.

Every limiter the fetchers take (this one, and ``tasks.politeness.PrefectHostLimiter`` across
processes) has the same two methods:

    ``wait(host, min_interval_s) -> float``
        block until ``host`` may be contacted; returns the seconds waited.
    ``turn(host, min_interval_s)``
        a context manager around one request, from before it is sent until its response's headers
        arrived: entered once ``min_interval_s`` has passed since the previous request to the host
        ended, in this process (here) or in any process (across processes, on Prefect's server).

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
    """Minimum interval between two requests to one host within this process; thread-safe.

    A request takes its host's turn (one at a time per host: other threads queue on the host's
    lock), is sent once ``min_interval_s`` has passed since the previous request to that host
    ended (its response's headers arrived, or it failed), and ends its turn when its own headers
    arrive. So requests reach the site at least the interval apart, as the site measures it,
    however late a thread is woken; the price is each request's latency on top of the interval.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._ended: dict[str, float] = {}  # host -> when its last request ended, monotonic seconds

    @contextmanager
    def turn(self, host: str, min_interval_s: float) -> Iterator[None]:
        """Hold ``host`` for one request: entered ``min_interval_s`` after the previous one ended."""
        if min_interval_s <= 0:
            yield
            return
        with self._host_lock(host):
            self._sleep_for_turn(host, min_interval_s)
            try:
                yield
            finally:
                self._ended[host] = time.monotonic()

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _sleep_for_turn(self, host: str, min_interval_s: float) -> float:
        previous = self._ended.get(host)
        delay = 0.0 if previous is None else previous + min_interval_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    def wait(self, host: str, min_interval_s: float) -> float:
        """Block until ``host`` may be contacted, and count the next interval from now (a request
        sent right after, such as a browser visit); returns the time slept, seconds."""
        if min_interval_s <= 0:
            return 0.0
        with self._host_lock(host):
            slept = self._sleep_for_turn(host, min_interval_s)
            self._ended[host] = time.monotonic()
        return slept


RATE_LIMITER = HostRateLimiter()

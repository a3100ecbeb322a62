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

Across the processes of one machine (two runs at once, say a scheduled one and one started by hand,
even on two warehouses), :func:`machine_limiter` gives a limiter that also holds a per-host lock
file under the data folder (``<data_dir>/hosts/<host>.lock``, ``fcntl.flock``) for each request and
writes into it when the request ended, so no two processes of the machine send to one host closer
than the interval. The kernel drops a dead holder's lock. The time written is ``CLOCK_MONOTONIC``,
one clock for every process of a machine; a value from before a reboot is capped at one interval.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["HostRateLimiter", "RATE_LIMITER", "machine_limiter"]


class HostRateLimiter:
    """Minimum interval between two requests to one host within this process; thread-safe.

    A request takes its host's turn (one at a time per host: other threads queue on the host's
    lock), is sent once ``min_interval_s`` has passed since the previous request to that host
    ended (its response's headers arrived, or it failed), and ends its turn when its own headers
    arrive. So requests reach the site at least the interval apart, as the site measures it,
    however late a thread is woken; the price is each request's latency on top of the interval.

    Args:
        lock_dir: a folder for per-host lock files shared with the machine's other processes (see
            the module docstring); None keeps the limit within this process.
    """

    def __init__(self, lock_dir: Path | None = None) -> None:
        self.lock_dir = lock_dir
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._ended: dict[str, float] = {}  # host -> when its last request ended, monotonic seconds

    @contextmanager
    def turn(self, host: str, min_interval_s: float) -> Iterator[None]:
        """Hold ``host`` for one request: entered ``min_interval_s`` after the previous one ended.

        Raises:
            OSError: the host's lock file (with ``lock_dir``) cannot be made or locked.
        """
        if min_interval_s <= 0:
            yield
            return
        with self._host_lock(host), self._machine_turn(host) as shared:
            self._sleep_for_turn(host, min_interval_s, shared)
            try:
                yield
            finally:
                self._ended[host] = time.monotonic()
                if shared is not None:
                    _write_ended(shared, self._ended[host])

    @contextmanager
    def _machine_turn(self, host: str) -> Iterator[int | None]:
        """The host's lock file held (waiting while another process holds it); its descriptor, or
        None without ``lock_dir``."""
        if self.lock_dir is None:
            yield None
            return
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in ".-" else "_" for c in host.lower()) or "_"
        fd = os.open(self.lock_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # another process's request to the host is in flight
            try:
                yield fd
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _sleep_for_turn(self, host: str, min_interval_s: float, shared: int | None = None) -> float:
        ended = [t for t in (self._ended.get(host), None if shared is None else _read_ended(shared)) if t is not None]
        delay = 0.0 if not ended else min(max(ended) + min_interval_s - time.monotonic(), min_interval_s)
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    def wait(self, host: str, min_interval_s: float) -> float:
        """Block until ``host`` may be contacted, and count the next interval from now (a request
        sent right after); returns the time slept, seconds. A request that takes time (a browser
        visit) should hold ``turn`` instead, so the interval counts from its end."""
        if min_interval_s <= 0:
            return 0.0
        with self._host_lock(host), self._machine_turn(host) as shared:
            slept = self._sleep_for_turn(host, min_interval_s, shared)
            self._ended[host] = time.monotonic()
            if shared is not None:
                _write_ended(shared, self._ended[host])
        return slept


def _read_ended(fd: int) -> float | None:
    """When the machine's last request to the host ended (``CLOCK_MONOTONIC`` seconds), from its lock file."""
    text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    try:
        return float(text) if text else None
    except ValueError:  # not ours: treated as no request yet
        return None


def _write_ended(fd: int, moment: float) -> None:
    text = f"{moment:.6f}".encode("ascii")
    os.pwrite(fd, text.ljust(32), 0)


RATE_LIMITER = HostRateLimiter()
_MACHINE_LIMITERS: dict[Path, HostRateLimiter] = {}
_MACHINE_LIMITERS_LOCK = threading.Lock()


def machine_limiter(data_dir: Path | None) -> HostRateLimiter:
    """This process's limiter that holds across the machine's processes, with its lock files under
    ``data_dir / "hosts"`` (``Settings.data_dir``: a local folder, also when the data URL is remote);
    one per folder. None -> the in-process ``RATE_LIMITER``."""
    if data_dir is None:
        return RATE_LIMITER
    lock_dir = Path(data_dir).expanduser().absolute() / "hosts"
    with _MACHINE_LIMITERS_LOCK:
        limiter = _MACHINE_LIMITERS.get(lock_dir)
        if limiter is None:
            limiter = _MACHINE_LIMITERS[lock_dir] = HostRateLimiter(lock_dir)
        return limiter

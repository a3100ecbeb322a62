"""Politeness across processes: the per-host interval enforced by Prefect's server.

``briefings.fetching.politeness.HostRateLimiter`` spaces requests within one process. When the
fetch tasks run on several Dask workers (processes, maybe machines), each would keep its own clock
and N workers would send N times the rate. :class:`PrefectHostLimiter` asks Prefect's server
instead: one global concurrency limit per host, ``briefings-host-<host>``, with ``limit=1``,
created on first use.

A request takes the host's one slot before it is sent and gives it back ``min_interval_s`` after
its response's headers arrived (or after it failed). The next request to that host, from any
process, is sent only once the slot is back, so it reaches the site at least ``min_interval_s``
after the previous request did, whatever the stalls on the way (a loaded machine, a slow Prefect
server, a process descheduled between grant and send). The interval counts from one response to
the next request: a request's own latency is added to it, which is slower than spacing the sends,
never faster.

Decisions:
    * A slot is held, not rate-limited: Prefect's rate limits (``mode="rate_limit"``, a slot that
      decays after the interval) time the grant on the server, and a process that stalls between
      grant and send, or a site that is slow to take the first request, still sent two requests
      closer than the interval on a loaded 2-core machine (0.105 s at 0.2 s in CI).
    * A process keeps the slot for its next request to the host when that comes within the
      interval and ``LINGER_POLLS`` polls, for a burst of :func:`burst_s` at most (10 intervals,
      at least 2 s), and spaces those requests itself (from one response to the next request, as
      above). Taking and giving back are two writes on the Prefect server plus a poll: 0.1-0.2 s a
      request on an ephemeral SQLite server under load, which nearly doubled the time of a 0.2 s
      interval. Kept for a burst, they are paid once a burst. Then the slot goes back, and the
      process watches the limit until another process took it, for ``HANDOVER_POLLS`` polls at
      most, before asking again: a waiting process gets its turn (a race of a few milliseconds,
      that the process giving back won about half the time), and a process with no one waiting
      loses that much once a burst.
    * Crash safety without leases: the limit has a slot decay of one slot per ``hold_limit_s``
      (:func:`hold_limit_s`: a burst, a request's timeout, the interval and a margin), so the
      slot of a worker killed while holding it frees itself after that long. Prefect's leases
      would need the server's lease-expiry service, which an ephemeral server does not run.
    * A denied request does not change the limit on the server (Prefect rolls the denial back),
      so waiting callers poll every ``min_interval_s / POLLS_PER_INTERVAL`` seconds: the server's
      ``Retry-After`` for a held slot says ``hold_limit_s``, far longer than a hold lasts.
    * A Prefect server on SQLite answers some writes with 503 when another write overlaps
      (``SQLITE_BUSY``); Prefect's client would retry after 2 s, 4 s, … (and sleeps 2 s once even
      with retries set to 0), far longer than an interval. Taking, giving back and watching go
      around Prefect's retries (:func:`_send`), treat a 503 like a denial and try again a poll
      later (for at most ``BUSY_GIVE_UP_S``). Seen with the ephemeral SQLite server under load.
    * A limit that exists with another decay (a timeout or interval setting changed) is updated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["PrefectHostLimiter", "host_limiter", "limit_name", "hold_limit_s", "burst_s", "POLLS_PER_INTERVAL"]

POLLS_PER_INTERVAL = 10
BURST_MIN_S = 2.0  # a burst (the slot kept for a process's next requests) lasts at least this long, seconds
BURST_INTERVALS = 10  # ... or this many intervals, if that is longer
LINGER_POLLS = 2  # a kept slot with no next request within the interval and this many polls is given back
HANDOVER_POLLS = 5  # after a burst, watch this many polls (and two round trips) for another process to take the slot
HOLD_MARGIN_S = 2.0  # added to the longest hold (burst, request timeout, interval) for the slot's decay, seconds
_MIN_POLL_S = 0.005
BUSY_GIVE_UP_S = 60.0  # a server answering 503 (busy) for this long is down, seconds


@dataclass
class _Hold:
    """A slot this process keeps between two of its requests (monotonic seconds): when it was taken,
    and when it is given back unless a next request takes it over."""

    taken: float
    expires: float
    poll_s: float


def _sleep_until(moment: float) -> None:
    """Sleep until ``moment`` (monotonic seconds); at once when it has passed."""
    time.sleep(max(0.0, moment - time.monotonic()))


def _send(client: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One request to the Prefect API through ``client``'s own HTTP client (base URL, auth headers),
    without Prefect's retries: with ``PREFECT_CLIENT_MAX_RETRIES=0`` its retry loop still sleeps
    2 s after a 503, where a poll must come back within milliseconds.

    Raises:
        httpx.HTTPStatusError: any answer but 2xx (``_call`` decides on 423 and 503).
    """
    import httpx

    http = client._client  # SyncPrefectClient's PrefectHttpxSyncClient; prefect is pinned (constraints.txt)
    response = httpx.Client.send(http, http.build_request(method, path, json=body))
    response.raise_for_status()
    return response


def limit_name(host: str) -> str:
    """The global concurrency limit of one host: ``briefings-host-<host>``."""
    return f"briefings-host-{host.lower()}"


def burst_s(min_interval_s: float) -> float:
    """How long a process keeps a host's slot for its next requests, seconds: ``BURST_INTERVALS``
    intervals, at least ``BURST_MIN_S``."""
    return max(BURST_MIN_S, BURST_INTERVALS * min_interval_s)


def hold_limit_s(timeout_s: float, min_interval_s: float) -> float:
    """The longest a process holds its host's slot, seconds: a burst's last request starts within
    :func:`burst_s`, ends within ``timeout_s`` (``Settings.timeout_s``) and is followed by the
    interval. After this (plus ``HOLD_MARGIN_S``) the slot decays by itself: a worker killed while
    holding it blocks the host no longer."""
    return burst_s(min_interval_s) + timeout_s + min_interval_s + HOLD_MARGIN_S


class PrefectHostLimiter:
    """Minimum interval between two requests to one host, held by Prefect's server for every process.

    Browser visits (``BrowserSolver``) hold ``turn`` too: the interval counts from the visit's end.

    Has the ``wait`` / ``turn`` of ``briefings.fetching.politeness``; thread-safe (one API client;
    a process's threads take one host's turns one at a time). Needs the Prefect API that the flow run uses
    (``PREFECT_API_URL``, or the ephemeral server of the flow's process, which the Dask workers
    are pointed at).

    Args:
        timeout_s: the fetcher's request timeout (``Settings.timeout_s``), seconds; sets how long
            the slot of a dead holder stays taken (:func:`hold_limit_s`).
    """

    def __init__(self, timeout_s: float = 20.0) -> None:
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._client: Any = None
        self._ready: dict[str, float] = {}  # limit name -> decay per second it was set up with
        self._host_locks: dict[str, threading.Lock] = {}
        self._holds: dict[str, _Hold] = {}  # limit name -> the slot this process keeps between requests
        self._holds_changed = threading.Condition()  # guards _holds; wakes the reaper
        self._reaper: threading.Thread | None = None  # one thread gives back unused slots
        self._closing = False
        self._round_trip_s = 0.0  # running mean of one API call, seconds

    def _sync_client(self) -> Any:
        if self._client is None:
            from prefect.client.orchestration import get_client

            self._client = get_client(sync_client=True)
            self._client.__enter__()
        return self._client

    def close(self) -> None:
        """Give back the slots this process keeps between requests, then close the API client."""
        with self._holds_changed:
            self._closing = True
            self._holds_changed.notify_all()
        reaper = self._reaper
        if reaper is not None:
            reaper.join(BUSY_GIVE_UP_S)
        with self._lock:
            for name in list(self._holds):
                self._give_back_kept(name, force=True)
            if self._client is not None:
                self._client.__exit__(None, None, None)
                self._client = None
            self._closing, self._reaper = False, None

    def _ensure_limit(self, client: Any, name: str, decay_per_s: float) -> None:
        """Create the host's limit on first use, or bring it to ``limit=1`` and ``decay_per_s``."""
        if self._ready.get(name) == decay_per_s:
            return
        from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
        from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

        # read first: a create that loses a race is logged by the server with a traceback
        try:
            current = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1, active=True, slot_decay_per_second=decay_per_s)
                )
                self._ready[name] = decay_per_s
                return
            except ObjectAlreadyExists:  # another process created it meanwhile
                current = client.read_global_concurrency_limit_by_name(name)
        if current.limit != 1 or not current.active or abs(current.slot_decay_per_second - decay_per_s) > 1e-9:
            client.update_global_concurrency_limit(
                name, GlobalConcurrencyLimitUpdate(limit=1, active=True, slot_decay_per_second=decay_per_s)
            )
        self._ready[name] = decay_per_s

    @staticmethod
    def _call(action: Callable[[], Any], poll_s: float, *, denied_ok: bool) -> bool:
        """Run one API call, retrying a 503 (busy) every ``poll_s``; False when it was denied (423)."""
        import httpx

        busy_since: float | None = None
        while True:
            try:
                action()
                return True
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 423 and denied_ok:
                    return False
                if status != 503:
                    raise
                busy_since = busy_since or time.monotonic()
                if time.monotonic() - busy_since > BUSY_GIVE_UP_S:
                    raise
                time.sleep(poll_s)

    @contextmanager
    def turn(self, host: str, min_interval_s: float) -> Iterator[None]:
        """Hold ``host``'s slot on Prefect's server for one request: taken on entry (waiting while
        another process holds it), given back ``min_interval_s`` after the block ends, or kept for
        this process's next request to the host if that comes soon (see the class docstring).

        Raises:
            httpx.HTTPStatusError, httpx.TransportError: the Prefect API failed (other than 423
                Locked, or 503 Busy for more than ``BUSY_GIVE_UP_S``).
        """
        if min_interval_s <= 0:
            yield
            return
        name = limit_name(host)
        decay_per_s = 1.0 / hold_limit_s(self.timeout_s, min_interval_s)
        poll_s = max(_MIN_POLL_S, min_interval_s / POLLS_PER_INTERVAL)
        with self._lock:
            client = self._sync_client()
            self._ensure_limit(client, name, decay_per_s)
            host_lock = self._host_locks.setdefault(name, threading.Lock())
        with host_lock:  # this process's threads queue here rather than all polling the server
            with self._holds_changed:
                hold = self._holds.pop(name, None)
            if hold is not None:
                _sleep_until(hold.expires - LINGER_POLLS * hold.poll_s)  # the interval after the last request
                if time.monotonic() - hold.taken >= burst_s(min_interval_s):  # its share is spent
                    self._give_back(client, name, hold.taken, poll_s)
                    self._hand_over(client, name, min_interval_s, poll_s)
                    hold = None
            taken = hold.taken if hold is not None else self._take(client, name, poll_s)
            try:
                yield
            finally:
                ended = time.monotonic()
                if ended - taken < burst_s(min_interval_s):
                    self._keep(name, _Hold(taken, ended + min_interval_s + LINGER_POLLS * poll_s, poll_s))
                else:
                    _sleep_until(ended + min_interval_s)
                    self._give_back(client, name, taken, poll_s)

    def _hand_over(self, client: Any, name: str, min_interval_s: float, poll_s: float) -> None:
        """After a burst, let a waiting process take the slot first: watch the limit (reads only)
        until another process holds it, for ``HANDOVER_POLLS`` polls and two round trips at most
        (an interval at most). A process that waits polls once a poll and a round trip."""
        until = time.monotonic() + min(min_interval_s, HANDOVER_POLLS * poll_s + 2 * self._round_trip_s)
        while time.monotonic() < until:
            time.sleep(poll_s / 2)
            seen: list[Any] = []
            look = lambda: seen.append(_send(client, "GET", f"/v2/concurrency_limits/{name}"))  # noqa: B023, E731
            if not self._call(look, poll_s, denied_ok=False):  # called within this iteration
                continue
            if seen and seen[0].json().get("active_slots", 0) >= 1:
                return

    def _timed(self, action: Callable[[], Any], poll_s: float, *, denied_ok: bool) -> bool:
        """``_call``, keeping a running mean of the API's round trip (``_round_trip_s``)."""
        started = time.monotonic()
        done = self._call(action, poll_s, denied_ok=denied_ok)
        self._round_trip_s = 0.8 * self._round_trip_s + 0.2 * (time.monotonic() - started)
        return done

    def _take(self, client: Any, name: str, poll_s: float) -> float:
        """Take the host's slot, polling while another process holds it; returns when, monotonic seconds."""
        body = {"names": [name], "slots": 1, "mode": "concurrency"}
        while not self._timed(lambda: _send(client, "POST", "/v2/concurrency_limits/increment", body),
                              poll_s, denied_ok=True):
            time.sleep(poll_s)
        return time.monotonic()

    def _give_back(self, client: Any, name: str, taken: float, poll_s: float) -> None:
        body = {"names": [name], "slots": 1, "occupancy_seconds": max(time.monotonic() - taken, 0.001)}
        self._timed(lambda: _send(client, "POST", "/v2/concurrency_limits/decrement", body), poll_s, denied_ok=False)

    def _keep(self, name: str, hold: _Hold) -> None:
        """Keep the slot for this process's next request; the reaper gives it back at ``hold.expires``
        if none came. Called with the host's lock held. One thread for all hosts, started once: a
        thread a request would race Dask's profiler (``sys._current_frames``), which deadlocked a
        CPython 3.11 worker while threads were being created."""
        with self._holds_changed:
            self._holds[name] = hold
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="briefings-politeness-reaper", daemon=True)
                self._reaper.start()
            self._holds_changed.notify_all()

    def _reap(self) -> None:
        while True:
            with self._holds_changed:
                while not self._closing:
                    now = time.monotonic()
                    due = [n for n, h in self._holds.items() if h.expires <= now]
                    if due:
                        break
                    soonest = min((h.expires for h in self._holds.values()), default=now + 60.0)
                    self._holds_changed.wait(max(0.001, soonest - now))
                else:
                    return
            for name in due:
                self._give_back_kept(name)

    def _give_back_kept(self, name: str, *, force: bool = False) -> None:
        """Give back ``name``'s kept slot if it is (still) due, or at once with ``force``."""
        with self._host_locks[name]:
            with self._holds_changed:
                hold = self._holds.get(name)
                if hold is None or (not force and hold.expires > time.monotonic()):
                    return  # a later request took it over
                del self._holds[name]
            if self._client is not None:
                self._give_back(self._client, name, hold.taken, hold.poll_s)

    def wait(self, host: str, min_interval_s: float) -> float:
        """Block until ``host`` may be contacted, and keep it for ``min_interval_s`` from now (a
        request sent right after, such as a browser visit); returns the time waited, seconds."""
        started = time.monotonic()
        with self.turn(host, min_interval_s):
            waited = time.monotonic() - started
        return waited


_LIMITERS: dict[Any, PrefectHostLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def host_limiter(settings: Any) -> PrefectHostLimiter | None:
    """This process's :class:`PrefectHostLimiter` (one per Prefect API) when the run's tasks run on
    Dask, else None: the fetcher then keeps its in-process ``RATE_LIMITER``, as with one worker."""
    if settings.workers <= 1 and settings.dask_address is None:
        return None
    from prefect.settings import PREFECT_API_URL

    key = (PREFECT_API_URL.value(), settings.timeout_s)
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = PrefectHostLimiter(settings.timeout_s)
        return limiter

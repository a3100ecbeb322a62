"""Politeness across processes: the per-host interval enforced by Prefect's server.

``briefings.fetching.client.HostRateLimiter`` spaces requests within one process. When the fetch
tasks run on several Dask workers (processes, maybe machines), each would keep its own clock and
N workers would send N times the rate. :class:`PrefectHostLimiter` asks Prefect's server instead:
one global concurrency limit per host, ``briefings-host-<host>``, with ``limit=1`` and a slot
decay of one slot per ``min_interval_s`` (a rate limit), created on first use. A request may go
out once the server grants the slot, so two grants for one host are at least the interval apart,
whichever process asked.

Decisions:
    * A denied request does not change the limit on the server (Prefect rolls the denial back),
      so waiting callers poll: every ``min_interval_s / POLLS_PER_INTERVAL`` seconds, or sooner
      when the server's ``Retry-After`` is shorter. Prefect's own ``rate_limit()`` sleeps the whole
      Retry-After (about an interval, with jitter), so a freed slot would stay idle for part
      of an interval while two workers take turns.
    * The slot is granted on the server's clock, somewhere between asking and the answer; the
      request leaves after the answer. ``GRANT_SLACK_S`` is added to the interval on the server,
      and a grant whose answer took longer than ``STALE_GRANT_S`` is left to decay and a fresh one
      asked for, so that at most ``GRANT_SLACK_S - STALE_GRANT_S`` (10 ms) is left for the way from
      the answer to the wire. Two requests to one host thus arrive at least ``min_interval_s``
      apart unless a process stalls for more than that between the answer and the send. The price: about ``GRANT_SLACK_S`` per request, plus the intervals lost to late
      answers (a loaded server answers in 10-50 ms, a few in 0.5 s).
    * A Prefect server on SQLite answers some writes with 503 when another write overlaps
      (``SQLITE_BUSY``); Prefect's client would retry after 2 s, 4 s, …, far longer than an
      interval. The poll treats a 503 like a denial and tries again a poll later (for at most
      ``BUSY_GIVE_UP_S``). This was seen with the ephemeral SQLite server under load.
    * A limit that exists with another decay (the interval setting changed) is updated to this one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

__all__ = ["PrefectHostLimiter", "host_limiter", "limit_name", "POLLS_PER_INTERVAL", "GRANT_SLACK_S", "STALE_GRANT_S"]

POLLS_PER_INTERVAL = 10
GRANT_SLACK_S = 0.04  # seconds added to the interval on the server (grant-to-send time)
STALE_GRANT_S = 0.03  # a grant whose answer took longer than this is not used, seconds
_MIN_POLL_S = 0.005
BUSY_GIVE_UP_S = 60.0  # a server answering 503 (busy) for this long is down, seconds


def limit_name(host: str) -> str:
    """The global concurrency limit of one host: ``briefings-host-<host>``."""
    return f"briefings-host-{host.lower()}"


class PrefectHostLimiter:
    """Minimum interval between two requests to one host, held by Prefect's server for every process.

    Has the ``wait(host, min_interval_s)`` of ``HostRateLimiter``; thread-safe (one client, one lock).
    Needs the Prefect API that the flow run uses (``PREFECT_API_URL``, or the ephemeral server of
    the flow's process, which the Dask workers are pointed at).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._client: Any = None
        self._ready: dict[str, float] = {}  # limit name -> decay per second it was set up with

    def _sync_client(self) -> Any:
        if self._client is None:
            from prefect.client.orchestration import get_client

            self._client = get_client(sync_client=True)
            self._client.__enter__()
        return self._client

    def close(self) -> None:
        """Close the API client (the limits stay on the server)."""
        with self._lock:
            if self._client is not None:
                self._client.__exit__(None, None, None)
                self._client = None

    def _ensure_limit(self, client: Any, name: str, decay_per_s: float) -> None:
        """Create the host's limit on first use, or bring its decay to ``decay_per_s``."""
        if self._ready.get(name) == decay_per_s:
            return
        from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
        from prefect.exceptions import ObjectAlreadyExists

        try:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=1, active=True, slot_decay_per_second=decay_per_s)
            )
        except ObjectAlreadyExists:
            current = client.read_global_concurrency_limit_by_name(name)
            if current.limit != 1 or not current.active or abs(current.slot_decay_per_second - decay_per_s) > 1e-9:
                client.update_global_concurrency_limit(
                    name, GlobalConcurrencyLimitUpdate(limit=1, active=True, slot_decay_per_second=decay_per_s)
                )
        self._ready[name] = decay_per_s

    def wait(self, host: str, min_interval_s: float) -> float:
        """Block until Prefect's server grants ``host``'s slot; returns the time waited, seconds.

        Raises:
            httpx.HTTPStatusError, httpx.TransportError: the Prefect API failed (other than 423 Locked,
                or 503 Busy for more than ``BUSY_GIVE_UP_S``).
        """
        if min_interval_s <= 0:
            return 0.0
        import httpx

        name = limit_name(host)
        decay_per_s = 1.0 / (min_interval_s + GRANT_SLACK_S)
        poll_s = max(_MIN_POLL_S, min_interval_s / POLLS_PER_INTERVAL)
        started = time.monotonic()
        from prefect.settings import PREFECT_CLIENT_MAX_RETRIES, temporary_settings

        with self._lock:
            client = self._sync_client()
            self._ensure_limit(client, name, decay_per_s)
            busy_since: float | None = None
            # no client-side retries: a 503 (SQLite busy) would otherwise sleep 2 s, 4 s, … before the next try
            with temporary_settings(updates={PREFECT_CLIENT_MAX_RETRIES: 0}):
                while True:
                    try:
                        asked = time.monotonic()
                        client.increment_concurrency_slots(names=[name], slots=1, mode="rate_limit")
                        if time.monotonic() - asked <= STALE_GRANT_S:
                            return time.monotonic() - started
                        continue  # granted too long ago to be sure: let it decay, ask for a fresh one
                    except httpx.HTTPStatusError as exc:
                        status = exc.response.status_code
                        if status == 503:
                            busy_since = busy_since or time.monotonic()
                            if time.monotonic() - busy_since > BUSY_GIVE_UP_S:
                                raise
                        elif status != 423:
                            raise
                        else:
                            busy_since = None
                        retry_after = float(exc.response.headers.get("Retry-After", poll_s))
                        time.sleep(max(_MIN_POLL_S, min(retry_after, poll_s)))


_LIMITERS: dict[Any, PrefectHostLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def host_limiter(settings: Any) -> PrefectHostLimiter | None:
    """This process's :class:`PrefectHostLimiter` (one per Prefect API) when the run's tasks run on
    Dask, else None: the fetcher then keeps its in-process ``RATE_LIMITER``, as with one worker."""
    if settings.workers <= 1 and settings.dask_address is None:
        return None
    from prefect.settings import PREFECT_API_URL

    key = PREFECT_API_URL.value()
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = PrefectHostLimiter()
        return limiter

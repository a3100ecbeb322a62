"""One polite HTTP client for the portal: the I/O edge of the pipeline.

Per ``fetch``: the host must be allowed (``Settings.allowed_hosts``); redirects are followed here,
hop by hop, so every hop is checked; each request waits its turn for its host, one at a time and
``Settings.min_interval_s`` after the previous response (``briefings.fetching.politeness``): the
process-wide ``RATE_LIMITER`` by default, or one that holds across processes (``tasks.politeness``,
on Prefect's server) when workers run the tasks; the body is streamed under a size cap
(``max_body_bytes``) and an overall deadline (``deadline_s``, one request including its body);
connect/read errors, timeouts, truncated bodies, 5xx and 429 are retried with exponential backoff
and jitter (tenacity), honouring Retry-After. Other 4xx, challenge pages, offsite redirects, size
cap and deadline are not retried. Every body received is archived when a ``RawArchive`` is given.

Decisions:
    * A body whose ``Content-Encoding: gzip`` is not gzip data ends as a ``FetchError``
      (``retryable=False``): guessing that it is plain would hide a broken server or proxy.
    * Deadline overrun is not retried: a server dripping bytes would hold the run
      ``max_attempts`` times as long. A stall (no byte within ``timeout_s``) is retried.
    * The deadline is checked after every chunk; one read can overrun it by at most ``timeout_s``.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Iterable, Protocol
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from briefings.errors import BlockedError, ConfigError, FetchError, OffsiteError
from briefings.fetching.archive import RawArchive
from briefings.fetching.challenge import is_challenge
from briefings.fetching.decode import decode_body
from briefings.fetching.politeness import RATE_LIMITER, HostRateLimiter, machine_limiter
from briefings.fetching.snapshot import SnapshotTransport, has_snapshot_host
from briefings.ids import sha256_hex
from briefings.models import FetchRecord, Outcome
from briefings.settings import SNAPSHOT_SITE_DIR, Settings

__all__ = ["FetchResult", "Fetcher", "HostRateLimiter", "RATE_LIMITER", "make_fetcher", "parse_retry_after"]

MAX_REDIRECTS = 10
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT_ENCODING = "gzip, deflate"  # decoded below; nothing else is advertised


@dataclass(frozen=True)
class FetchResult:
    """A usable response.

    Attributes:
        record: the exchange as recorded in ``fetches`` (outcome ``ok`` or ``not_modified``).
        body: body bytes after Content-Encoding was removed; None for ``not_modified``.
        text: ``body`` decoded by ``decode_body``; None for ``not_modified`` or when no charset
            decodes the body strictly (then ``record.encoding`` is None too).
    """

    record: FetchRecord
    body: bytes | None
    text: str | None




def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header as a delay in seconds (delta-seconds or HTTP date), None if unusable.

    Args:
        value: the header value (``"1"``, ``"Wed, 21 Oct 2015 07:28:00 GMT"``).
        now: UTC time to measure an HTTP date from; defaults to the current time.
    Returns:
        Seconds to wait, >= 0; None when the header is absent or malformed.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass
class _Exchange:
    """What one attempt got back (internal)."""

    url: str
    final_url: str
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    sha256: str | None = None
    text: str | None = None
    encoding: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class _Decompressor(Protocol):
    """What ``zlib.decompressobj()`` returns (its class is not public)."""

    @property
    def eof(self) -> bool: ...

    def decompress(self, data: bytes, /, max_length: int = 0) -> bytes: ...


class _Failure(Exception):
    """An attempt failed: the public error to raise, whether to retry, and what was received."""

    def __init__(self, error: FetchError, exchange: _Exchange, *, retry: bool, retry_after: float | None = None,
                 cause: BaseException | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.exchange = exchange
        self.retry = retry
        self.retry_after = retry_after
        self.cause = cause


class Fetcher:
    """Fetches pages politely with one ``httpx.Client``; a context manager.

    Args:
        settings: timeouts, caps, retries, rate limit, allowed hosts, user agent, browser mode.
        transport: httpx transport to use (``SnapshotTransport``, a test transport); None -> network.
        archive: where every received body goes (and its WARC record); None -> not archived.
        run_id: names the WARC file of this run; None -> the UTC date.
        limiter: what spaces requests to one host: anything with ``wait(host, min_interval_s)``
            that blocks until the host may be contacted; None -> ``machine_limiter(settings.data_dir)``,
            which holds across this machine's processes (lock files under ``data_dir/hosts``).
    """

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 archive: RawArchive | None = None, run_id: str | None = None, limiter: Any = None) -> None:
        self.settings = settings
        self.archive = archive
        self.run_id = run_id
        self.limiter = limiter if limiter is not None else machine_limiter(settings.data_dir)
        self._allowed = frozenset(h.lower() for h in settings.allowed_hosts)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            http2=False,
            timeout=httpx.Timeout(settings.timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
        )
        self._browser_lock = threading.Lock()
        self._solver: Any = None
        self._cleared = False

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (the browser, if one was used, is closed after each use)."""
        self._client.close()

    # -- public ---------------------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url``; conditional when ``etag`` / ``last_modified`` (from an earlier record) are given.

        Args:
            url: absolute http(s) URL on an allowed host.
            etag: sent as ``If-None-Match``.
            last_modified: sent as ``If-Modified-Since``.
        Returns:
            A FetchResult with outcome ``ok`` (2xx) or ``not_modified`` (304 to a conditional GET).
        Raises:
            BlockedError: a challenge page (412/202, script only); not retried. With
                ``settings.browser`` the challenge is solved once per Fetcher first.
            OffsiteError: the URL or a redirect hop is on a host outside ``allowed_hosts``.
            FetchError: timeout, 5xx/429 after ``max_attempts``, truncated body, size cap, deadline,
                bad Content-Encoding, other 4xx (``retryable=False``).
            Every raised error carries ``exc.record``: the FetchRecord of the failure (outcome
            ``blocked`` or ``failed``, with ``error`` and ``error_type``).
        """
        try:
            return self._fetch_http(url, etag, last_modified)
        except BlockedError as exc:
            if not self.settings.browser:
                raise
            return self._fetch_through_browser(url, etag, last_modified, exc)

    # -- HTTP path ----------------------------------------------------------------------------

    def _fetch_http(self, url: str, etag: str | None, last_modified: str | None,
                    attempts_before: int = 0) -> FetchResult:
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        attempts = 0
        failed_tries: list[FetchRecord] = []  # each failed try, recorded when it failed (the last may end it)
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.settings.max_attempts)),
            wait=self._backoff,
            retry=retry_if_exception(lambda exc: isinstance(exc, _Failure) and exc.retry),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    try:
                        exchange = self._attempt(url, conditional)
                    except _Failure as failure:
                        failed_tries.append(self._record(failure.exchange, outcome="retried", attempts=0,
                                                         error=failure.error, attempt_no=attempts_before + attempts))
                        raise
        except _Failure as failure:
            total = attempts_before + attempts
            record = self._record(failure.exchange, outcome="blocked" if isinstance(failure.error, BlockedError)
                                  else "failed", attempts=total, error=failure.error,
                                  retried=_with_total(failed_tries[:-1], total))
            _attach(failure.error, record)
            raise failure.error from failure.cause
        outcome: Outcome = "not_modified" if exchange.status == 304 else "ok"
        total = attempts_before + attempts
        record = self._record(exchange, outcome=outcome, attempts=total,
                              retried=_with_total(failed_tries, total))
        return FetchResult(record=record, body=exchange.body, text=exchange.text)

    def _backoff(self, state: RetryCallState) -> float:
        """Retry-After when the server sent one, else base * 2^(n-1) + jitter; capped, seconds."""
        cap = self.settings.backoff_max_s
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Failure) and exc.retry_after is not None:
            return min(exc.retry_after, cap)
        base = self.settings.backoff_base_s * (2.0 ** (state.attempt_number - 1))  # 2 ** int is typed Any
        return min(cap, base + random.uniform(0, self.settings.backoff_base_s))

    def _check_host(self, url: str, exchange: _Exchange, *, hop_from: str | None = None) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            raise _Failure(FetchError(f"not an absolute http(s) URL: {url!r}", url=url, retryable=False),
                           exchange, retry=False)
        if host not in self._allowed:
            what = f"redirect from {hop_from} to" if hop_from else "request to"
            error = OffsiteError(f"{what} host {host!r}, which is not in allowed_hosts", url=url,
                                 status=exchange.status)
            raise _Failure(error, exchange, retry=False)
        return host

    def _attempt(self, url: str, conditional: dict[str, str]) -> _Exchange:
        deadline = time.monotonic() + self.settings.deadline_s
        current = url
        exchange = _Exchange(url=url, final_url=url)
        for _hop in range(MAX_REDIRECTS + 1):
            # a fresh exchange per hop; url stays the one asked for, final_url follows the hops
            exchange = _Exchange(url=url, final_url=current, status=exchange.status, headers=exchange.headers)
            host = self._check_host(current, exchange)  # hops after the first were checked below
            with self.limiter.turn(host, self.settings.min_interval_s):  # held up to the response's headers
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._deadline_failure(exchange)
                request = self._client.build_request(
                    "GET", current, headers=conditional,
                    timeout=httpx.Timeout(min(self.settings.timeout_s, remaining)))
                try:
                    response = self._client.send(request, stream=True)
                except httpx.TimeoutException as exc:
                    raise _Failure(FetchError(f"timed out waiting for a response: {exc!r}", url=current), exchange,
                                   retry=True, cause=exc) from exc
                except httpx.TransportError as exc:
                    raise _Failure(FetchError(f"connection failed: {exc!r}", url=current), exchange,
                                   retry=True, cause=exc) from exc
            try:
                exchange.status = response.status_code
                exchange.headers = tuple(response.headers.multi_items())
                location = response.headers.get("Location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    self._read_body(response, exchange, deadline)
                    target = str(response.url.join(location))
                    self._check_host(target, _Exchange(url=url, final_url=target, status=exchange.status,
                                                       headers=exchange.headers), hop_from=current)
                    current = target
                    continue
                self._read_body(response, exchange, deadline)
            finally:
                response.close()
            return self._judge(exchange, bool(conditional))
        raise _Failure(FetchError(f"more than {MAX_REDIRECTS} redirects", url=url, retryable=False),
                       exchange, retry=False)

    def _deadline_failure(self, exchange: _Exchange) -> _Failure:
        error = FetchError(f"deadline of {self.settings.deadline_s} s passed before the body was complete",
                           url=exchange.final_url, status=exchange.status)
        return _Failure(error, exchange, retry=False)

    def _read_body(self, response: httpx.Response, exchange: _Exchange, deadline: float) -> None:
        """Stream the body under the size cap and deadline; archive what arrived; fill ``exchange``."""
        cap = self.settings.max_body_bytes
        url = exchange.final_url
        length_header = response.headers.get("Content-Length")
        expected = int(length_header) if length_header and length_header.strip().isdigit() else None
        if expected is not None and expected > cap:
            raise _Failure(FetchError(f"Content-Length {expected} bytes exceeds max_body_bytes={cap}", url=url,
                                      status=response.status_code, retryable=False), exchange, retry=False)
        chunks: list[bytes] = []
        received = 0
        try:
            for chunk in _raw_chunks(response):
                chunks.append(chunk)
                received += len(chunk)
                if received > cap:
                    self._keep(exchange, b"".join(chunks), "length")
                    raise _Failure(FetchError(f"body exceeds max_body_bytes={cap}", url=url,
                                              status=response.status_code, retryable=False), exchange, retry=False)
                if time.monotonic() > deadline:
                    self._keep(exchange, b"".join(chunks), "time")
                    raise self._deadline_failure(exchange)
        except httpx.TimeoutException as exc:
            self._keep(exchange, b"".join(chunks), "time")
            raise _Failure(FetchError(f"read timed out after {received} bytes (timeout {self.settings.timeout_s} s)",
                                      url=url, status=response.status_code), exchange, retry=True, cause=exc) from exc
        except httpx.TransportError as exc:  # RemoteProtocolError: cut chunked stream, short Content-Length
            self._keep(exchange, b"".join(chunks), "disconnect")
            raise _Failure(FetchError(f"truncated body: connection ended after {received} bytes ({exc})",
                                      url=url, status=response.status_code), exchange, retry=True, cause=exc) from exc
        raw = b"".join(chunks)
        if expected is not None and received < expected:
            self._keep(exchange, raw, "length")
            raise _Failure(FetchError(f"truncated body: {received} of {expected} bytes (Content-Length)", url=url,
                                      status=response.status_code), exchange, retry=True)
        body = self._remove_content_encoding(raw, response.headers.get("Content-Encoding"), exchange)
        self._keep(exchange, raw, None, decoded=body)

    def _remove_content_encoding(self, raw: bytes, header: str | None, exchange: _Exchange) -> bytes:
        codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        body = raw
        for coding in reversed(codings):
            decoders: list[_Decompressor]
            if coding in ("gzip", "x-gzip"):
                decoders = [zlib.decompressobj(16 + zlib.MAX_WBITS)]
            elif coding == "deflate":  # zlib-wrapped per RFC, raw deflate in practice too
                decoders = [zlib.decompressobj(), zlib.decompressobj(-zlib.MAX_WBITS)]
            else:
                decoders = []
            body = self._inflate(body, coding, decoders, raw, exchange)
        return body

    def _inflate(self, data: bytes, coding: str, decoders: list[_Decompressor], raw: bytes, exchange: _Exchange) -> bytes:
        cap = self.settings.max_body_bytes
        for decoder in decoders:
            try:
                out = decoder.decompress(data, cap + 1)
            except zlib.error:
                continue
            if len(out) > cap:
                self._keep(exchange, raw, "length")
                raise _Failure(FetchError(f"decoded body exceeds max_body_bytes={cap}", url=exchange.final_url,
                                          status=exchange.status, retryable=False), exchange, retry=False)
            if decoder.eof:
                return out
        self._keep(exchange, raw, None)
        reason = "is not valid" if decoders else "is not supported"
        error = FetchError(f"Content-Encoding: {coding} declared but the body {reason} {coding} data "
                           f"({len(raw)} bytes); refusing to guess", url=exchange.final_url,
                           status=exchange.status, retryable=False)
        raise _Failure(error, exchange, retry=False)

    def _keep(self, exchange: _Exchange, raw: bytes, truncated: str | None, *, decoded: bytes | None = None) -> None:
        """Record the body on the exchange and archive it (object store + WARC record)."""
        body = raw if decoded is None else decoded
        exchange.body = body
        exchange.fetched_at = datetime.now(timezone.utc)
        if not raw:  # nothing received (304, empty body): nothing to archive
            exchange.sha256 = None
            return
        exchange.sha256 = sha256_hex(body)
        if self.archive is not None and exchange.status is not None:
            self.archive.put(body)
            self.archive.append_response(url=exchange.final_url, status=exchange.status, headers=exchange.headers,
                                         body=raw, fetched_at=exchange.fetched_at, run_id=self.run_id,
                                         truncated=truncated)

    def _judge(self, exchange: _Exchange, conditional: bool) -> _Exchange:
        """Turn a complete response into a result or a failure, by status and content."""
        status = exchange.status or 0
        url = exchange.final_url
        if status == 304:
            if conditional:
                exchange.body = None
                exchange.sha256 = None
                return exchange
            raise _Failure(FetchError("HTTP 304 to an unconditional request", url=url, status=status,
                                      retryable=False), exchange, retry=False)
        content_type = dict((k.lower(), v) for k, v in exchange.headers).get("content-type")
        body = exchange.body or b""
        try:
            exchange.text, exchange.encoding = decode_body(body, content_type)
        except Exception:  # no charset decodes it strictly: keep bytes, never garbled text
            exchange.text, exchange.encoding = None, None
        # Challenge pages are ASCII; an undecodable body is checked byte for byte.
        if is_challenge(status, exchange.text if exchange.text is not None else body.decode("latin-1")):
            raise _Failure(self._blocked_error(url, status), exchange, retry=False)
        if 200 <= status < 300:
            return exchange
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(dict((k.lower(), v) for k, v in exchange.headers).get("retry-after"))
            raise _Failure(FetchError(f"HTTP {status}", url=url, status=status), exchange, retry=True,
                           retry_after=retry_after)
        raise _Failure(FetchError(f"HTTP {status}", url=url, status=status, retryable=False), exchange, retry=False)

    def _blocked_error(self, url: str, status: int) -> BlockedError:
        if self.settings.browser:
            message = f"the portal blocked the fetch with a JavaScript challenge (HTTP {status})"
        else:
            message = (f"the portal blocked the fetch with a JavaScript challenge (HTTP {status}); "
                       "rerun with --browser to pass it with headless Chromium")
        return BlockedError(message, url=url, status=status)

    def _record(self, exchange: _Exchange, *, outcome: Outcome, attempts: int,
                error: BaseException | None = None, attempt_no: int | None = None,
                retried: tuple[FetchRecord, ...] = ()) -> FetchRecord:
        lowered = {k.lower(): v for k, v in exchange.headers}
        return FetchRecord(
            url=exchange.url,
            final_url=exchange.final_url,
            status=exchange.status,
            fetched_at=exchange.fetched_at if exchange.status is not None else datetime.now(timezone.utc),
            sha256=exchange.sha256,
            encoding=exchange.encoding,
            outcome=outcome,
            error=str(error) if error is not None else None,
            error_type=type(error).__name__ if error is not None else None,
            etag=lowered.get("etag"),
            last_modified=lowered.get("last-modified"),
            body_bytes=len(exchange.body or b""),
            attempts=attempts,
            headers=exchange.headers,
            attempt_no=attempts if attempt_no is None else attempt_no,
            retried=retried,
        )

    # -- browser path (issue 6) ------------------------------------------------------------------

    def _fetch_through_browser(self, url: str, etag: str | None, last_modified: str | None,
                               blocked: BlockedError) -> FetchResult:
        """Solve the challenge once per Fetcher, retry over HTTP with the clearance, then via the browser.

        ``record.attempts`` counts HTTP requests plus browser page loads of this page (not the solve);
        ``record.retried`` holds the blocked responses before the last one.
        """
        from briefings.fetching.browser import BrowserSolver

        attempts = _record_of(blocked).attempts
        earlier = _as_retried(_record_of(blocked))
        failed = _Exchange(url=url, final_url=url, status=blocked.status)
        try:
            with self._browser_lock:
                if self._solver is None:
                    self._solver = BrowserSolver(self.settings, self.limiter)
                if not self._cleared:
                    self._cleared = True  # solve at most once per run, even when solving fails
                    clearance = self._solver.solve(url)
                    self._apply_clearance(clearance.cookies, clearance.user_agent)
                    try:
                        result = self._fetch_http(url, etag, last_modified, attempts_before=attempts)
                        return replace(result, record=_after(earlier, result.record))
                    except BlockedError as again:
                        attempts = _record_of(again).attempts
                        earlier = earlier + _as_retried(_record_of(again))
            status, html = self._solver.fetch_html(url)
        except FetchError as exc:  # solve timed out or the browser failed: record it, as every failure
            outcome: Outcome = "blocked" if isinstance(exc, BlockedError) else "failed"
            if exc.record is None:
                _attach(exc, self._record(failed, outcome=outcome, attempts=attempts, error=exc, retried=earlier))
            else:
                _attach(exc, _after(earlier, exc.record))
            raise
        body = html.encode("utf-8")
        exchange = _Exchange(url=url, final_url=url, status=status,
                             headers=(("Content-Type", "text/html; charset=utf-8"),), body=body,
                             sha256=sha256_hex(body), text=html, encoding="utf-8")
        if self.archive is not None:
            self.archive.put(body)
            self.archive.append_response(url=url, status=status, headers=exchange.headers, body=body,
                                         fetched_at=exchange.fetched_at, run_id=self.run_id)
        attempts += 1
        if is_challenge(status, html) or not 200 <= status < 300:
            error = BlockedError(f"still blocked (HTTP {status}) after the browser's clearance and a browser "
                                 "fetch; giving up on this page", url=url, status=status)
            _attach(error, self._record(exchange, outcome="blocked", attempts=attempts, error=error, retried=earlier))
            raise error from blocked
        return FetchResult(record=self._record(exchange, outcome="ok", attempts=attempts, retried=earlier), body=body,
                           text=html)

    def _apply_clearance(self, cookies: Iterable[dict[str, Any]], user_agent: str) -> None:
        for cookie in cookies:
            self._client.cookies.set(cookie["name"], cookie["value"], domain=cookie.get("domain", ""),
                                     path=cookie.get("path", "/"))
        if user_agent:
            self._client.headers["User-Agent"] = user_agent


def _as_retried(record: FetchRecord) -> tuple[FetchRecord, ...]:
    """A request's responses, its last one included, as tries that were followed by another."""
    return (*record.retried, replace(record, outcome="retried", retried=()))


def _after(earlier: tuple[FetchRecord, ...], record: FetchRecord) -> FetchRecord:
    """``record`` with ``earlier`` tries of the same page before its own retried ones."""
    return replace(record, retried=earlier + record.retried)


def _with_total(tries: list[FetchRecord], total: int) -> tuple[FetchRecord, ...]:
    """The failed tries of a request that was tried again, each carrying the request's total ``attempts``."""
    return tuple(replace(r, attempts=total) for r in tries)


def _attach(error: FetchError, record: FetchRecord) -> None:
    """Put the FetchRecord of a failure on the error as ``error.record``."""
    error.record = record


def _record_of(error: FetchError) -> FetchRecord:
    """The FetchRecord on an error ``_fetch_http`` raised (it attaches one to every error)."""
    assert error.record is not None, "an error from _fetch_http carries its record"
    return error.record


def _raw_chunks(response: httpx.Response) -> Iterable[bytes]:
    """Body bytes as sent; a response built in memory (``httpx.MockTransport``) is already read."""
    if response.is_stream_consumed:
        yield response.content
        return
    yield from response.iter_raw()


def make_fetcher(settings: Settings, *, archive: RawArchive | None = None, run_id: str | None = None,
                 limiter: Any = None) -> Fetcher:
    """A Fetcher on the bundled snapshot, or on the network.

    Uses ``SnapshotTransport`` when ``settings.live`` is False and the snapshot holds a folder for
    the host of ``settings.source``; otherwise the network (httpx's default transport, HTTP/1.1).

    Raises:
        ConfigError: ``settings.source`` has no host.
    """
    host = urlsplit(settings.source).hostname
    if not host:
        raise ConfigError(f"source is not an absolute URL: {settings.source!r}")
    transport = SnapshotTransport(SNAPSHOT_SITE_DIR) if not settings.live and has_snapshot_host(host) else None
    return Fetcher(settings, transport=transport, archive=archive, run_id=run_id, limiter=limiter)

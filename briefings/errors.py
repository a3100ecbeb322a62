"""Typed errors of the briefings pipeline.

The tree::

    BriefingsError          base; carries .url where known
    ├── FetchError          no usable response: timeout, 5xx/429 after retries, truncated body, size cap
    │   ├── BlockedError    412/202 challenge page (script only); retrying won't help -> outcome `blocked`
    │   └── OffsiteError    redirect or link to a host not in the allowed list
    ├── ParseError          bytes in hand, not a briefing we recognise; carries sha256 and what was missing
    ├── LoadError           warehouse write rolled back; carries briefing_id
    │   ├── WarehouseLockedError  another process holds the DuckDB file's write lock
    │   └── MigrationError  applied file changed (checksum), gap in numbering, failed migration
    ├── QueryError          unknown named query, missing or bad parameter
    ├── ConfigError         bad settings or flags
    └── RunFailedError      a run finished with failed pages or failed error-severity checks

Pure code raises and never catches; each is raised ``from`` the httpx/duckdb cause where
there is one. Only ``briefings.cli`` turns errors into messages and exit codes.
"""

from __future__ import annotations

__all__ = [
    "BriefingsError",
    "FetchError",
    "BlockedError",
    "OffsiteError",
    "ParseError",
    "LoadError",
    "WarehouseLockedError",
    "MigrationError",
    "QueryError",
    "ConfigError",
    "RunFailedError",
]


class BriefingsError(Exception):
    """Base of every error this package raises on purpose.

    Args:
        message: what went wrong, for a person.
        url: the page concerned, where known.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return f"{self.message} ({self.url})" if self.url else self.message


class FetchError(BriefingsError):
    """No usable response: timeout, 5xx/429 after retries, truncated body, size cap.

    Attributes:
        status: HTTP status of the last response, or None when none arrived.
        retryable: whether trying again later may help (False for 4xx other than 429).
    """

    def __init__(
        self, message: str, *, url: str | None = None, status: int | None = None, retryable: bool = True
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retryable = retryable


class BlockedError(FetchError):
    """The server answered with a JavaScript challenge page (HTTP 412/202, body only script)."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message, url=url, status=status, retryable=False)


class OffsiteError(FetchError):
    """A redirect or link points to a host outside the allowed list."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message, url=url, status=status, retryable=False)


class ParseError(BriefingsError):
    """The page is not a briefing we recognise.

    Attributes:
        sha256: hex digest of the page body, where known.
        missing: what the parser looked for and did not find (e.g. "transcript block").
    """

    def __init__(
        self, message: str, *, url: str | None = None, sha256: str | None = None, missing: str | None = None
    ) -> None:
        super().__init__(message, url=url)
        self.sha256 = sha256
        self.missing = missing


class LoadError(BriefingsError):
    """A warehouse write failed and was rolled back.

    Attributes:
        briefing_id: the briefing whose transaction was rolled back, where known.
    """

    def __init__(self, message: str, *, url: str | None = None, briefing_id: str | None = None) -> None:
        super().__init__(message, url=url)
        self.briefing_id = briefing_id


class WarehouseLockedError(LoadError):
    """Another process holds the warehouse file; ``holder`` names it as DuckDB reported it."""

    def __init__(self, message: str, *, path: str, holder: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.holder = holder


class MigrationError(LoadError):
    """An applied migration file changed, the numbering has a gap, or a migration failed."""


class QueryError(BriefingsError):
    """Unknown named query, or a missing or malformed parameter."""


class ConfigError(BriefingsError):
    """Bad settings or command-line flags."""


class RunFailedError(BriefingsError):
    """A run finished, but a page failed or an ``error`` data-quality check failed.

    Raised at the end of a flow so that the flow run is marked Failed (and can be retried from
    the UI) after every good page was loaded. ``summary`` is the run summary as a dict
    (``RunSummary.as_dict()``).
    """

    def __init__(self, message: str, *, summary: dict | None = None) -> None:
        super().__init__(message)
        self.summary = summary or {}

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
    ├── QueryError          a named query or SQL failed in DuckDB
    │   └── QueryArgumentError  unknown named query; missing, unknown or malformed parameter; empty search
    ├── ConfigError         bad settings or flags
    ├── WarehouseUnreadableError  the warehouse file is damaged or not a DuckDB warehouse
    ├── OutputError         an output file or folder cannot be written (export DIR, report --out)
    └── RunFailedError      a run finished with failed pages or failed error-severity checks

    RunCancelled            (a BaseException, like KeyboardInterrupt) SIGTERM/SIGINT/SIGHUP arrived

Pure code raises and never catches; each is raised ``from`` the httpx/duckdb cause where
there is one. Only ``briefings.cli`` turns errors into messages and exit codes, through
:class:`ExitCode` and :func:`exit_code_for`, the one table of exit codes (the README shows the same).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # models imports nothing of ours; errors stays importable without it
    from briefings.models import FetchRecord

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
    "QueryArgumentError",
    "ConfigError",
    "WarehouseUnreadableError",
    "OutputError",
    "RunFailedError",
    "PagesFailedError",
    "ExitCode",
    "EXIT_CODE_MEANINGS",
    "exit_code_for",
    "RunCancelled",
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
        record: the FetchRecord of the failure; the Fetcher puts it on every error it raises (None before).
    """

    def __init__(
        self, message: str, *, url: str | None = None, status: int | None = None, retryable: bool = True
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retryable = retryable
        self.record: FetchRecord | None = None


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
    """A named query, ad hoc SQL or a search failed in DuckDB."""


class QueryArgumentError(QueryError):
    """The command line asks for something no query can answer: an unknown named query, a missing,
    unknown, repeated or malformed ``--param`` (not ``key=value``, not of the declared type), or empty
    search text. A usage error: exit code 2, like a bad flag."""


class ConfigError(BriefingsError):
    """Bad settings or command-line flags.

    Attributes:
        setting: the setting as the user gave it (``BRIEFINGS_MAX_ATTEMPTS``, ``--source``), where known.
        value: the bad value as given, where known.
        allowed: what would have been accepted, where known.
    """

    def __init__(self, message: str, *, setting: str | None = None, value: str | None = None,
                 allowed: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting
        self.value = value
        self.allowed = allowed


class WarehouseUnreadableError(BriefingsError):
    """The warehouse file exists but cannot be opened or read: damaged, or not a DuckDB database.

    Attributes:
        path: the file, as given (``--warehouse`` or ``BRIEFINGS_WAREHOUSE_PATH``).
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class OutputError(BriefingsError):
    """An output file or folder cannot be made or written (read-only folder, a file in the way, disk full).

    Attributes:
        path: the file or folder that could not be written.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class RunFailedError(BriefingsError):
    """A run finished, but a page failed or an ``error`` data-quality check failed.

    Raised at the end of a flow so that the flow run is marked Failed (and can be retried from
    the UI) after every good page was loaded. ``summary`` is the run summary as a dict
    (``RunSummary.as_dict()``).
    """

    def __init__(self, message: str, *, summary: dict | None = None) -> None:
        super().__init__(message)
        self.summary = summary or {}


class PagesFailedError(BriefingsError):
    """Some pages of a chunk task failed (the Dask path of ``flows.workers.PageTasks``).

    Raised at the end of the chunk, after every page of it was tried, so that the chunk's task run
    ends Failed and the UI's Retry runs it again. ``outcomes`` holds one entry per page of the
    chunk, in order: the page task's return value, or the exception that page raised.
    """

    def __init__(self, message: str, *, outcomes: list | None = None) -> None:
        super().__init__(message)
        self.outcomes = outcomes or []


class ExitCode(IntEnum):
    """Exit codes of every ``briefings`` command: the one table (README, "Exit codes", shows the same).

    Click's own usage errors (an unknown flag, a missing argument) exit 2 as :attr:`USAGE` does.
    """

    OK = 0
    FAILED = 1
    USAGE = 2
    BLOCKED = 3
    LOCKED = 4
    QUERY_FAILED = 5
    PARSE_FAILED = 6
    WAREHOUSE_UNREADABLE = 7
    OUTPUT_UNWRITABLE = 8
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_CODE_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "ok",
    ExitCode.FAILED: "a page failed, or a data-quality check of severity error failed (the good pages are loaded)",
    ExitCode.USAGE: "bad flags, arguments or settings (a malformed `--param`, empty search text, an unknown query), "
                    "or no warehouse yet at the path (run `briefings collect` first)",
    ExitCode.BLOCKED: "the portal blocked the fetch (JavaScript challenge); try `--browser`",
    ExitCode.LOCKED: "the warehouse is locked by another process (the message names it)",
    ExitCode.QUERY_FAILED: "a named query, SQL statement or search failed in DuckDB",
    ExitCode.PARSE_FAILED: "a file could not be parsed (`briefings parse`), or `parse`/`extract` input is not text "
                           "or is larger than `BRIEFINGS_MAX_BODY_BYTES`",
    ExitCode.WAREHOUSE_UNREADABLE: "the warehouse file cannot be opened or read: damaged (cut short, a block that "
                                   "fails its checksum), or not a DuckDB warehouse (a SQLite file, say)",
    ExitCode.OUTPUT_UNWRITABLE: "a file or folder cannot be written: `export DIR`, `report --out`, the warehouse or "
                                "its folder, the data folder (`BRIEFINGS_DATA_DIR`); the message names it",
    ExitCode.INTERRUPTED: "interrupted by SIGINT (Ctrl-C); 128 + 2",
    ExitCode.TERMINATED: "terminated by SIGTERM; 128 + 15",
}

# most specific first: the first class that matches gives the code
_EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (QueryArgumentError, ExitCode.USAGE),
    (ConfigError, ExitCode.USAGE),
    (BlockedError, ExitCode.BLOCKED),
    (WarehouseLockedError, ExitCode.LOCKED),
    (QueryError, ExitCode.QUERY_FAILED),
    (ParseError, ExitCode.PARSE_FAILED),
    (WarehouseUnreadableError, ExitCode.WAREHOUSE_UNREADABLE),
    (OutputError, ExitCode.OUTPUT_UNWRITABLE),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
)


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code for an error that ends a command.

    Args:
        exc: the error (of this package's tree, or KeyboardInterrupt).
    Returns:
        The code of :data:`EXIT_CODE_MEANINGS`; :attr:`ExitCode.FAILED` for any other error
        (a failed run, a fetch or load error).
    """
    for kind, code in _EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return ExitCode.FAILED


class RunCancelled(BaseException):
    """A signal (SIGTERM, SIGINT, SIGHUP) asked the process to stop.

    A ``BaseException`` on purpose, like ``KeyboardInterrupt``: no ``except Exception`` on the way
    may swallow it, so every transaction in progress rolls back and every ``finally`` runs.

    Attributes:
        signum: the signal's number (``signal.SIGTERM`` = 15).
    """

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = int(signum)
        super().__init__(f"cancelled by {signal.Signals(self.signum).name}")

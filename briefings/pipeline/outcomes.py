"""The pipeline's value types: what a run found, staged, loaded and how each page ended.

The ground floor of ``briefings.pipeline``: plain frozen values (and ``RunSummary``, the run's tally),
no I/O, no warehouse. The steps (``briefings.pipeline.steps``), the flows, the CLI and the
warehouse's run records all speak in these.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from briefings.errors import BlockedError
from briefings.ids import briefing_id_for
from briefings.models import FetchRecord, ListEntry

__all__ = [
    "BLOCKED_ADVICE",
    "PageOutcome",
    "Discovery",
    "RunSummary",
    "Staged",
    "BatchReport",
    "ArchivedPage",
    "failure_outcome",
    "content_type_of",
    "new_run_id",
    "absorb_batch",
]


# What a user can do when the portal answers with its JavaScript challenge.
BLOCKED_ADVICE = (
    "The portal blocked the fetch with a JavaScript challenge page (HTTP 412/202): nothing from those "
    "pages was loaded. Run again with --browser to solve the challenge in headless Chromium "
    "(pip install '.[browser]' and Debian's chromium), or collect from the bundled snapshot (without --live)."
)


@dataclass(frozen=True)
class Staged:
    """A parsed page waiting in staging: its URL, staging key, body hash and list date (ISO or None)."""

    url: str
    key: str
    sha256: str
    list_date: str | None = None


@dataclass(frozen=True)
class PageOutcome:
    """What happened to one detail page in a run.

    Attributes:
        url: the page.
        status: ``loaded`` (new or changed), ``unchanged``, ``skipped`` (watermark: already loaded),
            ``failed`` (fetch, parse or load error) or ``blocked`` (challenge page).
        stage: where it ended: ``discover``, ``fetch``, ``parse`` or ``load``.
        briefing_id: where known.
        error_type, error: the error's class name and message, for failures.
        turns, mentions: rows loaded for it (0 when not loaded).
        suspect_labels: heads in its transcript that open like a speaker label but were not read
            as one (``ParsedBriefing.suspect_labels``; 0 when not loaded).
    """

    url: str
    status: str
    stage: str
    briefing_id: str | None = None
    error_type: str | None = None
    error: str | None = None
    turns: int = 0
    mentions: int = 0
    suspect_labels: int = 0


@dataclass
class RunSummary:
    """The result of a run, printed by the CLI and published as Prefect artifacts.

    Attributes:
        run_id: the run's id (the Prefect flow run id when run by Prefect).
        pages: one outcome per detail page discovered (and per failed list page).
        totals: rows per mart table after the run.
        checks: data-quality results as dicts (check_name, severity, status, details).
        requests: HTTP requests made by this run (list and detail pages, retries included).
    """

    run_id: str
    pages: list[PageOutcome] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    checks: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0

    def count(self, status: str) -> int:
        """Pages whose outcome has ``status``."""
        return sum(1 for p in self.pages if p.status == status)

    @property
    def failed(self) -> list[PageOutcome]:
        """Pages that failed or were blocked."""
        return [p for p in self.pages if p.status in ("failed", "blocked")]

    @property
    def blocked(self) -> bool:
        """True when at least one page was blocked by a challenge."""
        return any(p.status == "blocked" for p in self.pages)

    @property
    def dq_errors(self) -> list[dict[str, str]]:
        """Failed checks of severity ``error``."""
        return [c for c in self.checks if c["status"] == "fail" and c["severity"] == "error"]

    def failure_message(self) -> str:
        """One line saying why the run failed ('' when it did not)."""
        parts = []
        if self.failed:
            parts.append(f"{len(self.failed)} page(s) failed or were blocked")
        if self.dq_errors:
            parts.append("data-quality checks failed: " + ", ".join(c["check_name"] for c in self.dq_errors))
        return "; ".join(parts)

    @property
    def ok(self) -> bool:
        """No page failed and no error-severity check failed."""
        return not self.failed and not self.dq_errors

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``runs.summary`` and ``--format json``)."""
        return {
            "run_id": self.run_id,
            "loaded": self.count("loaded"),
            "unchanged": self.count("unchanged"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "blocked": self.count("blocked"),
            "requests": self.requests,
            "totals": self.totals,
            "pages": [p.__dict__ for p in self.pages],
            "checks": self.checks,
        }


def new_run_id() -> str:
    """A fresh run id (UUID4 hex) for runs outside Prefect."""
    return uuid.uuid4().hex


def content_type_of(record: FetchRecord) -> str | None:
    """The Content-Type header of a fetch record, None when absent."""
    for name, value in record.headers:
        if name.lower() == "content-type":
            return value
    return None


@dataclass(frozen=True)
class Discovery:
    """What discovery found.

    Attributes:
        entries: list entries whose title matches the series pattern, in list order, no duplicates.
        records: the FetchRecords of every list page request (failed ones included).
        failures: the list page that failed, if one did (pagination stops there; the entries of the
            pages read before it are kept).
    """

    entries: list[ListEntry]
    records: list[FetchRecord]
    failures: list[PageOutcome]


@dataclass(frozen=True)
class BatchReport:
    """What loading one staged batch did (the load task's small return value).

    Attributes:
        batch_no: the batch's number in its run (from 1).
        outcomes: one per staged page of the batch, in order (``loaded``, ``unchanged`` or ``failed``).
        requests: HTTP requests recorded with the batch (its fetch records' attempts).
        rows: rows the batch's briefings hold in the per-briefing tables after the load.
    """

    batch_no: int
    outcomes: list[PageOutcome]
    requests: int
    rows: int


def failure_outcome(url: str, stage: str, exc: BaseException) -> PageOutcome:
    """A PageOutcome for a page whose ``stage`` raised ``exc`` (blocked when it was a challenge)."""
    status = "blocked" if isinstance(exc, BlockedError) else "failed"
    briefing_id = None
    try:
        briefing_id = briefing_id_for(url)
    except ValueError:
        pass
    return PageOutcome(url, status, stage, briefing_id, type(exc).__name__, str(exc))


class ArchivedPage(NamedTuple):
    """A current briefing's page in the raw archive, as ``reparse`` needs it.

    Attributes:
        url: the page URL; sha256: the body's key in the raw archive (the current content_sha256);
        content_type: the Content-Type of the fetch that brought the body (for its charset);
        list_date: ISO date beside the link on the list page, or None;
        parser_version: the parser version the briefing's rows were made by;
        turns, mentions: rows the warehouse holds for it (turns, indicators).
    """

    url: str
    sha256: str
    content_type: str | None
    list_date: str | None
    parser_version: str | None = None
    turns: int = 0
    mentions: int = 0


def absorb_batch(summary: RunSummary, report: BatchReport) -> None:
    """Add a loaded batch's page outcomes and requests to the run summary."""
    summary.pages += report.outcomes
    summary.requests += report.requests

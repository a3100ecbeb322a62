"""How a flow run reports its outcome: the artifacts shown on its page in the Prefect UI, its failed
pages in its log, and the ``RunFailedError`` that fails it (:func:`report_run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from briefings.errors import RunFailedError
from briefings.pipeline import BLOCKED_ADVICE, RunSummary
from briefings.settings import Settings

__all__ = ["failure_details", "publish_run_artifacts", "publish_report_artifact", "report_run", "summary_markdown"]

_MAX_LISTED = 20  # failed pages named in a failure message (the briefings-pages artifact has all)


def summary_markdown(summary: RunSummary, notes: Sequence[str] = ()) -> str:
    """The run summary as Markdown: ``notes`` (e.g. the browser mode), counts per outcome, table totals,
    data-quality results."""
    lines = [
        f"## Run {summary.run_id}",
        "",
        *[f"**{note}**" for note in notes],
        *([""] if notes else []),
        "| loaded | unchanged | skipped | failed | blocked | requests |",
        "|---|---|---|---|---|---|",
        f"| {summary.count('loaded')} | {summary.count('unchanged')} | {summary.count('skipped')} "
        f"| {summary.count('failed')} | {summary.count('blocked')} | {summary.requests} |",
        "",
        "| table | rows |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in summary.totals.items()],
        "",
        "| check | severity | status | details |",
        "|---|---|---|---|",
        *[f"| {c['check_name']} | {c['severity']} | {c['status']} | {c['details']} |" for c in summary.checks],
    ]
    return "\n".join(lines)


def publish_run_artifacts(summary: RunSummary, notes: Sequence[str] = ()) -> None:
    """Create the ``briefings-pages`` table and ``briefings-summary`` markdown artifacts (``notes`` on top)."""
    create_table_artifact(
        key="briefings-pages",
        table=[
            {
                "url": p.url,
                "status": p.status,
                "stage": p.stage,
                "briefing_id": p.briefing_id or "",
                "turns": p.turns,
                "mentions": p.mentions,
                "suspect_labels": p.suspect_labels,  # label-like heads not read as speakers (issue 22)
                "error": f"{p.error_type}: {p.error}" if p.error_type else "",
            }
            for p in summary.pages
        ]
        or [{"url": "", "status": "no pages", "stage": "", "briefing_id": "", "turns": 0, "mentions": 0, "suspect_labels": 0,
            "error": ""}],
        description="Briefings loaded, unchanged, skipped and failed in this run, with reasons.",
    )
    create_markdown_artifact(
        key="briefings-summary",
        markdown=summary_markdown(summary, notes),
        description="Counts, table totals and data-quality results of this run.",
    )


def failure_details(summary: RunSummary, notes: Sequence[str] = ()) -> str:
    """Why the run failed, naming what failed: the flow's error message, hence the flow run's state message
    and the alert's text.

    Args:
        summary: the failed run's summary.
        notes: sentences added when a page was blocked (the browser mode and why).
    Returns:
        ``summary.failure_message()``, then one line per failed or blocked page (at most 20, then how many
        more) and per failed error check.
    """
    lines = [summary.failure_message()]
    for page in summary.failed[:_MAX_LISTED]:
        error = f"{page.error_type}: {page.error}" if page.error_type else page.error or ""
        lines.append(f"- {page.status} at {page.stage}: {page.url}: {error[:200]}")
    if len(summary.failed) > _MAX_LISTED:
        lines.append(f"- … and {len(summary.failed) - _MAX_LISTED} more (artifact briefings-pages)")
    for c in summary.dq_errors:
        lines.append(f"- check {c['check_name']} ({c['severity']}) failed: {c['details']}")
    if summary.blocked:
        lines.extend(notes)
    return "\n".join(lines)


# briefings in the report artifact: it was every briefing of the warehouse, and at 10,000 the run's
# process grew by 2.4 GB building it (BENCHMARKS.md, issue 24)
REPORT_ARTIFACT_BRIEFINGS = 50


def publish_report_artifact(warehouse_path: Path) -> None:
    """Create the ``briefings-report`` markdown artifact: the same summary as ``briefings report``, for the
    newest ``REPORT_ARTIFACT_BRIEFINGS`` briefings of the warehouse (a last line counts the others).

    Reads the published read-only copy (refreshed by the run's check step), so it never waits for
    or blocks a writer.

    Raises:
        WarehouseLockedError, duckdb.Error: the read copy could not be opened or read.
    """
    from briefings.report import report_markdown
    from warehouse.connect import open_reader, read_copy_path

    con = open_reader(read_copy_path(warehouse_path))
    try:
        markdown = report_markdown(con, limit=REPORT_ARTIFACT_BRIEFINGS)
    finally:
        con.close()
    create_markdown_artifact(
        key="briefings-report",
        markdown=markdown,
        description="Per briefing: guests, turns per speaker, growth rates achieved and targeted (briefings report).",
    )


def report_run(settings: Settings, summary: RunSummary, notes: Sequence[str] = (),
               extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Publish the run's artifacts and log its failed pages; the summary as the flow returns it.

    Args:
        settings: the run's settings.
        summary: the checked run's summary.
        notes: lines for the artifacts and the failure message (the browser mode).
        extra: keys added to the returned summary and to ``RunFailedError.summary`` (``browser_mode``).
    Raises:
        RunFailedError: a page failed or was blocked, or an error-severity check failed.
    """
    publish_run_artifacts(summary, notes=notes)
    publish_report_artifact(settings.warehouse_path)
    logger = get_run_logger()
    for page in summary.failed:
        logger.error("%s %s at %s: %s: %s", page.status, page.url, page.stage, page.error_type, page.error)
    if summary.blocked and not settings.browser:
        logger.error(BLOCKED_ADVICE)
    result = summary.as_dict() | (extra or {})
    if not summary.ok:
        raise RunFailedError(failure_details(summary, notes=notes), summary=result)
    return result

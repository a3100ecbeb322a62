"""Run artifacts shown on a flow run's page in the Prefect UI."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from briefings.pipeline import RunSummary

__all__ = ["publish_run_artifacts", "publish_report_artifact", "summary_markdown"]


def summary_markdown(summary: RunSummary) -> str:
    """The run summary as Markdown: counts per outcome, table totals, data-quality results."""
    lines = [
        f"## Run {summary.run_id}",
        "",
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


def publish_run_artifacts(summary: RunSummary) -> None:
    """Create the ``briefings-pages`` table and ``briefings-summary`` markdown artifacts."""
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
                "error": f"{p.error_type}: {p.error}" if p.error_type else "",
            }
            for p in summary.pages
        ]
        or [{"url": "", "status": "no pages", "stage": "", "briefing_id": "", "turns": 0, "mentions": 0, "error": ""}],
        description="Briefings loaded, unchanged, skipped and failed in this run, with reasons.",
    )
    create_markdown_artifact(
        key="briefings-summary",
        markdown=summary_markdown(summary),
        description="Counts, table totals and data-quality results of this run.",
    )


def publish_report_artifact(warehouse_path: Path) -> None:
    """Create the ``briefings-report`` markdown artifact: the same summary as ``briefings report``.

    Reads the published read-only copy (refreshed by the run's check step), so it never waits for
    or blocks a writer.

    Raises:
        WarehouseLockedError, duckdb.Error: the read copy could not be opened or read.
    """
    from briefings.report import report_markdown
    from warehouse.connect import open_reader, read_copy_path

    con = open_reader(read_copy_path(warehouse_path))
    try:
        markdown = report_markdown(con)
    finally:
        con.close()
    create_markdown_artifact(
        key="briefings-report",
        markdown=markdown,
        description="Per briefing: guests, turns per speaker, growth rates achieved and targeted (briefings report).",
    )

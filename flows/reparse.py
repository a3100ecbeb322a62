"""The ``reparse`` flow: rebuild every parsed table from the raw archive, with no network.

archived pages -> (skip the current ones) -> parse (per page) -> load (per batch) -> check. Used
after a parser change: rows made by an older ``parser_version`` are replaced; a page whose stored
parser version is this code's is skipped before it is parsed, so a reparse with nothing to do
is one lookup per page.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from briefings.errors import RunFailedError
from briefings.pipeline import (
    ArchivedPage,
    RunSummary,
    archived_pages,
    current_or_stale,
    new_run_id,
    write_manifest,
)
from briefings.progress import progress_group
from briefings.settings import Settings
from flows.artifacts import failure_details, publish_report_artifact, publish_run_artifacts
from flows.common import RESULTS_DIR, RunStep, absorb_load, recorded_run, staged_pages
from flows.workers import PageTasks, chunk_pages, task_runner
from tasks.checks import check
from tasks.load import load


@task(name="archived-pages", persist_result=True)
def list_archived(settings: Settings) -> list[ArchivedPage]:
    """Every current briefing's archived page (url, sha256, content type, list date, parser version ...)."""
    return archived_pages(settings)


@flow(name="reparse", persist_result=True, result_storage=RESULTS_DIR)
def reparse(warehouse: str | None = None, workers: int | None = None, dask_address: str | None = None,
            full: bool = False) -> dict[str, Any]:
    """Re-parse every archived briefing page whose rows an older parser made, and load the result.

    Reads no network. ``workers`` / ``dask_address``: where the parse tasks run, as for ``collect``
    (``flows.workers``). ``full``: parse every page again, also those already current (a backfill).

    Returns:
        The run summary (``RunSummary.as_dict()``).
    Raises:
        RunFailedError: a page failed to parse or load, or an error-severity check failed.
    """
    settings = Settings.from_env(warehouse_path=warehouse, workers=workers, dask_address=dask_address or None,
                                 full=full)
    run_id = flow_run.id or new_run_id()
    started_at = datetime.now(timezone.utc)
    with recorded_run(settings, run_id, "reparse", started_at) as run:
        return _reparse_steps(settings, run_id, started_at, run)


def _reparse_steps(settings: Settings, run_id: str, started_at: datetime, run: RunStep) -> dict[str, Any]:
    """The reparse flow's steps (see ``reparse``); ``run.step`` says which one is running."""
    run.step = "parse"
    pages = list_archived(settings)
    summary = run.summary = RunSummary(run_id=run_id)
    current, stale = current_or_stale(pages, settings.full)
    summary.pages += current
    size = max(1, settings.load_batch_size)
    pending = None
    rows = 0
    with task_runner(settings) as runner, progress_group(
            [("reparse", len(pages), "pages"), ("load", len(stale), "briefings")]) as bars:
        if current:
            bars["reparse"].advance(len(current), note=f"{len(current)} already current")
        for batch_no, start in enumerate(range(0, len(stale), size), start=1):
            batch = stale[start:start + size]
            parses = PageTasks(runner, "parse", {"settings": settings}, chunk_pages(settings, len(batch)))
            for page in batch:
                parses.add(page, url=page.url, sha256=page.sha256, content_type=page.content_type)
            staged = staged_pages(parses, summary, bars["reparse"], bars["load"], lambda page: page.list_date)
            manifest = write_manifest(settings, run_id, batch_no, staged, [])
            if pending is not None:
                rows = absorb_load(summary, pending.result(), bars["load"], rows)
            pending = load.submit(settings, run_id, str(manifest))
        run.step = "load"
        if pending is not None:
            rows = absorb_load(summary, pending.result(), bars["load"], rows)
    get_run_logger().info("reparsed %d of %d archived pages (%d already current)", len(stale), len(pages),
                          len(current))
    run.step = "check"
    summary = check(settings, summary, "reparse", started_at)
    publish_run_artifacts(summary)
    publish_report_artifact(settings.warehouse_path)
    if not summary.ok:
        raise RunFailedError(failure_details(summary), summary=summary.as_dict())
    return summary.as_dict()


__all__ = ["reparse"]

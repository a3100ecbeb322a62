"""The ``collect`` flow: discover -> fetch (per page) -> parse (per page) -> load (per batch) -> check.

Pages go through in batches of ``BRIEFINGS_LOAD_BATCH_SIZE``: a batch's pages are fetched and
parsed by concurrent tasks (one per page; on Dask, one per chunk of pages: ``flows.workers``),
listed in a run manifest (a small JSON file) and loaded by one task
that gets only the manifest's path, while the next batch is fetched. The run never holds all its
pages, rows or fetch records at once.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timezone
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from briefings.doctor import resolve_browser
from briefings.errors import RunFailedError
from briefings.ids import briefing_id_for
from briefings.pipeline import (
    BLOCKED_ADVICE,
    PageOutcome,
    RunSummary,
    close_fetchers,
    content_type_of,
    failure_outcome,
    new_run_id,
    write_manifest,
)
from briefings.progress import progress_group
from briefings.settings import Settings
from flows.artifacts import failure_details, publish_report_artifact, publish_run_artifacts
from flows.common import RESULTS_DIR, RunStep, absorb_load, recorded_run, staged_pages
from flows.workers import PageTasks, chunk_pages, task_runner
from tasks.checks import check
from tasks.discover import discover, read_incremental_state
from tasks.load import load

@flow(name="collect", persist_result=True, result_storage=RESULTS_DIR, validate_parameters=True)
def collect(
    source: str | None = None,
    warehouse: str | None = None,
    full: bool = False,
    browser: Literal["auto"] | bool = False,
    live: bool = False,
    series_pattern: str | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Collect the series' briefings from the portal (or the bundled snapshot) into the warehouse.

    Parameters mirror ``briefings collect``: ``source`` (first list page URL), ``warehouse`` (DuckDB
    file), ``full`` (backfill: ignore the watermark), ``browser`` (solve challenges with Chromium;
    ``"auto"``: when Chromium and Playwright are present, and the summary says which),
    ``live`` (network instead of the snapshot), ``series_pattern`` (regex on list titles),
    ``workers`` (Dask worker processes for fetch and parse; 1 = in this process, no Dask),
    ``dask_address`` (an existing Dask scheduler, ``tcp://HOST:8786``; see ``flows.workers``).

    Returns:
        The run summary (``RunSummary.as_dict()``) plus ``browser_mode``, the sentence saying whether
        the browser was used and why.
    Raises:
        RunFailedError: a page failed or was blocked, or an error-severity check failed; every good
            page was loaded first, and the summary is on ``exc.summary``.
    """
    use_browser, browser_mode = resolve_browser(browser, Settings.from_env())
    settings = Settings.from_env(
        source=source, warehouse_path=warehouse, full=full, browser=use_browser, live=live,
        series_pattern=series_pattern, workers=workers, dask_address=dask_address or None,
    )
    run_id = flow_run.id or new_run_id()
    started_at = datetime.now(timezone.utc)
    logger = get_run_logger()
    if browser == "auto" and not use_browser:
        logger.warning(browser_mode)
    else:
        logger.info(browser_mode)
    with recorded_run(settings, run_id, "collect", started_at) as run:
        return _collect_steps(settings, run_id, started_at, run, browser_mode)


def _collect_steps(settings: Settings, run_id: str, started_at: datetime, run: RunStep,
                   browser_mode: str) -> dict[str, Any]:
    """The collect flow's steps (see ``collect``); ``run.step`` says which one is running."""
    logger = get_run_logger()

    run.step = "discover"
    watermarks, validators = read_incremental_state(settings)
    summary = run.summary = RunSummary(run_id=run_id)
    stack = ExitStack()
    try:
        found = discover(settings, run_id, validators)
        summary.pages += found.failures
        records = list(found.records)
        todo = []
        for entry in found.entries:
            if not settings.full and entry.url in watermarks:
                summary.pages.append(PageOutcome(entry.url, "skipped", "discover", briefing_id_for(entry.url)))
            else:
                todo.append(entry)
        del watermarks
        logger.info("discovered %d series pages, %d to fetch", len(found.entries), len(todo))

        run.step = "fetch"
        runner = stack.enter_context(task_runner(settings))
        size = max(1, settings.load_batch_size)
        pending = None  # the previous batch's load, running while this batch is fetched
        rows = 0
        phases = [("fetch", len(todo), "pages"), ("parse", len(todo), "pages"), ("load", len(todo), "briefings")]
        with progress_group(phases, announce=False) as bars:
            for batch_no, start in enumerate(range(0, max(len(todo), 1), size), start=1):
                run.step = "fetch"
                bars["fetch"].begin()
                batch = todo[start:start + size]
                chunk = chunk_pages(settings, len(batch))
                fetches = PageTasks(runner, "fetch", {"settings": settings, "run_id": run_id}, chunk)
                for entry in batch:
                    fetches.add(entry, url=entry.url)
                parses = PageTasks(runner, "parse", {"settings": settings}, chunk)
                for entry, outcome in fetches.outcomes():
                    bars["fetch"].advance()
                    if isinstance(outcome, BaseException):
                        if getattr(outcome, "record", None) is not None:
                            records.append(outcome.record)
                        summary.pages.append(failure_outcome(entry.url, "fetch", outcome))
                        for step in ("parse", "load"):
                            bars[step].set_total(bars[step].total - 1)
                        continue
                    records.append(outcome)
                    parses.add(entry, url=entry.url, sha256=outcome.sha256, content_type=content_type_of(outcome))
                run.step = "parse"
                bars["parse"].begin()
                staged = staged_pages(parses, summary, bars["parse"], bars["load"],
                                      lambda entry: entry.list_date.isoformat() if entry.list_date else None)
                manifest = write_manifest(settings, run_id, batch_no, staged, records)
                records = []
                if pending is not None:
                    run.step = "load"
                    bars["load"].begin()
                    rows = absorb_load(summary, pending.result(), bars["load"], rows)
                pending = load.submit(settings, run_id, str(manifest))
            run.step = "load"
            bars["load"].begin()
            if pending is not None:
                rows = absorb_load(summary, pending.result(), bars["load"], rows)
    finally:
        stack.close()  # shuts the Dask cluster down, if one was started
        close_fetchers()

    run.step = "check"
    summary = check(settings, summary, "collect", started_at)
    publish_run_artifacts(summary, notes=[browser_mode])
    publish_report_artifact(settings.warehouse_path)
    for page in summary.failed:
        logger.error("%s %s at %s: %s: %s", page.status, page.url, page.stage, page.error_type, page.error)
    if summary.blocked and not settings.browser:
        logger.error(BLOCKED_ADVICE)
    result = summary.as_dict() | {"browser_mode": browser_mode}
    if not summary.ok:
        raise RunFailedError(failure_details(summary, notes=[browser_mode]), summary=result)
    return result


__all__ = ["collect"]

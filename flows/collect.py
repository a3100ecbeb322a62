"""The ``collect`` flow: discover -> fetch (per page) -> parse (per page) -> load -> check."""

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
    Staged,
    close_fetchers,
    content_type_of,
    failure_outcome,
    new_run_id,
)
from briefings.progress import progress
from briefings.settings import Settings
from flows.artifacts import failure_details, publish_report_artifact, publish_run_artifacts
from flows.common import RESULTS_DIR, RunStep, recorded_run, task_exception
from flows.workers import submit, task_runner
from tasks.checks import check
from tasks.discover import discover, read_incremental_state
from tasks.fetch import fetch
from tasks.load import load
from tasks.parse import parse

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
    config = settings.as_config()
    logger = get_run_logger()

    run.step = "discover"
    watermarks, validators = read_incremental_state(config)
    outcomes: list[PageOutcome] = []
    records = []
    staged = []
    stack = ExitStack()
    try:
        found = discover(config, run_id, validators)
        records += found.records
        outcomes += found.failures
        entries = found.entries
        todo = []
        for entry in entries:
            if not settings.full and entry.url in watermarks:
                outcomes.append(PageOutcome(entry.url, "skipped", "discover", briefing_id_for(entry.url)))
            else:
                todo.append(entry)
        logger.info("discovered %d series pages, %d to fetch", len(entries), len(todo))

        run.step = "fetch"
        runner = stack.enter_context(task_runner(settings))
        fetched = [submit(runner, fetch, config=config, run_id=run_id, url=e.url) for e in todo]
        parsed = []
        with progress(len(todo), "fetch", unit="pages") as bar:
            for entry, future in zip(todo, fetched):
                error = task_exception(future)
                bar.advance()
                if error is not None:
                    if getattr(error, "record", None) is not None:
                        records.append(error.record)
                    outcomes.append(failure_outcome(entry.url, "fetch", error))
                    continue
                record = future.result()
                records.append(record)
                parsed.append((entry, submit(runner, parse, config=config, url=entry.url, sha256=record.sha256,
                                             content_type=content_type_of(record))))
        run.step = "parse"
        with progress(len(parsed), "parse", unit="pages") as bar:
            for entry, future in parsed:
                error = task_exception(future)
                bar.advance()
                if error is not None:
                    outcomes.append(failure_outcome(entry.url, "parse", error))
                    continue
                item = future.result()
                list_date = entry.list_date.isoformat() if entry.list_date else None
                staged.append(Staged(item.url, item.key, item.sha256, list_date))
    finally:
        stack.close()  # shuts the Dask cluster down, if one was started
        close_fetchers()

    run.step = "load"
    with progress(len(staged), "load", unit="pages") as bar:
        summary: RunSummary = load(config, run_id, staged, records, outcomes)
        bar.advance(len(staged))
    run.step = "check"
    summary = check(config, summary, "collect", started_at)
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

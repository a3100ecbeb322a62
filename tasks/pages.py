"""Task: one page task's work for a chunk of pages, in one task run (the Dask path).

On Dask every task run costs the flow's process and the worker a few hundred milliseconds of
Prefect bookkeeping (serialising the run context, an API client, state changes, the persisted
result), more than parsing a page takes. ``flows.workers.PageTasks`` therefore ships pages to Dask
workers in chunks: one ``pages`` task run calls the page task's function (``fetch`` or ``parse``)
for each page of its chunk, one after the other.
"""

from __future__ import annotations

from typing import Any

from prefect import task

from briefings.errors import PagesFailedError
from briefings.pipeline import context_for
from tasks.common import TASK_DEFAULTS
from tasks.fetch import fetch
from tasks.parse import parse
from tasks.politeness import host_limiter

__all__ = ["pages", "PAGE_TASKS"]

PAGE_TASKS: dict[str, Any] = {"fetch": fetch, "parse": parse}


@task(name="pages", task_run_name="{label}", **TASK_DEFAULTS)
def pages(step: str, common: dict[str, Any], calls: list[dict[str, Any]], label: str) -> list[Any]:
    """Run ``PAGE_TASKS[step]``'s function once per call, as ``fn(**common, **call)``.

    Args:
        step: ``fetch`` or ``parse``.
        common: the arguments every page shares (``settings``, ``run_id``).
        calls: the arguments of each page (``url``, ...).
        label: the task run's name in the UI (``fetch 25 pages from <first url>``).
    Returns:
        One result per call, in order (FetchRecord for fetch, Staged for parse).
    Raises:
        PagesFailedError: after every page was tried, when any page raised; ``outcomes`` holds each
            page's result or exception, so that the pages that worked are not lost, and the task
            run ends Failed, so that the UI's Retry runs the chunk again.
    """
    fn = PAGE_TASKS[step].fn
    outcomes: list[Any] = []
    settings = common["settings"]
    # one run context (fetcher, archive) for the chunk, closed when it ends: nothing stays open on the worker
    with context_for(settings, common["run_id"], writer=False, limiter=host_limiter(settings)):
        for call in calls:
            try:
                outcomes.append(fn(**common, **call))
            except Exception as exc:  # noqa: BLE001 - reported per page, as a failed page task would be
                outcomes.append(exc)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    if failed:
        raise PagesFailedError(f"{len(failed)} of {len(calls)} pages failed at {step}: {failed[0]}",
                               outcomes=outcomes)
    return outcomes

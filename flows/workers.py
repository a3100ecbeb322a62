"""Where the fetch and parse tasks run: in the flow's own process, or on a Dask cluster.

Either way the pages of a load batch go in chunks, one task run per chunk (``tasks.pages``), since a
task run's own cost (its state changes, events and persisted result: about 10 ms in the flow's process,
a few hundred on Dask) is close to or above a page's parse; a batch is cut into ``CHUNKS_PER_WORKER``
chunks per worker, so a batch of 1 to 4 pages still runs one task per page. One worker (the default)
submits the chunks to the flow's own thread pool, and no Dask is started. More workers, or a
scheduler address, run them on Dask through ``prefect_dask.DaskTaskRunner``: a ``LocalCluster`` of
``workers`` processes (one thread each: the parse is CPU-bound, and one fetch at a time per process
is what politeness allows anyway), or the cluster at ``dask_address``. The UI's Retry of a failed
run reruns the chunks that failed and skips the rest. The load and the checks stay in the flow's
process: DuckDB has one writer.

The workers report their task runs to the flow's Prefect API. In ephemeral mode that is a server
the flow's process started on 127.0.0.1; its URL is put into the settings the tasks are shipped
with, so that every worker (and its per-host rate limit, ``tasks.politeness``) talks to that one
server rather than starting its own. A cluster on other machines needs a Prefect server that they
can reach (``PREFECT_API_URL``), see the README.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from briefings.errors import PagesFailedError
from briefings.settings import Settings

__all__ = ["task_runner", "uses_dask", "PageTasks", "chunk_pages", "quiet_distributed", "CHUNKS_PER_WORKER"]

CHUNKS_PER_WORKER = 4  # chunks of a load batch per Dask worker: small enough to balance, large enough to amortise


def uses_dask(settings: Settings) -> bool:
    """True when the tasks run on Dask: more than one worker, or a scheduler address."""
    return settings.workers > 1 or settings.dask_address is not None


@contextmanager
def task_runner(settings: Settings) -> Iterator[Any]:
    """The runner for the run's fetch and parse tasks, started for the block and shut down after it.

    Yields:
        None for one worker (submit with ``task.submit``, the flow's own runner), else a started
        ``DaskTaskRunner`` (its cluster starts on the first submit).
    """
    if not uses_dask(settings):
        yield None
        return
    quiet_distributed()
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect_dask import DaskTaskRunner

    api_url = str(get_client(sync_client=True).api_url).rstrip("/")
    if settings.dask_address is not None:
        runner = DaskTaskRunner(address=settings.dask_address)
    else:
        runner = DaskTaskRunner(
            cluster_kwargs={
                "n_workers": settings.workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
            }
        )
    with temporary_settings(updates={PREFECT_API_URL: api_url}), runner:
        yield runner


def quiet_distributed() -> None:
    """Keep Dask's own log records (``distributed.*``: ~30 INFO lines a run, a ``CommClosedError`` at
    shutdown) out of the output, in this process and in the worker processes it spawns.

    The level is ``DASK_LOGGING__DISTRIBUTED`` when set; else that of Prefect's records when it is
    higher than WARNING (the ``briefings`` command sets ``PREFECT_LOGGING_LEVEL=CRITICAL``: its
    summary says what happened); else WARNING. Spawned workers read the variable when they import
    ``distributed``; in this process the loggers are set here, after ``distributed`` set its own.
    """
    import logging

    prefect_level = os.environ.get("PREFECT_LOGGING_LEVEL", "").upper()
    default = prefect_level if prefect_level in ("ERROR", "CRITICAL") else "WARNING"
    level = os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", default.lower()).upper()
    import distributed  # noqa: F401  (sets its loggers' levels on import; ours come after)

    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name == "distributed" or name.startswith("distributed."):
            logging.getLogger(name).setLevel(level)


def chunk_pages(settings: Settings, batch_pages: int) -> int:
    """Pages per chunk task for a batch of ``batch_pages``: ``CHUNKS_PER_WORKER`` chunks per
    worker (``settings.workers``; 1 for a cluster at ``dask_address`` of unknown size), at least 1."""
    return max(1, math.ceil(batch_pages / (max(1, settings.workers) * CHUNKS_PER_WORKER)))


class PageTasks:
    """The page tasks of one step of a batch (``fetch`` or ``parse``), run where the settings say.

    ``add`` one page at a time; ``outcomes`` gives each page's result or exception, in the order
    added. Pages are gathered into chunks of ``chunk`` and each chunk is one ``tasks.pages`` task run,
    submitted when it is full (the last one by ``outcomes``): to the flow's own thread pool
    (``runner`` None) or to Dask.

    Args:
        runner: from :func:`task_runner`.
        step: ``fetch`` or ``parse`` (``tasks.pages.PAGE_TASKS``).
        common: arguments every page shares (``settings``, ``run_id``).
        chunk: pages per chunk task (:func:`chunk_pages`).
    """

    def __init__(self, runner: Any, step: str, common: dict[str, Any], chunk: int) -> None:
        self.runner, self.step, self.common, self.chunk = runner, step, common, max(1, chunk)
        self._submitted: list[tuple[list[Hashable], Any]] = []  # (keys, future) per task run
        self._keys: list[Any] = []
        self._calls: list[dict[str, Any]] = []

    def add(self, key: Any, **call: Any) -> None:
        """Queue the page ``key`` (returned with its outcome) with its own arguments ``call``."""
        self._keys.append(key)
        self._calls.append(call)
        if len(self._calls) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        if not self._calls:
            return
        from tasks.pages import pages

        first = self._calls[0].get("url", "")
        label = f"{self.step} {len(self._calls)} pages from {first}"
        if self.runner is None:
            future = pages.submit(step=self.step, common=self.common, calls=self._calls, label=label)
        else:
            future = self.runner.submit(pages, parameters={"step": self.step, "common": self.common,
                                                          "calls": self._calls, "label": label})
        self._submitted.append((self._keys, future))
        self._keys, self._calls = [], []

    def outcomes(self) -> Iterator[tuple[Any, Any]]:
        """Wait for each task run in turn; yields ``(key, result)`` or ``(key, exception)`` per page.

        A chunk that raised ``PagesFailedError`` gives each page its own outcome; a chunk that
        failed otherwise (its worker died on every try, say) gives its exception to all its pages.
        """
        from flows.common import task_exception

        self._flush()
        for keys, future in self._submitted:
            error = task_exception(future)
            if error is None:
                results = future.result()
            elif isinstance(error, PagesFailedError) and len(error.outcomes) == len(keys):
                results = error.outcomes
            else:
                results = [error] * len(keys)
            yield from zip(keys, results)
        self._submitted = []

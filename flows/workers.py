"""Where the fetch and parse tasks run: in the flow's own process, or on a Dask cluster.

One worker (the default) keeps the flow as it always ran: tasks are submitted to the flow's own
thread pool, and no Dask is started. More workers, or a scheduler address, run them on Dask through
``prefect_dask.DaskTaskRunner``: a ``LocalCluster`` of ``workers`` processes (one thread each: the
parse is CPU-bound, and one fetch at a time per process is what politeness allows anyway), or the
cluster at ``dask_address``. The load and the checks stay in the flow's process: DuckDB has one
writer.

The workers report their task runs to the flow's Prefect API. In ephemeral mode that is a server
the flow's process started on 127.0.0.1; its URL is put into the settings the tasks are shipped
with, so that every worker (and its per-host rate limit, ``tasks.politeness``) talks to that one
server rather than starting its own. A cluster on other machines needs a Prefect server that they
can reach (``PREFECT_API_URL``), see the README.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefings.settings import Settings

__all__ = ["task_runner", "submit", "uses_dask"]


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


def submit(runner: Any, task: Any, **parameters: Any) -> Any:
    """Submit ``task(**parameters)`` to ``runner`` (None: the flow's own runner); returns its future."""
    if runner is None:
        return task.submit(**parameters)
    return runner.submit(task, parameters=parameters)

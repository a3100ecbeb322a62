"""Where the flows' page steps run: Prefect tasks, on the flow's own thread pool or on Dask.

:class:`TaskSteps` is the flows' ``briefings.pipeline.driver.Steps``: the batch loop
(``run_batches``) asks it for a batch's fetch or parse calls (``flows.workers.PageTasks``) and
for a batch's load (the ``load`` task, in the flow's process: DuckDB has one writer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from briefings.settings import Settings
from flows.workers import PageTasks, chunk_pages, task_runner
from tasks.load import load

__all__ = ["TaskSteps", "task_steps"]


class TaskSteps:
    """Where the flows' page steps run (``briefings.pipeline.driver.Steps``): Prefect tasks, on the
    flow's thread pool or on Dask (``flows.workers``), and the load as a task in the flow's process."""

    def __init__(self, runner: Any, settings: Settings, run_id: str) -> None:
        self.runner, self.settings, self.run_id = runner, settings, run_id

    def pages(self, step: str, n: int) -> Any:
        return PageTasks(self.runner, step, {"settings": self.settings, "run_id": self.run_id},
                         chunk_pages(self.settings, n))

    def load(self, manifest: Path) -> Any:
        return load.submit(self.settings, self.run_id, str(manifest))


@contextmanager
def task_steps(settings: Settings, run_id: str) -> Iterator[TaskSteps]:
    """The run's :class:`TaskSteps`, with its Dask cluster (if any) started for the block and shut down after."""
    with task_runner(settings) as runner:
        yield TaskSteps(runner, settings, run_id)

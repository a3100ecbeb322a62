"""The run context: what one process needs to do its part of a run, built once from the run's settings.

A :class:`RunContext` holds the run's ``Settings`` (as they are), its id, the raw archive, the
fetcher (one HTTP client and politeness clock) and, in the process that writes the warehouse,
the run's one writer connection. It is made once per process and run by :func:`run_context`
and closed when that block ends: the flow's process (or a plain run) opens it around the whole
run; a Dask worker opens one, without a writer, around each chunk of pages it is given
(``tasks.pages``), so nothing is left open on a worker between chunks or after the run.

Tasks receive the settings and the run id (small, picklable, hashable for Prefect's cache key),
never the context itself: :func:`context_for` finds the context the flow opened (Prefect's thread
pool copies the flow's ``contextvars`` into each task), or opens one just for the call. No
module-global cache: the context lives in a ``ContextVar`` for as long as its block runs.

The writer is one DuckDB database opened (locked, migrated) once for the run; each step works on
its own cursor (``con.cursor()``: a connection of its own to that database, its own transaction),
so a load running in a task thread and the run's record written by the flow never share one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefings.settings import Settings

if TYPE_CHECKING:
    import duckdb

    from briefings.fetching.archive import RawArchive
    from briefings.fetching.client import Fetcher

__all__ = ["RunContext", "run_context", "context_for", "current_context"]


@dataclass(frozen=True)
class RunContext:
    """One process's share of a run (see the module docstring).

    Attributes:
        settings: the run's settings, as the command or flow made them.
        run_id: the run's id (the Prefect flow run id when run by Prefect).
        archive: the raw archive below ``settings.raw_dir``.
        fetcher: the run's fetcher in this process (``briefings.fetching.client.Fetcher``).
        writer: the run's one warehouse connection (``warehouse.connect.open_writer``); None in a
            process that does not write (a Dask worker). Use :meth:`cursor`.
    """

    settings: Settings
    run_id: str
    archive: RawArchive
    fetcher: Fetcher
    writer: duckdb.DuckDBPyConnection | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the run's warehouse (close it after use).

        Raises:
            RuntimeError: this context has no writer (a Dask worker's).
        """
        if self.writer is None:
            raise RuntimeError(f"run {self.run_id}: this process does not write the warehouse")
        return self.writer.cursor()

    def close(self) -> None:
        """Close the fetcher and the writer (end of the run in this process)."""
        try:
            self.fetcher.close()
        finally:
            if self.writer is not None:
                self.writer.close()


_CURRENT: ContextVar[RunContext | None] = ContextVar("briefings_run_context", default=None)


def _open(settings: Settings, run_id: str, *, writer: bool, limiter: Any) -> RunContext:
    from briefings.fetching.archive import RawArchive
    from briefings.fetching.client import make_fetcher

    archive = RawArchive(settings.raw_dir)
    fetcher = make_fetcher(settings, archive=archive, run_id=run_id, limiter=limiter)
    con = None
    if writer:
        from warehouse.connect import open_writer

        try:
            con = open_writer(settings)
        except BaseException:
            fetcher.close()
            raise
    return RunContext(settings, run_id, archive, fetcher, con)


def _say(line: str) -> None:
    """A line beside the progress lines, on stderr (a run waiting for another)."""
    print(line, file=sys.stderr, flush=True)


@contextmanager
def run_context(settings: Settings, run_id: str, *, writer: bool = True, limiter: Any = None,
                flow: str = "run") -> Iterator[RunContext]:
    """Open the run's context for the block, make it this thread's current one, close it after.

    With ``writer``, the block first takes the warehouse's run lock (``warehouse.run_lock``: one
    run at a time per warehouse, waiting up to ``settings.lock_wait_s`` and saying so on stderr),
    so a second run never discovers or fetches while another runs.

    Args:
        settings: the run's settings.
        run_id: the run's id.
        writer: take the run lock and open the warehouse for writing (once, for the whole block);
            False on a Dask worker.
        limiter: spaces the requests to one host across processes (``tasks.politeness``); None ->
            this process's own clock.
        flow: ``collect`` or ``reparse``, written into the run lock for a waiting run to name.
    Raises:
        WarehouseLockedError: ``writer`` and another run (named) or process held the warehouse past
            ``settings.lock_wait_s``.
        ConfigError: ``settings.source`` has no host.
    """
    with ExitStack() as stack:
        if writer:
            from warehouse.run_lock import run_lock

            stack.enter_context(run_lock(settings.warehouse_path, run_id, flow, wait_s=settings.lock_wait_s,
                                         on_wait=_say))
        context = _open(settings, run_id, writer=writer, limiter=limiter)
        token = _CURRENT.set(context)
        try:
            yield context
        finally:
            _CURRENT.reset(token)
            context.close()


def current_context() -> RunContext | None:
    """The context of the run this thread works for, None outside a run."""
    return _CURRENT.get()


@contextmanager
def context_for(settings: Settings, run_id: str, *, writer: bool = True, limiter: Any = None
                ) -> Iterator[RunContext]:
    """The current context when it is this run's (same settings and id), else one opened for the block.

    A task calls this with the settings and run id it was given: in the flow's process it gets the
    flow's context (its fetcher, its writer); elsewhere (a Dask worker, a test calling the task's
    function) it gets a context of its own, closed when the block ends.
    """
    context = _CURRENT.get()
    if context is not None and context.run_id == run_id and context.settings == settings and (
            context.writer is not None or not writer):
        yield context
        return
    with run_context(settings, run_id, writer=writer, limiter=limiter) as own:
        yield own

"""What both flows share: where results persist, and how a task's outcome is read."""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect.exceptions import TerminationSignal

from briefings.errors import ConfigError, RunCancelled, RunFailedError
from briefings.pipeline import RunContext, RunSummary, begin_run, end_run
from briefings.settings import Settings, env_name

__all__ = ["RESULTS_DIR", "default_results_storage", "result_storage", "result_storage_slug", "task_exception",
           "with_result_storage", "RunStep", "recorded_run", "cancel_signal"]


def result_storage_slug(settings: Settings) -> str:
    """The Prefect block that holds a remote results location: ``remote-file-system/briefings-<hash>``."""
    digest = hashlib.sha256(str(settings.results_dir).encode()).hexdigest()[:12]
    return f"remote-file-system/briefings-{digest}"


def result_storage(settings: Settings) -> Any:
    """Where Prefect persists task and flow results: ``settings.results_dir``.

    Prefect keeps a remote result storage as a block on its server, so for a remote data URL
    (``s3://…``) this saves a ``RemoteFileSystem`` block on it (fsspec; credentials stay in the AWS
    variables) under :func:`result_storage_slug`, overwriting an older one. It needs the Prefect
    API (ephemeral or a server). Run ``python -m flows.common`` once where deployments run.

    Returns:
        The local folder as a ``Path``, or the saved ``RemoteFileSystem`` block, so that a worker
        on another machine and the UI's Retry read what a worker wrote.
    """
    root = settings.results_dir
    if isinstance(root, Path):
        return root
    from prefect.filesystems import RemoteFileSystem

    block = RemoteFileSystem(basepath=str(root))
    block.save(result_storage_slug(settings).split("/", 1)[1], overwrite=True)
    return block


def with_result_storage(flow: Any, settings: Settings) -> Any:
    """``flow`` with its results under ``settings.results_dir`` (the module default was read at import)."""
    return flow.with_options(result_storage=result_storage(settings))


def _default_storage(settings: Settings) -> Any:
    """The flows' default: the local folder, or the slug of the remote block (loaded when a run starts)."""
    return settings.results_dir if isinstance(settings.results_dir, Path) else result_storage_slug(settings)


def default_results_storage() -> Any:
    """Where the flows persist results unless told otherwise (``with_result_storage``): below
    ``BRIEFINGS_DATA_URL`` or ``BRIEFINGS_DATA_DIR``, else the default data folder.

    Read when ``flows.collect`` is imported (a deployment's worker runs the flows as decorated), so
    it reads those two variables only and never raises: a bad setting, of these or any other, is
    reported by the run, which validates all of them (``Settings.from_env``), not by the import.
    """
    data_dir, data_url = os.environ.get(env_name("data_dir")), os.environ.get(env_name("data_url"))
    try:
        settings = replace(Settings(), data_dir=Path(data_dir) if data_dir else Settings.data_dir,
                           data_url=data_url or None).normalised()
    except (ConfigError, TypeError, ValueError, OSError):
        settings = Settings().normalised()
    return _default_storage(settings)


# Task and flow results persist here, so the UI's Retry on a failed run skips completed tasks.
RESULTS_DIR = default_results_storage()


def task_exception(future: Any) -> BaseException | None:
    """Wait for ``future``; None when it completed, else the exception it ended with.

    A task that failed on Dask before Prefect's engine ran it (it could not be unpickled on the
    worker, its worker died on every try) leaves its task run Pending: the Dask error is returned.
    """
    future.wait()
    state = future.state
    if not state.is_final():
        try:
            future.result(raise_on_failure=False)
        except Exception as exc:  # noqa: BLE001 - the page's error, reported by the caller
            return exc
        state = future.state
    if state.is_completed():
        return None
    result = state.result(raise_on_failure=False)
    return result if isinstance(result, BaseException) else RuntimeError(str(state.message))


if __name__ == "__main__":  # save the remote result storage block for deployments (see README)
    _settings = Settings.from_env()
    _storage = result_storage(_settings)
    print(_storage if isinstance(_storage, Path) else f"saved {result_storage_slug(_settings)} -> {_settings.results_dir}")


def cancel_signal(exc: BaseException) -> int | None:
    """The signal that cancelled the run, when ``exc`` is a cancellation (None for an error).

    Prefect raises ``TerminationSignal`` for SIGTERM while a flow runs; ``briefings.lifetime``'s
    handlers raise ``RunCancelled``; a bare SIGINT is ``KeyboardInterrupt``.
    """
    if isinstance(exc, RunCancelled):
        return exc.signum
    if isinstance(exc, TerminationSignal):
        return int(exc.signal)
    if isinstance(exc, KeyboardInterrupt):
        return int(signal.SIGINT)
    return None


@dataclass
class RunStep:
    """The step a run is in (``discover``, ``fetch``, ``parse``, ``load``, ``check``), set by the flow,
    and its ``RunSummary`` so far: its pages are recorded if the run stops."""

    summary: RunSummary
    step: str = "start"
    requests: int = 0  # HTTP requests answered so far (retries included), which a cancelled run records

    def enter(self, step: str) -> None:
        """The run enters ``step``."""
        self.step = step

    def answered(self, attempts: int) -> None:
        """``attempts`` more HTTP requests of this run had an answer (or gave up)."""
        self.requests += attempts


@contextmanager
def recorded_run(context: RunContext, flow: str, started_at: datetime) -> Iterator[RunStep]:
    """The run's ``runs`` row around the flow's steps: ``running`` on entry, closed on the way out.

    ``check_run`` closes it ``succeeded`` or ``failed`` when the steps complete. If the block raises
    first, the row is closed here: ``cancelled`` for a signal, ``failed`` for an error, with the
    step it stopped in, the error, the briefings loaded so far and the pages it knew; then the
    exception goes on.

    Yields:
        The run's step and summary (``RunStep``), for the flow to fill in.
    """
    begin_run(context, flow, started_at)
    run = RunStep(RunSummary(run_id=context.run_id))
    try:
        yield run
    except BaseException as exc:
        signum = cancel_signal(exc)
        if isinstance(exc, RunFailedError):
            raise  # check_run recorded it
        details = {"stopped_in": run.step, "requests": run.requests, "error_type": type(exc).__name__,
                   "error": str(exc)}
        if signum is not None:
            details["signal"] = signal.Signals(signum).name
        status = "failed" if signum is None else "cancelled"
        try:
            end_run(context, status, details, pages=run.summary.pages)
        except Exception as record_error:  # noqa: BLE001  the row stays `running`, shown as crashed
            from prefect import get_run_logger

            get_run_logger().warning("could not record run %s as %s: %s", context.run_id, status, record_error)
        if signum is not None:
            from briefings.lifetime import run_cancelled

            run_cancelled(signum)  # the briefings command exits here, not waiting for task threads
        raise

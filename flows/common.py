"""What both flows share: where results persist, and how a task's outcome is read."""

from __future__ import annotations

from typing import Any

from briefings.settings import Settings

__all__ = ["RESULTS_DIR", "task_exception"]

# Task and flow results persist here, so the UI's Retry on a failed run skips completed tasks.
RESULTS_DIR = Settings.from_env().data_dir / "prefect-results"


def task_exception(future: Any) -> BaseException | None:
    """Wait for ``future``; None when it completed, else the exception it ended with."""
    future.wait()
    state = future.state
    if state.is_completed():
        return None
    result = state.result(raise_on_failure=False)
    return result if isinstance(result, BaseException) else RuntimeError(str(state.message))

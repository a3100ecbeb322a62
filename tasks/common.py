"""What every task shares: result persistence and the retry rule."""

from __future__ import annotations

from typing import Any

from briefings.errors import BlockedError, FetchError, OffsiteError

__all__ = ["retry_fetch_errors", "TASK_DEFAULTS"]


def retry_fetch_errors(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a failed task only for a retryable FetchError (not blocked, offsite, 4xx or parse errors)."""
    try:
        state.result()
    except (BlockedError, OffsiteError):
        return False
    except FetchError as exc:
        return exc.retryable
    except Exception:
        return False
    return False


# Results are persisted (under the flow's result storage) so that the UI's Retry on a failed flow
# run skips the tasks that completed; the default cache policy includes the run id, so a new
# scheduled run does all its work afresh.
TASK_DEFAULTS: dict[str, Any] = {"persist_result": True}

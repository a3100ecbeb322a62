"""What every task shares: result persistence."""

from __future__ import annotations

from typing import Any

__all__ = ["TASK_DEFAULTS"]

# Results are persisted (under the flow's result storage) so that the UI's Retry on a failed flow
# run skips the tasks that completed; the default cache policy includes the run id, so a new
# scheduled run does all its work afresh.
TASK_DEFAULTS: dict[str, Any] = {"persist_result": True}

"""Task: fetch one detail page into the raw archive."""

from __future__ import annotations

from typing import Any

from prefect import task

from briefings.models import FetchRecord
from briefings.pipeline import fetch_detail
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS, retry_fetch_errors


@task(
    name="fetch",
    retries=1,
    retry_delay_seconds=5,
    retry_condition_fn=retry_fetch_errors,
    task_run_name="fetch {url}",
    **TASK_DEFAULTS,
)
def fetch(config: dict[str, Any], run_id: str, url: str) -> FetchRecord:
    """The page's FetchRecord (body in the archive under record.sha256).

    Raises:
        FetchError: as ``Fetcher.fetch``; the record of the failure is on ``exc.record``.
    """
    return fetch_detail(Settings.from_config(config), run_id, url)

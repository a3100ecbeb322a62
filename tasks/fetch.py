"""Task: fetch one detail page into the raw archive."""

from __future__ import annotations


from prefect import task

from briefings.models import FetchRecord
from briefings.pipeline import context_for, fetch_detail
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS
from tasks.politeness import host_limiter


@task(name="fetch", task_run_name="fetch {url}", **TASK_DEFAULTS)
def fetch(settings: Settings, run_id: str, url: str) -> FetchRecord:
    """The page's FetchRecord (body in the archive under record.sha256).

    No Prefect retries: the fetcher already retries each request with backoff, within the
    politeness limits (``BRIEFINGS_MAX_ATTEMPTS`` tries in all). A page that still fails is
    reported; the UI's Retry on the failed flow run fetches it again. On Dask workers the per-host
    interval is held by Prefect's server (``tasks.politeness``), across every worker.

    Raises:
        FetchError: as ``Fetcher.fetch``; the record of the failure is on ``exc.record``.
    """
    with context_for(settings, run_id, writer=False, limiter=host_limiter(settings)) as context:
        return fetch_detail(context, url)

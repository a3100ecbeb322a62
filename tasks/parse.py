"""Task: parse one archived page into staging."""

from __future__ import annotations


from prefect import task

from briefings.pipeline import Staged, context_for, parse_archived
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS


@task(name="parse", task_run_name="parse {url}", **TASK_DEFAULTS)
def parse(settings: Settings, run_id: str, url: str, sha256: str | None, content_type: str | None) -> Staged:
    """The staged page (key = body sha256 + parser version); no retries: a ParseError is final."""
    with context_for(settings, run_id, writer=False) as context:
        return parse_archived(context, url, sha256, content_type)

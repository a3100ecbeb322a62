"""The ``reparse`` flow: rebuild every parsed table from the raw archive, with no network.

archived pages -> parse (per page) -> load -> check. Used after a parser change: rows made by an
older ``parser_version`` are replaced; rows of the same version and content stay as they are.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from briefings.errors import RunFailedError
from briefings.pipeline import PageOutcome, Staged, archived_pages, failure_outcome, new_run_id
from briefings.settings import Settings
from briefings.progress import progress
from flows.artifacts import failure_details, publish_report_artifact, publish_run_artifacts
from flows.common import RESULTS_DIR, RunStep, recorded_run, task_exception
from flows.workers import submit, task_runner
from tasks.checks import check
from tasks.load import load
from tasks.parse import parse


@task(name="archived-pages", persist_result=True)
def list_archived(config: dict[str, Any]) -> list[tuple[str, str, str | None, str | None]]:
    """(url, sha256, content_type, list_date) of every current briefing, from the warehouse."""
    return archived_pages(Settings.from_config(config))


@flow(name="reparse", persist_result=True, result_storage=RESULTS_DIR)
def reparse(warehouse: str | None = None, workers: int | None = None, dask_address: str | None = None) -> dict[str, Any]:
    """Re-parse every archived briefing page and load the result; reads no network.

    ``workers`` / ``dask_address``: where the parse tasks run, as for ``collect`` (``flows.workers``).

    Returns:
        The run summary (``RunSummary.as_dict()``).
    Raises:
        RunFailedError: a page failed to parse or load, or an error-severity check failed.
    """
    settings = Settings.from_env(warehouse_path=warehouse, workers=workers, dask_address=dask_address or None)
    run_id = flow_run.id or new_run_id()
    started_at = datetime.now(timezone.utc)
    with recorded_run(settings, run_id, "reparse", started_at) as run:
        return _reparse_steps(settings, run_id, started_at, run)


def _reparse_steps(settings: Settings, run_id: str, started_at: datetime, run: RunStep) -> dict[str, Any]:
    """The reparse flow's steps (see ``reparse``); ``run.step`` says which one is running."""
    config = settings.as_config()
    run.step = "parse"
    pages = list_archived(config)
    staged: list[Staged] = []
    outcomes: list[PageOutcome] = []
    with task_runner(settings) as runner:
        futures = [(p, submit(runner, parse, config=config, url=p[0], sha256=p[1], content_type=p[2])) for p in pages]
        with progress(len(futures), "reparse", unit="pages") as bar:
            for (url, _sha, _ct, list_date), future in futures:
                error = task_exception(future)
                bar.advance()
                if error is not None:
                    outcomes.append(failure_outcome(url, "parse", error))
                    continue
                item = future.result()
                staged.append(Staged(item.url, item.key, item.sha256, list_date))
    get_run_logger().info("reparsed %d of %d archived pages", len(staged), len(pages))
    run.step = "load"
    summary = load(config, run_id, staged, [], outcomes)
    run.step = "check"
    summary = check(config, summary, "reparse", started_at)
    publish_run_artifacts(summary)
    publish_report_artifact(settings.warehouse_path)
    if not summary.ok:
        raise RunFailedError(failure_details(summary), summary=summary.as_dict())
    return summary.as_dict()


__all__ = ["reparse"]

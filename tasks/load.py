"""Task: load one batch of staged pages (named by its run manifest) and its fetch records."""

from __future__ import annotations


from prefect import task

from briefings.pipeline import BatchReport, context_for, load_manifest
from briefings.settings import Settings
from tasks.common import TASK_DEFAULTS


@task(name="load", task_run_name="load {manifest}", **TASK_DEFAULTS)
def load(settings: Settings, run_id: str, manifest: str) -> BatchReport:
    """Load the batch the manifest lists in one transaction (see ``load_manifest``).

    Takes only the manifest's path (``write_manifest``), never the pages or fetch records, so its
    inputs stay small however large the run. Idempotent: loading a manifest again changes nothing.
    Writes through the run's one writer (the flow's run context).
    """
    with context_for(settings, run_id) as context:
        return load_manifest(context, manifest)

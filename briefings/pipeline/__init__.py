"""The collect and reparse pipelines as plain functions, with no Prefect in them.

Floors, from the ground up: ``outcomes`` (value types), ``context`` (the run context), ``steps``
(each step, taking the context), ``driver`` (the one batch loop, and the plain runs on it).

Each step is cut at an I/O boundary so that the Prefect tasks in ``tasks/`` wrap one call each
and the benchmark can run the very same pipeline without Prefect (:func:`collect_plain`).
Layers: *raw* (the archive of bodies + ``fetches``), *staging* (one JSON file per parsed page),
*mart* (the warehouse tables, loaded by ``warehouse.load``).
"""

from briefings.pipeline.context import RunContext, context_for, current_context, run_context
from briefings.pipeline.driver import (
    InlineSteps,
    Steps,
    collect_plain,
    entry_list_date,
    page_list_date,
    reparse_plain,
    run_batches,
    to_fetch,
)
from briefings.pipeline.outcomes import (
    BLOCKED_ADVICE,
    ArchivedPage,
    BatchReport,
    Discovery,
    PageOutcome,
    RunSummary,
    Staged,
    absorb_batch,
    content_type_of,
    failure_outcome,
    new_run_id,
)
from briefings.pipeline.steps import (
    archived_pages,
    begin_run,
    check_run,
    current_or_stale,
    discover_series,
    end_run,
    fetch_detail,
    load_manifest,
    load_staged,
    manifest_dir,
    parse_archived,
    read_state,
    write_manifest,
)

__all__ = [
    # ground floor: the value types
    "BLOCKED_ADVICE", "ArchivedPage", "BatchReport", "Discovery", "PageOutcome", "RunSummary", "Staged",
    "absorb_batch", "content_type_of", "failure_outcome", "new_run_id",
    # the run context
    "RunContext", "run_context", "context_for", "current_context",
    # the steps, each taking the context
    "read_state", "discover_series", "fetch_detail", "parse_archived", "load_staged", "manifest_dir",
    "write_manifest", "load_manifest", "check_run", "begin_run", "end_run", "archived_pages", "current_or_stale",
    # the one batch loop, and the plain runs on it
    "Steps", "InlineSteps", "run_batches", "to_fetch", "entry_list_date", "page_list_date", "collect_plain",
    "reparse_plain",
]

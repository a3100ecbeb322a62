"""The collect and reparse pipelines as plain functions, with no Prefect in them.

Each step is cut at an I/O boundary so that the Prefect tasks in ``tasks/`` wrap one call each
and the benchmark can run the very same pipeline without Prefect (:func:`collect_plain`).
Layers: *raw* (the archive of bodies + ``fetches``), *staging* (one JSON file per parsed page),
*mart* (the warehouse tables, loaded by ``warehouse.load``).
"""

from briefings.pipeline.outcomes import (
    ArchivedPage,
    BLOCKED_ADVICE,
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
    close_fetchers,
    collect_plain,
    current_or_stale,
    discover_series,
    end_run,
    fetch_detail,
    get_fetcher,
    load_manifest,
    load_run,
    load_staged,
    manifest_dir,
    parse_archived,
    read_state,
    reparse_plain,
    write_manifest,
)

__all__ = [
    "BLOCKED_ADVICE",
    "PageOutcome",
    "Discovery",
    "RunSummary",
    "Staged",
    "BatchReport",
    "ArchivedPage",
    "get_fetcher",
    "close_fetchers",
    "read_state",
    "discover_series",
    "fetch_detail",
    "parse_archived",
    "load_run",
    "load_staged",
    "write_manifest",
    "load_manifest",
    "manifest_dir",
    "current_or_stale",
    "reparse_plain",
    "absorb_batch",
    "check_run",
    "failure_outcome",
    "content_type_of",
    "collect_plain",
    "archived_pages",
    "new_run_id",
    "begin_run",
    "end_run",
]

"""The steps of the collect and reparse pipelines as plain functions, with no Prefect in them.

Each step takes the run's context (``briefings.pipeline.context``) and is cut at an I/O boundary,
so that the Prefect tasks in ``tasks/`` wrap one call each and the plain runs
(``briefings.pipeline.driver``) call the very same steps without Prefect.
Layers: *raw* (the archive of bodies + ``fetches``), *staging* (one JSON file per parsed page),
*mart* (the warehouse tables, loaded by ``warehouse.load``).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from briefings.errors import FetchError, LoadError, ParseError
from briefings.ids import briefing_id_for, sha256_hex
from briefings.models import FetchRecord
from briefings.pipeline.context import RunContext
from briefings.pipeline.outcomes import (
    ArchivedPage,
    BatchReport,
    Discovery,
    PageOutcome,
    RunSummary,
    Staged,
    failure_outcome,
)
from briefings.settings import Settings
from briefings.staging import dump_record, load_record, read_staged, staging_key, write_staged

__all__ = [
    "read_state",
    "discover_series",
    "fetch_detail",
    "parse_archived",
    "load_staged",
    "manifest_dir",
    "write_manifest",
    "load_manifest",
    "check_run",
    "begin_run",
    "end_run",
    "archived_pages",
    "current_or_stale",
]


def read_state(context: RunContext) -> tuple[dict[str, str], dict[str, tuple[str | None, str | None, str | None]]]:
    """Read the incremental state: watermarks and list-page validators, from the run's writer.

    Returns:
        (watermarks, validators): ``url -> content_sha256`` of every current briefing, and
        ``url -> (etag, last_modified, sha256)`` of each URL's last ``ok`` fetch
        (``warehouse.state.list_page_validators``).
    """
    from warehouse.load import loaded_watermarks
    from warehouse.state import list_page_validators

    con = context.cursor()
    try:
        return loaded_watermarks(con), list_page_validators(con)
    finally:
        con.close()


def discover_series(
    context: RunContext,
    validators: dict[str, tuple[str | None, str | None, str | None]],
) -> Discovery:
    """Read the column's list pages from ``settings.source``, following the pagination.

    A list page is fetched with a conditional GET (the ETag / Last-Modified of its last ``ok``
    fetch); on 304 its body comes from the raw archive. A list page that cannot be fetched
    (FetchError, BlockedError) or read (ParseError) ends the pagination and is reported in
    ``failures``; what the pages before it listed is kept, so one broken page never loses the rest.
    """
    from briefings.fetching.decode import decode_body
    from briefings.sites import parse_list_page  # the profile of the page's host or template, else generic

    settings, fetcher, archive = context.settings, context.fetcher, context.archive
    pattern = re.compile(settings.series_pattern)
    found = Discovery([], [], [])
    seen_urls: set[str] = set()
    seen_pages: set[str] = set()
    url: str | None = settings.source
    while url and url not in seen_pages and len(seen_pages) < settings.max_list_pages:
        seen_pages.add(url)
        etag, last_modified, old_sha = validators.get(url, (None, None, None))
        if settings.full or not (old_sha and archive.has(old_sha)):
            etag = last_modified = None
        try:
            result = fetcher.fetch(url, etag=etag, last_modified=last_modified)
            found.records.append(result.record)
            if result.record.outcome == "not_modified" and old_sha:
                text, _ = decode_body(archive.get(old_sha), None)
            else:
                text = result.text or ""
            page = parse_list_page(text, url)
        except (FetchError, ParseError) as exc:
            record = exc.record if isinstance(exc, FetchError) else None
            if record is not None:
                found.records.append(record)
            found.failures.append(failure_outcome(url, "discover", exc))
            break
        for entry in page.entries:
            if entry.url not in seen_urls and pattern.search(entry.title):
                seen_urls.add(entry.url)
                found.entries.append(entry)
        url = page.next_url
    return found


def fetch_detail(context: RunContext, url: str) -> FetchRecord:
    """Fetch one detail page into the raw archive and return its record (body stays in the archive).

    Raises:
        FetchError, BlockedError, OffsiteError: as :meth:`Fetcher.fetch`; ``exc.record`` holds the record.
    """
    return context.fetcher.fetch(url).record


def parse_archived(context: RunContext, url: str, sha256: str | None, content_type: str | None) -> Staged:
    """Decode an archived body, parse it as a briefing page and write it to staging.

    Args:
        url: the page's URL (the natural key rows will carry).
        sha256: the body's key in the raw archive.
        content_type: the response's Content-Type header, for its charset.
    Returns:
        The staged page (key = sha256 + parser version).
    Raises:
        ParseError: not a briefing page (carries url and sha256).
        FetchError: the archive has no body for ``sha256`` (not retryable).
    """
    from briefings.fetching.decode import decode_body
    from briefings.parsing import PARSER_VERSION
    from briefings.sites import parse_page

    settings = context.settings
    if not sha256:
        raise ParseError("the fetch kept no body to parse", url=url, missing="body")
    key = staging_key(sha256, PARSER_VERSION)
    if (settings.staging_dir / f"{key}.json").exists():
        return Staged(url=url, key=key, sha256=sha256)
    try:
        body = context.archive.get(sha256)
    except FileNotFoundError as exc:
        raise FetchError(
            f"the raw archive {settings.raw_dir} has no body {sha256[:12]}…; was BRIEFINGS_DATA_DIR changed "
            "since it was fetched? Point it at the data folder of the runs that fetched it, or collect --full",
            url=url,
            retryable=False,
        ) from exc
    text, _ = decode_body(body, content_type)
    try:
        parsed = parse_page(text, url, kind="html")
    except ParseError as exc:
        if exc.sha256 is None:
            exc.sha256 = sha256
        raise
    write_staged(settings.staging_dir, key, parsed)
    return Staged(url=url, key=key, sha256=sha256)


def load_staged(con: Any, settings: Settings, run_id: str, items: Sequence[Staged]) -> tuple[list[PageOutcome], int]:
    """Load one batch of staged pages in one transaction (``warehouse.load.load_batch``).

    Args:
        con: writable warehouse connection.
        items: the batch's staged pages, read back from ``settings.staging_dir``.
    Returns:
        (outcomes, rows): one outcome per item, in order — ``loaded`` / ``unchanged`` (stage ``load``),
        or ``failed`` (stage ``load``) for a page whose staging file is unreadable or whose rows were
        rejected — and the rows the loaded pages' briefings hold in the per-briefing tables.
    Raises:
        LoadError: the warehouse could not be written at all.
    """
    from warehouse.load import BatchPage, load_batch

    outcomes: dict[int, PageOutcome] = {}
    rows = 0
    pages: list[BatchPage] = []
    positions: list[int] = []
    for i, item in enumerate(items):
        try:
            parsed = read_staged(settings.staging_dir, item.key)
        except (OSError, ValueError) as exc:
            outcomes[i] = PageOutcome(item.url, "failed", "load", briefing_id_for(item.url), type(exc).__name__,
                                      str(exc))
            continue
        list_date = date.fromisoformat(item.list_date) if item.list_date else None
        pages.append(BatchPage(parsed, item.url, item.sha256, list_date))
        positions.append(i)
    for i, page, result in zip(positions, pages, load_batch(con, pages, run_id=run_id)):
        if isinstance(result, LoadError):
            outcomes[i] = PageOutcome(page.url, "failed", "load", result.briefing_id or briefing_id_for(page.url),
                                      type(result).__name__, str(result))
        else:
            rows += result.rows
            outcomes[i] = PageOutcome(page.url, "unchanged" if result.action == "unchanged" else "loaded", "load",
                                      result.briefing_id, turns=len(page.parsed.turns),
                                      mentions=len(page.parsed.mentions),
                                      suspect_labels=len(page.parsed.suspect_labels))
    return [outcomes[i] for i in range(len(items))], rows


def manifest_dir(settings: Settings, run_id: str) -> Path:
    """Folder of a run's batch manifests: ``manifests/<run_id>/`` beside the staging folder."""
    return settings.staging_dir.parent / "manifests" / run_id


def write_manifest(settings: Settings, run_id: str, batch_no: int, staged: Sequence[Staged],
                   records: Sequence[FetchRecord]) -> Path:
    """Write the manifest of one load batch: its staged pages and the fetch records to store with it.

    Tasks pass the manifest's path, never the pages or records themselves (small task inputs, and a
    run never holds all of them at once).

    Returns:
        ``manifests/<run_id>/batch-<batch_no:05d>-<sha256[:12] of the content>.json`` (beside staging),
        written atomically. The name changes with the content, so a retried flow run whose batch
        came out differently (a page that failed to fetch now loads) is a new task input, and Prefect
        does not answer it with the first attempt's cached load.
    """
    folder = manifest_dir(settings, run_id)
    data = json.dumps({"run_id": run_id, "batch_no": batch_no, "pages": [s.__dict__ for s in staged],
                       "records": [dump_record(r) for r in records]}, ensure_ascii=False).encode("utf-8")
    path = folder / f"batch-{batch_no:05d}-{sha256_hex(data)[:12]}.json"
    if not isinstance(folder, Path):  # a remote staging folder (upath.UPath): one PUT
        path.write_bytes(data)
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _location(path: str | Path) -> Any:
    """A manifest's path as given by :func:`write_manifest` (local, or a remote URL as a UPath)."""
    from briefings.settings import data_location

    return path if not isinstance(path, str) else data_location(path)


def load_manifest(context: RunContext, manifest: str | Path) -> BatchReport:
    """Load the batch a manifest lists: record its fetches, then its pages in one transaction.

    Writes through a cursor of the run's writer; loading the same manifest again changes nothing.

    Args:
        manifest: a path from :func:`write_manifest` (or its ``str``: a local path or a remote URL).
    Returns:
        The batch's report.
    Raises:
        LoadError: the warehouse could not be written at all, or the manifest is unreadable.
    """
    from warehouse.load import record_fetches

    settings, run_id = context.settings, context.run_id

    try:
        data = json.loads(_location(manifest).read_text(encoding="utf-8"))
        staged = [Staged(**p) for p in data["pages"]]
        records = [load_record(r) for r in data["records"]]
        batch_no = int(data["batch_no"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"cannot read the batch manifest {manifest}: {exc}") from exc
    con = context.cursor()
    try:
        record_fetches(con, records, run_id)  # idempotent: a retried load does not store them twice
        outcomes, rows = load_staged(con, settings, run_id, staged) if staged else ([], 0)
    finally:
        con.close()
    return BatchReport(batch_no, outcomes, sum(r.attempts for r in records), rows)


def check_run(context: RunContext, summary: RunSummary, flow: str, started_at: datetime) -> RunSummary:
    """Run the data-quality checks on the briefings this run wrote, record the run and its pages, CHECKPOINT
    once and publish the read-only copy.

    Returns:
        ``summary`` with ``checks`` and ``totals`` filled in.
    Raises:
        LoadError: the checks or the run's record could not be written.
    """
    from warehouse.checks import run_checks
    from warehouse.connect import publish_read_copy
    from warehouse.load import checkpoint
    from warehouse.runs import finish_run, record_pages, start_run
    from warehouse.state import totals

    con = context.cursor()
    try:
        if not con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [summary.run_id]).fetchall()[0][0]:
            start_run(con, summary.run_id, flow, started_at)  # a caller that did not call begin_run
        wrote = [r[0] for r in con.execute("SELECT briefing_id FROM briefings WHERE run_id = ?",
                                            [summary.run_id]).fetchall()]
        summary.checks = [
            {"check_name": c.check_name, "severity": c.severity, "status": c.status, "details": c.details}
            for c in run_checks(con, summary.run_id, wrote)  # the briefings this run wrote; `briefings check`: all
        ]
        summary.totals = totals(con)
        record_pages(con, summary.run_id, summary.pages)
        finish_run(con, summary.run_id, "succeeded" if summary.ok else "failed", summary.as_dict())
        checkpoint(con)  # the run's one CHECKPOINT
        publish_read_copy(con)  # while this process still holds the lock: a byte copy of the file
    finally:
        con.close()
    return summary


def begin_run(context: RunContext, flow: str, started_at: datetime) -> None:
    """Write the run's ``runs`` row, status ``running`` (the warehouse was created by the writer if new).

    Raises:
        LoadError: the row could not be written.
    """
    from warehouse.runs import start_run

    con = context.cursor()
    try:
        start_run(con, context.run_id, flow, started_at)
    finally:
        con.close()


def end_run(context: RunContext, status: str, summary: dict[str, Any], *,
            pages: Sequence[PageOutcome] = ()) -> None:
    """Close a run that did not reach ``check_run``: ``cancelled`` (a signal) or ``failed`` (an error).

    The summary recorded is ``summary`` plus ``loaded``: the briefings this run wrote (committed
    before it stopped; each load batch is one transaction, so none is half-written). ``pages``:
    the outcomes the run knew when it stopped, written to ``page_outcomes``. Written through a
    cursor of its own (a load still running in a task thread keeps its own transaction).

    Raises:
        LoadError: the record could not be written.
    """
    from warehouse.runs import finish_run, record_pages

    run_id = context.run_id
    con = context.cursor()
    try:
        loaded = con.execute("SELECT count(*) FROM briefings WHERE run_id = ?", [run_id]).fetchall()[0][0]
        record_pages(con, run_id, pages)
        finish_run(con, run_id, status, {"run_id": run_id, "loaded": loaded, **summary})
        con.execute("CHECKPOINT")
    finally:
        con.close()


def archived_pages(context: RunContext) -> list[ArchivedPage]:
    """Every detail page to rebuild from the archive, one per current briefing URL, in URL order.

    One lookup for all pages (``warehouse.state.archived_page_rows``): the sha256 of the current
    version, the Content-Type of the fetch that brought that body, the stored parser version and
    row counts. Read through the run's writer; no network.
    """
    from warehouse.state import archived_page_rows

    con = context.cursor()
    try:
        rows = archived_page_rows(con)
    finally:
        con.close()
    return [ArchivedPage(*row) for row in rows]


def current_or_stale(pages: Sequence[ArchivedPage], full: bool = False
                     ) -> tuple[list[PageOutcome], list[ArchivedPage]]:
    """Split archived pages into those already current (no work: ``unchanged``) and those to parse again.

    A page is current when its briefing's stored ``parser_version`` is this code's ``PARSER_VERSION``
    (its stored content hash is the archived body's by construction): its outcome is ``unchanged``
    at stage ``parse`` (skipped before parsing), with the turns and mentions the warehouse holds.
    ``full`` (``reparse --full``, a backfill): every page is parsed again, current or not.
    """
    from briefings.parsing import PARSER_VERSION

    current, stale = [], []
    for page in pages:
        if page.parser_version == PARSER_VERSION and not full:
            current.append(PageOutcome(page.url, "unchanged", "parse", briefing_id_for(page.url),
                                       turns=page.turns, mentions=page.mentions))
        else:
            stale.append(page)
    return current, stale

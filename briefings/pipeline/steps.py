"""The steps of the collect and reparse pipelines as plain functions, with no Prefect in them.

Each step is cut at an I/O boundary so that the Prefect tasks in ``tasks/`` wrap one call each
and the benchmark can run the very same pipeline without Prefect (:func:`collect_plain`).
Layers: *raw* (the archive of bodies + ``fetches``), *staging* (one JSON file per parsed page),
*mart* (the warehouse tables, loaded by ``warehouse.load``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from briefings.errors import FetchError, LoadError, ParseError
from briefings.ids import briefing_id_for, sha256_hex
from briefings.models import FetchRecord
from briefings.pipeline.outcomes import (
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
from briefings.settings import Settings
from briefings.staging import dump_record, load_record, read_staged, staging_key, write_staged

__all__ = [
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
    "check_run",
    "collect_plain",
    "archived_pages",
    "begin_run",
    "end_run",
]


# One fetcher (one httpx client, one politeness clock) per process and run.
_fetchers: dict[tuple[Any, ...], Any] = {}
_fetchers_lock = threading.Lock()


def get_fetcher(settings: Settings, run_id: str, limiter: Any = None) -> Any:
    """The run's shared :class:`briefings.fetching.client.Fetcher`, created on first use.

    ``limiter`` spaces the requests to one host (see ``Fetcher``); None -> this process's own.
    """
    from briefings.fetching.archive import RawArchive
    from briefings.fetching.client import make_fetcher

    key = (settings, run_id, limiter is None)
    with _fetchers_lock:
        fetcher = _fetchers.get(key)
        if fetcher is None:
            fetcher = make_fetcher(settings, archive=RawArchive(settings.raw_dir), run_id=run_id, limiter=limiter)
            _fetchers[key] = fetcher
        return fetcher


def close_fetchers() -> None:
    """Close every shared fetcher (end of a run)."""
    with _fetchers_lock:
        for fetcher in _fetchers.values():
            fetcher.close()
        _fetchers.clear()


def read_state(settings: Settings) -> tuple[dict[str, str], dict[str, tuple[str | None, str | None, str | None]]]:
    """Read the incremental state: watermarks and list-page validators.

    Returns:
        (watermarks, validators): ``url -> content_sha256`` of every current briefing, and
        ``url -> (etag, last_modified, sha256)`` of each URL's last ``ok`` fetch. Both empty
        when the warehouse file does not exist yet.
    Raises:
        WarehouseLockedError: another process held the file past ``settings.lock_wait_s``.
    """
    from warehouse.connect import open_writer
    from warehouse.load import loaded_watermarks

    if not settings.warehouse_path.exists():
        return {}, {}
    con = open_writer(settings)
    try:
        watermarks = loaded_watermarks(con)
        rows = con.execute(
            """
            SELECT url, etag, last_modified, sha256 FROM (
                SELECT url, etag, last_modified, sha256,
                       row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) AS rn
                FROM fetches WHERE outcome = 'ok' AND sha256 IS NOT NULL)
            WHERE rn = 1
            """
        ).fetchall()
        return watermarks, {r[0]: (r[1], r[2], r[3]) for r in rows}
    finally:
        con.close()


def discover_series(
    settings: Settings,
    run_id: str,
    validators: dict[str, tuple[str | None, str | None, str | None]],
    limiter: Any = None,
) -> Discovery:
    """Read the column's list pages from ``settings.source``, following the pagination.

    A list page is fetched with a conditional GET (the ETag / Last-Modified of its last ``ok``
    fetch); on 304 its body comes from the raw archive. A list page that cannot be fetched
    (FetchError, BlockedError) or read (ParseError) ends the pagination and is reported in
    ``failures``; what the pages before it listed is kept, so one broken page never loses the rest.
    """
    from briefings.fetching.archive import RawArchive
    from briefings.fetching.decode import decode_body
    from briefings.parsing import parse_list_page

    fetcher = get_fetcher(settings, run_id, limiter)
    archive = RawArchive(settings.raw_dir)
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
            record = getattr(exc, "record", None)
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


def fetch_detail(settings: Settings, run_id: str, url: str, limiter: Any = None) -> FetchRecord:
    """Fetch one detail page into the raw archive and return its record (body stays in the archive).

    ``limiter``: as :func:`get_fetcher`.

    Raises:
        FetchError, BlockedError, OffsiteError: as :meth:`Fetcher.fetch`; ``exc.record`` holds the record.
    """
    return get_fetcher(settings, run_id, limiter).fetch(url).record


def parse_archived(settings: Settings, url: str, sha256: str | None, content_type: str | None) -> Staged:
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
    from briefings.fetching.archive import RawArchive
    from briefings.fetching.decode import decode_body
    from briefings.parsing import PARSER_VERSION, parse_page

    if not sha256:
        raise ParseError("the fetch kept no body to parse", url=url, missing="body")
    key = staging_key(sha256, PARSER_VERSION)
    if (settings.staging_dir / f"{key}.json").exists():
        return Staged(url=url, key=key, sha256=sha256)
    try:
        body = RawArchive(settings.raw_dir).get(sha256)
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


def load_run(
    settings: Settings,
    run_id: str,
    staged: Sequence[Staged],
    records: Iterable[FetchRecord],
    outcomes: Sequence[PageOutcome],
) -> RunSummary:
    """Load staged pages into the warehouse, ``settings.load_batch_size`` pages per transaction.

    Writes the run's fetch records (raw layer index; a retried flow run's records are not written
    twice), then loads the staged pages batch by batch (``warehouse.load.load_batch``; mart).

    Args:
        staged: pages parsed in this run, in list order.
        records: every FetchRecord of the run (list and detail pages, failures included).
        outcomes: outcomes already decided before the load (skipped, failed, blocked pages).
    Returns:
        The run summary so far; a page whose load failed has status ``failed``, stage ``load``.
    Raises:
        WarehouseLockedError: another process held the file past ``settings.lock_wait_s``.
        LoadError: the warehouse could not be written at all.
    """
    from warehouse.connect import open_writer
    from warehouse.load import record_fetches

    summary = RunSummary(run_id=run_id, pages=list(outcomes))
    records = list(records)
    summary.requests = sum(r.attempts for r in records)
    con = open_writer(settings)
    try:
        record_fetches(con, records, run_id)  # idempotent: a retried run's records are not stored twice
        size = max(1, settings.load_batch_size)
        for start in range(0, len(staged), size):
            summary.pages += load_staged(con, settings, run_id, staged[start:start + size])[0]
    finally:
        con.close()
    return summary


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
                                      mentions=len(page.parsed.mentions))
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


def load_manifest(settings: Settings, run_id: str, manifest: str | Path) -> BatchReport:
    """Load the batch a manifest lists: record its fetches, then its pages in one transaction.

    Opens (and closes) the warehouse for writing; loading the same manifest again changes nothing.

    Args:
        manifest: a path from :func:`write_manifest` (or its ``str``: a local path or a remote URL).
    Returns:
        The batch's report.
    Raises:
        WarehouseLockedError: another process held the file past ``settings.lock_wait_s``.
        LoadError: the warehouse could not be written at all, or the manifest is unreadable.
    """
    from warehouse.connect import open_writer
    from warehouse.load import record_fetches

    try:
        data = json.loads(_location(manifest).read_text(encoding="utf-8"))
        staged = [Staged(**p) for p in data["pages"]]
        records = [load_record(r) for r in data["records"]]
        batch_no = int(data["batch_no"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"cannot read the batch manifest {manifest}: {exc}") from exc
    con = open_writer(settings)
    try:
        record_fetches(con, records, run_id)  # idempotent: a retried load does not store them twice
        outcomes, rows = load_staged(con, settings, run_id, staged) if staged else ([], 0)
    finally:
        con.close()
    return BatchReport(batch_no, outcomes, sum(r.attempts for r in records), rows)


def check_run(settings: Settings, summary: RunSummary, flow: str, started_at: datetime) -> RunSummary:
    """Run the data-quality checks, record the run, CHECKPOINT and publish the read-only copy.

    Returns:
        ``summary`` with ``checks`` and ``totals`` filled in.
    Raises:
        WarehouseLockedError: another process held the file past ``settings.lock_wait_s``.
    """
    from warehouse.checks import run_checks
    from warehouse.connect import open_writer, publish_read_copy
    from warehouse.load import checkpoint
    from warehouse.runs import finish_run, record_pages, start_run

    con = open_writer(settings)
    try:
        if not con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [summary.run_id]).fetchall()[0][0]:
            start_run(con, summary.run_id, flow, started_at)  # a caller that did not call begin_run
        summary.checks = [
            {"check_name": c.check_name, "severity": c.severity, "status": c.status, "details": c.details}
            for c in run_checks(con, summary.run_id)
        ]
        summary.totals = _totals(con)
        record_pages(con, summary.run_id, summary.pages)
        finish_run(con, summary.run_id, "succeeded" if summary.ok else "failed", summary.as_dict())
        checkpoint(con)
        publish_read_copy(con)  # while this process still holds the lock: a byte copy of the file
    finally:
        con.close()
    return summary


def begin_run(settings: Settings, run_id: str, flow: str, started_at: datetime) -> None:
    """Write the run's ``runs`` row, status ``running`` (creating the warehouse if it is new).

    Raises:
        WarehouseLockedError: another process held the file past ``settings.lock_wait_s``.
    """
    from warehouse.connect import open_writer
    from warehouse.runs import start_run

    con = open_writer(settings)
    try:
        start_run(con, run_id, flow, started_at)
    finally:
        con.close()


def end_run(settings: Settings, run_id: str, status: str, summary: dict[str, Any], *,
            lock_wait_s: float = 10.0, pages: Sequence[PageOutcome] = ()) -> None:
    """Close a run that did not reach ``check_run``: ``cancelled`` (a signal) or ``failed`` (an error).

    The summary recorded is ``summary`` plus ``loaded``: the briefings this run wrote (committed
    before it stopped; each load batch is one transaction, so none is half-written). ``pages``:
    the outcomes the run knew when it stopped, written to ``page_outcomes``.

    Waits at most ``lock_wait_s`` (seconds) for the warehouse: a run being cancelled should not
    hang; if it cannot write, its row stays ``running`` and is shown as ``crashed`` once it is gone.

    Raises:
        WarehouseLockedError: another process held the file past ``lock_wait_s``.
    """
    from warehouse.connect import open_writer
    from warehouse.runs import finish_run, record_pages

    con = open_writer(replace(settings, lock_wait_s=min(lock_wait_s, settings.lock_wait_s)))
    try:
        loaded = con.execute("SELECT count(*) FROM briefings WHERE run_id = ?", [run_id]).fetchall()[0][0]
        record_pages(con, run_id, pages)
        finish_run(con, run_id, status, {"run_id": run_id, "loaded": loaded, **summary})
        con.execute("CHECKPOINT")
    finally:
        con.close()


_TOTAL_TABLES = ("briefings", "speakers", "guests", "turns", "appearances", "qa_pairs", "indicators", "fetches")


def _totals(con: Any) -> dict[str, int]:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()").fetchall()}
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in _TOTAL_TABLES if t in present}


def archived_pages(settings: Settings) -> list[ArchivedPage]:
    """Every detail page to rebuild from the archive, one per current briefing URL, in URL order.

    One lookup for all pages: the sha256 of the current version, the Content-Type of the fetch that
    brought that body, the stored parser version and row counts. Read from the warehouse; no network.
    """
    from warehouse.connect import open_writer

    con = open_writer(settings)
    try:
        rows = con.execute(
            """
            SELECT b.url, b.content_sha256, f.headers->>'$."content-type"', CAST(b.list_date AS VARCHAR),
                   b.parser_version, b.turn_count, coalesce(i.n, 0)
            FROM briefings b
            LEFT JOIN (
                SELECT sha256, any_value(headers) AS headers FROM fetches
                WHERE outcome = 'ok' GROUP BY sha256
            ) f ON f.sha256 = b.content_sha256
            LEFT JOIN (SELECT briefing_id, count(*) AS n FROM indicators GROUP BY briefing_id) i
                ON i.briefing_id = b.briefing_id
            ORDER BY b.url
            """
        ).fetchall()
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


def collect_plain(settings: Settings, run_id: str | None = None) -> RunSummary:
    """The collect pipeline without Prefect: discover, then per batch fetch -> parse -> load, sequentially.

    Same steps and same results as the ``collect`` flow; used by the benchmark as the baseline and
    by tests of the pipeline itself. Pages go through ``settings.load_batch_size`` at a time, so the
    run holds one batch of fetch records and staged pages at most.
    """
    run_id = run_id or new_run_id()
    started_at = datetime.now(timezone.utc)
    begin_run(settings, run_id, "collect", started_at)
    watermarks, validators = read_state(settings)
    summary = RunSummary(run_id=run_id)
    try:
        found = discover_series(settings, run_id, validators)
        summary.pages += found.failures
        records: list[FetchRecord] = list(found.records)
        todo = []
        for entry in found.entries:
            if not settings.full and entry.url in watermarks:
                summary.pages.append(PageOutcome(entry.url, "skipped", "discover", briefing_id_for(entry.url)))
            else:
                todo.append(entry)
        del watermarks
        size = max(1, settings.load_batch_size)
        for batch_no, start in enumerate(range(0, max(len(todo), 1), size), start=1):
            staged: list[Staged] = []
            for entry in todo[start:start + size]:
                try:
                    record = fetch_detail(settings, run_id, entry.url)
                    records.append(record)
                    item = parse_archived(settings, entry.url, record.sha256, content_type_of(record))
                    list_date = entry.list_date.isoformat() if entry.list_date else None
                    staged.append(Staged(item.url, item.key, item.sha256, list_date))
                except FetchError as exc:
                    if getattr(exc, "record", None) is not None:
                        records.append(exc.record)
                    summary.pages.append(failure_outcome(entry.url, "fetch", exc))
                except ParseError as exc:
                    summary.pages.append(failure_outcome(entry.url, "parse", exc))
            manifest = write_manifest(settings, run_id, batch_no, staged, records)
            records = []
            absorb_batch(summary, load_manifest(settings, run_id, manifest))
    finally:
        close_fetchers()
    return check_run(settings, summary, "collect", started_at)


def reparse_plain(settings: Settings, run_id: str | None = None) -> RunSummary:
    """The reparse pipeline without Prefect: archived pages -> skip the current ones -> parse -> load, per batch.

    Same steps and results as the ``reparse`` flow (the benchmark's baseline).
    """
    run_id = run_id or new_run_id()
    started_at = datetime.now(timezone.utc)
    summary = RunSummary(run_id=run_id)
    current, stale = current_or_stale(archived_pages(settings), settings.full)
    summary.pages += current
    size = max(1, settings.load_batch_size)
    for batch_no, start in enumerate(range(0, len(stale), size), start=1):
        staged: list[Staged] = []
        for page in stale[start:start + size]:
            try:
                item = parse_archived(settings, page.url, page.sha256, page.content_type)
                staged.append(Staged(item.url, item.key, item.sha256, page.list_date))
            except (ParseError, FetchError) as exc:
                summary.pages.append(failure_outcome(page.url, "parse", exc))
        absorb_batch(summary, load_manifest(settings, run_id, write_manifest(settings, run_id, batch_no, staged, [])))
    return check_run(settings, summary, "reparse", started_at)

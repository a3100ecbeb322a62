"""The one batch loop of both pipelines, and the plain runs that use it without Prefect.

:func:`run_batches` takes a run's pages ``settings.load_batch_size`` at a time: fetch (collect
only) -> parse -> write the batch's manifest -> load, the load of one batch running while the
next is fetched and parsed. *Where* the page steps run is the caller's :class:`Steps`: the Prefect
flows pass their tasks (``flows.steps.TaskSteps``: the flow's thread pool or Dask), the plain
runs :class:`InlineSteps` (one after the other, in this thread). So the flows and the benchmarks'
baseline (:func:`collect_plain`, :func:`reparse_plain`) run the same loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from briefings.errors import FetchError, ParseError
from briefings.ids import briefing_id_for
from briefings.models import FetchRecord, ListEntry
from briefings.pipeline.context import RunContext, run_context
from briefings.pipeline.outcomes import (
    ArchivedPage,
    BatchReport,
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
    fetch_detail,
    load_manifest,
    parse_archived,
    read_state,
    write_manifest,
)
from briefings.settings import Settings

__all__ = ["Bar", "PageCalls", "Steps", "InlineSteps", "run_batches", "to_fetch", "collect_plain", "reparse_plain",
           "entry_list_date", "page_list_date"]


class Bar(Protocol):
    """A progress line of one step (``briefings.progress.ProgressReporter``)."""

    total: int | None

    def begin(self) -> None: ...
    def advance(self, n: int = 1, *, note: str | None = None) -> None: ...
    def set_total(self, total: int | None) -> None: ...


class _NoBar:
    """A progress line that shows nothing (plain runs)."""

    total: int | None = 0

    def begin(self) -> None:
        pass

    def advance(self, n: int = 1, *, note: str | None = None) -> None:
        pass

    def set_total(self, total: int | None) -> None:
        self.total = total


class PageCalls(Protocol):
    """One step's page calls of a batch: ``add`` each page, then ``outcomes`` in the order added."""

    def add(self, key: Any, **call: Any) -> None: ...
    def outcomes(self) -> Iterator[tuple[Any, Any]]: ...


class _Done:
    """A load that already ran (``InlineSteps.load``): ``result()`` gives its report."""

    def __init__(self, report: BatchReport) -> None:
        self._report = report

    def result(self) -> BatchReport:
        return self._report


class Steps(Protocol):
    """Where a batch's page steps run.

    ``pages(step, n)``: the calls of ``fetch`` or ``parse`` for a batch of ``n`` pages (each call
    gets ``url``, and for parse ``sha256`` and ``content_type``; an outcome is the step's result or
    the exception it raised). ``load(manifest)``: start loading a batch; ``.result()`` waits for its
    :class:`BatchReport`.
    """

    def pages(self, step: str, n: int) -> PageCalls: ...
    def load(self, manifest: Path) -> Any: ...


class _InlineCalls:
    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        self._done: list[tuple[Any, Any]] = []

    def add(self, key: Any, **call: Any) -> None:
        try:
            self._done.append((key, self._fn(**call)))
        except (FetchError, ParseError) as exc:  # a page's failure; anything else ends the run
            self._done.append((key, exc))

    def outcomes(self) -> Iterator[tuple[Any, Any]]:
        return iter(self._done)


class InlineSteps:
    """The page steps run one after the other in this thread, on the run's context (no Prefect)."""

    def __init__(self, context: RunContext) -> None:
        self.context = context

    def pages(self, step: str, n: int) -> PageCalls:
        context = self.context
        if step == "fetch":
            return _InlineCalls(lambda url: fetch_detail(context, url))
        return _InlineCalls(lambda url, sha256, content_type: parse_archived(context, url, sha256, content_type))

    def load(self, manifest: Path) -> Any:
        return _Done(load_manifest(self.context, manifest))


def entry_list_date(entry: ListEntry) -> str | None:
    """A list entry's date beside its link, ISO."""
    return entry.list_date.isoformat() if entry.list_date else None


def page_list_date(page: ArchivedPage) -> str | None:
    """An archived page's stored list date, ISO."""
    return page.list_date


def to_fetch(summary: RunSummary, entries: Iterable[ListEntry], watermarks: Mapping[str, str], full: bool
             ) -> list[ListEntry]:
    """The entries to fetch; those already loaded (their URL has a watermark) go into ``summary`` as ``skipped``
    (unless ``full``, a backfill)."""
    todo = []
    for entry in entries:
        if not full and entry.url in watermarks:
            summary.pages.append(PageOutcome(entry.url, "skipped", "discover", briefing_id_for(entry.url)))
        else:
            todo.append(entry)
    return todo


def run_batches(context: RunContext, summary: RunSummary, items: Sequence[Any], steps: Steps, *, fetch: bool,
                list_date: Callable[[Any], str | None], records: Sequence[FetchRecord] = (),
                bars: Mapping[str, Bar] | None = None, on_step: Callable[[str], None] = lambda step: None,
                on_answer: Callable[[int], None] = lambda attempts: None) -> None:
    """Take ``items`` through the page steps and the load, ``settings.load_batch_size`` pages a batch.

    Per batch: fetch each page (when ``fetch``; a ``ListEntry`` each), parse what was fetched (or,
    without ``fetch``, each ``ArchivedPage`` from the archive), write the batch's manifest with its
    fetch records, then start its load; the previous batch's load is waited for first, so one load
    overlaps the next batch's fetch and parse. A page whose step raised goes into ``summary`` as
    ``failed`` (``blocked``) at that step; the loads' outcomes and requests are added as they end.

    Args:
        context: the run's context (settings, id).
        summary: the run's summary, added to.
        items: the pages, in order.
        steps: where the page steps and the load run.
        fetch: collect (fetch, then parse) rather than reparse (parse from the archive).
        list_date: an item's ISO list date, stored with its briefing.
        records: fetch records to store with the first batch (the list pages').
        bars: progress lines ``parse`` and ``load`` (and ``fetch`` when ``fetch``); None: none shown.
        on_step: told each step as the run enters it (``fetch``, ``parse``, ``load``).
        on_answer: told the HTTP requests (tries) of each detail page fetched, as its fetch ends.
    """
    settings, run_id = context.settings, context.run_id
    bars = bars or {"fetch": _NoBar(), "parse": _NoBar(), "load": _NoBar()}
    size = max(1, settings.load_batch_size)
    batch_records: list[FetchRecord] = list(records)
    pending: Any = None  # the previous batch's load
    rows = 0
    # a collect writes one manifest even with nothing to fetch: its list pages' fetch records
    for batch_no, start in enumerate(range(0, max(len(items), 1) if fetch else len(items), size), start=1):
        batch = items[start:start + size]
        parses = steps.pages("parse", len(batch))
        if fetch:
            on_step("fetch")
            bars["fetch"].begin()
            fetches = steps.pages("fetch", len(batch))
            for item in batch:
                fetches.add(item, url=item.url)
            for item, outcome in fetches.outcomes():
                bars["fetch"].advance()
                if isinstance(outcome, BaseException):
                    record = getattr(outcome, "record", None)  # a FetchError's record of the failure
                    if record is not None:
                        batch_records.append(record)
                        on_answer(record.attempts)
                    summary.pages.append(failure_outcome(item.url, "fetch", outcome))
                    for step in ("parse", "load"):
                        bars[step].set_total((bars[step].total or 1) - 1)
                    continue
                batch_records.append(outcome)
                on_answer(outcome.attempts)
                parses.add(item, url=item.url, sha256=outcome.sha256, content_type=content_type_of(outcome))
        else:
            for item in batch:
                parses.add(item, url=item.url, sha256=item.sha256, content_type=item.content_type)
        on_step("parse")
        bars["parse"].begin()
        staged = _staged(parses, summary, bars["parse"], bars["load"], list_date)
        manifest = write_manifest(settings, run_id, batch_no, staged, batch_records)
        batch_records = []
        if pending is not None:
            on_step("load")
            bars["load"].begin()
            rows = _absorb(summary, pending.result(), bars["load"], rows)
        pending = steps.load(manifest)
    on_step("load")
    bars["load"].begin()
    if pending is not None:
        _absorb(summary, pending.result(), bars["load"], rows)


def _staged(parses: PageCalls, summary: RunSummary, parse_bar: Bar, load_bar: Bar,
            list_date: Callable[[Any], str | None]) -> list[Staged]:
    """Wait for a batch's parses; the Staged pages for its load. A page whose parse raised goes into
    ``summary`` as failed at ``parse`` and leaves the load bar's total."""
    staged = []
    for key, outcome in parses.outcomes():
        parse_bar.advance()
        if isinstance(outcome, BaseException):
            summary.pages.append(failure_outcome(key.url, "parse", outcome))
            load_bar.set_total((load_bar.total or 1) - 1)
            continue
        staged.append(Staged(outcome.url, outcome.key, outcome.sha256, list_date(key)))
    return staged


def _absorb(summary: RunSummary, report: BatchReport, bar: Bar, rows: int) -> int:
    """Add a load's report to the summary and the load bar; returns the rows loaded so far."""
    absorb_batch(summary, report)
    rows += report.rows
    bar.advance(len(report.outcomes), note=f"{rows:,} rows")
    return rows


def collect_plain(settings: Settings, run_id: str | None = None) -> RunSummary:
    """The collect pipeline without Prefect: discover, then :func:`run_batches` with :class:`InlineSteps`, check.

    Same steps and same results as the ``collect`` flow; used by the benchmark as the baseline and
    by tests of the pipeline itself. Pages go through ``settings.load_batch_size`` at a time, so the
    run holds one batch of fetch records and staged pages at most.
    """
    run_id = run_id or new_run_id()
    started_at = datetime.now(timezone.utc)
    with run_context(settings, run_id, flow="collect") as context:
        begin_run(context, "collect", started_at)
        watermarks, validators = read_state(context)
        summary = RunSummary(run_id=run_id)
        found = discover_series(context, validators)
        summary.pages += found.failures
        todo = to_fetch(summary, found.entries, watermarks, settings.full)
        del watermarks
        run_batches(context, summary, todo, InlineSteps(context), fetch=True, list_date=entry_list_date,
                    records=found.records)
        return check_run(context, summary, "collect", started_at)


def reparse_plain(settings: Settings, run_id: str | None = None) -> RunSummary:
    """The reparse pipeline without Prefect: archived pages -> skip the current ones -> :func:`run_batches`.

    Same steps and results as the ``reparse`` flow (the benchmark's baseline).
    """
    run_id = run_id or new_run_id()
    started_at = datetime.now(timezone.utc)
    with run_context(settings, run_id, flow="reparse") as context:
        summary = RunSummary(run_id=run_id)
        current, stale = current_or_stale(archived_pages(context), settings.full)
        summary.pages += current
        run_batches(context, summary, stale, InlineSteps(context), fetch=False, list_date=page_list_date)
        return check_run(context, summary, "reparse", started_at)

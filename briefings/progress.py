"""Progress of long commands: a rich progress bar in a terminal, plain log lines elsewhere.

    with progress(total=9, label="export", unit="tables") as bar:
        for table in tables:
            ...
            bar.advance()

In a terminal (stderr is a TTY) it draws a bar with done/total counts, the rate (units/s), elapsed
and remaining time. Otherwise (CI, Prefect workers, pipes) it writes one line when it starts,
one each time another 10 % is done, and one at the end::

    export: 3/9 tables (33%), 41.2 tables/s, 0.1 s

Lines go to ``sink`` (default: stderr); in a Prefect flow pass ``sink=get_run_logger().info``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sized
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Literal, Sequence, TextIO, TypeVar

if TYPE_CHECKING:  # rich is imported when a bar is drawn, not for log lines
    from rich.progress import Progress, Task, TaskID
    from rich.text import Text

__all__ = ["Mode", "ProgressReporter", "progress", "progress_group", "track", "LOG_STEP_PERCENT"]

Mode = Literal["auto", "bar", "log", "off"]
LOG_STEP_PERCENT = 10  # a log line each time another 10 % of the total is done
T = TypeVar("T")


class ProgressReporter:
    """Counts work done and shows it (a bar or log lines); made by :func:`progress`.

    Attributes:
        label: what is being done (``export``, ``collect``).
        total: units expected, None when unknown (then no percentage is shown).
        unit: what is counted (``pages``, ``rows``, ``tables``).
        done: units done so far.
    """

    def __init__(self, label: str, total: int | None, unit: str, *, sink: Callable[[str], None] | None,
                 bar: Progress | None = None, task_id: TaskID | None = None,
                 clock: Callable[[], float] = time.monotonic, sticky_note: bool = False) -> None:
        self.label, self.total, self.unit, self.done = label, total, unit, 0
        self._sticky_note = sticky_note
        self._last_note: str | None = None
        self._sink, self._bar, self._task_id, self._clock = sink, bar, task_id, clock
        self._started = clock()
        self._next_step = LOG_STEP_PERCENT

    def advance(self, n: int = 1, *, note: str | None = None) -> None:
        """Record ``n`` more units done; ``note`` (e.g. the table name) is shown beside the bar."""
        self.done += n
        self._last_note = note if note is not None else self._last_note
        if self._bar is not None and self._task_id is not None:
            description = f"{self.label} {note}" if note else self.label
            self._bar.update(self._task_id, advance=n, description=description)
        elif self._sink is not None and self.total:
            percent = 100 * self.done // self.total
            if percent >= self._next_step and self.done < self.total:
                self._sink(self.line(note))
                self._next_step = (percent // LOG_STEP_PERCENT + 1) * LOG_STEP_PERCENT

    def set_total(self, total: int | None) -> None:
        """Change the units expected (fewer pages reach a step when an earlier step failed some)."""
        self.total = total
        if self._bar is not None and self._task_id is not None:
            self._bar.update(self._task_id, total=total)

    def line(self, note: str | None = None) -> str:
        """The status as one log line: ``label: done/total unit (pct%), rate unit/s, elapsed s``."""
        elapsed = max(self._clock() - self._started, 1e-9)
        count = f"{self.done}/{self.total}" if self.total is not None else f"{self.done}"
        percent = f" ({100 * self.done // self.total}%)" if self.total else ""
        tail = f" [{note}]" if note else ""
        return f"{self.label}: {count} {self.unit}{percent}, {self.done / elapsed:.1f} {self.unit}/s, {elapsed:.1f} s{tail}"

    def begin(self) -> None:
        """Say that this step has started (its ``starting`` log line), once; a no-op on a bar."""
        self._start()

    def _start(self) -> None:
        if getattr(self, "_announced", False):
            return
        self._announced = True
        if self._bar is None and self._sink is not None:
            total = f"{self.total} {self.unit}" if self.total is not None else f"? {self.unit}"
            self._sink(f"{self.label}: starting, {total}")

    def _finish(self, failed: bool, stopped_by: BaseException | None = None) -> None:
        if self._bar is None and self._sink is not None:
            note = self._last_note if self._sticky_note else None
            self._sink(self.line(note) + (f" — {_stop_reason(stopped_by)}" if failed else " — done"))


def _stop_reason(exc: BaseException | None) -> str:
    """Why a step stopped, for its last line: ``cancelled by SIGTERM`` for a signal (our
    ``RunCancelled``, Prefect's ``TerminationSignal``, a bare ``KeyboardInterrupt``), else
    ``stopped by an error``."""
    import signal

    signum = getattr(exc, "signum", None)  # briefings.errors.RunCancelled
    if signum is None and type(exc).__name__ == "TerminationSignal":  # Prefect's, not imported here
        signum = getattr(exc, "signal", None)
    if signum is None and isinstance(exc, KeyboardInterrupt):
        signum = signal.SIGINT
    if signum is None:
        return "stopped by an error"
    return f"cancelled by {signal.Signals(signum).name}"


@contextmanager
def progress(total: int | None, label: str, *, unit: str = "items", mode: Mode = "auto",
             sink: Callable[[str], None] | None = None, stream: TextIO | None = None) -> Iterator[ProgressReporter]:
    """Show the progress of a long step while the ``with`` block runs.

    Args:
        total: units expected (pages, rows, tables), None if unknown.
        label: what is being done, first on each line (``export``).
        unit: what is counted, plural (``tables``).
        mode: ``auto`` (bar when ``stream`` is a terminal, else log lines), ``bar``, ``log`` or ``off``.
        sink: where log lines go (``logger.info``); default: written to ``stream``.
        stream: the terminal or file shown to; default ``sys.stderr``.
    Yields:
        A ProgressReporter; call ``.advance(n)`` as work completes.
    Raises:
        Whatever the block raises (the final line then says it stopped).
    """
    stream = stream if stream is not None else sys.stderr
    if mode == "auto":
        is_tty = getattr(stream, "isatty", lambda: False)()
        mode = "bar" if is_tty else "log"
    if mode == "bar":
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        from rich.text import Text

        class _RateColumn(TextColumn):
            """Mean rate since the start: done / elapsed, in units per second."""

            def render(self, task: Task) -> Text:
                elapsed = task.finished_time if task.finished else task.elapsed
                rate = task.completed / elapsed if elapsed else 0.0
                return Text(f"{rate:,.1f} {unit}/s")

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                       TaskProgressColumn(), _RateColumn(""), TimeElapsedColumn(), TimeRemainingColumn(),
                       console=Console(file=stream), transient=False)
        with bar:
            task_id = bar.add_task(label, total=total)
            yield ProgressReporter(label, total, unit, sink=None, bar=bar, task_id=task_id)
        return
    if mode == "off":
        yield ProgressReporter(label, total, unit, sink=None)
        return
    write = sink or (lambda text: print(text, file=stream, flush=True))
    reporter = ProgressReporter(label, total, unit, sink=write)
    reporter._start()
    try:
        yield reporter
    except BaseException as exc:
        reporter._finish(failed=True, stopped_by=exc)
        raise
    reporter._finish(failed=False)


@contextmanager
def progress_group(phases: Sequence[tuple[str, int | None, str]], *, mode: Mode = "auto",
                   sink: Callable[[str], None] | None = None, stream: TextIO | None = None,
                   announce: bool = True) -> Iterator[dict[str, ProgressReporter]]:
    """Show several steps that advance at the same time (fetch, parse, load of one run) together.

    Args:
        phases: ``(label, total, unit)`` per step, in display order (``("load", 600, "briefings")``).
        mode, sink, stream: as for :func:`progress`; in a terminal one rich display holds one bar per step.
        announce: print every step's ``starting`` line now; False: each when its ``begin()`` is called
            (the flow calls it as the step really starts, so the line marks the step).
    Yields:
        label -> ProgressReporter; ``.advance(n, note=...)`` each as its work completes (the last note,
        e.g. rows loaded so far, is repeated on the final line), ``.set_total(n)`` when fewer units than
        expected will come (pages that failed an earlier step).
    Raises:
        Whatever the block raises (each step's final line then says it stopped).
    """
    stream = stream if stream is not None else sys.stderr
    if mode == "auto":
        mode = "bar" if getattr(stream, "isatty", lambda: False)() else "log"
    if mode == "bar":
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)
        from rich.text import Text

        class _UnitRateColumn(ProgressColumn):
            """Mean rate since the start, in the step's own unit."""

            def render(self, task: Task) -> Text:
                elapsed = task.finished_time if task.finished else task.elapsed
                rate = task.completed / elapsed if elapsed else 0.0
                return Text(f"{rate:,.1f} {task.fields['unit']}/s")

        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[unit]}"), TaskProgressColumn(), _UnitRateColumn(),
                       TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=stream), transient=False)
        with bar:
            yield {label: ProgressReporter(label, total, unit, sink=None, bar=bar,
                                           task_id=bar.add_task(label, total=total, unit=unit))
                   for label, total, unit in phases}
        return
    if mode == "off":
        yield {label: ProgressReporter(label, total, unit, sink=None) for label, total, unit in phases}
        return
    write = sink or (lambda text: print(text, file=stream, flush=True))
    reporters = {label: ProgressReporter(label, total, unit, sink=write, sticky_note=True)
                 for label, total, unit in phases}
    if announce:
        for reporter in reporters.values():
            reporter._start()
    try:
        yield reporters
    except BaseException as exc:
        for reporter in reporters.values():
            reporter._finish(failed=True, stopped_by=exc)
        raise
    for reporter in reporters.values():
        reporter._finish(failed=False)


def track(items: Iterable[T], label: str, *, total: int | None = None, unit: str = "items",
          mode: Mode = "auto", sink: Callable[[str], None] | None = None) -> Iterator[T]:
    """Yield ``items``, advancing a :func:`progress` by one per item (total from ``len`` if not given)."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with progress(total, label, unit=unit, mode=mode, sink=sink) as bar:
        for item in items:
            yield item
            bar.advance()

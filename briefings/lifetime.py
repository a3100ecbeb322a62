"""Process lifetime: what a ``briefings`` command starts dies with it, and signals end a run cleanly.

Two parts, neither importing Prefect:

* :func:`die_with_parent` gives ``subprocess.Popen`` a ``preexec_fn`` that asks the Linux kernel to
  send the child SIGTERM when this process dies (``prctl(PR_SET_PDEATHSIG)``), whatever kills it,
  SIGKILL included. ``flows.server`` uses it for Prefect's ephemeral API server.
* :func:`install_signal_handlers` turns SIGTERM, SIGINT and SIGHUP into :class:`RunCancelled` raised
  in the main thread, so a load in progress rolls back its open transaction, the flow records
  the run as ``cancelled``, and the CLI exits ``128 + signal`` (143 for SIGTERM, 130 for SIGINT).

A run cancelled by a signal is recorded by the flow (``flows.common``), which then calls
:func:`run_cancelled`. The ``briefings`` command registers there (``install_signal_handlers``'s
``on_run_cancelled``) to exit at once: unwinding through Prefect's engine would wait for every task
thread, and a fetch waiting on a slow host holds its thread for up to ``BRIEFINGS_DEADLINE_S``
(a Ctrl-C took 85 s to end). A flow run by a Prefect worker registers nothing and unwinds as before.

Decision: PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, so the child must be
started from the main thread (``flows.server.own_ephemeral_server`` does that before the flow).
Elsewhere than Linux no hook is set and the child is stopped by ``atexit`` only.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from typing import Any, Callable

from briefings.errors import RunCancelled
from briefings.interrupts import interrupt_queries

__all__ = ["RunCancelled", "CANCEL_SIGNALS", "die_with_parent", "signal_exit_code", "install_signal_handlers",
           "last_signal", "lost_signal", "forget_signals", "query_interruption", "run_cancelled"]

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The signals that cancel a run; SIGKILL cannot be caught (the run is then shown as crashed).
CANCEL_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_on_run_cancelled: Callable[[int], None] | None = None  # set by install_signal_handlers


def signal_exit_code(signum: int) -> int:
    """The shell's exit code of a process ended by ``signum``: 128 + signum (SIGTERM 143, SIGINT 130)."""
    return 128 + int(signum)


def die_with_parent(death_signal: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child gets ``death_signal`` when this process dies.

    Must be called (and the child started) in the main thread: the kernel ties the hook to the
    thread that forks. If this process is already gone when the child runs the hook, the child exits.

    Returns:
        The function to pass as ``preexec_fn``; None where it cannot work (not Linux, no libc
        ``prctl``, or not the main thread), so the caller starts the child without it.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:  # runs in the child between fork and exec: no allocation-heavy work
        prctl(_PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the hook was set
            os._exit(1)

    return hook


# Signals the handlers saw, in order: DuckDB turns the exception a handler raises during a query into
# its own "Query interrupted" error, and :func:`last_signal` still tells which signal it was.
_received: list[int] = []
# Signals whose RunCancelled Python dropped: raised while a weakref callback or ``__del__`` ran (an
# import's module-lock callback, say), it only reaches ``sys.unraisablehook`` and the command goes on.
_lost: list[int] = []


def last_signal() -> int | None:
    """The last signal :func:`install_signal_handlers`' handler received in this process, or None."""
    return _received[-1] if _received else None


def lost_signal() -> int | None:
    """The last signal whose ``RunCancelled`` Python dropped (it arrived while a weakref callback or
    ``__del__`` ran), or None: the command did not stop, and must still end as cancelled."""
    return _lost[-1] if _lost else None


def forget_signals() -> None:
    """Forget the signals received: a new command starts in this process (the tests' runner)."""
    _received.clear()
    _lost.clear()


def _drop_lost_cancellation(unraisable: Any) -> None:
    """``sys.unraisablehook``: a dropped ``RunCancelled`` is kept in :func:`lost_signal` and not printed
    (a traceback the user cannot act on); anything else goes to the hook installed before."""
    if isinstance(unraisable.exc_value, RunCancelled):
        _lost.append(unraisable.exc_value.signum)
        return
    _previous_unraisablehook(unraisable)


_previous_unraisablehook = sys.unraisablehook


def query_interruption(exc: BaseException) -> RunCancelled | None:
    """The signal that interrupted a DuckDB query, when ``exc`` (or an error it was raised from) is that.

    DuckDB checks for signals while a query runs; when the handler of ``briefings.lifetime`` raises,
    DuckDB stops the query and raises ``RuntimeError("Query interrupted")`` (or its
    ``InterruptException``, which a command may have wrapped as a ``QueryError``) in its place.

    Returns:
        ``RunCancelled`` for the signal received (``briefings.lifetime.last_signal``), or None when
        ``exc`` is no interruption or no signal arrived.
    """
    signum = last_signal()
    if signum is None:
        return None
    duckdb = sys.modules.get("duckdb")
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RunCancelled):
            return current
        if (isinstance(current, RuntimeError) and "interrupted" in str(current).lower()) or (
                duckdb is not None and isinstance(current, duckdb.InterruptException)):
            return RunCancelled(signum)
        current = current.__cause__ or current.__context__
    return None


def install_signal_handlers(on_run_cancelled: Callable[[int], None] | None = None) -> None:
    """Make SIGTERM, SIGINT and SIGHUP raise :class:`RunCancelled` in the main thread.

    Prefect replaces the SIGTERM handler while a flow runs (it raises its own ``TerminationSignal``)
    and sends the signal again to this handler when the flow has unwound, so both paths end in
    ``RunCancelled``. Does nothing outside the main thread (signals can only be handled there).

    Args:
        on_run_cancelled: called by :func:`run_cancelled` with the signal number once a cancelled
            run is recorded; it should end the process (the ``briefings`` command exits 128 + signal).
    """
    global _on_run_cancelled, _previous_unraisablehook
    if threading.current_thread() is not threading.main_thread():
        return
    _on_run_cancelled = on_run_cancelled

    def handler(signum: int, _frame: object) -> None:
        _received.append(int(signum))
        interrupt_queries()  # a query that missed the exception below stops too (briefings.interrupts)
        raise RunCancelled(signum)

    for signum in CANCEL_SIGNALS:
        signal.signal(signum, handler)
    if sys.unraisablehook is not _drop_lost_cancellation:
        _previous_unraisablehook, sys.unraisablehook = sys.unraisablehook, _drop_lost_cancellation


def run_cancelled(signum: int) -> None:
    """A flow recorded its run as cancelled by ``signum``: call the ``on_run_cancelled`` that
    :func:`install_signal_handlers` was given (it may not return), or return at once when none was."""
    if _on_run_cancelled is not None:
        _on_run_cancelled(int(signum))

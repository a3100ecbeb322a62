"""Stopping a DuckDB query when a signal arrives (``briefings sql``, ``query``, ``search``, ``export``, ``report``).

DuckDB runs a query in C++ and checks for Python signals now and then. When the handler of
``briefings.lifetime`` raises during such a check, DuckDB usually stops the query with
``RuntimeError("Query interrupted")``; but a signal that lands in a statement just finishing (the
``SET`` before the query, a catalogue lookup) has its exception dropped with that statement, and the
next query runs on for minutes. So the handler also calls :func:`interrupt_queries`: a daemon thread
then calls ``interrupt()`` on every connection opened for a command (:func:`register`) until the
process ends, which stops whatever query runs or starts next.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["register", "interrupt_queries", "reset"]

_connections: list[Any] = []
_lock = threading.Lock()
_started = threading.Event()
_stop = threading.Event()
_PERIOD_S = 0.1


def register(con: Any) -> Any:
    """Let a signal interrupt ``con``'s queries (a DuckDB connection a command reads through); returns ``con``."""
    with _lock:
        _connections.append(con)
    return con


def interrupt_queries() -> None:
    """Start interrupting the registered connections' queries, every 0.1 s until the process exits.

    Safe to call from a signal handler: it only starts a thread (once); the thread calls
    ``interrupt()``, which DuckDB allows from any thread, and ignores closed connections.
    """
    if _started.is_set():
        return
    _started.set()
    _stop.clear()
    threading.Thread(target=_interrupt_until_reset, name="briefings-interrupt", daemon=True).start()


def reset() -> None:
    """Forget the registered connections and stop interrupting: a new command starts in this process.

    The ``briefings`` command exits after a signal, so this matters only where one process runs
    several commands (the tests, through Typer's runner).
    """
    with _lock:
        _connections.clear()
    _stop.set()
    _started.clear()


def _interrupt_until_reset() -> None:
    while not _stop.is_set():
        with _lock:
            connections = list(_connections)
        for con in connections:
            try:
                con.interrupt()
            except Exception:  # closed already: nothing runs on it  # noqa: BLE001
                pass
        _stop.wait(_PERIOD_S)

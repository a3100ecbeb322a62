"""One run at a time per warehouse: a lock file held for the whole of a ``collect`` or ``reparse``.

Two runs on one warehouse (a scheduled one and one started by hand) must not both discover and
fetch every page, from the same host, at the same time. The run's writer holds DuckDB's file lock
for the whole run (``briefings.pipeline.context``), but a second run would only learn of it from
DuckDB's error, which names a PID and no run. The run lock comes first: the run context takes it
before it opens the writer and keeps it until the writer is closed, and a waiting run names the
run it waits for.

The lock is ``fcntl.flock`` on ``<warehouse>.run.lock`` next to the warehouse file. The kernel
drops it when its holder ends, however it ends (SIGKILL included), so a crashed run never leaves
it taken. The holder writes who it is into the file (one JSON object: ``run_id``, ``flow``,
``pid``, ``host``, ``started_at``), which a waiting run names when it gives up.

Decision: flock, not DuckDB or the Prefect server. DuckDB's lock must stay free between batches
for readers and the read copy, and runs started by ``briefings collect`` each have their own
ephemeral Prefect server. flock holds among the processes of one machine (the machine that writes
the DuckDB file, which allows one writing process anyway); it is not for network file systems.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from briefings.errors import OutputError, WarehouseLockedError

__all__ = ["run_lock", "run_lock_path", "run_lock_holder"]

_FIRST_DELAY_S = 0.05
_MAX_DELAY_S = 2.0


def run_lock_path(warehouse_path: Path) -> Path:
    """The lock file of a warehouse: ``<warehouse file>.run.lock`` beside it."""
    warehouse_path = Path(warehouse_path)
    return warehouse_path.with_name(warehouse_path.name + ".run.lock")


def run_lock_holder(warehouse_path: Path) -> dict[str, Any] | None:
    """What the run holding the warehouse's run lock wrote about itself, or None (none written yet,
    or no lock file)."""
    try:
        text = run_lock_path(warehouse_path).read_text(encoding="utf-8")
        holder = json.loads(text)
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "another run"
    return (f"{holder.get('flow', 'a')} run {holder.get('run_id', '?')} (PID {holder.get('pid', '?')} on "
            f"{holder.get('host', '?')}, started {holder.get('started_at', '?')})")


@contextmanager
def run_lock(warehouse_path: Path, run_id: str, flow: str, *, wait_s: float,
             on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the warehouse's run lock for the block; wait up to ``wait_s`` while another run holds it.

    Args:
        warehouse_path: the warehouse file (it need not exist yet; its folder is made as needed).
        run_id: this run's id, written into the lock file for a waiting run to name.
        flow: ``collect`` or ``reparse``.
        wait_s: how long to wait for the run holding it, seconds (``Settings.lock_wait_s``).
        on_wait: called once with a line saying which run this one waits for, when it has to wait.
    Raises:
        WarehouseLockedError: another run still held the lock after ``wait_s``; its message names
            that run (flow, run id, PID, host, start), exit code 4.
        OutputError: the lock file (or the warehouse's folder) cannot be made.
    """
    path = run_lock_path(warehouse_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # close-on-exec: no child inherits the lock
    except OSError as exc:
        raise OutputError(f"cannot write the run lock {path}: {exc.strerror or exc}", path=str(path)) from exc
    try:
        deadline = time.monotonic() + max(wait_s, 0.0)
        delay = _FIRST_DELAY_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None and delay == _FIRST_DELAY_S:
                    on_wait(f"{flow}: waiting up to {wait_s:g} s for "
                            f"{_describe(run_lock_holder(warehouse_path))} to end (one run at a time on {warehouse_path})")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    holder = run_lock_holder(warehouse_path)
                    raise WarehouseLockedError(
                        f"warehouse {warehouse_path} is in use by {_describe(holder)}; it was still running "
                        f"after {wait_s:g} s (BRIEFINGS_LOCK_WAIT_S); wait until it ends, or stop it",
                        path=str(warehouse_path),
                        holder=None if holder is None else str(holder.get("pid")),
                    ) from None
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, _MAX_DELAY_S)
        me = {"run_id": run_id, "flow": flow, "pid": os.getpid(), "host": socket.gethostname(),
              "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)

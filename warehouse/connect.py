"""Opening the warehouse file: one writer process at a time, readers read-only.

DuckDB lets one process write a file; while it does, other processes cannot open the file at all,
not even read-only. Both openers wait with backoff for the lock, then raise
``WarehouseLockedError`` naming the holder. After a run, ``publish_read_copy`` writes a consistent
copy (``briefings.read.duckdb`` beside the file) that readers may open while a writer is busy.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable, TypeVar

import duckdb

from briefings.errors import BriefingsError, ConfigError, OutputError, WarehouseLockedError, WarehouseUnreadableError
from briefings.settings import Settings
from warehouse.integrity import NO_EXTENSIONS, check_not_truncated, refuse_foreign_file
from warehouse.migrate import Migrations

__all__ = ["open_writer", "open_reader", "publish_read_copy", "read_copy_path", "memory_hint", "WRITER_CHECKPOINT_THRESHOLD"]

_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
# DuckDB's words for a file it may not create or write (exit 8, not "damaged")
_UNWRITABLE = re.compile(r"Permission denied|Operation not permitted|Read-only file system", re.IGNORECASE)
T = TypeVar("T")
_FIRST_DELAY_S = 0.05
_MAX_DELAY_S = 1.0


def read_copy_path(path: Path) -> Path:
    """Where the published read copy of the warehouse ``path`` lives: ``<stem>.read.duckdb`` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}.read{path.suffix or '.duckdb'}")


# DuckDB checkpoints by itself at a COMMIT once its WAL passes this (its default, 16MB, is every second
# 200-page batch); each of those checkpoints set a 10,000-page collect's peak RSS (504-508 MiB, against
# 457-472 MiB at 64MB in three pairs, same wall time). A run also checkpoints once at its end.
WRITER_CHECKPOINT_THRESHOLD = "64MB"


def open_writer(path: Path | Settings, *, lock_wait_s: float = 60.0,
                memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating folders and file as needed) the warehouse for writing and migrate it.

    Args:
        path: the run's ``Settings`` (its ``warehouse_path``, ``lock_wait_s`` and
            ``writer_memory_limit``; the arguments below are then ignored), or a DuckDB file.
        lock_wait_s: how long to wait for another process's lock, seconds.
        memory_limit: upper bound of the writer's DuckDB buffer pool (``128MB``); None -> the
            default of ``Settings.writer_memory_limit``. Never read from the environment here: a
            run passes its own settings. The 10,000-page benchmark grew to 2.5 GB without one.
    Returns:
        A writable connection whose schema is current (pending migrations applied), whose WAL is
        checkpointed by DuckDB when it passes ``WRITER_CHECKPOINT_THRESHOLD``.
    Raises:
        WarehouseLockedError: another process still held the file after ``lock_wait_s``.
        WarehouseUnreadableError: the file is damaged, not a DuckDB database, or cannot be created.
        OutputError: the warehouse's folder cannot be made.
        MigrationError: the schema could not be brought up to date.
    """
    if isinstance(path, Settings):
        settings = path
        path, lock_wait_s, memory_limit = settings.warehouse_path, settings.lock_wait_s, settings.writer_memory_limit
    path = Path(path)
    if memory_limit is None:
        memory_limit = Settings.writer_memory_limit  # the field's default
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make the warehouse folder {path.parent}: {exc.strerror or exc}",
                          path=str(path.parent)) from exc
    con = _connect(path, read_only=False, lock_wait_s=lock_wait_s)
    try:
        # bound the buffer pool (DuckDB's default is 80% of RAM, so it never evicts what a long
        # load touched); beyond it DuckDB evicts clean blocks and spills to its temp directory
        con.execute("SET memory_limit = '" + memory_limit.replace("'", "''") + "'")
        con.execute(f"SET checkpoint_threshold = '{WRITER_CHECKPOINT_THRESHOLD}'")
        Migrations(con).apply()
    except BaseException:
        con.close()
        raise
    return con


def memory_hint(exc: BaseException) -> str:
    """For DuckDB's out-of-memory error, what to do about it (appended to the error's message); else ``""``."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        return (" (the warehouse writer's DuckDB memory is capped by BRIEFINGS_WRITER_MEMORY_LIMIT, "
                f"default {Settings.writer_memory_limit}: raise it)")
    return ""


def open_reader(path: Path, *, lock_wait_s: float = 3.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only.

    Args:
        path: the DuckDB file, or its published read copy.
        lock_wait_s: how long to wait while a writer process holds the file, seconds.
    Returns:
        A read-only connection (writes fail with a DuckDB error).
    Raises:
        WarehouseLockedError: a writer still held the file after ``lock_wait_s``.
        ConfigError: there is no warehouse at ``path``.
        WarehouseUnreadableError: the file is damaged or not a DuckDB database.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"no warehouse at {path}: run `briefings collect` first")
    return _connect(path, read_only=True, lock_wait_s=lock_wait_s)


def _connect(path: Path, *, read_only: bool, lock_wait_s: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying with doubling delays while the file is locked by another process.

    A file that is not a DuckDB database, or is shorter than its header says, is refused
    (``warehouse.integrity``); DuckDB installs and loads no extension on the connection.
    """
    refuse_foreign_file(path)
    con = _with_lock_retry(path, lambda: duckdb.connect(str(path), read_only=read_only, config=NO_EXTENSIONS),
                           read_only=read_only, lock_wait_s=lock_wait_s)
    try:
        check_not_truncated(con, path)
    except BaseException:
        con.close()
        raise
    return con


def _with_lock_retry(path: Path, opener: Callable[[], T], *, read_only: bool, lock_wait_s: float) -> T:
    """Call ``opener`` until it does not fail on the file lock, for at most ``lock_wait_s`` seconds."""
    deadline = time.monotonic() + max(lock_wait_s, 0.0)
    delay = _FIRST_DELAY_S
    while True:
        try:
            return opener()
        except duckdb.IOException as exc:
            message = str(exc)
            if not read_only and _UNWRITABLE.search(message):
                raise OutputError(f"cannot write warehouse {path}: {message}", path=str(path)) from exc
            if "lock" not in message.lower():
                raise WarehouseUnreadableError(f"cannot open warehouse {path}: {message}", path=str(path)) from exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _locked_error(path, message, read_only=read_only) from exc
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_DELAY_S)


def _locked_error(path: Path, message: str, *, read_only: bool) -> WarehouseLockedError:
    """Build the error that names the lock holder and says how to read anyway."""
    match = _HOLDER.search(message)
    holder = f"PID {match.group(2)} ({match.group(1)})" if match else None
    who = holder or "another process"
    copy = read_copy_path(path)
    if copy.exists():
        hint = (f"to read anyway, use the copy published after the last run: `briefings query --warehouse {copy} ...` "
                f"(or `briefings sql`), or `briefings export DIR`, which reads that copy while the file is locked")
    else:
        hint = (f"no read copy is published yet ({copy} is written after each run); wait for the run to finish, "
                f"then query or `briefings export DIR`")
    mode = "read" if read_only else "write"
    return WarehouseLockedError(f"warehouse {path} is locked by {who}; cannot {mode} it now; {hint}",
                                path=str(path), holder=holder)


def publish_read_copy(con_or_path: duckdb.DuckDBPyConnection | Path, target: Path | None = None, *,
                      lock_wait_s: float = 3.0) -> Path:
    """Write a consistent read-only copy of the warehouse for readers, replacing the previous one atomically.

    Args:
        con_or_path: the run's writer connection (works while it holds the lock; it is CHECKPOINTed
            first), or the warehouse file's path (attached read-only for the copy).
        target: where to write; default ``read_copy_path(<warehouse file>)``
            (``warehouse/briefings.read.duckdb``).
        lock_wait_s: with a path, how long to wait for another process's lock, seconds.
    Returns:
        The path of the copy (written to ``<target>.tmp``, then renamed over ``target``).
    Raises:
        BriefingsError: the copy could not be written (the previous copy is left in place).
        WarehouseLockedError: given a path that another process still held after ``lock_wait_s``.
    """
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        con, own = con_or_path, False
        source_path = Path(con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchall()[0][0])
        source = con.execute("SELECT current_database()").fetchall()[0][0]
    else:
        source_path, own, source = Path(con_or_path), True, "briefings_source"
        if not source_path.exists():
            raise BriefingsError(f"no warehouse at {source_path} to publish")
        con = duckdb.connect(config=NO_EXTENSIONS)
        try:
            _with_lock_retry(
                source_path,
                lambda: con.execute(f"ATTACH '{_sql_path(source_path)}' AS {source} (READ_ONLY)"),
                read_only=True, lock_wait_s=lock_wait_s)
        except BaseException:
            con.close()
            raise
    target = Path(target) if target else read_copy_path(source_path)
    tmp = target.with_name(target.name + ".tmp")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    if not own:
        # The writer holds the lock: after CHECKPOINT the file is the whole database and nobody can
        # change it, so a byte copy is consistent, and costs constant memory (a database-level copy
        # reads every block through DuckDB's buffer pool: 0.8 GB at 2,000 briefings).
        try:
            con.execute("CHECKPOINT")
            shutil.copyfile(source_path, tmp)
            os.replace(tmp, target)
        except (duckdb.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise BriefingsError(f"could not publish a read copy of {source_path} to {target}: {exc}") from exc
        return target
    try:
        con.execute(f"ATTACH '{_sql_path(tmp)}' AS briefings_read_copy")
        try:
            con.execute(f'COPY FROM DATABASE "{source}" TO briefings_read_copy')
        finally:
            con.execute("DETACH briefings_read_copy")
        os.replace(tmp, target)
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BriefingsError(f"could not publish a read copy of {source_path} to {target}: {exc}") from exc
    finally:
        if own:
            con.close()
    return target


def _sql_path(path: Path) -> str:
    """A path quoted for a SQL string literal."""
    return str(path).replace("'", "''")

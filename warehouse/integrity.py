"""Whether a file is a whole DuckDB warehouse, and whether a DuckDB error means it is damaged.

Three checks, none of which reaches the network:

* :func:`refuse_foreign_file` reads the file's first 12 bytes before DuckDB sees it: a DuckDB
  database has ``DUCK`` at offset 8. Anything else (a SQLite file, a text file) would make DuckDB
  look for an extension to read it (``sqlite_scanner``), so it is refused before that.
* :func:`check_not_truncated` compares the file's size with what its header says it holds
  (``pragma_database_size``: used blocks × block size, after the 12,288 bytes of headers). A copy cut
  short (a full disk, ``head -c``) then fails at open for every command alike, not only for the
  commands whose rows lie in the missing part.
* :func:`damage_error` tells a DuckDB error that means the file is damaged (a block's checksum,
  a short read of the file) from one that means the statement failed.

:data:`NO_EXTENSIONS` is the configuration of every warehouse connection: DuckDB neither installs
nor loads an extension on its own (it would download it from extensions.duckdb.org).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from briefings.errors import WarehouseUnreadableError

__all__ = ["NO_EXTENSIONS", "DUCKDB_MAGIC", "refuse_foreign_file", "check_not_truncated", "damage_error",
           "damage_in"]

# DuckDB settings of every connection the package opens (``duckdb.connect(..., config=NO_EXTENSIONS)``).
NO_EXTENSIONS: dict[str, Any] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

DUCKDB_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8
# The main header and the two database headers, 4,096 bytes each, before the first block.
_HEADER_BYTES = 3 * 4096
# What DuckDB says when the bytes it reads are not what it wrote.
_DAMAGE = re.compile(r"Corrupt database file|Could not read enough bytes from file|does not match stored checksum"
                     r"|not a valid DuckDB database file|database file is corrupt", re.IGNORECASE)


def refuse_foreign_file(path: Path) -> None:
    """Refuse a non-empty file that is not a DuckDB database, before DuckDB opens it.

    Args:
        path: the warehouse file (it may not exist yet: then nothing is checked).
    Raises:
        WarehouseUnreadableError: the file has no DuckDB magic bytes (``DUCK`` at offset 8): a
            SQLite database, text, or a file cut to under 12 bytes.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except (FileNotFoundError, IsADirectoryError):
        return
    except OSError as exc:
        raise WarehouseUnreadableError(f"cannot open warehouse {path}: {exc.strerror or exc}", path=str(path)) from exc
    if not head:
        return  # an empty file: DuckDB makes it a database (a writer) or says it holds nothing (a reader)
    if head[_MAGIC_OFFSET:_MAGIC_OFFSET + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        kind = "a SQLite database" if head.startswith(b"SQLite format 3") else "not a DuckDB database"
        raise WarehouseUnreadableError(f"cannot open warehouse {path}: the file is {kind} "
                                       f"(not a valid DuckDB database file)", path=str(path))


def check_not_truncated(con: Any, path: Path) -> None:
    """Refuse a warehouse file shorter than its own header says.

    Args:
        con: a connection just opened on ``path`` (read-only or writable).
        path: the file. Not checked while a write-ahead log (``<path>.wal``) lies beside it: its
            blocks are then counted before they reach the file.
    Raises:
        WarehouseUnreadableError: the file is too short to hold the blocks in use (truncated).
    """
    import duckdb

    path = Path(path)
    if Path(f"{path}.wal").exists():
        return
    try:
        size = path.stat().st_size
        block_size, used_blocks = con.execute(
            "SELECT block_size, used_blocks FROM pragma_database_size() "
            "WHERE database_name = current_database()").fetchall()[0]
    except (OSError, IndexError, duckdb.Error):
        return  # nothing to compare against: the first read will say what is wrong
    # Used blocks, not total: DuckDB cuts free blocks off the end of the file (a run stopped after
    # a checkpoint leaves a file one free block shorter than its total), and those hold nothing.
    expected = _HEADER_BYTES + int(block_size) * int(used_blocks)
    if 0 < size < expected:
        raise WarehouseUnreadableError(
            f"cannot open warehouse {path}: the file is damaged (truncated: {size} bytes where its blocks "
            f"in use need {expected}); restore it from a backup, or collect into a new file", path=str(path))


def damage_error(exc: BaseException) -> bool:
    """Whether a DuckDB error means the warehouse file is damaged (not that a statement was wrong).

    Args:
        exc: an exception raised by DuckDB.
    Returns:
        True for a block whose checksum does not match, a short read of the database file, or a
        file DuckDB does not recognise.
    """
    import duckdb

    return isinstance(exc, duckdb.Error) and bool(_DAMAGE.search(str(exc)))


def damage_in(exc: BaseException) -> BaseException | None:
    """The DuckDB error that says the warehouse is damaged, in ``exc`` or the errors it was raised from.

    Args:
        exc: an error that ends a command (``QueryError`` raised from a DuckDB error, …).
    Returns:
        The first error on the ``__cause__`` / ``__context__`` chain for which :func:`damage_error`
        holds, or None.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if damage_error(current):
            return current
        current = current.__cause__ or current.__context__
    return None

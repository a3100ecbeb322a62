"""Whether a run can write where its settings point, checked before it starts (no Prefect, no DuckDB).

``collect`` and ``reparse`` write the warehouse file (and DuckDB's ``<file>.wal`` beside it) and the
data folder (raw archive, staging, Prefect's home and results). A read-only folder used to surface
late and in three guises: a ``LoadError`` when the run's first commit could not create the WAL
(exit 1), "damaged" when DuckDB could not create a new file (exit 7), a raw ``PermissionError`` from
Prefect's home (exit 1). :func:`check_run_writable` finds each before anything starts and raises
``OutputError`` naming what cannot be written (exit 8, ``ExitCode.OUTPUT_UNWRITABLE``).

The check writes and removes one empty temporary file in each folder: permission bits, a
read-only mount and an immutable folder (which ``root`` cannot write either) all fail it alike.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from briefings.errors import OutputError

__all__ = ["check_run_writable", "check_folder_writable"]


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (where a ``mkdir -p`` would start)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def check_folder_writable(folder: Path, what: str) -> None:
    """Refuse a folder this process cannot create files in.

    Args:
        folder: the folder (it may not exist yet: then its nearest existing ancestor must take a new folder).
        what: what lives there, for the message (``the warehouse folder``, ``BRIEFINGS_DATA_DIR``).
    Raises:
        OutputError: a file cannot be created there; the message names ``what``, the folder and why.
    """
    folder = Path(folder)
    probe_in = _nearest_existing(folder)
    try:
        if not probe_in.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(probe_in))
        with tempfile.TemporaryFile(dir=probe_in, prefix=".briefings-write-check-"):
            pass
    except OSError as exc:
        where = folder if probe_in == folder else f"{folder} (it would be made in {probe_in})"
        raise OutputError(f"cannot write {what} {where}: {exc.strerror or exc}", path=str(folder)) from exc


def check_run_writable(warehouse_path: Path, data_dir: Path | None) -> None:
    """Refuse to start a run that could not write its warehouse or its data folder.

    Args:
        warehouse_path: the warehouse file (``Settings.warehouse_path``); the file itself, when it
            exists, must open for writing, and its folder must take DuckDB's write-ahead log.
        data_dir: the local data folder (``Settings.data_dir``), or None when the data lives in a
            remote store (``BRIEFINGS_DATA_URL=s3://…``), which is not checked here.
    Raises:
        OutputError: the first of them that cannot be written (exit 8).
    """
    warehouse_path = Path(warehouse_path)
    check_folder_writable(warehouse_path.parent, "the warehouse folder")
    if warehouse_path.exists():
        try:
            with warehouse_path.open("r+b"):
                pass
        except OSError as exc:
            raise OutputError(f"cannot write the warehouse {warehouse_path}: {exc.strerror or exc}",
                              path=str(warehouse_path)) from exc
    if data_dir is not None:
        check_folder_writable(Path(data_dir), "the data folder (BRIEFINGS_DATA_DIR)")

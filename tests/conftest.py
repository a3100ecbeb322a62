"""Shared fixtures: the real pages as bytes, fresh warehouse paths, isolated Prefect state."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefings.settings import SEED_TEXT_PATH, SNAPSHOT_SITE_DIR
from tests.exit_noise import pytest_unconfigure  # noqa: F401  (DuckDB's leak report at exit is dropped)

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

SESSION12_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
SESSION12_PATH = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/202403/t20240326_5134107.shtml"
TIANMEN_URL = "https://www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"
TIANMEN_PATH = SNAPSHOT_SITE_DIR / "www.tianmen.gov.cn/hdjl/xwfbh/202404/t20240407_5150157.shtml"
LIST_PATH = SNAPSHOT_SITE_DIR / "www.hubei.gov.cn/hbfb/xwfbh/index.shtml"
LIST_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml"

# Session 12 in facts (shared/corpus/README.md), in page order.
GUESTS = ["肖敏", "周启荣", "夏齐飞", "陈明敏", "陈晓敏", "黄祥斌"]
TURN_SPEAKERS = [
    ("host", "黄勤", None),
    ("guest", "肖敏", None),
    ("host", "黄勤", None),
    ("journalist", None, "湖北日报"),
    ("guest", "夏齐飞", None),
    ("journalist", None, "经济日报"),
    ("guest", "黄祥斌", None),
    ("journalist", None, "湖北发布"),
    ("guest", "肖敏", None),
    ("journalist", None, "央广网"),
    ("guest", "陈晓敏", None),
    ("journalist", None, "新华网"),
    ("guest", "周启荣", None),
    ("journalist", None, "极目新闻"),
    ("guest", "陈明敏", None),
    ("host", "黄勤", None),
]


@pytest.fixture(autouse=True)
def _no_query_interruption_across_tests() -> Iterator[None]:
    """A test that signals this process starts interrupting DuckDB queries (briefings.interrupts) until reset:
    the next test's commands start afresh, as a new ``briefings`` process would."""
    yield
    from briefings.interrupts import reset
    from briefings.lifetime import forget_signals

    reset()
    forget_signals()


@pytest.fixture(scope="session")
def session12_bytes() -> bytes:
    """The real session-12 page as served (UTF-8 bytes)."""
    return SESSION12_PATH.read_bytes()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The real page's text, half-width punctuation (shared/corpus/seed)."""
    return SEED_TEXT_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API server (and database) for every test of the session that runs a flow
    in this process; starting one costs ~10 s of CPU, so the test files share it."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def warehouse_checksums(path: Path) -> dict[str, str]:
    """``warehouse.load.table_checksums`` of the warehouse at ``path``, read-only: equal dicts mean
    equal mart tables (the idempotence tests' measure)."""
    from warehouse.connect import open_reader
    from warehouse.load import table_checksums

    con = open_reader(path)
    try:
        return table_checksums(con)
    finally:
        con.close()


@pytest.fixture()
def fresh_warehouse(tmp_path: Path) -> Path:
    """A path for a new, empty warehouse file."""
    return tmp_path / "warehouse" / "briefings.duckdb"


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A fresh data folder (raw archive, staging, results)."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@contextmanager
def warehouse_held_by_another_process(path: Path) -> Iterator[int]:
    """Hold ``path``'s DuckDB write lock from a child process (as an analyst's DuckDB session would).

    Yields the holder's PID once it holds the lock; kills it on exit.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)",
         str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()

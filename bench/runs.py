"""One collect (or reparse) run, with Prefect or without, against a loopback site; timed and counted.

Shared by bench_orchestration, bench_incremental and bench_memory. A run directory holds that
run's warehouse (``warehouse.duckdb``) and data folder (raw archive, staging); reuse it for a
rerun, use a fresh one for a first run.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import flow_env, plain_settings, timed
from bench.server import LoopbackSite

__all__ = ["RunResult", "collect_plain_run", "collect_flow_run", "reparse_plain_run", "reparse_flow_run"]


@dataclass(frozen=True)
class RunResult:
    """What one run did.

    Attributes:
        seconds: wall time of the call, s.
        requests: the loopback server's counts for the run (total, list, detail, status).
        pages: pages by outcome status (``loaded``, ``skipped``, ``unchanged``, ``failed`` …).
        ok: no page failed and no error-severity check failed.
        error: the exception's type and message when the call raised, else None.
    """

    seconds: float
    requests: dict[str, Any]
    pages: dict[str, int]
    ok: bool
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return dict(self.__dict__)


def _page_counts(summary: dict[str, Any] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for page in (summary or {}).get("pages", []):
        counts[page["status"]] = counts.get(page["status"], 0) + 1
    return counts


def _summary_ok(summary: dict[str, Any] | None) -> bool:
    if not summary:
        return False
    failed = [p for p in summary.get("pages", []) if p["status"] in ("failed", "blocked")]
    dq = [c for c in summary.get("checks", []) if c.get("severity") == "error" and c.get("status") != "pass"]
    return not failed and not dq


def collect_plain_run(site: LoopbackSite, run_dir: Path) -> RunResult:
    """``briefings.pipeline.collect_plain`` from the site's first list page into ``run_dir``."""
    from briefings.pipeline import collect_plain

    settings = plain_settings(site.first_list_url, run_dir)
    site.counts.reset()
    seconds, summary = timed(lambda: collect_plain(settings))
    doc = summary.as_dict()
    return RunResult(seconds, site.counts.snapshot(), _page_counts(doc), _summary_ok(doc))


def collect_flow_run(site: LoopbackSite, run_dir: Path) -> RunResult:
    """The Prefect ``collect`` flow, called in-process (ephemeral API), into ``run_dir``.

    The flow reads ``BRIEFINGS_*`` variables for what it has no parameter for (data folder,
    politeness delay), so they are set here; warehouse and source are flow parameters.
    """
    from flows.collect import collect

    flow_env(run_dir)
    site.counts.reset()
    error = None
    summary: dict[str, Any] | None = None

    def call() -> None:
        nonlocal summary, error
        try:
            summary = collect(source=site.first_list_url, warehouse=str(run_dir / "warehouse.duckdb"))
        except Exception as exc:  # the flow raises RunFailedError when a page failed; keep timing
            summary = getattr(exc, "summary", None)
            error = f"{type(exc).__name__}: {exc}"[:500]

    seconds, _ = timed(call)
    return RunResult(seconds, site.counts.snapshot(), _page_counts(summary), _summary_ok(summary) and error is None, error)


def reparse_plain_run(run_dir: Path, *, clear_staging: bool = True) -> RunResult:
    """The ``reparse`` flow's steps without Prefect (``pipeline.reparse_plain``): skip current pages, parse, load.

    Args:
        run_dir: a run directory a collect filled.
        clear_staging: remove staged parses first so every page is parsed again (else a page
            already staged under the same parser version is only read back).
    """
    from briefings.pipeline import reparse_plain

    settings = plain_settings("https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml", run_dir)
    if clear_staging:
        shutil.rmtree(settings.staging_dir, ignore_errors=True)

    def call() -> dict[str, Any]:
        return reparse_plain(settings).as_dict()

    seconds, doc = timed(call)
    return RunResult(seconds, {"total": 0}, _page_counts(doc), _summary_ok(doc))


def reparse_flow_run(run_dir: Path, *, clear_staging: bool = True) -> RunResult:
    """The Prefect ``reparse`` flow, in-process, on ``run_dir`` (staging cleared first, as above)."""
    from flows.reparse import reparse

    flow_env(run_dir)
    if clear_staging:
        shutil.rmtree(Path(os.environ["BRIEFINGS_DATA_DIR"]) / "staging", ignore_errors=True)
    error = None
    summary: dict[str, Any] | None = None

    def call() -> None:
        nonlocal summary, error
        try:
            summary = reparse(warehouse=str(run_dir / "warehouse.duckdb"))
        except Exception as exc:
            summary = getattr(exc, "summary", None)
            error = f"{type(exc).__name__}: {exc}"[:500]

    seconds, _ = timed(call)
    return RunResult(seconds, {"total": 0}, _page_counts(summary), _summary_ok(summary) and error is None, error)

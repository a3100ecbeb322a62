"""``briefings doctor``: is this machine ready to run the daily deployment? Each check says how to fix it.

The checks read the same settings as a run (``briefings.settings``) and Prefect's own ``PREFECT_API_URL``.
:func:`browser_status` is also what ``collect`` uses to resolve ``browser="auto"``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from briefings.settings import Settings

__all__ = [
    "ALERTS_NAME",
    "ALERTS_STUCK_NAME",
    "WORK_POOL",
    "BrowserStatus",
    "Check",
    "browser_status",
    "resolve_browser",
    "run_checks",
]

WORK_POOL = "briefings"  # the work pool prefect.yaml deploys to
ALERTS_NAME = "briefings-alerts"  # the automation and notification block `briefings alerts setup` makes
ALERTS_STUCK_NAME = ALERTS_NAME + "-stuck"  # its second automation: a run still running too long
_MIN_FREE_MB = 500  # below this a folder check warns, MB
_DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
_PLAYWRIGHT_FIX = "install the [browser] extra: .venv/bin/pip install -c constraints.txt -e '.[browser]' (make setup does)"

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True)
class Check:
    """One result of ``briefings doctor``.

    Attributes:
        name: what was checked (``chromium``, ``playwright``, ``browser``, ``warehouse``, ``data``,
            ``prefect-api``, ``work-pool``, ``alerts``).
        status: ``ok``; ``warn`` (works, but not as a daily deployment expects); ``fail`` (will not work).
        detail: what was found (paths, versions, the error).
        fix: what to do about it ('' when ok).
    """

    name: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class BrowserStatus:
    """Whether browser mode can run here: Chromium at ``Settings.chromium_path`` and Playwright importable.

    Attributes:
        usable: both are present (the browser has not been started).
        reason: one sentence for the run summary, naming the path and the fix when not usable.
    """

    usable: bool
    reason: str


def browser_status(settings: Settings) -> BrowserStatus:
    """Look for Chromium (an executable file at ``settings.chromium_path``) and the ``playwright`` package."""
    path = Path(settings.chromium_path)
    missing = []
    if not (path.is_file() and os.access(path, os.X_OK)):
        missing.append(f"no Chromium at {path} (Debian: apt-get install chromium; or set BRIEFINGS_CHROMIUM_PATH)")
    if importlib.util.find_spec("playwright") is None:
        missing.append(f"Playwright is not installed ({_PLAYWRIGHT_FIX})")
    if missing:
        return BrowserStatus(False, "; ".join(missing))
    return BrowserStatus(True, f"Chromium at {path} with Playwright")


def resolve_browser(requested: bool | str, settings: Settings) -> tuple[bool, str]:
    """The browser mode a run uses, and the sentence its summary shows.

    Args:
        requested: True (always), False (never), or ``"auto"`` (when :func:`browser_status` says usable).
        settings: for ``chromium_path``.
    Returns:
        (use the browser, e.g. ``"browser mode: on (auto: Chromium at /usr/bin/chromium with Playwright)"``).
    """
    if requested == "auto":
        status = browser_status(settings)
        if status.usable:
            return True, f"browser mode: on (auto: {status.reason})"
        return False, (f"browser mode: OFF (auto: {status.reason}); pages behind the portal's "
                       "JavaScript challenge will end blocked")
    if requested:
        return True, "browser mode: on"
    return False, "browser mode: off"


def _check_chromium(settings: Settings) -> Check:
    path = Path(settings.chromium_path)
    fix = "sudo apt-get install chromium (Debian's package), or set BRIEFINGS_CHROMIUM_PATH to a Chromium binary"
    if not path.is_file():
        return Check("chromium", "fail", f"not found at {path}", fix)
    if not os.access(path, os.X_OK):
        return Check("chromium", "fail", f"{path} is not executable", fix)
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("chromium", "fail", f"{path} --version did not run: {exc}", fix)
    version = (out.stdout or out.stderr).strip().splitlines()
    if out.returncode != 0:
        return Check("chromium", "fail", f"{path} --version exited {out.returncode}: {' '.join(version)[:200]}", fix)
    return Check("chromium", "ok", f"{path}: {version[0] if version else 'runs'}")


def _check_playwright() -> Check:
    if importlib.util.find_spec("playwright") is None:
        return Check("playwright", "fail", "the playwright package is not installed", _PLAYWRIGHT_FIX)
    from importlib.metadata import version

    return Check("playwright", "ok", f"playwright {version('playwright')}")


def _check_browser_launch(settings: Settings) -> Check:
    """Start headless Chromium through Playwright once, as browser mode does, and open a blank page."""
    from briefings.fetching.browser import _LAUNCH_TIMEOUT_MS, CHROMIUM_ARGS

    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=settings.chromium_path, headless=True,
                                         args=list(CHROMIUM_ARGS),
                                         timeout=max(settings.browser_timeout_s * 1000, _LAUNCH_TIMEOUT_MS))
            try:
                browser.new_page().goto("about:blank")
                version = browser.version
            finally:
                browser.close()
    except Exception as exc:  # any launch failure is this check's finding, reported with its type
        return Check("browser", "fail", f"headless Chromium did not start: {type(exc).__name__}: {str(exc)[:300]}",
                     "run the same Chromium by hand (chromium --headless --no-sandbox about:blank) to see what it lacks")
    return Check("browser", "ok", f"headless Chromium {version} starts through Playwright")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_folder(name: str, folder: Path, what: str, variable: str) -> Check:
    fix = f"make {folder} writable for this user, or set {variable} to a folder that is"
    if folder.exists() and not folder.is_dir():
        return Check(name, "fail", f"{folder} exists and is not a folder", fix)
    base = _nearest_existing(folder)
    if not base.is_dir():
        return Check(name, "fail", f"{base} is a file, so {folder} cannot be created", fix)
    if not os.access(base, os.W_OK | os.X_OK):
        return Check(name, "fail", f"{base} is not writable, so {what} cannot be written", fix)
    free_mb = shutil.disk_usage(base).free // (1024 * 1024)
    made = "exists" if folder.exists() else f"will be created (in {base})"
    status: Status = "ok" if free_mb >= _MIN_FREE_MB else "warn"
    return Check(name, status, f"{folder} {made}; {free_mb} MB free",
                 "" if status == "ok" else f"free disk space below {base}")


def _check_warehouse(settings: Settings) -> Check:
    path = settings.warehouse_path
    folder = _check_folder("warehouse", path.parent, "the warehouse", "BRIEFINGS_WAREHOUSE_PATH")
    if folder.status == "fail" or not path.exists():
        detail = f"{path}: not created yet, the first run creates it; " if folder.status != "fail" else f"{path}: "
        return Check("warehouse", folder.status, detail + folder.detail, folder.fix)
    fix = "point BRIEFINGS_WAREHOUSE_PATH (or the deployment's warehouse parameter) at a briefings warehouse"
    if not path.is_file():
        return Check("warehouse", "fail", f"{path} is not a file", fix)
    if not os.access(path, os.R_OK | os.W_OK):
        return Check("warehouse", "fail", f"{path} is not readable and writable by this user", fix)
    with path.open("rb") as fh:
        head = fh.read(12)
    if head[8:12] != _DUCKDB_MAGIC:
        return Check("warehouse", "fail", f"{path} is not a DuckDB database", fix)
    return Check("warehouse", "ok", f"{path}: a DuckDB file of {path.stat().st_size // 1024} KB; {folder.detail}")


def _check_prefect() -> list[Check]:
    """The Prefect API (PREFECT_API_URL), then the work pool and the alert automation on it. Calls go
    through Prefect's own HTTP client, which retries a busy server's 503 as the UI and CLI do."""
    import httpx
    from prefect.client.base import PrefectHttpxSyncClient
    from prefect.settings import Settings as PrefectSettings

    api = PrefectSettings().api.url  # read now: environment, then the active Prefect profile
    if not api:
        return [Check("prefect-api", "warn",
                      "PREFECT_API_URL is not set: `briefings collect` runs Prefect in ephemeral mode, "
                      "but deployments, workers and alerts need a server",
                      "export PREFECT_API_URL=http://127.0.0.1:4300/api PREFECT_SERVER_API_PORT=4300, then "
                      "prefect server start --host 127.0.0.1 --port 4300 (README: Operating it with Prefect)")]
    api = api.rstrip("/")
    with PrefectHttpxSyncClient(timeout=5, raise_on_all_errors=False) as http:
        try:
            health = http.get(f"{api}/health")
            if health.status_code != 200:
                return [Check("prefect-api", "fail", f"{api}/health answered HTTP {health.status_code}",
                              "check the server's log; PREFECT_API_URL must end in /api")]
            version = http.get(f"{api}/admin/version").json()
            pool = http.get(f"{api}/work_pools/{WORK_POOL}")
            found = http.post(f"{api}/automations/filter",
                              json={"automations": {"name": {"any_": [ALERTS_NAME, ALERTS_STUCK_NAME]}}})
        except httpx.HTTPError as exc:
            return [Check("prefect-api", "fail", f"{api} does not answer: {type(exc).__name__}: {exc}",
                          "start the server (prefect server start --host 127.0.0.1 --port <port>) or fix PREFECT_API_URL")]
    checks = [Check("prefect-api", "ok", f"{api}: Prefect server {version}")]
    if pool.status_code == 200 and pool.json().get("is_paused"):
        checks.append(Check("work-pool", "warn", f"work pool {WORK_POOL!r} is paused: no scheduled run starts",
                            f"prefect work-pool resume {WORK_POOL}"))
    elif pool.status_code == 200 and pool.json().get("status") == "NOT_READY":
        # the server's word for a pool no worker has polled lately: its scheduled runs wait, then go Late
        checks.append(Check("work-pool", "warn",
                            f"no worker polls work pool {WORK_POOL!r}: scheduled runs wait and then show as Late",
                            f"prefect worker start --pool {WORK_POOL} (README: Operating it with Prefect)"))
    elif pool.status_code == 200:
        checks.append(Check("work-pool", "ok", f"work pool {WORK_POOL!r} ({pool.json().get('type')})"))
    elif pool.status_code == 404:
        checks.append(Check("work-pool", "warn", f"no work pool {WORK_POOL!r} on {api}",
                            f"prefect work-pool create {WORK_POOL} --type process"))
    else:
        checks.append(Check("work-pool", "fail", f"{api}/work_pools/{WORK_POOL} answered HTTP {pool.status_code}",
                            "check the server's log"))
    if found.status_code == 200:
        checks.append(_alerts_check({a["name"]: a for a in found.json()}))
    else:
        checks.append(Check("alerts", "fail", f"{api}/automations/filter answered HTTP {found.status_code}",
                            "check the server's log"))
    return checks


def _alerts_check(automations: dict[str, dict]) -> Check:
    """The alerts check from the server's automations named ``ALERTS_NAME`` and ``ALERTS_STUCK_NAME``
    (name -> the API's automation object): ok only when both exist and are enabled."""
    if not automations:
        return Check("alerts", "warn", "no alert is configured: a failed day is only seen in the UI",
                     "briefings alerts setup --webhook URL")
    wrong = [f"{name!r} is missing" for name in (ALERTS_NAME, ALERTS_STUCK_NAME) if name not in automations]
    wrong += [f"{name!r} is disabled" for name, a in automations.items() if not a.get("enabled", True)]
    if wrong:
        return Check("alerts", "warn", f"alerts are incomplete: automation {', '.join(wrong)}",
                     "briefings alerts setup --webhook URL (makes both automations again, enabled)")
    return Check("alerts", "ok", f"automation {ALERTS_NAME!r} notifies on failed, crashed and timed-out runs, "
                                 f"{ALERTS_STUCK_NAME!r} on a run still running too long")


def run_checks(settings: Settings, *, launch_browser: bool = True) -> list[Check]:
    """Every check, in the order a user fixes them.

    Args:
        settings: the run settings (``chromium_path``, ``warehouse_path``, ``data_dir``).
        launch_browser: also start headless Chromium once when Chromium and Playwright are present
            (a few seconds).
    Returns:
        One :class:`Check` per item; nothing raises.
    """
    checks = [_check_chromium(settings), _check_playwright()]
    if launch_browser and all(c.status == "ok" for c in checks):
        checks.append(_check_browser_launch(settings))
    checks.append(_check_warehouse(settings))
    checks.append(_check_folder("data", settings.data_dir, "the raw archive, staging and Prefect results",
                                "BRIEFINGS_DATA_DIR"))
    checks.extend(_check_prefect())
    return checks

"""Every default once, with its unit; later sources win: default < environment (``BRIEFINGS_*``) < flags.

Paths are resolved against the project root (the folder holding ``pyproject.toml`` and ``sql/``).
Every value is checked when the settings are made (:meth:`Settings.from_env`), before any request
or file write: a bad one raises ``ConfigError`` naming the setting as the user gave it
(``BRIEFINGS_MAX_ATTEMPTS`` or ``--source``), the bad value and what is allowed (``RULES``).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable

from briefings.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshot"
SNAPSHOT_SITE_DIR = SNAPSHOT_DIR / "site"
SEED_TEXT_PATH = SNAPSHOT_DIR / "seed" / "tianmen-2024-03-25.txt"
SQL_DIR = PROJECT_ROOT / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
QUERIES_DIR = SQL_DIR / "queries"

PRODUCT = "briefings"
VERSION = "0.1.0"
HOMEPAGE = "https://github.com/briefings-etl/briefings"

COLUMN_URL = "https://www.hubei.gov.cn/hbfb/xwfbh/index.shtml"
SERIES_PATTERN = "市长话经济"
DEFAULT_ALLOWED_HOSTS = (
    "www.hubei.gov.cn",
    "hubei.gov.cn",
    # city portals that republish the province's briefings
    "www.tianmen.gov.cn",
    "www.xiangyang.gov.cn",
    "www.snj.gov.cn",
    "www.hg.gov.cn",
    "www.wuhan.gov.cn",
    "www.yichang.gov.cn",
    "www.jingzhou.gov.cn",
    "www.shiyan.gov.cn",
    "www.xiaogan.gov.cn",
    "www.ezhou.gov.cn",
    "www.jingmen.gov.cn",
    "www.hbxn.gov.cn",
    "www.suizhou.gov.cn",
    "www.enshi.gov.cn",
    "www.xiantao.gov.cn",
    "www.hbqj.gov.cn",
    "www.huangshi.gov.cn",
)


def _env(name: str) -> str | None:
    value = os.environ.get(f"BRIEFINGS_{name.upper()}")
    return value if value not in (None, "") else None


@dataclass(frozen=True)
class Settings:
    """Run configuration. Every number carries its unit in its name.

    Attributes:
        source: URL of the first list page that discovery reads.
        series_pattern: regular expression a list title must match to belong to the series.
        live: fetch from the network instead of the bundled snapshot.
        warehouse_path: DuckDB file of the warehouse.
        data_dir: raw archive, staging files and Prefect results live below it (local folder).
        data_url: the same, anywhere every worker can reach: a local folder or an fsspec URL
            (``s3://bucket/prefix``); set, it replaces ``data_dir`` for the archive, staging and
            Prefect results. S3 credentials and endpoint come from the standard AWS variables
            (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL``), read by botocore,
            never copied into the settings (which Prefect records as task inputs).
        workers: Dask worker processes that run the fetch and parse tasks; 1 runs them in the flow's
            process, as before (no Dask).
        dask_address: an existing Dask scheduler (``tcp://HOST:8786``) to run the tasks on instead of a
            local cluster of ``workers`` processes.
        allowed_hosts: hosts a request or redirect may go to (the host of ``source`` is added).
        full: backfill: ignore the watermark and refetch every detail page.
        browser: solve JavaScript challenges with headless Chromium.
        timeout_s: connect/read/write timeout of one request, seconds.
        deadline_s: overall limit of one request including the body, seconds.
        max_body_bytes: responses larger than this are refused, bytes.
        max_attempts: tries per request, the first included.
        backoff_base_s: first retry delay, doubled each time, plus jitter, seconds.
        backoff_max_s: cap of one retry delay (and of an honoured Retry-After), seconds.
        min_interval_s: politeness: minimum time from the end of one request to a host (its response's
            headers) to the next request to it, seconds; one request at a time per host.
        max_list_pages: discovery stops after this many list pages.
        lock_wait_s: how long a writer waits for another process's lock on the warehouse, seconds.
        load_batch_size: pages loaded per batch (one transaction and a handful of statements each).
        chromium_path: the Chromium executable for browser mode.
        browser_timeout_s: how long the browser may take to pass a challenge, seconds.
        user_agent: the User-Agent header of every request.
        writer_memory_limit: DuckDB buffer pool of a writing connection (``memory_limit``), a size
            with its unit (``128MB``); beyond it DuckDB evicts and spills to disk. DuckDB keeps what a
            run wrote cached up to this size, so it is most of how a long run's memory grows: at 10,000
            pages a collect peaked at 516 MiB with 128MB, 834 MiB with 512MB (BENCHMARKS.md).
    """

    source: str = COLUMN_URL
    series_pattern: str = SERIES_PATTERN
    live: bool = False
    warehouse_path: Path = PROJECT_ROOT / "warehouse" / "briefings.duckdb"
    data_dir: Path = PROJECT_ROOT / "data"
    data_url: str | None = None
    workers: int = 1
    dask_address: str | None = None
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    full: bool = False
    browser: bool = False
    timeout_s: float = 20.0
    deadline_s: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    min_interval_s: float = 1.0
    max_list_pages: int = 200
    lock_wait_s: float = 60.0
    load_batch_size: int = 200
    chromium_path: str = "/usr/bin/chromium"
    browser_timeout_s: float = 30.0
    user_agent: str = field(default=f"{PRODUCT}/{VERSION} (+{HOMEPAGE})")
    writer_memory_limit: str = "128MB"

    @property
    def data_root(self) -> Path:
        """Where the archive, staging and Prefect results live: ``data_dir``, or ``data_url`` when set.

        A local folder is a ``pathlib.Path``; a remote URL is a ``upath.UPath`` (pathlib's API over
        fsspec: ``/``, ``exists``, ``read_bytes``, ``write_bytes``).
        """
        return data_location(self.data_url) if self.data_url else self.data_dir

    @property
    def is_remote_data(self) -> bool:
        """True when the data root is not on the local file system (``s3://…``)."""
        return not isinstance(self.data_root, Path)

    @property
    def raw_dir(self) -> Path:
        """Content-addressed archive of response bodies (raw layer)."""
        return self.data_root / "raw"

    @property
    def staging_dir(self) -> Path:
        """Parsed pages waiting to be loaded (staging layer)."""
        return self.data_root / "staging"

    @property
    def results_dir(self) -> Path:
        """Prefect's persisted task and flow results (what the UI's Retry reuses)."""
        return self.data_root / "prefect-results"

    @classmethod
    def from_env(cls, *, validate: bool = True, **overrides: Any) -> "Settings":
        """Defaults, then ``BRIEFINGS_<FIELD>`` environment variables, then ``overrides`` (None ignored).

        Every value is validated (``RULES``) before this returns, so a caller that makes its
        settings first has refused a bad one before any request or file write.

        Args:
            validate: False only for a diagnosis that reports bad values itself (``briefings doctor``);
                values that do not convert to their type are still refused.
            overrides: field name -> value, from command-line flags or flow parameters.
        Raises:
            ConfigError: a value does not convert to the field's type or is outside what is
                allowed; ``exc.setting`` names it as given (``BRIEFINGS_MAX_ATTEMPTS``, ``--source``).
        """
        values: dict[str, Any] = {}
        origins: dict[str, tuple[str, str]] = {}
        for f in fields(cls):
            raw = _env(f.name)
            if raw is None:
                continue
            values[f.name] = _convert(f.name, raw, getattr(cls(), f.name))
            origins[f.name] = (env_name(f.name), raw)
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
                origins[name] = (FLAGS.get(name, name), str(value))
        settings = replace(cls(), **values)
        if validate:
            settings.validate(origins)
        return settings.normalised()

    def validate(self, origins: dict[str, tuple[str, str]] | None = None) -> None:
        """Check every field against ``RULES``; reads the file system (paths) but writes nothing.

        Args:
            origins: field -> (how the user gave it, the value as given), e.g.
                ``("BRIEFINGS_LOCK_WAIT_S", "-1")`` or ``("--warehouse", "/tmp")``, for the message;
                fields not in it are named by their environment variable.
        Raises:
            ConfigError: the first field (in ``RULES`` order) whose value is not allowed.
        """
        origins = origins or {}
        for name, (ok, allowed) in RULES.items():
            value = getattr(self, name)
            if name == "chromium_path" and not self.browser:
                continue  # only browser mode starts Chromium
            verdict = ok(value)
            if verdict is not True:
                given, shown = origins.get(name, (env_name(name), ",".join(value) if isinstance(value, tuple)
                                                  else str(value)))
                why = f"{verdict}; " if isinstance(verdict, str) else ""
                raise ConfigError(f"bad setting {given}={shown!r}: {why}allowed: {allowed}", setting=given,
                                  value=shown, allowed=allowed)

    def normalised(self) -> "Settings":
        """Return a copy with paths made absolute and the source's host allowed.

        Raises:
            ConfigError: the source is not an absolute http(s) URL, or the series pattern is not a regex.
        """
        from urllib.parse import urlsplit

        parts = urlsplit(self.source)
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host:
            raise ConfigError(f"source is not an absolute http(s) URL: {self.source!r}")
        try:
            re.compile(self.series_pattern)
        except re.error as exc:
            raise ConfigError(f"series pattern {self.series_pattern!r} is not a valid regular expression: {exc}") from exc
        hosts = self.allowed_hosts if host in self.allowed_hosts else (*self.allowed_hosts, host)
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, not {self.workers}")
        if self.dask_address is not None and not re.match(r"^(tcp|tls|inproc|ucx)://", self.dask_address):
            raise ConfigError(f"dask address {self.dask_address!r} is not a scheduler URL such as tcp://HOST:8786")
        data_url = self.data_url
        if data_url is not None:
            location = data_location(data_url)  # raises ConfigError for an unknown protocol
            if isinstance(location, Path):
                data_url = str(location)
        return replace(
            self,
            warehouse_path=Path(self.warehouse_path).expanduser().absolute(),
            data_dir=Path(self.data_dir).expanduser().absolute(),
            data_url=data_url,
            allowed_hosts=tuple(hosts),
        )


def data_location(url: str) -> Any:
    """A data location as a path: a local folder (plain path or ``file://``) as an absolute ``Path``,
    anything else as a ``upath.UPath`` on its fsspec file system.

    Raises:
        ConfigError: fsspec knows no file system for the URL's protocol (or its package is missing).
    """
    from urllib.parse import urlsplit

    scheme = urlsplit(url).scheme
    if scheme in ("", "file"):
        local = urlsplit(url).path if scheme == "file" else url
        return Path(local).expanduser().absolute()
    import fsspec
    from upath import UPath

    try:
        fsspec.get_filesystem_class(scheme)
    except (ImportError, ValueError) as exc:
        raise ConfigError(f"BRIEFINGS_DATA_URL={url!r}: no file system for {scheme!r}: {exc}") from exc
    return UPath(url.rstrip("/"))


def env_name(field_name: str) -> str:
    """The environment variable of a setting: ``max_attempts`` -> ``BRIEFINGS_MAX_ATTEMPTS``."""
    return f"BRIEFINGS_{field_name.upper()}"


# How a setting given as a flag of ``briefings collect`` (or a flow parameter) is named in messages.
FLAGS = {
    "source": "--source", "warehouse_path": "--warehouse", "full": "--full", "browser": "--browser",
    "live": "--live", "series_pattern": "--series", "workers": "--workers", "dask_address": "--dask-address",
}


def _number(low: float, *, above: bool = False) -> Callable[[Any], bool]:
    """A finite number >= low (> low when ``above``)."""
    def ok(value: Any) -> bool:
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                and (value > low if above else value >= low))
    return ok


def _integer(low: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= low


def _regex(value: Any) -> bool | str:
    try:
        re.compile(value)
    except (re.error, TypeError) as exc:
        return f"not a valid regular expression ({exc})"
    return True


def _http_url(value: Any) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(value))
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a bad port or bracketed host
        return False


def _writable_file_path(value: Any) -> bool:
    """Not a folder, and no part of the way to it is a file (so it can be created)."""
    path = Path(value).expanduser().absolute()
    return not path.is_dir() and not any(p.exists() and not p.is_dir() for p in path.parents)


def _folder_path(value: Any) -> bool:
    """A folder, or a path that can become one (neither it nor a parent is a file)."""
    path = Path(value).expanduser().absolute()
    return all(not p.exists() or p.is_dir() for p in (path, *path.parents))


_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*$", re.IGNORECASE)


def _executable(value: Any) -> bool:
    return os.path.isfile(value) and os.access(value, os.X_OK)


# field -> (check, what is allowed); checked in this order. A check returns True, False, or why not.
RULES: dict[str, tuple[Callable[[Any], bool | str], str]] = {
    "source": (_http_url, "an absolute http(s) URL of the column's first list page"),
    "series_pattern": (_regex, "a Python regular expression"),
    "warehouse_path": (_writable_file_path, "a file path that is not a folder and whose parents are folders"),
    "data_dir": (_folder_path, "a folder (or a path where one can be made: no part of it is a file)"),
    "data_url": (lambda v: v is None or bool(str(v).strip()), "a folder or an fsspec URL (s3://bucket/prefix)"),
    "workers": (_integer(1), "an integer >= 1 (processes that fetch and parse)"),
    "dask_address": (lambda v: v is None or bool(re.match(r"^(tcp|tls|inproc|ucx)://", str(v))),
                     "a Dask scheduler URL such as tcp://HOST:8786"),
    "allowed_hosts": (lambda v: all(_HOST.match(h) for h in v),
                      "comma-separated host names (www.hubei.gov.cn), no scheme, port or path"),
    "timeout_s": (_number(0, above=True), "seconds, a number > 0"),
    "deadline_s": (_number(0, above=True), "seconds, a number > 0"),
    "max_body_bytes": (_integer(1), "bytes, an integer >= 1"),
    "max_attempts": (_integer(1), "an integer >= 1 (tries per request, the first included)"),
    "backoff_base_s": (_number(0), "seconds, a number >= 0"),
    "backoff_max_s": (_number(0), "seconds, a number >= 0"),
    "min_interval_s": (_number(0), "seconds, a number >= 0"),
    "max_list_pages": (_integer(1), "an integer >= 1"),
    "load_batch_size": (_integer(1), "an integer >= 1 (pages per load transaction)"),
    "lock_wait_s": (_number(0), "seconds, a number >= 0"),
    "chromium_path": (_executable, "an executable file (checked with --browser)"),
    "browser_timeout_s": (_number(0, above=True), "seconds, a number > 0"),
    "user_agent": (lambda v: bool(str(v).strip()) and not re.search(r"[\r\n]", str(v)),
                   "a non-empty header value on one line"),
    "writer_memory_limit": (lambda v: bool(_SIZE.match(str(v))),
                            "a size with its unit: B, KB, MB, GB, TB or KiB, MiB, GiB, TiB (512MB, 1.5GiB)"),
}


def _convert(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw.strip())
        if isinstance(default, float):
            return float(raw.strip())
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple):
            return tuple(h.strip() for h in raw.split(",") if h.strip())
        return raw
    except ValueError as exc:
        allowed = RULES.get(name, (None, "yes/no (1/0, true/false, on/off)" if isinstance(default, bool)
                                   else f"a {type(default).__name__}"))[1]
        if isinstance(default, bool):
            allowed = "yes/no (1/0, true/false, on/off)"
        raise ConfigError(f"bad setting {env_name(name)}={raw!r}: allowed: {allowed}", setting=env_name(name),
                          value=raw, allowed=allowed) from exc

"""Every default once, with its unit; later sources win: default < environment (``BRIEFINGS_*``) < flags.

Paths are resolved against the project root (the folder holding ``pyproject.toml`` and ``sql/``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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
        min_interval_s: politeness: minimum time between two requests to one host, seconds.
        max_list_pages: discovery stops after this many list pages.
        lock_wait_s: how long a writer waits for another process's lock on the warehouse, seconds.
        load_batch_size: pages loaded per batch (one transaction and a handful of statements each).
        chromium_path: the Chromium executable for browser mode.
        browser_timeout_s: how long the browser may take to pass a challenge, seconds.
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

    def as_config(self) -> dict[str, Any]:
        """The settings as a dict of primitives (paths as str, tuples as lists), for Prefect task inputs."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Settings":
        """Inverse of :meth:`as_config`."""
        values = dict(config)
        for name in ("warehouse_path", "data_dir"):
            values[name] = Path(values[name])
        values["allowed_hosts"] = tuple(values["allowed_hosts"])
        return cls(**values).normalised()

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        """Defaults, then ``BRIEFINGS_<FIELD>`` environment variables, then ``overrides`` (None ignored).

        Raises:
            ConfigError: an environment value does not convert to the field's type.
        """
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = _env(f.name)
            if raw is None:
                continue
            values[f.name] = _convert(f.name, raw, getattr(cls(), f.name))
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)
        return settings.normalised()

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


def _convert(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple):
            return tuple(h.strip() for h in raw.split(",") if h.strip())
        return raw
    except ValueError as exc:
        raise ConfigError(f"BRIEFINGS_{name.upper()}={raw!r} is not a valid {type(default).__name__}") from exc

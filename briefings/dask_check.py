"""The Dask settings checked before a run starts: an address that answers, and not two ways to scale.

``--dask-address`` (``BRIEFINGS_DASK_ADDRESS``) to a scheduler that is down used to be found only
when the first chunk was submitted, after Prefect had started and the list pages were read (58 s,
then exit 1). ``--workers N`` beside an address was ignored without a word: the cluster at the
address has its own workers. Both are bad settings now (exit 2), found before anything starts.

The address check opens a TCP connection to the scheduler's host and port and closes it; it does
not speak Dask's protocol (that needs ``distributed`` and an event loop: seconds of start-up for
every run). A port that accepts connections but is not a scheduler is still found at the first
submit.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from briefings.errors import ConfigError
from briefings.settings import Settings

__all__ = ["check_dask_settings", "CONNECT_TIMEOUT_S"]

DEFAULT_SCHEDULER_PORT = 8786  # Dask's, when the address gives none
CONNECT_TIMEOUT_S = 5.0  # how long the scheduler's port gets to accept a connection, seconds
_ADDRESS = "BRIEFINGS_DASK_ADDRESS (--dask-address)"
_WORKERS = "BRIEFINGS_WORKERS (--workers)"
_TCP_SCHEMES = ("tcp", "tls")


def check_dask_settings(settings: Settings, *, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Check ``settings.workers`` and ``settings.dask_address`` together; nothing without an address.

    Raises:
        ConfigError: ``workers`` > 1 beside an address; a ``tcp://`` or ``tls://`` address with no
            host, or where no process accepts a connection within ``timeout_s`` seconds.
    """
    address = settings.dask_address
    if address is None:
        return
    if settings.workers > 1:
        raise ConfigError(
            f"bad setting {_WORKERS}='{settings.workers}' beside {_ADDRESS}={address!r}: the cluster at the "
            "address has its own workers; allowed: one of the two (--workers for local Dask worker "
            "processes, --dask-address for an existing cluster)",
            setting=_WORKERS, value=str(settings.workers), allowed="one of --workers and --dask-address")
    allowed = "the address of a running Dask scheduler, tcp://HOST:PORT"
    parts = urlsplit(address)
    if parts.scheme not in _TCP_SCHEMES:
        return  # inproc:// and ucx:// (Settings checks the scheme) are found at the first submit
    try:
        port = parts.port or DEFAULT_SCHEDULER_PORT
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise ConfigError(f"bad setting {_ADDRESS}={address!r}: allowed: {allowed}", setting=_ADDRESS,
                          value=address, allowed=allowed)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout_s).close()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"bad setting {_ADDRESS}={address!r}: no Dask scheduler answers there ({why}, within "
            f"{timeout_s:g} s); allowed: {allowed}", setting=_ADDRESS, value=address, allowed=allowed) from exc

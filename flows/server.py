"""Prefect's ephemeral API server, started by us as a child that dies with this process.

Without a ``PREFECT_API_URL``, Prefect 3.9 starts a local API server on first use
(``prefect.server.api.server.SubprocessASGIServer``: ``python -m uvicorn … create_app`` on a
127.0.0.1 port, ~190 MB) and stops it only from ``atexit``, which SIGTERM, SIGHUP and SIGKILL
skip: the server outlived every killed ``briefings collect``. Here the server is started before
the flow, from the main thread, with ``briefings.lifetime.die_with_parent`` as its ``preexec_fn``;
the kernel then sends it SIGTERM when this process dies, however it dies.

The server runs in its own session (``start_new_session``), outside the terminal's foreground
process group: Ctrl-C in a terminal (and ``kill -INT -- -PGID``) sends SIGINT to every process of
that group, and a server that died with it left ``briefings collect`` retrying a dead API for over
a minute before it could record the run as cancelled. Out of the group, only ``briefings`` gets the
signal; it records the run, then stops the server (``briefings.cli_runs.exit_cancelled``), and the
death signal still covers SIGKILL.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from briefings.lifetime import die_with_parent

__all__ = ["own_ephemeral_server", "stop_ephemeral_server", "STARTING_LINE"]

STARTING_LINE = "prefect: starting the local API server (a few seconds)"


class _SubprocessWithDeathSignal:
    """Stands for the ``subprocess`` module inside ``prefect.server.api.server``: its ``Popen``
    starts the server with the death-signal hook, in a session of its own (away from the terminal's
    signals); everything else is the real module."""

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen:  # noqa: N802  (the module's name)
        hook = die_with_parent()
        if hook is not None and kwargs.get("preexec_fn") is None:
            kwargs["preexec_fn"] = hook
        kwargs.setdefault("start_new_session", True)
        return subprocess.Popen(*args, **kwargs)


def own_ephemeral_server() -> int | None:
    """Start Prefect's ephemeral API server now, as a child that dies with this process.

    Does nothing when Prefect will not use one (``PREFECT_API_URL`` set, or ephemeral mode off).
    Call it in the main thread before the first flow; Prefect's own later calls find it running.
    Says on stderr that it is starting (``STARTING_LINE``): the start takes seconds with no output.

    Returns:
        The server's PID, or None when no ephemeral server is used.
    Raises:
        RuntimeError: the server did not answer within ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return None
    import prefect.server.api.server as server_module

    server_module.subprocess = _SubprocessWithDeathSignal()  # type: ignore[assignment]  # a stand-in for the module
    server = server_module.SubprocessASGIServer()
    if not server.running:  # say why nothing happens for a few seconds (6 s on a 2-core machine)
        print(STARTING_LINE, file=sys.stderr, flush=True)
    server.start()
    return server.server_process.pid if server.server_process is not None else None


def stop_ephemeral_server() -> None:
    """Stop the ephemeral server if this process started one (SIGTERM, then SIGKILL after 5 s)."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    if server is not None and server.server_process is not None:
        server.stop()

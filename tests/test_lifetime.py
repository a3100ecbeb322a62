"""Killing the real ``briefings collect`` in each step leaves nothing behind (issue 17).

First the parts alone (fast): a child started with ``die_with_parent`` dies with its parent, and
the signal handlers raise ``RunCancelled``. Then the whole command (slow).

Each test runs the installed ``briefings`` command against a loopback copy of the column on
127.0.0.1 that can hold a request until the test releases it, so the kill lands in a known step:

* discover: the first list page is held; the kill comes once it was asked for;
* fetch: the detail pages are held; the kill comes once the first was asked for;
* parse: the kill comes when the flow starts waiting for the parses ("parse: starting" on stderr);
  a long synthetic page (the real page's questions and answers, 40 times) keeps it parsing;
* load: the kill comes when the load starts ("load: starting"); that long page keeps it loading.

After each kill: every process that ``briefings`` started is gone within 5 s, the warehouse
opens, and ``briefings runs`` shows the run ``cancelled`` (SIGTERM, exit 143, with the step it
stopped in) or ``crashed`` (SIGKILL). A last run then completes, and the tables' checksums equal
those of a clean run in a fresh warehouse. Each Prefect start costs ~10 s of CPU: two tests of five
runs each, and one clean run shared by both.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import textwrap

import pytest

from briefings.errors import ExitCode, RunCancelled
from briefings.lifetime import CANCEL_SIGNALS, signal_exit_code, install_signal_handlers
from briefings.settings import PROJECT_ROOT
from tests.conftest import warehouse_checksums as _checksums
from tests.site_server import LIST_PATH, SESSION12_PATH, column_site

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))
STEPS = ("discover", "fetch", "parse", "load")
LONG_PATH = "/hbfb/xwfbh/202403/t20240328_5999014.shtml"
LONG_TITLE = "“奋战开门红 市长话经济”第十四场 天门（合成样本·长篇）：培育壮大新质生产力 加快推进新型工业化"
SESSION12_TITLE = "“奋战开门红 市长话经济”第十二场 天门：培育壮大新质生产力 加快推进新型工业化"
REPEATS = 40


def long_page(session12: bytes) -> bytes:
    """Session 12's real page as a synthetic session 14 whose Q&A section is said ``REPEATS`` times."""
    html = session12.decode("utf-8")
    start = html.index("        <p>极目新闻记者")  # any stretch of whole questions and answers will do
    start = html.index("        <p>湖北日报记者") if "        <p>湖北日报记者" in html else start
    end = html.index("        <p>湖北省委宣传部二级巡视员黄勤：</p>\n        <p>时间关系")
    html = html[:start] + html[start:end] * REPEATS + html[end:]
    html = html.replace(SESSION12_TITLE, LONG_TITLE)
    html = html.replace("<li><b>时间：</b>2024-03-25</li>", "<li><b>时间：</b>2024-03-28</li>")
    html = html.replace("时间：2024-03-26", "时间：2024-03-29").replace("2024-03-26 10:31", "2024-03-29 10:31")
    return html.encode("utf-8")


def slow_column() -> dict[str, bytes]:
    """The loopback column (two list pages, session 12, synthetic 13) plus the long page, listed first."""
    pages = column_site()
    pages[LONG_PATH] = long_page(pages[SESSION12_PATH])
    first = pages[LIST_PATH].decode("utf-8")
    entry = (
        '  <div class="row media_block"><div class="col-md-12"><h4><a href="./202403/t20240328_5999014.shtml" '
        f'target="_blank" title="{LONG_TITLE}">{LONG_TITLE}</a></h4><span class="date">2024-03-29</span>'
        "</div></div>\n"
    )
    anchor = '  <div class="row media_block"><div class="col-md-12"><h4><a href="./202403/'
    pages[LIST_PATH] = first.replace(anchor, entry + anchor, 1).encode("utf-8")
    return pages


PARENT = textwrap.dedent("""
    import subprocess, sys, time
    sys.path.insert(0, {root!r})
    from briefings.lifetime import die_with_parent
    hooked = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=die_with_parent())
    plain = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print(hooked.pid, plain.pid, flush=True)
    time.sleep(60)
""").format(root=str(PROJECT_ROOT))


def test_a_child_started_with_die_with_parent_dies_when_its_parent_is_killed():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        hooked, plain = (int(pid) for pid in parent.stdout.readline().split())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(hooked) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(hooked)
        assert _alive(plain)  # without the hook the child outlives its parent, as Prefect's server did
    finally:
        for pid in (hooked, plain):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        parent.stdout.close()


def test_signal_handlers_turn_sigterm_and_sighup_into_run_cancelled():
    saved = {s: signal.getsignal(s) for s in CANCEL_SIGNALS}
    try:
        install_signal_handlers()
        for signum, code in ((signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)):
            with pytest.raises(RunCancelled) as caught:
                os.kill(os.getpid(), signum)
                time.sleep(1)  # the handler runs in this (main) thread at the next bytecode
            assert (caught.value.signum, signal_exit_code(caught.value.signum)) == (signum, code)
            assert str(caught.value) == f"cancelled by {signal.Signals(signum).name}"
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


@dataclass
class HoldingSite:
    """A loopback column whose held paths wait (up to ``hold_s``) until ``release()``; ETag / 304 as the portal."""

    pages: dict[str, bytes]
    held: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)  # every path requested, in order
    hold_s: float = 120.0  # a held request is answered after this long if not released
    arrived: dict[str, threading.Event] = field(default_factory=dict)
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def hold(self, *paths: str) -> None:
        self._release.clear()
        self.held = set(paths)
        self.arrived = {p: threading.Event() for p in paths}

    def release(self) -> None:
        self.held = set()
        self._release.set()

    @property
    def source(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{LIST_PATH}"

    def start(self) -> "HoldingSite":
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                site.log.append(path)
                if path in site.held:
                    site.arrived[path].set()
                    site._release.wait(site.hold_s)
                body = site.pages.get(path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client was killed while this request was held

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class Collect:
    """One ``briefings collect`` process, its stderr read line by line as it comes."""

    def __init__(self, site: HoldingSite, warehouse: Path, data_dir: Path, env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFINGS_"))} | {
            "BRIEFINGS_DATA_DIR": str(data_dir), "BRIEFINGS_MIN_INTERVAL_S": "0",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        } | (env or {})
        self.proc = subprocess.Popen(
            command or [BRIEFINGS, "collect", "--source", site.source, "--warehouse", str(warehouse), "--format", "json"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.stdout = ""
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def _read_stdout(self) -> None:
        self.stdout = self.proc.stdout.read()

    def wait_for_line(self, pattern: str, timeout_s: float = 300) -> None:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not any(regex.search(line) for line in self.lines):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"no line matching {pattern!r}; exit {self.proc.poll()}; stderr:\n"
                                         + "\n".join(self.lines[-40:]))
                self._changed.wait(0.2)

    def descendants(self) -> set[int]:
        """PIDs of every live process below this one (from /proc)."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            parents[int(stat.parent.name)] = int(text[text.rindex(")") + 2:].split()[1])
        found, frontier = set(), {self.proc.pid}
        while frontier:
            frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
            found |= frontier
        return found

    def wait_for_held_request(self, site: HoldingSite, timeout_s: float = 300) -> None:
        """Wait until collect asked ``site`` for one of its held pages (it is in that step, held there)."""
        deadline = time.monotonic() + timeout_s
        while not any(e.is_set() for e in site.arrived.values()):
            assert self.proc.poll() is None and time.monotonic() < deadline, "\n".join(self.lines[-40:])
            time.sleep(0.05)

    def signal_and_reap(self, signum: int, site: HoldingSite, started: set[int], *,
                        group: bool = False) -> tuple[int, float]:
        """Send ``signum`` to collect (to its whole process group with ``group``, as a terminal's Ctrl-C),
        wait for it to exit, then release ``site``'s held requests.

        Returns:
            Collect's exit code and the seconds from the signal to its exit, once every process of
            ``started`` (its descendants before the signal) is gone, within 5 s.
        """
        signalled = time.monotonic()
        if group:
            os.killpg(self.proc.pid, signum)
        else:
            os.kill(self.proc.pid, signum)
        code = self.proc.wait(timeout=120)
        took_s = time.monotonic() - signalled
        site.release()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in started if _alive(pid)] == [], f"still alive 5 s after {signal.Signals(signum).name}"
        return code, took_s

    def succeeds(self, timeout_s: float = 600) -> "Collect":
        """Wait for collect to exit, clean up after it, and assert it exited 0; this run, for its output."""
        try:
            assert self.proc.wait(timeout=timeout_s) == 0, "\n".join(self.lines[-40:])
        finally:
            self.cleanup()
        return self

    def cleanup(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"  # a zombie has exited; nobody reaps it in some containers


def _runs(warehouse: Path) -> list[dict]:
    out = subprocess.run([BRIEFINGS, "runs", "--warehouse", str(warehouse), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)




def _kill_in(step: str, signum: int, site: HoldingSite, warehouse: Path, data_dir: Path, *,
             group: bool = False) -> float:
    """Run collect, kill it with ``signum`` in ``step``, and check what it left; returns the seconds
    from the signal to its exit.

    ``group``: signal the whole process group, as a terminal's Ctrl-C does (collect leads its own
    session here, as a shell's foreground job leads its group), rather than collect's PID alone.
    """
    if step == "discover":
        site.hold(LIST_PATH)
    elif step == "fetch":
        site.hold(SESSION12_PATH, LONG_PATH)
    run = Collect(site, warehouse, data_dir)
    try:
        if step in ("discover", "fetch"):
            run.wait_for_held_request(site)
        else:  # "<step>: starting, N pages" is printed once the flow is in that step
            run.wait_for_line(rf"^{step}: starting")
        started = run.descendants()
        assert started, "briefings started no Prefect server"
        code, took_s = run.signal_and_reap(signum, site, started, group=group)
    finally:
        run.cleanup()
    stderr = "\n".join(run.lines)
    latest = _runs(warehouse)[0]  # the warehouse opens, and the run is there
    if signum in (signal.SIGTERM, signal.SIGINT):
        assert code == signal_exit_code(signum), stderr
        assert f"cancelled by {signal.Signals(signum).name}" in stderr
        assert "stopped by an error" not in stderr  # the progress lines say what stopped them
        if step != "discover":  # the progress lines start after discovery
            assert f"— cancelled by {signal.Signals(signum).name}" in stderr
        assert (latest["status"], latest["stopped_in"]) == ("cancelled", step), (latest, stderr)
    else:
        assert code == -signal.SIGKILL
        assert latest["status"] == "crashed", latest
    _checksums(warehouse)
    return took_s


@pytest.fixture(scope="module")
def site():
    server = HoldingSite(slow_column()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def clean_run(site, tmp_path_factory) -> Path:
    """The warehouse of one uninterrupted collect into a fresh folder."""
    root = tmp_path_factory.mktemp("clean")
    run = Collect(site, root / "w.duckdb", root / "data").succeeds()
    summary = json.loads(run.stdout)
    assert (summary["loaded"], summary["failed"]) == (3, 0)
    return root / "w.duckdb"


@pytest.fixture(scope="module")
def clean_checksums(clean_run):
    """Checksums of the tables after one uninterrupted collect into a fresh warehouse."""
    return _checksums(clean_run)


@pytest.mark.slow
def test_collect_on_a_damaged_warehouse_prints_the_error_and_not_duckdbs_exit_time_report(site, clean_run, tmp_path):
    damaged = tmp_path / "w.duckdb"
    data = bytearray(clean_run.read_bytes())
    # the middle half of the file: blocks of table data (200 KB at the middle can fall in free blocks only,
    # as it did once a run checkpointed once at its end instead of at every open and close)
    start, end = len(data) // 4, 3 * len(data) // 4
    data[start:end] = random.Random(17).randbytes(end - start)
    damaged.write_bytes(bytes(data))
    run = Collect(site, damaged, tmp_path / "data")
    try:
        code = run.proc.wait(timeout=600)
    finally:
        run.cleanup()
    time.sleep(0.5)  # the reader thread has the last lines
    messages = [line for line in run.lines if not re.match(r"^(fetch|parse|prefect): ", line)]
    assert code == ExitCode.WAREHOUSE_UNREADABLE, run.lines
    assert len(messages) == 1 and "Corrupt database file" in messages[0], run.lines
    assert not any("nanobind" in line or "leaked" in line for line in run.lines)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_kill_in_any_step_leaves_no_process_and_a_rerun_gives_the_clean_tables(site, clean_checksums, tmp_path,
                                                                                 signum):
    warehouse, data_dir = tmp_path / "w.duckdb", tmp_path / "data"
    for step in STEPS:
        _kill_in(step, signum, site, warehouse, data_dir)
    Collect(site, warehouse, data_dir).succeeds()
    assert _checksums(warehouse) == clean_checksums
    statuses = [r["status"] for r in _runs(warehouse)]
    assert statuses == ["succeeded"] + ["cancelled" if signum == signal.SIGTERM else "crashed"] * len(STEPS)


@pytest.mark.slow
def test_ctrl_c_or_sigterm_to_the_process_group_ends_collect_at_once_and_a_rerun_gives_the_clean_tables(
        site, clean_checksums, tmp_path):
    """Issue 25 item 1: a terminal's Ctrl-C reaches the whole foreground group, the Prefect server too.

    Before the fix the server died with the group and collect retried it for 66-82 s, then exited 1.
    """
    warehouse, data_dir = tmp_path / "w.duckdb", tmp_path / "data"
    took = {signum: _kill_in(step, signum, site, warehouse, data_dir, group=True)
            for step, signum in (("fetch", signal.SIGINT), ("load", signal.SIGTERM))}
    # Ctrl-C while fetching: ~1 s. In load the cancelled run's row is written after the batch's
    # rollback, with a CHECKPOINT: 3.7 s, 5.7 s at a load average of 10 (before the fix: 66-82 s).
    assert took[signal.SIGINT] < 5 and took[signal.SIGTERM] < 15, took
    Collect(site, warehouse, data_dir).succeeds()
    assert _checksums(warehouse) == clean_checksums
    runs = _runs(warehouse)
    assert [(r["status"], r["stopped_in"]) for r in runs] == [
        ("succeeded", None), ("cancelled", "load"), ("cancelled", "fetch")]
    # requests answered before the signal (item 14): two list pages; then also the three detail pages
    assert [r["requests"] for r in runs[1:]] == [5, 2]


@pytest.mark.slow
def test_ctrl_c_in_make_collect_ends_it_at_once_and_records_the_run_cancelled(site, tmp_path):
    """Issue 25 item 1, through ``make collect``: Ctrl-C reaches make, briefings and (before) the server."""
    venv = Path(sys.executable).parent.parent
    warehouse = tmp_path / "w.duckdb"
    env = {"BRIEFINGS_SOURCE": site.source, "BRIEFINGS_WAREHOUSE_PATH": str(warehouse),
           "PREFECT_HOME": str(tmp_path / "prefect")}
    # -o: the venv counts as set up, whatever the files' times; make runs `briefings collect` in it
    make = ["make", "-s", "-C", str(PROJECT_ROOT), "-o", f"{venv}/bin/briefings", f"VENV={venv}", "collect"]
    site.hold(SESSION12_PATH, LONG_PATH)
    run = Collect(site, warehouse, tmp_path / "data", env=env, command=make)
    try:
        run.wait_for_held_request(site)
        code, took_s = run.signal_and_reap(signal.SIGINT, site, run.descendants(), group=True)
    finally:
        run.cleanup()
    time.sleep(0.5)
    assert code in (-signal.SIGINT, 130, 2), (code, run.lines)  # make ends by the signal (or says so, exit 2)
    assert took_s < 5, (took_s, run.lines)
    assert "cancelled by SIGINT: the briefings loaded before it are kept; `briefings runs` shows the run" in run.lines
    latest = _runs(warehouse)[0]
    assert (latest["status"], latest["stopped_in"]) == ("cancelled", "fetch")


def test_a_signal_python_drops_still_ends_the_command_as_cancelled():
    """A SIGINT that lands while a weakref callback runs (seen in CI: an import's module-lock callback,
    while ``briefings runs`` waited for a writer's lock) raises ``RunCancelled`` where Python only
    reports it as "Exception ignored" and goes on. The command then ended with its own error (exit 4)
    and a traceback; it must exit 130 and say it was cancelled, like any other Ctrl-C."""
    script = textwrap.dedent("""
        import signal, sys, weakref
        import briefings.cli as cli
        from briefings.errors import RunCancelled

        class Module:
            pass

        def command():
            def callback(_ref):
                raise RunCancelled(signal.SIGINT)  # what the handler raises, inside the callback
            module = Module()
            ref = weakref.ref(module, callback)
            del module  # the callback runs here; Python drops what it raises
            print("the command went on", file=sys.stderr)
            sys.exit(4)  # the lock error it then met

        cli.app = command
        cli.main()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 130, out.stderr
    assert out.stderr.splitlines() == ["the command went on", "cancelled by SIGINT"]

"""``parse`` and ``extract`` read at most ``BRIEFINGS_MAX_BODY_BYTES`` of their input, like a fetch
(issue 25, item 8): ``parse /dev/zero`` used to end in MemoryError. Through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.settings import SEED_TEXT_PATH

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))
CAP = 10485760  # Settings.max_body_bytes
SEED_BYTES = SEED_TEXT_PATH.stat().st_size


def run(*argv: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BRIEFINGS, *argv], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


@pytest.mark.parametrize("command", ["parse", "extract"])
def test_an_endless_file_is_refused_at_the_cap(command: str) -> None:
    out = run(command, "/dev/zero")
    assert (out.returncode, out.stdout) == (6, "")
    assert out.stderr == (f"/dev/zero: more than {CAP} bytes (BRIEFINGS_MAX_BODY_BYTES, the cap of a fetched page); "
                          f"not read\n")


def test_extract_from_standard_input_is_capped_too() -> None:
    out = subprocess.run([BRIEFINGS, "extract", "-"], input=b"\0" * (CAP + 1), capture_output=True, timeout=120)
    assert out.returncode == 6
    assert out.stderr.decode() == (f"-: more than {CAP} bytes (BRIEFINGS_MAX_BODY_BYTES, the cap of a fetched "
                                   f"page); not read\n")


@pytest.mark.parametrize("command", ["parse", "extract"])
def test_the_cap_is_the_setting_and_the_real_page_fits_it_exactly(command: str) -> None:
    refused = run(command, str(SEED_TEXT_PATH), env={"BRIEFINGS_MAX_BODY_BYTES": str(SEED_BYTES - 1)})
    assert refused.returncode == 6
    assert refused.stderr.startswith(f"{SEED_TEXT_PATH}: more than {SEED_BYTES - 1} bytes")
    read = run(command, str(SEED_TEXT_PATH), "--format", "json", env={"BRIEFINGS_MAX_BODY_BYTES": str(SEED_BYTES)})
    assert read.returncode == 0, read.stderr
    mentions = json.loads(read.stdout)["mentions"] if command == "parse" else json.loads(read.stdout)
    assert (len(mentions), mentions[0]["value_text"]) == (104, "50亿元")


@pytest.mark.parametrize("command", ["parse", "extract"])
def test_a_bad_cap_is_a_bad_setting(command: str) -> None:
    out = run(command, str(SEED_TEXT_PATH), env={"BRIEFINGS_MAX_BODY_BYTES": "10MB"})
    assert (out.returncode, out.stderr) == (2, "bad setting BRIEFINGS_MAX_BODY_BYTES='10MB': allowed: bytes, an "
                                                "integer >= 1\n")

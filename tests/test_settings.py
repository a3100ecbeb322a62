from pathlib import Path

import pytest

from briefings.errors import ConfigError
from briefings.settings import COLUMN_URL, Settings


def test_defaults_carry_units_and_the_column():
    s = Settings.from_env()
    assert s.source == COLUMN_URL
    assert s.series_pattern == "市长话经济"
    assert s.min_interval_s == 1.0
    assert s.warehouse_path.name == "briefings.duckdb" and s.warehouse_path.parent.name == "warehouse"
    assert "briefings/" in s.user_agent and "+http" in s.user_agent


def test_environment_then_flags(monkeypatch):
    monkeypatch.setenv("BRIEFINGS_MIN_INTERVAL_S", "0.25")
    monkeypatch.setenv("BRIEFINGS_FULL", "yes")
    s = Settings.from_env(min_interval_s=2.0)
    assert s.min_interval_s == 2.0
    assert s.full is True


def test_bad_environment_value_is_a_config_error(monkeypatch):
    monkeypatch.setenv("BRIEFINGS_MAX_ATTEMPTS", "many")
    with pytest.raises(ConfigError, match="BRIEFINGS_MAX_ATTEMPTS"):
        Settings.from_env()


def test_source_host_is_allowed_and_must_be_absolute():
    s = Settings.from_env(source="http://127.0.0.1:8765/list/index.html")
    assert s.allowed_hosts[-1] == "127.0.0.1"
    with pytest.raises(ConfigError):
        Settings.from_env(source="index.shtml")
    with pytest.raises(ConfigError, match="http"):
        Settings.from_env(source="ftp://www.hubei.gov.cn/hbfb/xwfbh/")


def test_series_pattern_must_be_a_regex():
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        Settings.from_env(series_pattern="[")


def test_settings_go_to_tasks_as_they_are_pickled_and_hashed_for_the_cache_key(tmp_path: Path):
    import pickle

    from prefect.utilities.hashing import hash_objects

    s = Settings.from_env(warehouse_path=tmp_path / "w.duckdb", full=True)
    back = pickle.loads(pickle.dumps(s))  # what a Dask worker or a persisted task input gets
    assert back == s and isinstance(back.warehouse_path, Path) and isinstance(back.allowed_hosts, tuple)
    key = hash_objects({"settings": s, "url": "u"}, raise_on_failure=True)  # Prefect's INPUTS cache policy
    assert key == hash_objects({"settings": back, "url": "u"}, raise_on_failure=True)
    other = Settings.from_env(warehouse_path=tmp_path / "w.duckdb", full=False)
    assert key != hash_objects({"settings": other, "url": "u"}, raise_on_failure=True)


# -- every setting is checked first (issue 17) -----------------------------------------------------

import os
import subprocess
import sys

from briefings.settings import PROJECT_ROOT, RULES

BRIEFINGS = str(Path(sys.executable).with_name("briefings"))


@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("BRIEFINGS_MAX_ATTEMPTS", "0", "an integer >= 1"),
        ("BRIEFINGS_WRITER_MEMORY_LIMIT", "lots", "a size with its unit"),
        ("BRIEFINGS_TIMEOUT_S", "nan", "a number > 0"),
        ("BRIEFINGS_LOCK_WAIT_S", "-1", "a number >= 0"),
        ("BRIEFINGS_MIN_INTERVAL_S", "soon", "a number >= 0"),
        ("BRIEFINGS_FULL", "maybe", "yes/no"),
        ("BRIEFINGS_ALLOWED_HOSTS", "https://www.hubei.gov.cn/", "host names"),
        ("BRIEFINGS_MAX_BODY_BYTES", "0", "an integer >= 1"),
    ],
)
def test_a_bad_environment_value_names_the_variable_the_value_and_what_is_allowed(monkeypatch, variable, value,
                                                                                    allowed):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env()
    assert (caught.value.setting, caught.value.value) == (variable, value)
    assert allowed in caught.value.allowed
    assert str(caught.value) == f"bad setting {variable}={value!r}: allowed: {caught.value.allowed}"


def test_a_bad_flag_is_named_as_the_flag(tmp_path: Path):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(warehouse_path=tmp_path)  # a folder
    assert (caught.value.setting, caught.value.value) == ("--warehouse", str(tmp_path))
    with pytest.raises(ConfigError, match=r"^bad setting --series='\[': not a valid regular expression \(unterminated "
                       r"character set at position 0\); allowed: a Python regular expression$"):
        Settings.from_env(series_pattern="[")


def test_chromium_path_is_checked_only_in_browser_mode(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BRIEFINGS_CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    assert Settings.from_env().chromium_path == str(tmp_path / "no-chromium")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(browser=True)
    assert caught.value.setting == "BRIEFINGS_CHROMIUM_PATH"


def test_every_default_is_allowed_and_every_field_has_a_rule():
    from dataclasses import fields

    assert {f.name for f in fields(Settings)} - {"live", "full", "browser"} == set(RULES)
    Settings().validate()


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("env", "flags", "named"),
    [
        ({"BRIEFINGS_WRITER_MEMORY_LIMIT": "lots"}, [], "BRIEFINGS_WRITER_MEMORY_LIMIT='lots'"),
        ({"BRIEFINGS_MAX_ATTEMPTS": "0"}, [], "BRIEFINGS_MAX_ATTEMPTS='0'"),
        ({}, ["--source", "ftp://www.hubei.gov.cn/hbfb/xwfbh/"], "--source='ftp://www.hubei.gov.cn/hbfb/xwfbh/'"),
    ],
)
def test_collect_with_a_bad_setting_exits_2_before_writing_anything(tmp_path: Path, env, flags, named):
    work = tmp_path / "work"
    work.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFINGS_", "PREFECT_"))}
    proc = subprocess.run(
        [BRIEFINGS, "collect", "--warehouse", str(work / "w.duckdb"), *flags],
        env=clean | {"BRIEFINGS_DATA_DIR": str(work / "data"), "PREFECT_HOME": str(work / "prefect"), **env},
        cwd=work, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"bad setting {named}: allowed: ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert _tree(work) == []  # no warehouse, archive, staging, Prefect or result file
    assert not (PROJECT_ROOT / "w.duckdb").exists()


def test_importing_the_flows_with_a_bad_setting_succeeds_and_the_run_reports_it(tmp_path: Path):
    """A deployment's worker imports ``flows.collect`` before any run: a bad variable must not break that."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFINGS_", "PREFECT_"))}
    env = clean | {"BRIEFINGS_LOAD_BATCH_SIZE": "abc", "BRIEFINGS_DATA_DIR": str(tmp_path / "data"),
                   "PREFECT_HOME": str(tmp_path / "prefect")}
    code = ("import flows.collect, flows.reparse\n"
            "from flows.common import RESULTS_DIR\n"
            "print(RESULTS_DIR)\n"
            "from briefings.errors import ConfigError\n"
            "try:\n"
            "    flows.collect.collect.fn()\n"
            "except ConfigError as exc:\n"
            "    print(exc.setting)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [str(tmp_path / "data" / "prefect-results"), "BRIEFINGS_LOAD_BATCH_SIZE"]
    run = subprocess.run([BRIEFINGS, "collect", "--warehouse", str(tmp_path / "w.duckdb")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "BRIEFINGS_LOAD_BATCH_SIZE='abc'" in run.stderr


def test_the_writer_takes_the_runs_settings_not_the_process_environment(monkeypatch, tmp_path: Path):
    from dataclasses import replace

    from warehouse.connect import open_writer

    monkeypatch.setenv("BRIEFINGS_WRITER_MEMORY_LIMIT", "lots")  # a Dask worker's environment, say
    settings = replace(Settings(), warehouse_path=tmp_path / "w.duckdb", writer_memory_limit="256MB")
    con = open_writer(settings)
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        threshold = con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()[0][0]
    finally:
        con.close()
    assert limit == "244.1 MiB"  # 256 MB, as DuckDB shows it
    assert threshold == "61.0 MiB"  # WRITER_CHECKPOINT_THRESHOLD, 64 MB (DuckDB's default is 16 MB)

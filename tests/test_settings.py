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


def test_config_round_trip(tmp_path: Path):
    s = Settings.from_env(warehouse_path=tmp_path / "w.duckdb", full=True)
    assert Settings.from_config(s.as_config()) == s

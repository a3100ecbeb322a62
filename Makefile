# Two entry points for a fresh machine: `make collect` (the main job) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_HOME ?= $(CURDIR)/data/prefect

.PHONY: setup collect test bench clean

$(BIN)/briefings: pyproject.toml constraints.txt
	command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,browser]'
	touch $@

setup: $(BIN)/briefings

collect: setup
	$(BIN)/briefings collect
	$(BIN)/briefings query briefings
	$(BIN)/briefings query turns --param session=12

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data warehouse/*.duckdb warehouse/*.duckdb.wal

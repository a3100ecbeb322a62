# Two entry points for a fresh machine: `make collect` (the main job) and `make test`.
# Python: the newest of 3.13, 3.12 and 3.11 that runs here (`make PYTHON=python3.11 VENV=.venv-3.11` picks one).
# The dependency tree is pinned in constraints.txt, the lock file installs follow (`uv pip` where uv is
# installed, else pip; `make UV=` forces pip).
SUPPORTED_PYTHONS := 3.13 3.12 3.11
PYTHON ?= $(shell for v in $(SUPPORTED_PYTHONS); do python$$v -c '' >/dev/null 2>&1 && { echo python$$v; exit 0; }; done; echo python3)
UV ?= $(shell command -v uv 2>/dev/null)
VENV ?= .venv
BIN := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_HOME ?= $(CURDIR)/data/prefect

.PHONY: setup collect test lint bench clean

$(BIN)/briefings: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null || \
	  { echo "needs Python 3.11, 3.12 or 3.13 (python3.13, python3.12 or python3.11 on PATH; got '$(PYTHON)')"; exit 1; }
	@echo "setup: $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])') -> $(VENV)"
ifneq ($(UV),)
	$(UV) venv --quiet --seed --allow-existing --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[dev,browser]'
else
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,browser]'
endif
	touch $@

setup: $(BIN)/briefings

collect: setup
	$(BIN)/briefings collect
	$(BIN)/briefings query briefings
	$(BIN)/briefings query turns --param session=12

test: setup lint
	@mkdir -p "$(PREFECT_HOME)"  # Prefect creates its home without parents at import, and warns on a fresh clone
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check briefings flows tasks warehouse bench scripts tests
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .venv-3.* data warehouse/*.duckdb warehouse/*.duckdb.wal

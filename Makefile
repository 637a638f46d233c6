# ExportWatch. Quick start: `make demo`, then `make test`. The first target you run creates .venv
# and installs everything (system converters included), pinned by requirements.lock.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install sysdeps demo test test-fast lint bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/install-sysdeps.sh
	scripts/install-sysdeps.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

sysdeps:
	scripts/install-sysdeps.sh

demo: install
	$(BIN)/exportwatch demo

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not corpus and not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.matching

# Regenerate the pins after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^exportwatch' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

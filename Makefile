# oxship: `make run` serves the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint fmt install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

## Create the venv, install, migrate, seed demo data into an empty database, serve on :8000.
run: install
	$(BIN)/oxship migrate
	$(BIN)/oxship seed --demo --if-empty
	$(BIN)/oxship serve --host $(HOST) --port $(PORT)

## Install dev dependencies and run the whole suite (SQLite unless OXSHIP_TEST_* are set).
test: dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check oxship tests migrations bench
	$(BIN)/ruff format --check oxship tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: dev
	$(BIN)/ruff check --fix oxship tests migrations bench
	$(BIN)/ruff format oxship tests migrations bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# oxship: `make run` serves the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2
JS_CLIENT := tests/realtime/js

.PHONY: run test lint fmt install dev clean bench bench-quick soak

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

## Dev dependencies, plus the locked socket.io-client that tests/realtime/test_js_client.py runs.
dev: $(VENV)/.dev-installed
	@if command -v npm >/dev/null 2>&1; then \
		if [ ! -d $(JS_CLIENT)/node_modules ] || [ $(JS_CLIENT)/package-lock.json -nt $(JS_CLIENT)/node_modules ]; then \
			npm ci --prefix $(JS_CLIENT) --no-audit --no-fund; \
		fi; \
	else \
		echo "npm not found: install Node.js 18+ (tests/realtime/test_js_client.py fails without it)"; \
	fi

## Create the venv, install, migrate, seed demo data into an empty database, serve on :8000.
run: install
	$(BIN)/oxship migrate
	$(BIN)/oxship seed --demo --if-empty
	$(BIN)/oxship serve --host $(HOST) --port $(PORT)

## Benchmarks (docs/benchmarks.md): PostgreSQL + Redis on 127.0.0.1, wrk (apt-get install wrk).
## BENCH_ARGS e.g. "--scale 0.1 --duration 10"; the table goes to bench/results/.
bench: install
	$(BIN)/python -m bench.report $(BENCH_ARGS)

bench-quick: install
	$(BIN)/python -m bench.report --quick --scale 0.01 \
		--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/oxship_bench_quick $(BENCH_ARGS)

## Soak: the mixed workload for SOAK_DURATION seconds (600) against `oxship serve --workers 2`,
## sampling each process's RSS; fails when it grows more than 10% after the first minute.
## SOAK_ARGS e.g. "--scale 0.1"; the table and samples go to bench/results/soak-*.{md,json}.
SOAK_DURATION ?= 600
soak: install
	$(BIN)/python -m bench.soak --duration $(SOAK_DURATION) $(SOAK_ARGS)

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(JS_CLIENT)/node_modules

# The two commands of the README:
#   make run   set up a virtualenv, migrate the SQLite database, load demo data, print a login, start the app
#              and the reminder worker beside it
#   make test  set up, make sure Chromium is there, lint, and run the whole test suite (browser tests included)
#              on SQLite, then again on PostgreSQL in a throwaway cluster (scripts/pg-test-cluster)
#   make test-pg  only the PostgreSQL run
#   make lint     ruff, import-linter contracts, mypy, and the format check; make fmt formats, make typecheck is mypy
#   make lock     rewrite requirements.lock from pyproject.toml (then make setup installs it)

PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
TEST_WORKERS ?= 2
BIN := $(VENV)/bin

CATALOGUES := $(wildcard incidents/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test test-pg setup lint lint-code typecheck fmt lock bench clean

# Every package at the version and hash in requirements.lock, then the app itself (editable, without build isolation:
# the lock brings setuptools).
$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# The compiled translations (.mo, not in git): again whenever a catalogue changed. The app refuses to start without.
%.mo: %.po | $(BIN)/.installed
	$(BIN)/python -m incidents.catalogues

setup: $(BIN)/.installed $(CATALOGUES:.po=.mo)

# For Python 3.11 and newer on any platform. A new dependency keeps the other pins; LOCK_ARGS=--upgrade moves all.
lock: setup
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' --quiet $(LOCK_ARGS) --output-file requirements.lock

run: setup
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo load
	$(BIN)/flask --app wsgi outbox where
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with a login printed above. The reminder worker runs beside it (Ctrl-C stops both)."
	@INCIDENTS_BASE_URL="$${INCIDENTS_BASE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/flask --app wsgi worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: setup
	scripts/ensure-chromium
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)
	scripts/pg-test-cluster -- $(BIN)/python -m pytest -n $(TEST_WORKERS)

test-pg: setup
	scripts/ensure-chromium
	scripts/pg-test-cluster -- $(BIN)/python -m pytest -n $(TEST_WORKERS)

# lint-code and the format check.
lint: lint-code
	$(BIN)/ruff format --check --output-format concise .

lint-code: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

typecheck: setup
	$(BIN)/mypy

fmt: setup
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python benchmarks/fanout.py

clean:
	rm -rf $(VENV) instance .pytest_cache

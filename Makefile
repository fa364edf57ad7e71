# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
HOST ?= 127.0.0.1
PORT ?= 5000
# Two workers: the suite is I/O- and browser-bound enough to gain on 2 cores.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: run serve test test-sqlite test-postgres install install-test translations \
        lint format bench extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

## Compile the Flask-Babel catalogs (.po → .mo); the .mo files are build output.
translations: $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -f -d marketplace/translations

## Set up everything (venv, install, migrate, demo data, index) and serve the market.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask search reindex --if-outdated
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## Serve without touching the database (after a first `make run`).
serve: install
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## The whole suite: on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
test: install-test
	$(MAKE) test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) test-postgres; \
	 else echo "TEST_DATABASE_URL is not set: the PostgreSQL run is skipped (.ci/run sets it)."; fi

test-sqlite: install-test
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

## Lint, format check, and the layers of ARCHITECTURE.md (import-linter).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Extract new strings into the catalogs (then translate marketplace/translations/en).
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations

bench: install-test
	$(BIN)/python benchmarks/match_quality.py
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python benchmarks/pages_bench.py $(PAGES_BENCH_ARGS)
	$(BIN)/python benchmarks/shared_memory_bench.py
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then \
		$(BIN)/python benchmarks/nodes_bench.py --database-url "$(BENCH_DATABASE_URL)"; \
	else echo "nodes_bench skipped: set BENCH_DATABASE_URL=postgresql://… (two nodes need PostgreSQL)"; fi
	$(BIN)/python benchmarks/bulk_bench.py $(BULK_BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

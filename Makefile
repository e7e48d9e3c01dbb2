# Local Vision. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app localvision
# `make run PORT=5050` when 5000 is taken.
PORT ?= 5000

.PHONY: run test docs assets install install-test install-docs migrate-check clean bench-public bench-summary bench-digest bench-import bench-load bench-load-embedded bench-faults bench-markdown install-bench

run: install assets
	$(FLASK) db upgrade
	PUBLIC_URL=$${PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(FLASK) demo
	$(FLASK) serve --port $(PORT)

test: install-test assets
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Builds docs/ into site/ (not committed); --strict fails on a broken link between pages.
docs: install-docs
	$(BIN)/python -m mkdocs build --strict --site-dir site

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

install-bench: $(VENV)/.installed-bench

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

install-docs: $(VENV)/.installed-docs

$(VENV)/.installed-docs: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Front-end packages are copied from node_modules and compiled, never committed.
assets: static/dist/app.css static/dist/htmx.min.js static/dist/govuk/govuk-frontend.min.js static/dist/chart.umd.min.js

static/dist/app.css: static/scss/app.scss node_modules/.installed
	mkdir -p static/dist
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps static/scss/app.scss $@

static/dist/htmx.min.js: node_modules/.installed
	mkdir -p static/dist
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/dist/govuk/govuk-frontend.min.js: node_modules/.installed
	mkdir -p static/dist/govuk
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

static/dist/chart.umd.min.js: node_modules/.installed
	mkdir -p static/dist
	cp node_modules/chart.js/dist/chart.umd.min.js $@

# Renders Markdown made to be slow, at each field's longest length, as a save does.
bench-markdown: install
	$(BIN)/python bench/markdown.py

# Serves the app with gunicorn on PostgreSQL and measures it with wrk, a Debian package.
bench-public: BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench-public: install assets
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/public.py

# Times the summary job on a very large synthetic partnership in PostgreSQL.
bench-summary: BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench-summary: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/summary.py

# Times the Monday-morning digest run for 10,000 people in 500 projects, in a database of
# its own that it creates on the server and drops afterwards.
bench-digest: BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
bench-digest: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/digest.py

# Times checking and importing 100,000 measurements through the real job on PostgreSQL.
bench-import: BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench-import: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/import_measurements.py

# 50 people and visitors for 60 s against gunicorn, a worker and the scheduler on a
# PostgreSQL cluster and a Redis server of the run's own; FAULTS=1 adds three runs with
# Redis stopped, the worker killed and PostgreSQL restarted (bench-faults does the same).
bench-load: install-bench assets
	PYTHONUNBUFFERED=1 BENCH_FAULTS=$(FAULTS) $(BIN)/python bench/load.py

# The same mix, 20 people for 60 s, against `flask serve` on SQLite and an embedded Redis,
# as `make run` serves it.
bench-load-embedded: install-bench assets
	PYTHONUNBUFFERED=1 BENCH_EMBEDDED=1 BENCH_USERS=20 $(BIN)/python bench/load.py

bench-faults: FAULTS = 1
bench-faults: bench-load

clean:
	rm -rf $(VENV) node_modules static/dist

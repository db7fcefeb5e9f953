# The two commands a newcomer needs: `make run` and `make test`.
# The first Python 3.11 or newer on PATH (tested on 3.11 and 3.13); `make PYTHON=…` to choose.
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.14 python3.13 python3.12 python3.11; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && command -v $$p && break; \
  done)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed
# pytest-xdist processes for `make test`: one per core by default; `make test TEST_WORKERS=0` runs serially.
TEST_WORKERS ?= auto

.PHONY: run cluster test test-machine lint format clean translations messages bench soak bundles

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || test -n "$(PYTHON)" || \
	  { echo "No Python 3.11 or newer on PATH: apt-get install python3, or make PYTHON=/path/to/python3.11+" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Serve the demo on http://127.0.0.1:5000 (SQLite under instance/, one process).
run: $(STAMP) translations
	$(BIN)/python -m server

## Two eventlet workers on PostgreSQL and Redis behind nginx (deploy/cluster.sh).
cluster: $(STAMP) translations
	deploy/cluster.sh

## Set the machine up, lint, then every test: SQLite, PostgreSQL, Redis, real servers, Chromium.
test: test-machine $(STAMP) $(NODE_STAMP) translations
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check server tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## Start PostgreSQL and Redis, install Chromium and nginx when allowed; else say what is missing.
test-machine:
	@PYTHON="$(PYTHON)" deploy/prepare-test-machine.sh

## Load benchmark, not part of `make test` (docs/performance.md): `make bench BENCH_ARGS="--n 100,500"`.
bench: $(STAMP)
	$(BIN)/pip install --quiet -r bench/requirements.txt
	cd bench/node && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m bench $(BENCH_ARGS)

## A whole consultation, 2,000 attendees, 90 minutes in 20 (docs/performance.md, "Soak"):
## `make soak SOAK_ARGS="--n 200 --minutes 3"`, `--full` for the real 90 minutes.
soak: $(STAMP)
	$(BIN)/pip install --quiet -r bench/requirements.txt
	cd bench/node && npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

# esbuild, pinned in package-lock.json: for `make bundles` and tests/web/test_bundles.py.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## After changing static/js or static/css: rebuild the committed bundles in static/dist/.
bundles: $(NODE_STAMP)
	node bundles.mjs

lint: $(STAMP)
	$(BIN)/ruff check server tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format server tests bench
	$(BIN)/ruff check --fix server tests bench

## Compile the French, Portuguese and Arabic catalogues.
translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d server/translations

## After changing user-visible text: extract it and update every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k N_ -o server/translations/messages.pot .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules

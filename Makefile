# Two commands for a new machine: `make serve` and `make test`.
# Both set up what is missing first, and both are idempotent.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers: the tests mostly wait on Slurm jobs, so more workers than
# cores pay (measured on 2 cores: see the closing note of issue 13). TEST_WORKERS=0: no xdist.
TEST_WORKERS ?= 6
export NO_MKDOCS_2_WARNING := 1
export PYTHONUNBUFFERED := 1

.PHONY: help serve build test setup setup-docs setup-test setup-system lint \
        links bench bench-site bench-cluster cluster-up cluster-down report outdated notebooks clean

help:
	@echo "make serve          set up, then serve the site on http://$(HOST):$(PORT)/ (live reload)"
	@echo "make test           set up everything, then run every test"
	@echo "make build          strict build into site/"
	@echo "make lint           pre-commit checks only (ruff, shellcheck, codespell, whitespace)"
	@echo "make report         snippet counts per page and tier (after make test)"
	@echo "make links          external links per page (offline); make links ONLINE=1 fetches each"
	@echo "make outdated       pages whose translation is older than their source"
	@echo "make notebooks      rerun the notebook tutorials on the test cluster, store changed outputs"
	@echo "make bench          the speed figures in one table (make test, strict build, test cluster)"
	@echo "make bench-cluster  test-cluster timings"
	@echo "make bench-site     weight of every page (raw, gzipped, requests) in chromium"
	@echo "make cluster-up / cluster-down   start / stop the test cluster by hand"

# --- set-up -----------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.docs-installed: requirements/docs.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/docs.txt
	@touch $@

$(VENV)/.test-installed: requirements/docs.txt requirements/test.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements/test.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup-docs: $(VENV)/.docs-installed
setup-system:
	scripts/setup-system
setup-test: setup-system $(VENV)/.test-installed node_modules/.installed
setup: setup-test

# --- the site -----------------------------------------------------------------

serve: setup-docs
	$(BIN)/mkdocs serve --dev-addr $(HOST):$(PORT) --livereload

build: setup-docs
	$(BIN)/mkdocs build --strict

# --- tests --------------------------------------------------------------------

# Tests in a shuffled order (pytest-randomly; its seed is printed: -p randomly_seed=N
# repeats an order, -p no:randomly keeps the files' order), on TEST_WORKERS workers;
# --dist loadgroup keeps the tests of one xdist_group on one worker (tests/conftest.py).
# The wall time goes to build/make-test.json, for make bench.
test: setup-test
	@mkdir -p build; start=$$(date +%s); \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure && \
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); \
	rc=$$?; \
	printf '{"seconds": %s, "exit": %s, "workers": "%s", "date": "%s"}\n' \
	  "$$(( $$(date +%s) - start ))" "$$rc" "$(TEST_WORKERS)" "$$(date -u +%FT%TZ)" > build/make-test.json; \
	exit $$rc

lint: setup-test
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

report: setup-test
	scripts/snippets report

links: setup-docs
	scripts/check-links $(if $(ONLINE),--online)

outdated: setup-docs
	$(BIN)/python scripts/i18n-outdated

notebooks: setup-test
	scripts/regen-notebooks

bench: setup-test
	scripts/bench

bench-site: setup-test
	scripts/bench-site

bench-cluster: setup-test
	scripts/bench-cluster

cluster-up: setup-test
	scripts/testcluster up

cluster-down:
	scripts/testcluster down

clean:
	-scripts/testcluster down
	rm -rf site build .cache

# Two commands for a new machine: `make serve` and `make test`.
# Both set up what is missing first, and both are idempotent.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
export NO_MKDOCS_2_WARNING := 1
export PYTHONUNBUFFERED := 1

.PHONY: help serve build test setup setup-docs setup-test setup-system lint \
        links bench-site bench-cluster cluster-up cluster-down report outdated notebooks clean

help:
	@echo "make serve          set up, then serve the site on http://$(HOST):$(PORT)/ (live reload)"
	@echo "make test           set up everything, then run every test"
	@echo "make build          strict build into site/"
	@echo "make lint           pre-commit checks only (ruff, shellcheck, codespell, whitespace)"
	@echo "make report         snippet counts per page and tier (after make test)"
	@echo "make links          external links per page (offline); make links ONLINE=1 fetches each"
	@echo "make outdated       pages whose translation is older than their source"
	@echo "make notebooks      rerun the notebook tutorials on the test cluster, store changed outputs"
	@echo "make bench-cluster  test-cluster timings"
	@echo "make bench-site     weight of every page (raw, gzipped, requests) in chromium"
	@echo "make cluster-up / cluster-down   start / stop the test cluster by hand"

# --- set-up -----------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The project itself (scripts/hpcdocs, its commands in pyproject.toml's
# [project.scripts]) is installed editable after the requirements, so every
# command is in $(BIN) and the code is used from the working tree.
$(VENV)/.docs-installed: requirements/docs.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements/docs.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.test-installed: requirements/docs.txt requirements/test.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements/test.txt
	$(BIN)/pip install -q --no-deps -e .
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

test: setup-test
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup-test
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files --show-diff-on-failure

report: setup-test
	$(BIN)/snippets report

links: setup-docs
	$(BIN)/check-links $(if $(ONLINE),--online)

outdated: setup-docs
	$(BIN)/i18n-outdated

notebooks: setup-test
	$(BIN)/regen-notebooks

bench-site: setup-test
	$(BIN)/bench-site

bench-cluster: setup-test
	$(BIN)/bench-cluster

cluster-up: setup-test
	$(BIN)/testcluster up

cluster-down:
	$(BIN)/testcluster down

clean:
	-$(BIN)/testcluster down
	rm -rf site build .cache

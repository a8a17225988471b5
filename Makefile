# Two commands for a new machine: `make serve` and `make test`.
# Both set up what is missing first, and both are idempotent.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers: the tests mostly wait on Slurm jobs, so more workers than
# cores pay. On 2 cores (issue 13's note): 4 workers about 20 min, one process (TEST_WORKERS=0:
# no xdist) over an hour, most of it waiting on jobs (pytest used 20 s of CPU in 20 min).
TEST_WORKERS ?= 4
export NO_MKDOCS_2_WARNING := 1
export PYTHONUNBUFFERED := 1

# CLUSTER=FILE: another cluster-facts file, e.g. a profile in clusters/
# (`make build CLUSTER=clusters/titan.yml`, `make test CLUSTER=...`). Pages and
# the test cluster then follow it; the test cluster keeps its state in
# .cache/testcluster-NAME (NAME.yml) and, unless the file sets
# testcluster.subnet, runs on a loopback subnet of its own
# (scripts/hpcdocs/testcluster/plan.py), beside the default one.
# (CLUSTER=existing is not a file: `make test-gpu CLUSTER=existing` on a real cluster.)
CLUSTER ?=
ifneq ($(filter-out existing,$(strip $(CLUSTER))),)
ifeq ($(wildcard $(CLUSTER)),)
$(error CLUSTER=$(CLUSTER): no such file)
endif
export HPCDOCS_FACTS := $(abspath $(CLUSTER))
endif

.PHONY: help serve build test setup setup-docs setup-test setup-system lint \
        links bench bench-site bench-cluster bench-import cluster-up cluster-down report outdated notebooks clean \
        test-gpu container test-container check-container

help:
	@echo "make serve          set up, then serve the site on http://$(HOST):$(PORT)/ (live reload)"
	@echo "make test           set up everything, then run every test"
	@echo "make test-gpu       the real-GPU tier: GPU snippets and notebooks (skipped, with the reason, without"
	@echo "                    an NVIDIA GPU); CLUSTER=existing: on a real cluster, GPU job scripts too"
	@echo "make build          strict build into site/, then one PDF per language (build-pdf)"
	@echo "   CLUSTER=FILE     with build, serve, test, cluster-up/down: another facts file,"
	@echo "                    e.g. clusters/titan.yml or clusters/lsf-first.yml (clusters/README.md)"
	@echo "make lint           pre-commit checks only (ruff, shellcheck, codespell, whitespace)"
	@echo "make report         snippet counts per page and tier (after make test)"
	@echo "make links          external links per page (offline); make links ONLINE=1 fetches each"
	@echo "make outdated       pages whose translation is older than their source"
	@echo "make notebooks      rerun the notebook tutorials on the test cluster, store changed outputs"
	@echo "make bench          the speed figures in one table (make test, strict build, test cluster)"
	@echo "make bench-cluster  test-cluster timings"
	@echo "make bench-site     weight of every page (raw, gzipped, requests) in chromium"
	@echo "make bench-import   import-rst on a real guide of 7,000+ lines: seconds per run"
	@echo "make cluster-up / cluster-down   start / stop the test cluster by hand"
	@echo "make container      build the test image (Containerfile) with podman or docker"
	@echo "make test-container build it, then run the test cluster and make test inside"
	@echo "make check-container  build it, then a short check inside (tests/container)"

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

# The PDFs are a step of their own: chromium takes far longer to print them
# than the strict build takes (scripts/hooks/pdf.py); make serve does not print.
build: setup-docs
	$(BIN)/mkdocs build --strict
	$(BIN)/build-pdf --site site

# --- tests --------------------------------------------------------------------

# Tests in a shuffled order (pytest-randomly; its seed is printed: --randomly-seed=N
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

# The real-GPU tier (docs/*/on-cluster.md#real-gpus). On this machine's test cluster: the
# snippets and notebook cells that only a real GPU can check (marker gpu; the CUDA builds are
# downloaded from download.pytorch.org and PyPI). With CLUSTER=existing, on a real cluster's
# login node: also every job script that asks for GPUs (marker gpujob), on its GPU nodes.
# (CLUSTER=existing: a login node, where nothing is installed system-wide: the venv only.)
test-gpu: $(if $(filter existing,$(CLUSTER)),$(VENV)/.test-installed,setup-test)
	@$(BIN)/python -c 'import sys; sys.path.insert(0, "scripts"); from hpcdocs.snippettests.runner import gpu_status; real, why = gpu_status(); print("real-GPU tier:", why if real else why + ": every gpu test below is skipped")'
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -rs \
	    $(if $(filter existing,$(CLUSTER)),--cluster=existing -m "gpu or gpujob",-m gpu) $(PYTEST_ARGS)

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

bench: setup-test
	$(BIN)/bench

bench-site: setup-test
	$(BIN)/bench-site

bench-cluster: setup-test
	$(BIN)/bench-cluster

bench-import: setup-test
	$(BIN)/bench-import

cluster-up: setup-test
	$(BIN)/testcluster up

cluster-down:
	$(BIN)/testcluster down

# --- the test cluster in a container (Containerfile; scripts/container --help) ---

container:
	scripts/container build

test-container:
	scripts/container test $(if $(PYTEST_ARGS),PYTEST_ARGS="$(PYTEST_ARGS)")

check-container: setup-test
	HPCDOCS_TEST_CONTAINER=1 $(BIN)/python -m pytest -rs tests/container

clean:
	-$(BIN)/testcluster down
	rm -rf site build .cache

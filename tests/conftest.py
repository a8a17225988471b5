"""Shared fixtures: the Slurm cluster every test area runs its commands on.

`cluster` (session scope) brings the test cluster up once (`testcluster
up`), for all pytest-xdist workers of a run alike (under a file lock beside its
state directory), and gives:

- ``cluster.env``: the environment after ``eval "$(testcluster env)"``
  (SLURM_CONF, PATH, MODULEPATH, the exported `module` function, WORK, SCRATCH);
- ``cluster.bash(cmd, timeout=60)``: run a bash command line in that environment,
  return the CompletedProcess (text, stdout and stderr captured);
- ``cluster.sbatch(args, timeout=60)``: submit, return the job id;
- ``cluster.wait_job(jobid, timeout=60)``: the job's final state (COMPLETED,
  FAILED, TIMEOUT, ...) as soon as it ends; no `sbatch --wait`, whose polling is slow;
- ``cluster.is_test_cluster``: False with ``--cluster=existing``;
- ``cluster.require_partition(name)`` / ``cluster.require_test_cluster(why)``: skip,
  with the reason, what the cluster in use lacks.

A cluster this run started (it was down) is stopped when the run ends, on the
controller once every worker is done; one that was up (a maintainer's `make
cluster-up`) stays up.

``pytest --cluster=existing`` uses whatever sbatch is on PATH (a real site's
login node) instead of starting the test cluster; its jobs are charged to
cluster.yml's ``ci.account`` (SBATCH_ACCOUNT, SLURM_ACCOUNT, SALLOC_ACCOUNT:
hpcdocs.existing, docs/en/on-cluster.md).

`mkdocs_build` (session scope): the project's `mkdocs build --strict`, as a function,
for the tests of the site and of the notebooks.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hpcdocs import ROOT, command, existing
from hpcdocs.testcluster.client import Cluster
from hpcdocs.testcluster.plan import DEFAULT_STATE
from hpcdocs.testcluster.scratch import env_after_eval

pytest_plugins = ["hpcdocs.snippettests.testedplugin"]  # build/tested.json

TESTCLUSTER = command("testcluster")
RUN_ID = "HPCDOCS_TEST_RUN"  # one per pytest run, shared by its xdist workers (their env)


def pytest_addoption(parser):
    parser.addoption(
        "--cluster",
        choices=["test", "existing"],
        default="test",
        help="test: start the Slurm test cluster (default); existing: use the sbatch on "
        "PATH (a real cluster), skipping what it lacks",
    )


def pytest_report_header(config):
    """Whether the gpu tests can run here, at the top of every run (make test-gpu)."""
    from hpcdocs.snippettests.runner import gpu_status

    if config.getoption("--cluster") == "existing":
        return "real GPU: asked of the cluster's GPU partition by a probe job at the first gpu test"
    real, why = gpu_status()
    return f"real GPU: {why}" if real else f"real GPU: none, gpu tests are skipped ({why})"


# Tests that must not run beside each other. `make test` runs pytest-xdist with
# --dist loadgroup: the tests of one xdist_group run one after another on one
# worker (and a module- or session-scoped fixture they share is set up once).
MODULE_GROUPS = {
    # its own scratch cluster (subnet 127.0.79.0/24, .cache/testcluster-login)
    "tests/cluster/test_login_node.py": "login-scratch",
    # opens the shared cluster's munge directory to a throwaway user and closes it again
    "tests/cluster/test_time_limit_user.py": "throwaway-user",
    # one chromium; build/metrics.json is read, changed and written by each test
    "tests/site/test_browser.py": "browser",
    # build-pdf prints into the shared build/site-test: two workers printing at once
    # remove each other's hpc-python-guide.pdf.part (CI failed so, stop 23)
    "tests/site/test_pdf.py": "pdf",
    # the shared cluster's login node and its test user's home (as the login snippets)
    "tests/snippets/test_jupyter.py": "login-node",
}
# a fixture: the scratch cluster of tests/cluster/conftest.py (subnet 127.0.78.0/24)
FIXTURE_GROUPS = {"scratch": "scratch-cluster"}
# maintenance reservations on all nodes: jobs that cross one wait (their time limits)
TEST_GROUPS = {
    "tests/cluster/test_queue_behaviour.py::"
    "test_maintenance_reservation_holds_jobs_that_would_cross_it": "reservation",
}
SNIPPET_RUN_GROUPS = {
    "accounts/07-maintenance.console": "reservation",
    # conda environments made through the stand-in's package cache, which conda/16-clean
    # removes (16-clean needs= the environments other workers may be making)
    "env-tools/01-mamba.console": "conda-state",
    "env-tools/02-micromamba.sh": "conda-state",
    "env-tools/09-conda-pack.console": "conda-state",
    "jupyter/01-install.console": "conda-state",
}


def _snippet_group(path: str, login: bool) -> str | None:
    """The group of a snippet's run test (tests/snippets/test_snippets.py::test_run)."""
    if login:  # one reader's laptop and the login node's test user: make a key, use it
        return "login-node"
    if path.startswith("conda/"):  # they install into, export and clean the shared envs
        return "conda-state"
    if path.startswith("monitoring/"):  # each finds "the" job named train-demo (squeue --name)
        return "monitoring"
    return SNIPPET_RUN_GROUPS.get(path)


def xdist_group_of(item, catalog) -> str | None:
    path, _, name = item.nodeid.partition("::")
    if item.nodeid.split("[")[0] in TEST_GROUPS:
        return TEST_GROUPS[item.nodeid.split("[")[0]]
    if path in MODULE_GROUPS:
        return MODULE_GROUPS[path]
    if path == "tests/snippets/test_snippets.py" and name.startswith("test_run["):
        snip = catalog()[item.callspec.params["path"]]
        return _snippet_group(snip.path, bool(snip.header and snip.header.login))
    for fixture, group in FIXTURE_GROUPS.items():
        if fixture in getattr(item, "fixturenames", ()):
            return group
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks (--dist loadgroup)
def pytest_collection_modifyitems(config, items):
    from hpcdocs.snippettests import Catalog

    catalog = functools.cache(Catalog.load)
    for item in items:
        if "cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.cluster)
        group = xdist_group_of(item, catalog)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    if getattr(config.option, "loadgroup", False):  # an xdist worker, --dist loadgroup
        _name_groups(items)


def _name_groups(items) -> None:
    """Name each grouped item `NODEID@GROUP`, which is how the xdist controller learns its
    group. xdist 3.8 does this itself by setting item._nodeid, which pytest 9.2 no longer
    reads (its node ids are item._id): without this every group would be spread over all
    workers."""
    from _pytest.nodeid import coerce_node_id

    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{mark.args[0]}")


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        os.environ[RUN_ID] = uuid.uuid4().hex  # before xdist starts the workers


def pytest_unconfigure(config):
    """The end of the run (on the controller, after every worker): stop the test
    cluster if this run started it."""
    if hasattr(config, "workerinput") or config.getoption("--cluster") == "existing":
        return
    state = _state()
    with _locked(state):
        marker = _started_by(state)
        if marker.exists() and marker.read_text() == os.environ.get(RUN_ID):
            subprocess.run([str(TESTCLUSTER), "down"], capture_output=True, timeout=300)
            marker.unlink()


def _state() -> Path:
    return Path(os.environ.get("TESTCLUSTER_DIR") or DEFAULT_STATE).resolve()


def _started_by(state: Path) -> Path:
    """Names the pytest run that started the cluster (it stops it at its end)."""
    return state.with_name(state.name + ".started-by")


@contextlib.contextmanager
def _locked(state: Path):
    state.parent.mkdir(parents=True, exist_ok=True)
    with open(state.with_name(state.name + ".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def cluster(request) -> Cluster:
    if request.config.getoption("--cluster") == "existing":
        if not shutil.which("sbatch"):
            pytest.skip("--cluster=existing: no sbatch on PATH")
        return Cluster(env=dict(os.environ, **existing.ci_env()), is_test_cluster=False)
    state = _state()
    with _locked(state):  # one `up` at a time: the first worker starts it, the others find it up
        marker = _started_by(state)
        was_up = subprocess.run([str(TESTCLUSTER), "status"], capture_output=True).returncode == 0
        ours = was_up and marker.exists() and marker.read_text() == os.environ.get(RUN_ID)
        if not ours:  # up also mends a cluster that lost a daemon
            r = subprocess.run(
                [str(TESTCLUSTER), "up"], capture_output=True, text=True, timeout=600
            )
            if r.returncode:
                pytest.fail(f"testcluster up failed:\n{r.stderr}{r.stdout}", pytrace=False)
        if not was_up:  # started for this run: stopped at its end (pytest_unconfigure)
            marker.write_text(os.environ.get(RUN_ID, ""))
    env = env_after_eval(dict(os.environ))
    jobcomp = Path(env["TESTCLUSTER_DIR"]) / "log" / "jobcomp.log"
    return Cluster(env=env, is_test_cluster=True, jobcomp=jobcomp)


# The GPU partition's pending reasons (accounts/04-wait.console: the first job waits for
# Resources, the second for Priority) hold only while no other job waits there: another
# worker's GPU job of higher priority makes both `Priority`, as other users' jobs would on
# a real cluster. So that snippet holds the partition alone (an exclusive lock) and the
# tests that submit GPU jobs share it (shared locks): they overlap each other, never it.
GPU_PARTITION_ALONE = {"tests/snippets/test_snippets.py::test_run[accounts/04-wait.console]"}
GPU_PARTITION_MODULES = {
    "tests/cluster/test_gpu_cgroup.py", "tests/cluster/test_jobs.py",
    "tests/cluster/test_pty.py", "tests/cluster/test_queue_behaviour.py",
    "tests/cluster/test_refusals.py", "tests/lsf/test_cluster_lsf.py",
    "tests/site/test_jobgen_cluster.py", "tests/notebooks/test_run.py",
    "tests/notebooks/test_environment_notebook.py", "tests/snippets/test_jupyter.py",
}  # fmt: skip


def gpu_partition_lock_mode(item) -> int | None:
    """LOCK_EX for the test that needs the GPU partition alone, LOCK_SH for one that may
    submit GPU jobs (a snippet that asks for GPUs or names the GPU partition, a test
    module that does), None for the rest."""
    from hpcdocs import facts

    nodeid = item.nodeid.split("@")[0]
    if nodeid in GPU_PARTITION_ALONE:
        return fcntl.LOCK_EX
    path = nodeid.partition("::")[0]
    if path in GPU_PARTITION_MODULES:
        return fcntl.LOCK_SH
    if path == "tests/snippets/test_snippets.py" and "::test_run[" in nodeid:
        catalog = _catalog()
        snip = catalog[item.callspec.params["path"]]
        gpu = facts.get("partitions.gpu.name")
        files = [snip] + [catalog[w.partition(":")[0]] for w in snip.header.with_]
        names_it = any(
            "{{ cluster.partitions.gpu.name }}" in s.text or f"={gpu}" in s.text for s in files
        )
        return fcntl.LOCK_SH if snip.asks_gpus or names_it else None
    return None


@functools.cache
def _catalog():
    from hpcdocs.snippettests import Catalog

    return Catalog.load()


@pytest.fixture(autouse=True)
def _gpu_partition(request):
    mode = None
    if request.config.getoption("--cluster") != "existing":
        mode = gpu_partition_lock_mode(request.node)
    if mode is None:
        yield
        return
    state = _state()
    state.parent.mkdir(parents=True, exist_ok=True)
    with open(state.with_name(state.name + ".gpu-partition.lock"), "w") as fh:
        fcntl.flock(fh, mode)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def mkdocs_build():
    """`mkdocs build --strict` of this project, as a function: ``mkdocs_build(*args,
    timeout=600, **env)`` returns the CompletedProcess (text, stdout and stderr captured);
    ``env`` is added to this process's (``HPCDOCS_FACTS=...``: another facts file)."""

    def build(*args: str, timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", *args],
            cwd=ROOT,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return build

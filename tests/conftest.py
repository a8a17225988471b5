"""Shared fixtures: the Slurm cluster every test area runs its commands on.

`cluster` (session scope) brings the test cluster up once (`testcluster
up`) and gives:

- ``cluster.env``: the environment after ``eval "$(testcluster env)"``
  (SLURM_CONF, PATH, MODULEPATH, the exported `module` function, WORK, SCRATCH);
- ``cluster.run(cmd, timeout=60)``: run a bash command line in that environment,
  return the CompletedProcess (text, stdout and stderr captured);
- ``cluster.sbatch(args, timeout=60)``: submit, return the job id;
- ``cluster.wait_job(jobid, timeout=60)``: the job's final state (COMPLETED,
  FAILED, TIMEOUT, ...) as soon as it ends; no `sbatch --wait`, whose polling is slow;
- ``cluster.is_test_cluster``: False with ``--cluster=existing``;
- ``cluster.require_partition(name)`` / ``cluster.require_test_cluster(why)``: skip,
  with the reason, what the cluster in use lacks.

``pytest --cluster=existing`` uses whatever sbatch is on PATH (a real site's
login node) instead of starting the test cluster; its jobs are charged to
cluster.yml's ``ci.account`` (SBATCH_ACCOUNT, SLURM_ACCOUNT, SALLOC_ACCOUNT:
hpcdocs.existing, docs/en/on-cluster.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hpcdocs import command, existing
from hpcdocs.testcluster.client import Cluster
from hpcdocs.testcluster.scratch import env_after_eval

TESTCLUSTER = command("testcluster")


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


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def cluster(request) -> Cluster:
    if request.config.getoption("--cluster") == "existing":
        if not shutil.which("sbatch"):
            pytest.skip("--cluster=existing: no sbatch on PATH")
        return Cluster(env=dict(os.environ, **existing.ci_env()), is_test_cluster=False)
    was_up = subprocess.run([str(TESTCLUSTER), "status"], capture_output=True).returncode == 0
    r = subprocess.run([str(TESTCLUSTER), "up"], capture_output=True, text=True, timeout=600)
    if r.returncode:
        pytest.fail(f"testcluster up failed:\n{r.stderr}{r.stdout}", pytrace=False)
    if not was_up:
        # Started for this session: stopped at its end, so `make test` leaves no daemon.
        # A cluster that was already up (a maintainer's `make cluster-up`) stays up.
        request.addfinalizer(
            lambda: subprocess.run([str(TESTCLUSTER), "down"], capture_output=True, timeout=300)
        )
    env = env_after_eval(dict(os.environ))
    jobcomp = Path(env["TESTCLUSTER_DIR"]) / "log" / "jobcomp.log"
    return Cluster(env=env, is_test_cluster=True, jobcomp=jobcomp)

"""Fixtures of the cluster-behaviour tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hpcdocs import ROOT
from hpcdocs.testcluster.plan import neighbour_subnet
from hpcdocs.testcluster.scratch import Scratch

# Another subnet and state directory for a run beside another such test run
# (another checkout's make test): two scratch clusters on one subnet collide.
SCRATCH_SUBNET = os.environ.get("HPCDOCS_SCRATCH_TEST_SUBNET") or neighbour_subnet(1)
SCRATCH_STATE = Path(
    os.environ.get("HPCDOCS_SCRATCH_TEST_DIR", ROOT / ".cache" / "testcluster-scratch")
)

TIMEOUT_SCRIPT = """#!/bin/bash
trap 'echo got SIGTERM; exit 143' TERM
echo started
while :; do sleep 0.2; done
"""


@pytest.fixture(autouse=True)
def _submit_timeout_job_early(request):
    """Start timeout_job with the first test that uses the cluster, if the
    session has test_time_limit.py, so that it ends while other tests run."""
    wanted = any(
        "timeout_job" in getattr(item, "fixturenames", ()) for item in request.session.items
    )
    if wanted and ("cluster" in request.fixturenames or "scratch" in request.fixturenames):
        request.getfixturevalue("timeout_job")


@pytest.fixture(scope="session")
def timeout_job(cluster, tmp_path_factory):
    """A job that must end as TIMEOUT, submitted when these tests start.

    Slurm's shortest limit is one minute and slurmctld checks limits every 30 s,
    so such a job needs 60-90 s: it runs while the other tests do, and
    test_time_limit.py checks how it ended, waiting for the end if it runs
    early (in any order: a shuffled run only waits longer there).
    """
    out = tmp_path_factory.mktemp("timeout") / "timeout.out"
    r = cluster.bash(f"sbatch --parsable --time=1 -J timeout-test -o {out}", input=TIMEOUT_SCRIPT)
    assert r.returncode == 0, r.stderr
    return {"jobid": r.stdout.strip().split(";")[0], "out": out}


@pytest.fixture(scope="session")
def _scratch_session(cluster):
    cluster.require_test_cluster("starts and crashes a second test cluster")
    s = Scratch(SCRATCH_STATE, tag="t", subnet=SCRATCH_SUBNET)
    yield s
    s.testcluster("down")


@pytest.fixture
def scratch(_scratch_session):
    """A second test cluster (nodes tcn01..., subnet SCRATCH_SUBNET) that tests may
    crash, stop and break without disturbing jobs on the shared one.

    Brought up before every test that uses it (a no-op when it is up), so a test
    that fails while the scratch cluster is down or broken does not fail the next.
    """
    s = _scratch_session
    if s.testcluster("status").returncode != 0:
        r = s.testcluster("up")
        assert r.returncode == 0, r.stderr
    return s

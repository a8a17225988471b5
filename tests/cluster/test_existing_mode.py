"""pytest --cluster=existing: the same tests against whatever sbatch is on PATH.

Here "existing" is the test cluster itself, reached only through the
environment a user of a real site would have: the tests that need the test
cluster's internals are skipped, each with its reason.
"""

from __future__ import annotations

import subprocess
import sys

from hpcdocs import ROOT


def test_existing_mode_runs_and_skips_with_reasons(cluster, tmp_path):
    cluster.require_test_cluster("points --cluster=existing at the test cluster")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--cluster=existing",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "-W",
            "ignore",
            "tests/cluster/test_environment.py",
            "tests/cluster/test_refusals.py",
            "tests/cluster/test_node_failure.py",
        ],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-3000:]
    assert "passed" in r.stdout
    assert "SKIPPED" in r.stdout and "needs the test cluster" in r.stdout, r.stdout[-2000:]

"""--time exceeded: the job ends as TIMEOUT, after SIGTERM (the job starts early: see conftest)."""

import pytest


@pytest.mark.slow
def test_time_limit_ends_job_as_timeout(cluster, timeout_job):
    state = cluster.wait_job(timeout_job["jobid"], timeout=150)
    assert state == "TIMEOUT"
    out = timeout_job["out"].read_text()
    assert "started" in out
    assert "got SIGTERM" in out  # Slurm sends SIGTERM first, SIGKILL KillWait later
    r = cluster.bash(f"sacct -n -X -P -o State,Timelimit -j {timeout_job['jobid']}")
    assert r.stdout.split("|")[0] == "TIMEOUT", r.stdout

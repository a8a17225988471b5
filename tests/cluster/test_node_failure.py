"""A node whose slurmd dies goes DOWN; its jobs are requeued or fail (NODE_FAIL).

On the scratch cluster: nobody else's jobs or `up` interfere with the dead node.
"""

from __future__ import annotations

import os
import signal

from hpcdocs.poll import until
from hpcdocs.testcluster import lifecycle as cluster_mod
from hpcdocs.testcluster.plan import make_plan


def node_state(c, node: str) -> str:
    return c.bash(f"sinfo -h -n {node} -o %T").stdout.strip()


def job_field(c, jobid: str, name: str) -> str:
    for word in c.bash(f"scontrol show job -o {jobid}").stdout.split():
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return ""


def test_dead_slurmd_marks_node_down_and_requeues_or_fails_its_jobs(scratch):
    c = scratch.client()
    plan = make_plan(scratch.state, scratch.facts_file)
    slurmds = [n for n in cluster_mod.running(plan) if n.startswith("slurmd:")]
    node = sorted(n.split(":", 1)[1] for n in slurmds)[1]  # tcn02
    keep = c.sbatch(f"-w {node} --requeue -o /dev/null --wrap 'sleep 300'")
    lose = c.sbatch(f"-w {node} --no-requeue -o /dev/null --wrap 'sleep 300'")
    jobs = (keep, lose)
    until(
        lambda: {job_field(c, j, "JobState") for j in jobs} == {"RUNNING"},
        30,
        lambda: c.bash("squeue").stdout,
    )
    slurmd = cluster_mod.running(plan)[f"slurmd:{node}"]
    os.kill(slurmd.pid, signal.SIGKILL)
    try:
        # No answer for SlurmdTimeout (10 s; a just-started job's node gets some
        # more grace): DOWN, about 20-30 s after the kill.
        until(lambda: node_state(c, node).startswith("down"), 60, lambda: node_state(c, node))
        assert c.wait_job(lose, timeout=30) == "NODE_FAIL"
        # The requeued job is pending again, for its node (it asked for that one).
        until(
            lambda: job_field(c, keep, "Restarts") == "1",
            30,
            lambda: c.bash(f"scontrol show job {keep}").stdout,
        )
        assert job_field(c, keep, "JobState") == "PENDING"
        r = c.bash(f"sacct -n -X -P -o State -j {keep},{lose}")
        assert "NODE_FAIL" in r.stdout.split(), r.stdout
    finally:
        # `up` restarts the missing slurmd; ReturnToService=2 returns the node.
        r = scratch.testcluster("up")
        c.bash(f"scancel {keep} {lose}")
    assert r.returncode == 0, r.stderr
    assert node_state(c, node) in ("idle", "mixed", "allocated", "completing")

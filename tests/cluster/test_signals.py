"""scancel sends SIGTERM, then SIGKILL KillWait seconds later."""

from __future__ import annotations

import os
import time

from hpcdocs.poll import until

TRAP_SCRIPT = """#!/bin/bash
trap 'echo "TERM $(date +%s.%N)" >> {out}' TERM
echo "ready $(date +%s.%N) $$" >> {out}
while :; do sleep 0.1; done
"""


def kill_wait(cluster) -> int:
    r = cluster.run("scontrol show config | grep -E '^KillWait'")
    return int(r.stdout.split("=")[1].split()[0])


def gone(cluster, jobid: str, pid: int):
    """A test that the job's script process has ended."""
    if cluster.is_test_cluster:  # same machine: watch the process itself
        return lambda: not os.path.exists(f"/proc/{pid}")
    # elsewhere: the job leaves COMPLETING once its processes are gone
    return lambda: cluster.run(f"squeue -h -j {jobid} -o %T").stdout.strip() in ("", "COMPLETED")


def test_scancel_sends_sigterm_then_sigkill_after_killwait(cluster, tmp_path):
    out = tmp_path / "trap.log"
    r = cluster.run("sbatch --parsable -o /dev/null", input=TRAP_SCRIPT.format(out=out))
    jobid = r.stdout.strip()
    until(lambda: out.exists() and "ready" in out.read_text())
    pid = int(out.read_text().split()[2])
    wait = kill_wait(cluster)
    t0 = time.time()
    assert cluster.run(f"scancel {jobid}").returncode == 0
    until(gone(cluster, jobid, pid), timeout=wait + 30)
    ended = time.time()
    assert cluster.wait_job(jobid, timeout=wait + 30) == "CANCELLED"
    terms = [
        float(line.split()[1]) for line in out.read_text().splitlines() if line.startswith("TERM")
    ]
    assert terms, "the job never saw SIGTERM"
    assert terms[0] - t0 < 2, "SIGTERM came late"
    # The trap keeps the script alive: only SIGKILL, KillWait later, ends it.
    assert wait - 0.5 <= ended - terms[0] <= wait + 5, (ended - terms[0], wait)


def test_scancel_signal_only_signals(cluster, tmp_path):
    out = tmp_path / "trap.log"
    r = cluster.run("sbatch --parsable -o /dev/null", input=TRAP_SCRIPT.format(out=out))
    jobid = r.stdout.strip()
    until(lambda: out.exists() and "ready" in out.read_text())
    assert cluster.run(f"scancel --batch --signal=TERM {jobid}").returncode == 0
    until(lambda: "TERM" in out.read_text())
    r = cluster.run(f"squeue -h -j {jobid} -o %T")
    assert r.stdout.strip() == "RUNNING"  # a signal alone does not end the job
    cluster.run(f"scancel {jobid}")
    assert cluster.wait_job(jobid) == "CANCELLED"

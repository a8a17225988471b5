"""scancel sends SIGTERM, then SIGKILL KillWait seconds later; `--signal=SIG@SECONDS`
reaches a job's steps before its time limit (what the requeue examples rely on, and
what their tests' signal-early= stands in for: snippets/README.md)."""

from __future__ import annotations

import os
import time

import pytest
from hpcdocs.poll import until

TRAP_SCRIPT = """#!/bin/bash
trap 'echo "TERM $(date +%s.%N)" >> {out}' TERM
echo "ready $(date +%s.%N) $$" >> {out}
while :; do sleep 0.1; done
"""


def kill_wait(cluster) -> int:
    r = cluster.bash("scontrol show config | grep -E '^KillWait'")
    return int(r.stdout.split("=")[1].split()[0])


def gone(cluster, jobid: str, pid: int):
    """A test that the job's script process has ended."""
    if cluster.is_test_cluster:  # same machine: watch the process itself
        return lambda: not os.path.exists(f"/proc/{pid}")
    # elsewhere: the job leaves COMPLETING once its processes are gone
    return lambda: cluster.bash(f"squeue -h -j {jobid} -o %T").stdout.strip() in ("", "COMPLETED")


def test_scancel_sends_sigterm_then_sigkill_after_killwait(cluster, tmp_path):
    out = tmp_path / "trap.log"
    r = cluster.bash("sbatch --parsable -o /dev/null", input=TRAP_SCRIPT.format(out=out))
    jobid = r.stdout.strip()
    until(lambda: out.exists() and "ready" in out.read_text())
    pid = int(out.read_text().split()[2])
    wait = kill_wait(cluster)
    t0 = time.time()
    assert cluster.bash(f"scancel {jobid}").returncode == 0
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
    r = cluster.bash("sbatch --parsable -o /dev/null", input=TRAP_SCRIPT.format(out=out))
    jobid = r.stdout.strip()
    until(lambda: out.exists() and "ready" in out.read_text())
    assert cluster.bash(f"scancel --batch --signal=TERM {jobid}").returncode == 0
    until(lambda: "TERM" in out.read_text())
    r = cluster.bash(f"squeue -h -j {jobid} -o %T")
    assert r.stdout.strip() == "RUNNING"  # a signal alone does not end the job
    cluster.bash(f"scancel {jobid}")
    assert cluster.wait_job(jobid) == "CANCELLED"


STEP_SIGNAL_SCRIPT = r"""#!/bin/bash
#SBATCH --time=1
#SBATCH --signal=USR1@45
trap 'echo "batch shell got USR1"' USR1
echo "start $(date +%s.%N)"
srun bash -c 'trap "echo step got USR1 \$(date +%s.%N); exit 0" USR1; while :; do sleep 0.2; done'
echo "step ended"
"""


@pytest.mark.slow
def test_signal_before_the_time_limit_reaches_the_steps_not_the_batch_shell(cluster, tmp_path):
    """--signal=USR1@45 with a one-minute limit: the steps get USR1 15-45 s after the
    start (slurmctld checks limits every 30 s), the batch shell does not (no B:)."""
    out = tmp_path / "signal.out"
    (tmp_path / "job.sh").write_text(STEP_SIGNAL_SCRIPT)
    jobid = cluster.sbatch(f"-o {out} job.sh", cwd=tmp_path)
    assert cluster.wait_job(jobid, timeout=120) == "COMPLETED", out.read_text()
    text = out.read_text()
    start = float(text.split("start ")[1].split()[0])
    got = [float(ln.split()[-1]) for ln in text.splitlines() if ln.startswith("step got USR1")]
    assert got, text
    assert got[0] - start < 60, (got[0] - start, text)  # before the limit, not at it
    assert "step ended" in text and "batch shell got USR1" not in text, text

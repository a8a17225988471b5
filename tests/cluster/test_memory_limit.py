"""A job is held to the memory it asked for, as on a real cluster: task/cgroup with
ConstrainRAMSpace (the test cluster's cgroup.conf). One that uses more is killed by
the kernel's OOM killer and ends OUT_OF_MEMORY (docs/*/python-jobs.md#out-of-memory).
"""

from __future__ import annotations

from pathlib import Path

# Prints the memory limit of the job's own cgroup (cgroup v1 memory controller), then
# allocates and touches MIB MiB.
PROBE = """#!/bin/bash
path=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
echo "limit $(cat "/sys/fs/cgroup/memory${path%/step_*}/memory.limit_in_bytes")"
python3 -c "a = bytearray($MIB * 2**20); print('allocated', len(a) // 2**20, 'MiB')"
echo "python exit $?"
"""


def _job(cluster, tmp_path: Path, mem: str, mib: int) -> tuple[str, str]:
    script = tmp_path / "probe.sh"
    script.write_text(PROBE, encoding="utf-8")
    out = tmp_path / "probe.out"
    jobid = cluster.sbatch(f"--mem={mem} --time=00:02:00 -o {out} --export=ALL,MIB={mib} {script}")
    return cluster.wait_job(jobid, timeout=90), out.read_text(encoding="utf-8")


def test_a_job_over_its_memory_is_killed_and_out_of_memory(cluster, tmp_path):
    state, out = _job(cluster, tmp_path, "200M", 600)
    assert state == "OUT_OF_MEMORY", out
    assert "allocated 600" not in out and "python exit 137" in out, out
    assert "oom-kill event(s)" in out, out


def test_a_job_within_its_memory_completes_and_its_limit_is_what_it_asked(cluster, tmp_path):
    cluster.require_test_cluster("reads the job's cgroup v1 memory limit")
    state, out = _job(cluster, tmp_path, "300M", 100)
    assert state == "COMPLETED", out
    assert f"limit {300 * 2**20}\n" in out, out
    assert "allocated 100 MiB\npython exit 0\n" in out, out

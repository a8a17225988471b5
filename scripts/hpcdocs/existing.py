"""The centre's own cluster (`pytest --cluster=existing`, docs/en/on-cluster.md).

- ``ci_env()``: the environment the tests' jobs are submitted with there: the
  account of cluster.yml's ``ci.account`` (default ``default_account``) in
  SBATCH_ACCOUNT, SLURM_ACCOUNT and SALLOC_ACCOUNT, which sbatch, srun and
  salloc read as if ``--account`` were given (their man pages, "INPUT
  ENVIRONMENT VARIABLES"). The partition is not set this way: SBATCH_PARTITION
  would override the ``#SBATCH --partition`` of every job script (sbatch(1):
  "Environment variables will override any options set in a batch script"),
  sending the GPU examples off the GPU partition; the snippet runner gives
  ``ci.partition`` only to job scripts that name none (``partition_env``).
- ``cluster_name(run)``: the ClusterName the scheduler reports.
- ``gpu_partition()`` / ``gpu_probe(run)``: where the GPU examples run there, and
  whether a job on that partition sees a real NVIDIA GPU.

``existing-cluster`` (``.venv/bin/existing-cluster``) prints the account and partitions a run
will use.
"""

from __future__ import annotations

import re
import shlex

from hpcdocs import facts

ACCOUNT_VARS = ("SBATCH_ACCOUNT", "SLURM_ACCOUNT", "SALLOC_ACCOUNT")
# A job script's own partition: #SBATCH -p NAME, --partition NAME, --partition=NAME.
PARTITION_DIRECTIVE = re.compile(r"^#SBATCH[ \t]+(?:-p\b|--partition\b)", re.MULTILINE)
# What the probe job runs on a GPU node: the same tests as hpcdocs.snippettests.runner.gpu_status.
PROBE_NAME = "hpcdocs-gpu-probe"
PROBE = "echo node: $(hostname); cat /proc/driver/nvidia/version 2>&1 | head -1; nvidia-smi -L 2>&1"


def ci_env(known: dict | None = None) -> dict[str, str]:
    account = facts.get("ci.account", known)
    return {var: str(account) for var in ACCOUNT_VARS}


def partition_env(script: str, known: dict | None = None) -> dict[str, str]:
    """SBATCH_PARTITION=ci.partition for a job script that names no partition; {} otherwise."""
    if PARTITION_DIRECTIVE.search(script):
        return {}
    return {"SBATCH_PARTITION": str(facts.get("ci.partition", known))}


def cluster_name(run) -> str | None:
    """ClusterName from `scontrol show config`; run: a bash command line -> CompletedProcess."""
    done = run("scontrol show config")
    found = re.search(r"^ClusterName\s*=\s*(\S+)", done.stdout or "", re.MULTILINE)
    return found.group(1) if found else None


def gpu_partition(known: dict | None = None) -> str | None:
    """The scheduler name of the partition with GPUs (role `gpu` first), None without one."""
    parts = facts.partitions(known)
    roles = sorted(parts, key=lambda role: role != "gpu")
    for role in roles:
        if parts[role].get("gpus_per_node"):
            return parts[role]["name"]
    return None


def srun_on_gpu(
    argv: list[str], timeout_s: int, known: dict | None = None, name: str = "hpcdocs-gpu-snippet"
) -> list[str]:
    """argv run as a one-GPU job step on the GPU partition (the GPU tier off the test cluster)."""
    minutes = max(1, -(-timeout_s // 60))
    return [
        "srun",
        f"--partition={gpu_partition(known)}",
        "--gres=gpu:1",
        "--ntasks=1",
        f"--time={minutes}",
        f"--job-name={name}",
        *argv,
    ]


def gpu_probe(run, timeout: float = 600, known: dict | None = None) -> tuple[bool, str]:
    """(a job on the GPU partition sees a real GPU, what it saw): one short job.

    Only a real NVIDIA driver counts (/proc/driver/nvidia/version on the node and
    `nvidia-smi -L` listing a GPU that is not a stand-in), as for the login side.
    """
    part = gpu_partition(known)
    if part is None:
        return False, "cluster.yml has no partition with GPUs (gpus_per_node)"
    cmd = shlex.join(srun_on_gpu(["bash", "-c", PROBE], 60, known, name=PROBE_NAME))
    try:
        done = run(cmd, timeout=timeout)
    except Exception:  # subprocess.TimeoutExpired: still queued (a busy GPU partition)
        run(f'scancel --name={PROBE_NAME} --user="$(id -un)"', timeout=30)
        return False, f"the probe job on partition {part} did not run within {timeout:.0f} s"
    out = (done.stdout or "") + (done.stderr or "")
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    seen = "; ".join(lines)[:300] or "(no output)"
    listed = [line for line in lines if line.startswith("GPU ")]
    driver = any(line.startswith("NVRM version") for line in lines)
    if done.returncode or not driver or not listed or re.search(r"mock|stand-in|fake", out, re.I):
        return False, f"no real GPU on partition {part} (probe job: {seen})"
    return True, f"partition {part}: " + "; ".join(listed)


def main(argv: list[str] | None = None) -> int:
    import argparse

    argparse.ArgumentParser(
        prog="existing-cluster",
        description="The account and partitions `pytest --cluster=existing` uses on the centre's "
        "own cluster, from cluster.yml's ci: keys (docs/en/on-cluster.md).",
    ).parse_args(argv)
    known = facts.load()
    print(f"account:         {facts.get('ci.account', known)} (ci.account)")
    print(f"partition:       {facts.get('ci.partition', known)} (ci.partition; job scripts "
          "that name none)")  # fmt: skip
    print(f"GPU examples on: {gpu_partition(known) or '(none)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The per-task records the test cluster's TaskProlog writes (files/task_prolog.sh).

Before each task of every job step, the TaskProlog writes one file into the
state directory's tasks/: what the task was given, as the task's environment
says at its start (SLURM_CPUS_PER_TASK, OMP_NUM_THREADS, CUDA_VISIBLE_DEVICES,
the node's step CPUs, the CPUs it may run on). The snippet tests read them
(the task-* header keys, hpcdocs.snippettests.runner) to check each task, not
only each step as sacct records it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from hpcdocs.testcluster.plan import Plan

KEEP_S = 24 * 3600  # records older than this are removed by `up`


@dataclass(frozen=True)
class Task:
    """One task of one job step, from its record."""

    job: str  # the job as sacct names it: 123, or 123_4 for an array task
    step: str  # 0, 1, ... or batch
    task: int  # SLURM_PROCID
    node: str
    env: dict  # the names the record holds (unset ones are absent)

    @property
    def name(self) -> str:
        return f"{self.job}.{self.step} task {self.task} on {self.node}"

    def tasks_on_node(self) -> int | None:
        """Tasks of this step on this task's node (SLURM_STEP_TASKS_PER_NODE, e.g. 2(x2),1)."""
        spec, node = self.env.get("SLURM_STEP_TASKS_PER_NODE"), self.env.get("SLURM_NODEID")
        if not spec or node is None or not node.isdigit():
            return None
        counts = []
        for part in spec.split(","):
            found = re.fullmatch(r"(\d+)(?:\(x(\d+)\))?", part)
            if not found:
                return None
            counts += [int(found.group(1))] * int(found.group(2) or 1)
        return counts[int(node)] if int(node) < len(counts) else None

    def cpus(self) -> float | None:
        """CPUs this task was given: its step's CPUs on the node over its tasks there."""
        on_node, tasks = self.env.get("SLURM_CPUS_ON_NODE"), self.tasks_on_node()
        if not on_node or not on_node.isdigit() or not tasks:
            return None
        return int(on_node) / tasks

    def gpus(self) -> list[str] | None:
        """The GPUs CUDA_VISIBLE_DEVICES names; None where it is unset (all the node's)."""
        value = self.env.get("CUDA_VISIBLE_DEVICES")
        if value is None:
            return None
        return [g for g in value.split(",") if g]


def parse(path: Path) -> Task | None:
    env = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, eq, value = line.partition("=")
        if eq:
            env[key] = value
    if "SLURM_JOB_ID" not in env:
        return None
    job = env["SLURM_JOB_ID"]
    if env.get("SLURM_ARRAY_JOB_ID") and env.get("SLURM_ARRAY_TASK_ID"):
        job = f"{env['SLURM_ARRAY_JOB_ID']}_{env['SLURM_ARRAY_TASK_ID']}"
    # The batch step's task has no SLURM_STEP_ID (Slurm 22.05).
    step = env.get("SLURM_STEP_ID") or "batch"
    procid = env.get("SLURM_PROCID", "0")
    return Task(job, step, int(procid) if procid.isdigit() else 0,
                env.get("SLURMD_NODENAME", "?"), env)  # fmt: skip


def of_job(plan_or_dir, jobid: str) -> list[Task]:
    """Every task record of a job (all its array tasks), srun steps and batch alike."""
    directory = plan_or_dir.tasks if isinstance(plan_or_dir, Plan) else Path(plan_or_dir)
    found = []
    for path in sorted(directory.glob(f"{jobid}.*")):
        task = parse(path)
        if task is not None:
            found.append(task)
    return sorted(found, key=lambda t: (t.job, t.step, t.task))


def forget(plan_or_dir, jobid: str) -> None:
    directory = plan_or_dir.tasks if isinstance(plan_or_dir, Plan) else Path(plan_or_dir)
    for path in directory.glob(f"{jobid}.*"):
        path.unlink(missing_ok=True)


def prune(plan: Plan, keep_s: float = KEEP_S) -> None:
    now = time.time()
    for path in plan.tasks.glob("*"):
        try:
            if now - path.stat().st_mtime > keep_s:
                path.unlink()
        except OSError:
            pass

"""A handle on a Slurm cluster for tests: its environment, running commands in
it, submitting and waiting for jobs. tests/conftest.py's `cluster` fixture is one."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from hpcdocs.testcluster.jobs import JobWatcher


@dataclass
class Cluster:
    env: dict
    is_test_cluster: bool
    jobcomp: Path | None = None
    _watcher: JobWatcher | None = field(default=None, repr=False)

    def bash(
        self, cmd: str, timeout: float = 60, input: str | None = None, cwd: str | Path | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-c", cmd],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            cwd=cwd,
        )

    def sbatch(self, args: str, timeout: float = 60, cwd: str | Path | None = None) -> str:
        """`sbatch --parsable ARGS`; the job id. RuntimeError if refused."""
        r = self.bash(f"sbatch --parsable {args}", timeout=timeout, cwd=cwd)
        if r.returncode:
            raise RuntimeError(f"sbatch {args} refused: {r.stderr}")
        return r.stdout.strip().split(";")[0]

    def wait_job(self, jobid: int | str, timeout: float = 60, accounting: bool = True) -> str:
        """The job's final state (COMPLETED, FAILED, TIMEOUT, CANCELLED, ...), as soon
        as it ends and (accounting=True) sacct knows it too."""
        if self._watcher is None:
            self._watcher = JobWatcher(self.env, self.jobcomp)
        return self._watcher.wait(jobid, timeout, accounting=accounting)

    # Skips, for tests (pytest is imported only when one is needed).
    def require_test_cluster(self, why: str) -> None:
        if not self.is_test_cluster:
            import pytest

            pytest.skip(f"needs the test cluster: {why}")

    def require_partition(self, name: str) -> None:
        r = self.bash(f"sinfo -h -o %P -p {name}")
        if not r.stdout.strip():
            import pytest

            pytest.skip(f"this cluster has no partition {name!r}")

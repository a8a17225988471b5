"""The test cluster as `snippets run` sees it, outside pytest.

The tests use the session fixture `cluster` (tests/conftest.py); this builds
the same thing from the same parts (hpcdocs.testcluster): ``env`` (after
``eval "$(testcluster env)"``), ``bash(cmd, timeout=)`` and
``wait_job(jobid, timeout)`` (the jobcomp watcher, not `sbatch --wait`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from hpcdocs import ROOT, command
from hpcdocs.testcluster.jobs import JobWatcher
from hpcdocs.testcluster.scratch import env_after_eval

TESTCLUSTER = command("testcluster")


class ShellCluster:
    def __init__(self):
        subprocess.run([str(TESTCLUSTER), "up"], check=True, cwd=ROOT, timeout=600)
        self.env = env_after_eval(dict(os.environ))
        jobcomp = Path(self.env["TESTCLUSTER_DIR"]) / "log" / "jobcomp.log"
        self._watcher = JobWatcher(self.env, jobcomp)

    def bash(self, cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-c", cmd], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def wait_job(self, jobid: str, timeout: float = 60) -> str:
        return self._watcher.wait(jobid, timeout)

"""Waiting for Slurm jobs quickly, for the tests and the benchmark.

`sbatch --wait` first asks the controller after 2 s and then at growing
intervals: on the test cluster a trivial job takes it 2.0 s, a 3-second job
10.0 s. Instead:

- on the test cluster, slurmctld writes one line per finished job to its
  jobcomp file (JobCompType=jobcomp/filetxt); reading the new bytes of that
  file every few milliseconds costs nothing and sees the end at once;
- anywhere else (--cluster=existing), `scontrol show job` every 0.1 s, then
  `sacct` once the controller has forgotten the job.

A job that was signalled (time limit, scancel) ends for the controller at once,
but its processes may run on for KillWait seconds: wait() then also waits until
it is no longer COMPLETING. sacct learns of the end a moment later than the
controller: wait(..., accounting=True) waits for that too.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from hpcdocs import poll
from hpcdocs.slurmspec import FINAL_STATES

FINAL = set(FINAL_STATES)
# States the controller records the moment it signals the job (time limit,
# scancel): the job's processes may still run, for up to KillWait seconds, and
# write files (a trap copying results back) while the job shows COMPLETING.
SIGNALLED = {"CANCELLED", "DEADLINE", "PREEMPTED", "TIMEOUT"}
_FIELD = re.compile(r"(\w+)=(\S*)")


class JobTimeoutError(TimeoutError):
    pass


def _fields(line: str) -> dict[str, str]:
    return dict(_FIELD.findall(line))


class JobWatcher:
    """wait(jobid) -> final state, for one cluster environment."""

    def __init__(self, env: dict, jobcomp: Path | None = None):
        self.env = env
        self.jobcomp = jobcomp
        self._offset = 0
        self._seen: dict[str, str] = {}  # job id -> last state logged in jobcomp
        self._partial = b""

    def _read_jobcomp(self) -> None:
        try:
            with open(self.jobcomp, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size < self._offset:  # a new cluster wrote a new file
                    self._offset, self._partial = 0, b""
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            f = _fields(raw.decode(errors="replace"))
            if "JobId" in f and "JobState" in f:
                self._seen[f["JobId"]] = f["JobState"]

    def _scontrol(self, jobid: str) -> list[dict[str, str]] | None:
        """The job's records (one per array task), or None if Slurm forgot it."""
        r = subprocess.run(
            ["scontrol", "show", "job", "-o", jobid],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if r.returncode:
            return None
        return [_fields(line) for line in r.stdout.splitlines() if line.strip()]

    def _sacct(self, jobid: str) -> str | None:
        r = subprocess.run(
            ["sacct", "-n", "-X", "-P", "-o", "State", "-j", jobid],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        states = {line.split()[0] for line in r.stdout.splitlines() if line.strip()}
        if states and states <= FINAL:
            return ",".join(sorted(states))
        return None

    def wait(self, jobid: int | str, timeout: float = 60.0, accounting: bool = False) -> str:
        """Block until the job (every task of an array) has ended; return its state.

        An array whose tasks ended differently gives their states joined by commas.
        With accounting, also wait until sacct shows the end (slurmdbd hears of it
        a moment after the controller), so that sacct right after is complete.
        """
        state = self._wait(str(jobid), timeout)
        if SIGNALLED & set(state.split(",")):
            self._settle(str(jobid), timeout=60)
        if accounting:
            deadline = time.monotonic() + 10
            while self._sacct(str(jobid)) is None and time.monotonic() < deadline:
                time.sleep(0.05)
        return state

    def _settle(self, jobid: str, timeout: float) -> None:
        """Wait until no process of a signalled job is left (it is no longer
        COMPLETING), so that what it wrote after the signal can be read."""

        def settled() -> bool:
            records = self._scontrol(jobid)
            return records is None or all(r.get("JobState") != "COMPLETING" for r in records)

        try:
            poll.until(settled, timeout, f"job {jobid} no longer COMPLETING", step=0.05)
        except poll.WaitTimeoutError:
            raise JobTimeoutError(
                f"job {jobid} still COMPLETING {timeout} s after it ended"
            ) from None

    def _wait(self, jobid: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        records = self._scontrol(jobid)
        is_array = bool(records) and (
            len(records) > 1
            or any(r.get("ArrayJobId", jobid) != jobid or "ArrayTaskId" in r for r in records)
        )
        fast = self.jobcomp is not None and not is_array
        last_slow = 0.0
        while True:
            if fast:
                self._read_jobcomp()
                state = self._seen.get(jobid)
                if state in FINAL:
                    return state
            now = time.monotonic()
            if not fast or now - last_slow > 1.0:  # the fast path's safety net
                last_slow = now
                records = self._scontrol(jobid)
                if records is None:
                    state = self._sacct(jobid)
                    if state:
                        return state
                else:
                    states = {r.get("JobState", "") for r in records}
                    if states and states <= FINAL:
                        return ",".join(sorted(states))
            if now > deadline:
                raise JobTimeoutError(f"job {jobid} still not finished after {timeout} s")
            time.sleep(0.01 if fast else 0.1)

"""bkill: end (or signal) jobs with Slurm's scancel, answering as LSF does."""

from __future__ import annotations

import re
import sys

from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.cli import main_wrapper, split_flags, user
from hpcdocs.lsf.slurm import Job

HELP = """
usage: bkill [-s signal] [-u user | -u all] [-J job_name] [-q queue] [-m host]
             [0 | job_ID | "job_ID[index]" ...]
       bkill -h | -V

Ends jobs with Slurm's scancel: "Job <ID> is being terminated".
  0           all of your unfinished jobs (with -u all: everyone's)
  job_ID      the job, or every element of a job array; "ID[3]" one element
  -s signal   send the signal (KILL, TERM, USR1, 9 ...) instead of ending
              the job: "Job <ID> is being signaled"
  -J, -q, -m  your unfinished jobs of that name (* wildcard), queue or host
Other bkill options are refused with a message naming them.
"""

FLAGS: set[str] = set()
VALUED = {"s", "u", "J", "q", "m"}


def targets(jobs: list[Job], options: dict, ids: list[str], me: str) -> tuple[list, list]:
    """(jobs to act on, [(ID, message)] for IDs with nothing to act on)."""
    who = options.get("u", me)
    mine = [job for job in jobs if who == "all" or job.user == who]
    chosen, problems = [], []
    selectors = any(key in options for key in ("J", "q", "m"))
    if "0" in ids or (selectors and not ids):
        unfinished = [job for job in mine if job.stat not in slurm.FINISHED]
        chosen = slurm.by_name_queue_host(unfinished, options)
        if not chosen:
            problems.append(("", "No unfinished job found"))
        return chosen, problems
    for job_id in ids:
        found = [job for job in mine if job_id in (job.job_id, job.lsf_id)]
        if not found:
            problems.append((job_id, f"Job <{job_id}>: No matching job found"))
        elif all(job.stat in slurm.FINISHED for job in found):
            problems.append((job_id, f"Job <{job_id}>: Job has already finished"))
        else:
            chosen += [job for job in found if job.stat not in slurm.FINISHED]
    return chosen, problems


def scancel_ids(jobs: list[Job], whole: set[str]) -> list[str]:
    """Slurm IDs to cancel: an array's ID once when the whole array was named."""
    result = []
    for job in jobs:
        target = job.job_id if job.job_id in whole else job.slurm_id
        if target not in result:
            result.append(target)
    return result


def signal_name(value: str) -> str:
    name = value.upper().removeprefix("SIG")
    if not re.fullmatch(r"[A-Z0-9]+", name):
        raise LsfError(f"bkill: {value}: Unknown signal")
    return name


def body(argv: list[str]) -> int:
    options, ids = split_flags(argv, FLAGS, VALUED, "bkill")
    if not ids and not any(key in options for key in ("J", "q", "m")):
        raise LsfError("bkill: give job IDs, or 0 for all of your jobs (see bkill -h)")
    for job_id in ids:
        if not re.fullmatch(r"\d+(\[\d+\])?", job_id):
            raise LsfError(f"{job_id}: Illegal job ID.")
    me = user()
    who = options.get("u", me)
    jobs = slurm.all_jobs("now-7days", None if who == "all" else who)
    chosen, problems = targets(jobs, options, ids, me)
    whole = {i for i in ids if "[" not in i} | ({j.job_id for j in chosen} if "0" in ids else set())
    cmd = ["scancel"]
    signal = signal_name(options["s"]) if "s" in options else None
    if signal:
        cmd += ["--full", f"--signal={signal}"]
    status = 0
    if chosen:
        slurm.call(cmd + scancel_ids(chosen, whole))
        done = set()
        for job in chosen:
            shown = job.job_id if job.job_id in whole else job.lsf_id
            if shown in done:
                continue
            done.add(shown)
            verb = "signaled" if signal else "terminated"
            print(f"Job <{shown}> is being {verb}")
    for _, message in problems:
        sys.stderr.write(message + "\n")
        status = 255
    return status


main = main_wrapper("bkill", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

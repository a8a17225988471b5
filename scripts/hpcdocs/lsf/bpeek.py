"""bpeek: the output so far of one of your running jobs (its Slurm StdOut file)."""

from __future__ import annotations

import sys
import time

from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.cli import main_wrapper, split_flags, user
from hpcdocs.lsf.slurm import Job

HELP = """
usage: bpeek [-f] [-q queue | -m host | -J job_name | job_ID | "job_ID[index]"]
       bpeek -h | -V

Prints what one of your unfinished jobs has written so far (the files that
Slurm writes its output to, i.e. bsub's -o and -e). Without a job, your most
recently submitted unfinished job (of that queue, host or name).
  -f  keep printing new output, as tail -f, until the job ends
Other bpeek options are refused with a message naming them.
"""


def choose(jobs: list[Job], options: dict, ids: list[str], me: str) -> Job:
    mine = [job for job in jobs if job.user == me]
    if ids:
        found = [job for job in mine if ids[0] in (job.lsf_id, job.job_id)]
        if not found:
            raise LsfError(f"Job <{ids[0]}>: No matching job found")
        job = found[0]
    else:
        candidates = [
            job
            for job in mine
            if job.stat not in slurm.FINISHED
            and options.get("q", job.queue) == job.queue
            and ("m" not in options or options["m"] in (h for h, _ in job.hosts))
            and options.get("J", job.name) in (job.name, job.name.split("[")[0])
        ]
        if not candidates:
            raise LsfError("No unfinished job found")
        job = max(candidates, key=lambda j: (int(j.job_id), int(j.index or 0)))
    if job.stat in slurm.FINISHED:
        raise LsfError(f"Job <{job.lsf_id}>: Job has already finished")
    if job.stat in ("PEND", "PSUSP"):
        raise LsfError(f"Job <{job.lsf_id}>: Job has not started yet")
    return job


def sections(job: Job) -> list[tuple[str, str]]:
    """(heading, file) pairs: stdout, and stderr when it has its own file."""
    found = [("<< output from stdout >>", job.stdout)]
    if job.stderr and job.stderr != job.stdout:
        found.append(("<< output from stderr >>", job.stderr))
    return found


def read_from(path: str, offset: int) -> tuple[str, int]:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except FileNotFoundError:
        return "", offset
    return data.decode(errors="replace"), offset + len(data)


def copy_new(job: Job, offsets: dict) -> None:
    """Writes what the job's files gained since ``offsets``, and moves them on."""
    for _, path in sections(job):
        text, offsets[path] = read_from(path, offsets[path])
        sys.stdout.write(text)
    sys.stdout.flush()


def body(argv: list[str]) -> int:
    options, ids = split_flags(argv, {"f"}, {"q", "m", "J"}, "bpeek")
    if len(ids) > 1:
        raise LsfError("bpeek: give one job")
    job = choose(slurm.live_jobs(), options, ids, user())
    offsets = {}
    for heading, path in sections(job):
        text, offsets[path] = read_from(path, 0)
        sys.stdout.write(f"{heading}\n{text}")
    sys.stdout.flush()
    while options.get("f"):
        time.sleep(1)
        copy_new(job, offsets)
        if finished(job):
            copy_new(job, offsets)  # what it wrote between that read and its end
            break
    return 0


def finished(job: Job) -> bool:
    """Whether the job has ended (or Slurm no longer knows it)."""
    current = slurm.parse_scontrol_jobs(
        slurm.call(["scontrol", "show", "job", "-d", "-o", job.slurm_id], check=False)
    )
    return not current or current[0].stat in slurm.FINISHED


main = main_wrapper("bpeek", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

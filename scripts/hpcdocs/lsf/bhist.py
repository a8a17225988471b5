"""bhist: the time your jobs spent pending and running, from Slurm's accounting."""

from __future__ import annotations

import re
import sys
from datetime import datetime

from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.bjobs import long_time, matches, short_name, wrap
from hpcdocs.lsf.cli import main_wrapper, split_flags, user
from hpcdocs.lsf.slurm import Job

HELP = """
usage: bhist [-a | -d | -p | -r] [-l] [-w] [-u user | -u all] [-J job_name]
             [job_ID | "job_ID[index]" ...]
       bhist -h | -V

Shows your jobs of the last 7 days (Slurm accounting): seconds spent in
each state (PEND PSUSP RUN USUSP SSUSP UNKWN TOTAL), or with -l the job's
history (submitted, dispatched, done or exited). Without options, unfinished
jobs only; -a all, -d finished, -p pending, -r running.
Other bhist options are refused with a message naming them.
"""

HEADER = "JOBID   USER    JOB_NAME  PEND    PSUSP   RUN     USUSP   SSUSP   UNKWN   TOTAL"


def seconds(job: Job, now: datetime) -> dict[str, int]:
    """Seconds pending and running (held time counts as PSUSP)."""
    submit = job.submit or now
    start = job.start
    # A live job's EndTime is Slurm's forecast: count up to now instead.
    end = (job.end or now) if job.stat in slurm.FINISHED else now
    pend_end = start or end
    pend = max(0, int((pend_end - submit).total_seconds()))
    run = max(0, int((end - start).total_seconds())) if start else 0
    times = {"PEND": pend, "PSUSP": 0, "RUN": run, "USUSP": 0, "SSUSP": 0, "UNKWN": 0}
    if job.stat == "PSUSP":
        times["PSUSP"], times["PEND"] = pend, 0
    times["TOTAL"] = sum(times.values())
    return times


def rows(jobs: list[Job], now: datetime, wide: bool) -> list[str]:
    result = [HEADER]
    for job in jobs:
        t = seconds(job, now)
        name = short_name(job.name, wide, width=9)
        result.append(
            f"{job.lsf_id:<7} {job.user:<7} {name:<9} {t['PEND']:<7} "
            f"{t['PSUSP']:<7} {t['RUN']:<7} {t['USUSP']:<7} {t['SSUSP']:<7} "
            f"{t['UNKWN']:<7} {t['TOTAL']}"
        )
    return result


def history(job: Job, now: datetime) -> str:
    lines = [
        wrap(
            f"Job <{job.lsf_id}>, Job Name <{job.name}>, User <{job.user}>, "
            f"Command <{job.command or '-'}>"
        ),
        wrap(
            f"{long_time(job.submit)}: Submitted from host <{job.from_host}>, to Queue "
            f"<{job.queue}>, CWD <{job.workdir}>, {job.slots} Task(s);"
        ),
    ]
    if job.start:
        hosts = " ".join(f"<{h}>" if n == 1 else f"<{n}*{h}>" for h, n in job.hosts)
        lines.append(
            wrap(f"{long_time(job.start)}: Dispatched {job.slots} Task(s) on Host(s) {hosts};")
        )
        lines.append(f"{long_time(job.start)}: Starting;")
    if job.stat == "DONE":
        lines.append(f"{long_time(job.end)}: Done successfully.")
    elif job.stat == "EXIT":
        lines.append(
            f"{long_time(job.end)}: Exited with exit code {job.exit_code}. "
            f"Slurm state: {job.slurm_state}."
        )
    t = seconds(job, now)
    lines += [
        f"Summary of time in seconds spent in various states by  {long_time(now)}",
        "  PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL",
        "  "
        + " ".join(
            f"{t[k]:<8}" for k in ("PEND", "PSUSP", "RUN", "USUSP", "SSUSP", "UNKWN", "TOTAL")
        ),
    ]
    return "\n\n".join(lines[:-3]) + "\n\n" + "\n".join(lines[-3:])


def select(jobs: list[Job], options: dict, ids: list[str]) -> list[Job]:
    if ids:
        return [job for job in jobs if matches(job, ids)]
    if options.get("d"):
        jobs = [job for job in jobs if job.stat in slurm.FINISHED]
    elif options.get("p"):
        jobs = [job for job in jobs if job.stat in ("PEND", "PSUSP")]
    elif options.get("r"):
        jobs = [job for job in jobs if job.stat == "RUN"]
    elif not options.get("a"):
        jobs = [job for job in jobs if job.stat not in slurm.FINISHED]
    if "J" in options:
        jobs = [job for job in jobs if options["J"] in (job.name, job.name.split("[")[0])]
    return sorted(jobs, key=lambda j: (int(j.job_id), int(j.index or 0)))


def body(argv: list[str]) -> int:
    options, ids = split_flags(argv, {"a", "d", "p", "r", "l", "w"}, {"u", "J"}, "bhist")
    for job_id in ids:
        if not re.fullmatch(r"\d+(\[\d+\])?", job_id):
            raise LsfError(f"{job_id}: Illegal job ID.")
    who = options.get("u", user())
    jobs = select(slurm.all_jobs("now-7days", None if who == "all" else who), options, ids)
    now = datetime.now().replace(microsecond=0)
    if not jobs:
        raise LsfError("No matching job found", status=255)
    if options.get("l"):
        rule = "\n" + "-" * 78 + "\n\n"
        sys.stdout.write(rule.join(history(job, now) for job in jobs) + "\n")
    else:
        sys.stdout.write("Summary of time in seconds spent in various states:\n")
        sys.stdout.write("\n".join(rows(jobs, now, bool(options.get("w")))) + "\n")
    return 0


main = main_wrapper("bhist", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

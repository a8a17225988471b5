"""bjobs: LSF's job table from Slurm (scontrol for live jobs, sacct for finished)."""

from __future__ import annotations

import re
import sys
import textwrap
from datetime import datetime

from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.cli import main_wrapper, split_flags, user
from hpcdocs.lsf.slurm import Job, Usage, lsf_time

HELP = """
usage: bjobs [-a | -d | -p | -r | -s] [-l | -w] [-noheader] [-u user | -u all]
             [-J job_name] [-q queue] [-m host] [job_ID | "job_ID[index]" ...]
       bjobs -h | -V

Shows your unfinished jobs in LSF's columns (JOBID USER STAT QUEUE FROM_HOST
EXEC_HOST JOB_NAME SUBMIT_TIME), read from Slurm. Slurm states become PEND,
PSUSP (held), RUN, USUSP (suspended), DONE (completed) and EXIT (failed,
cancelled, timed out, out of memory ...).
  -a  also jobs finished in the last hour      -d  only those finished jobs
  -p  pending jobs, each with why it pends (-p0 ... -p3 are read as -p)
  -r  running only         -s  suspended only
  -l  long format          -w  wide format (names not truncated)
  -u  another user's jobs, or all users' (-u all)
  -J  jobs of that name (* matches anything), -q in a queue, -m on a host
Other bjobs options are refused with a message naming them.

Pending reasons (-p, -l) are this layer's approximation: Slurm's reason
(squeue's REASON) turned into the nearest LSF message, with Slurm's own word
in brackets. Real LSF counts the hosts behind each reason (": 3 hosts") and
may list several; Slurm gives one reason per job.

A running job's resource usage (-l) is sstat's reading of its steps, taken
when bjobs runs: the CPU time of all its tasks, MEM (their memory now), PIDs,
and MAX MEM, the most one task has used (Slurm's MaxRSS; real LSF gives the
peak of the whole job, and also SWAP, NTHREAD, PGID and AVG MEM, which this
layer leaves out). RUNLIMIT is Slurm's time limit.
"""

# Slurm's pending reason -> the nearest LSF message (LSF's wording where one
# fits, e.g. PEND_JOB_DEPEND; otherwise this layer's).
PENDING_REASONS = {
    "None": "New job is waiting for scheduling",
    "": "New job is waiting for scheduling",
    "BeginTime": "The job has a specified start time",
    "Dependency": "Job dependency condition not satisfied",
    "DependencyNeverSatisfied": "Dependency condition invalid or never satisfied",
    "JobHeldUser": "The job was suspended by the user while pending",
    "JobHeldAdmin": "The job was suspended by LSF admin or root while pending",
    "Resources": "Job's resource requirements not satisfied",
    "Priority": "Waiting for jobs of higher priority to be dispatched first",
    "JobArrayTaskLimit": "The job array has reached its job slot limit",
    "PartitionDown": "The queue is inactivated by the administrator",
    "PartitionInactive": "The queue is inactivated by the administrator",
    "PartitionNodeLimit": "Not enough hosts to meet the job's spanning requirement",
    "PartitionTimeLimit": "The job's run limit is longer than the queue allows",
    "ReqNodeNotAvail": "The requested host(s) are closed, down or reserved",
    "NodeDown": "The requested host(s) are closed, down or reserved",
    "Reservation": "Waiting for its advance reservation",
}

FLAGS = {"a", "d", "p", "p0", "p1", "p2", "p3", "r", "s", "l", "w", "noheader"}
VALUED = {"u", "J", "q", "m"}
ORDER = {"RUN": 0, "USUSP": 1, "SSUSP": 1, "PSUSP": 2, "PEND": 2, "DONE": 3, "EXIT": 3}
EMPTY = {
    "d": "No DONE/EXIT job found",
    "p": "No pending job found",
    "r": "No running job found",
    "s": "No suspended job found",
    "a": "No job found",
}
HEADER = "JOBID   USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME"
PENDING_HEADER = "JOBID   USER    STAT  QUEUE      FROM_HOST   JOB_NAME   SUBMIT_TIME"


def pending_reason(job: Job) -> str:
    """Why the job pends, in LSF's words as far as they fit, Slurm's in brackets."""
    reason = (job.reason or "").strip()
    if reason in PENDING_REASONS:
        message = PENDING_REASONS[reason]
    elif reason.startswith(("QOSMax", "AssocMax", "QOSGrp", "AssocGrp")):
        message = "The user has reached his/her job slot limit"
    else:
        message = "Pending in Slurm"
    return f"{message} [Slurm: {reason or 'None'}]"


def pending_rows(jobs: list[Job], wide: bool) -> list[str]:
    """bjobs -p: each pending job, then its reason on an indented line."""
    rows = []
    for job in jobs:
        rows.append(
            f"{job.job_id:<7} {job.user:<7} {job.stat:<5} {job.queue:<10} "
            f"{job.from_host:<11} {short_name(job.name, wide):<10} {lsf_time(job.submit)}"
        )
        rows.append(f" {pending_reason(job)};")
    return rows


EXEC_COLUMN = 45  # where EXEC_HOST starts in HEADER


def short_name(name: str, wide: bool, width: int = 10) -> str:
    """LSF shows long names as '*' and their last characters unless -w."""
    return name if wide or len(name) <= width else "*" + name[-(width - 1) :]


def exec_hosts(job: Job) -> list[str]:
    return [f"{n}*{host}" if n > 1 else host for host, n in job.hosts] if job.start else []


def table_rows(jobs: list[Job], wide: bool) -> list[str]:
    rows = []
    for job in jobs:
        hosts = exec_hosts(job) or [""]
        line = (
            f"{job.job_id:<7} {job.user:<7} {job.stat:<5} {job.queue:<10} "
            f"{job.from_host:<11} {hosts[0]:<11} {short_name(job.name, wide):<10} "
            f"{lsf_time(job.submit)}"
        )
        rows.append(line)
        rows += [" " * EXEC_COLUMN + host for host in hosts[1:]]
    return rows


def long_time(moment) -> str:
    return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S}" if moment else "-"


def wrap(text: str) -> str:
    return "\n".join(
        textwrap.wrap(
            text,
            width=79,
            subsequent_indent=" " * 21,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def megabytes(kb: int) -> str:
    """LSF's memory figures: whole Mbytes, Gbytes with one decimal from 1 GB."""
    mb = kb / 1024
    return f"{mb / 1024:.1f} Gbytes" if mb >= 1024 else f"{round(mb)} Mbytes"


def usage_paragraph(usage: Usage, now: datetime) -> str:
    """A running job's "Resource usage collected." lines, from sstat."""
    lines = [f"{long_time(now)}: Resource usage collected."]
    if usage.cpu_seconds >= 1:  # LSF leaves out a CPU time of 0
        lines.append(f"The CPU time used is {int(usage.cpu_seconds)} seconds.")
    lines.append(f"MEM: {megabytes(usage.mem_kb)};")
    if usage.pids:
        lines.append(wrap(f"PIDs: {' '.join(usage.pids)}").lstrip())
    return ("\n" + " " * 21).join(lines)


def long_format(job: Job, usage: Usage | None = None, now: datetime | None = None) -> str:
    """bjobs -l: the job's paragraphs, wrapped the way LSF wraps them; a running
    job's resource usage (sstat's) when given."""
    parts = [
        wrap(
            f"Job <{job.lsf_id}>, Job Name <{job.name}>, User <{job.user}>, "
            f"Status <{job.stat}>, Queue <{job.queue}>, Command <{job.command or '-'}>"
        )
    ]
    files = f", Output File <{job.stdout}>" if job.stdout else ""
    if job.stderr and job.stderr != job.stdout:
        files += f", Error File <{job.stderr}>"
    parts.append(
        wrap(
            f"{long_time(job.submit)}: Submitted from host <{job.from_host}>, "
            f"CWD <{job.workdir}>{files}, {job.slots} Task(s);"
        )
    )
    if job.start:
        hosts = " ".join(f"<{h}>" for h in exec_hosts(job))
        parts.append(
            wrap(
                f"{long_time(job.start)}: Started {job.slots} Task(s) on Host(s) "
                f"{hosts}, Allocated {job.slots} Slot(s) on Host(s) {hosts}, "
                f"Execution CWD <{job.workdir}>;"
            )
        )
    if job.stat == "RUN" and usage is not None:
        parts[-1] += "\n" + usage_paragraph(usage, now or datetime.now())
    if job.time_limit is not None and job.stat not in slurm.FINISHED:
        parts.append(f" RUNLIMIT\n {job.time_limit:.1f} min")
    if job.stat == "RUN" and usage is not None:
        parts.append(f" MEMORY USAGE:\n MAX MEM: {megabytes(usage.max_mem_kb)}")
    if job.stat == "DONE":
        parts.append(f"{long_time(job.end)}: Done successfully.")
    elif job.stat == "EXIT":
        why = (
            f"Exited with exit code {job.exit_code}"
            if not job.signal
            else f"Exited by signal {job.signal}"
        )
        parts.append(wrap(f"{long_time(job.end)}: {why}. Slurm state: {job.slurm_state}."))
    elif job.stat in ("PEND", "PSUSP"):
        parts.append(f" PENDING REASONS:\n {pending_reason(job)};")
    return "\n\n".join(parts)


def matches(job: Job, ids: list[str]) -> bool:
    for wanted in ids:
        if wanted == job.job_id or wanted == job.lsf_id or wanted == job.slurm_id:
            return True
    return False


def select(jobs: list[Job], options: dict, ids: list[str], me: str) -> list[Job]:
    """The jobs bjobs shows for these options (pure: jobs are given)."""
    who = options.get("u", me)
    if who != "all":
        jobs = [job for job in jobs if job.user == who]
    if ids:
        jobs = [job for job in jobs if matches(job, ids)]
    elif options.get("d"):
        jobs = [job for job in jobs if job.stat in slurm.FINISHED]
    elif not options.get("a"):
        jobs = [job for job in jobs if job.stat not in slurm.FINISHED]
    if pending_only(options):
        jobs = [job for job in jobs if job.stat in ("PEND", "PSUSP")]
    if options.get("r"):
        jobs = [job for job in jobs if job.stat == "RUN"]
    if options.get("s"):
        jobs = [job for job in jobs if job.stat.endswith("SUSP") and job.stat != "PSUSP"]
    jobs = slurm.by_name_queue_host(jobs, options)
    return sorted(jobs, key=lambda j: (ORDER.get(j.stat, 4), int(j.job_id), int(j.index or 0)))


def pending_only(options: dict) -> bool:
    return any(options.get(flag) for flag in ("p", "p0", "p1", "p2", "p3"))


def render(jobs: list[Job], options: dict, usage=lambda job: None) -> str:
    """The table or long format; ``usage(job)`` gives a running job's usage (-l)."""
    if options.get("l"):
        rule = "\n" + "-" * 78 + "\n\n"
        return rule.join(long_format(job, usage(job)) for job in jobs) + "\n"
    if pending_only(options):
        rows = pending_rows(jobs, bool(options.get("w")))
        header = PENDING_HEADER
    else:
        rows = table_rows(jobs, bool(options.get("w")))
        header = HEADER
    if not options.get("noheader"):
        rows.insert(0, header)
    return "\n".join(rows) + "\n"


def body(argv: list[str]) -> int:
    options, ids = split_flags(argv, FLAGS, VALUED, "bjobs")
    for job_id in ids:
        if not re.fullmatch(r"\d+(\[\d+\])?", job_id):
            raise LsfError(f"{job_id}: Illegal job ID.")
    me = user()
    who = None if options.get("u") == "all" else options.get("u", me)
    jobs = slurm.all_jobs("now-1hour" if not ids else "now-7days", who)
    shown = select(jobs, options, ids, me)
    status = 0
    for job_id in ids:
        if not any(matches(job, [job_id]) for job in shown):
            sys.stderr.write(f"Job <{job_id}> is not found\n")
            status = 255
    if shown:
        sys.stdout.write(render(shown, options, slurm.usage))
    elif not ids:
        flag = next((f for f in ("d", "p", "r", "s", "a") if options.get(f)), None)
        flag = "p" if pending_only(options) else flag
        sys.stderr.write(EMPTY.get(flag, "No unfinished job found") + "\n")
    return status


main = main_wrapper("bjobs", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

"""Slurm's view of jobs and hosts, read into LSF's terms.

Live jobs come from ``scontrol show job -d -o`` (one line a job, with the
CPUs each node gives it); finished ones from ``sacct`` (slurmdbd). The
parsers are pure functions; ``call`` is the one place that calls Slurm.
"""

from __future__ import annotations

import base64
import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime

from hpcdocs.lsf import LsfError
from hpcdocs.lsf.jobenv import expand_hostlist
from hpcdocs.slurmspec import FINAL_STATES, slurm_minutes, slurm_seconds

# Slurm job states as LSF's STAT: the ones a job is still in, then the final
# ones (hpcdocs.slurmspec.FINAL_STATES), COMPLETED as DONE and the rest as EXIT.
STATES = {
    "PENDING": "PEND",
    "REQUEUED": "PEND",
    "REQUEUE_HOLD": "PSUSP",
    "REQUEUE_FED": "PEND",
    "CONFIGURING": "RUN",
    "RUNNING": "RUN",
    "COMPLETING": "RUN",
    "RESIZING": "RUN",
    "SIGNALING": "RUN",
    "STAGE_OUT": "RUN",
    "STOPPED": "USUSP",
    "SUSPENDED": "USUSP",
    "RESV_DEL_HOLD": "PSUSP",
    **{state: "EXIT" for state in FINAL_STATES},
    "COMPLETED": "DONE",
}
FINISHED = {"DONE", "EXIT"}


def lsf_state(slurm_state: str, reason: str = "") -> str:
    """PEND, PSUSP (held), RUN, USUSP, DONE or EXIT (every other end state)."""
    state = slurm_state.split()[0].rstrip("+") if slurm_state else ""
    stat = STATES.get(state, "EXIT")
    if stat == "PEND" and reason.startswith(("JobHeldUser", "JobHeldAdmin")):
        return "PSUSP"
    return stat


@dataclass
class Job:
    job_id: str  # LSF's job ID: the array's ID for array elements
    index: str = ""  # array index, "" when not an array element
    user: str = ""
    slurm_state: str = ""
    reason: str = ""
    queue: str = ""
    from_host: str = "-"
    hosts: list = field(default_factory=list)  # [(host, slots)]
    name: str = ""  # LSF's job name: name[index] for array elements
    submit: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    exit_code: int = 0
    signal: int = 0
    slots: int = 1
    stdout: str = ""
    stderr: str = ""
    workdir: str = ""
    command: str = ""
    time_limit: float | None = None  # minutes; None when unlimited or unknown

    @property
    def stat(self) -> str:
        return lsf_state(self.slurm_state, self.reason)

    @property
    def lsf_id(self) -> str:
        return f"{self.job_id}[{self.index}]" if self.index else self.job_id

    @property
    def slurm_id(self) -> str:
        return f"{self.job_id}_{self.index}" if self.index else self.job_id


def by_name_queue_host(jobs: list[Job], options: dict) -> list[Job]:
    """The jobs that bjobs' and bkill's -J NAME (* wildcard; an array's name without
    [range] matches too), -q QUEUE and -m HOST leave; those not given leave all."""
    if "J" in options:
        pattern = options["J"]
        jobs = [
            job
            for job in jobs
            if fnmatch.fnmatchcase(job.name, pattern)
            or fnmatch.fnmatchcase(job.name.split("[")[0], pattern)
        ]
    if "q" in options:
        jobs = [job for job in jobs if job.queue == options["q"]]
    if "m" in options:
        jobs = [job for job in jobs if options["m"] in (h for h, _ in job.hosts)]
    return jobs


def call(cmd: list[str], check: bool = True, input_text: str | None = None) -> str:
    """A Slurm command's stdout; its error as an LsfError when it fails."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, input=input_text, check=False)
    except FileNotFoundError:
        raise LsfError(
            f"{cmd[0]}: not found; is the test cluster's environment loaded "
            '(eval "$(.venv/bin/testcluster env)")?'
        ) from None
    if check and done.returncode != 0:
        message = done.stderr.strip().replace(f"{cmd[0]}: error: ", "")
        raise LsfError(message or f"{cmd[0]} failed with status {done.returncode}")
    return done.stdout


def timestamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except (ValueError, TypeError):
        return None


def number(text: str | None) -> int:
    """The leading number of a Slurm field (2 of "2-4"); 0 for N/A or none."""
    match = re.match(r"\d+", text or "")
    return int(match.group()) if match else 0


def count_ids(text: str) -> int:
    """CPU_IDs=0-3,8 -> 5."""
    total = 0
    for part in text.split(","):
        low, _, high = part.partition("-")
        if low.isdigit():
            total += int(high or low) - int(low) + 1
    return total


def duration_seconds(text: str) -> float | None:
    """Slurm's [D-][HH:]MM:SS[.mmm] (TimeLimit, TotalCPU, TRES cpu=) in seconds
    (hpcdocs.slurmspec, which also reads the facts and the lint's --time)."""
    seconds = slurm_seconds(text or "", fraction=True)
    return None if seconds == float("inf") else seconds


def limit_minutes(text: str) -> float | None:
    """scontrol's TimeLimit or MaxTime (MM, MM:SS, HH:MM:SS, D-HH:MM:SS) in minutes;
    None for UNLIMITED, NONE or nothing."""
    found = slurm_minutes(text.strip()) if text and text.strip() else None
    return None if found is None or found == float("inf") else found


UNITS = {"": 1, "K": 1, "M": 1024, "G": 1024**2, "T": 1024**3}


def size_kb(text: str) -> int:
    """sstat's sizes (75400K, 1.5G, 0) in KiB."""
    match = re.fullmatch(r"([\d.]+)([KMGT]?)", (text or "").strip())
    return int(float(match.group(1)) * UNITS[match.group(2)]) if match else 0


@dataclass
class Usage:
    """What sstat says about a running job's steps, for bjobs -l."""

    cpu_seconds: float = 0  # CPU time of all its tasks so far
    mem_kb: int = 0  # memory of all its tasks now
    max_mem_kb: int = 0  # the highest one task has used (Slurm's MaxRSS)
    pids: list = field(default_factory=list)


def parse_sstat(stats: str, pids: str) -> Usage | None:
    """``sstat -a -n -P -o JobID,TRESUsageInTot,MaxRSS`` and ``sstat -a -n -P -i``."""
    usage, seen = Usage(), False
    for line in stats.splitlines():
        parts = line.strip().split("|")
        if len(parts) < 3 or not parts[0]:
            continue
        seen = True
        tres = dict(item.partition("=")[::2] for item in parts[1].split(",") if "=" in item)
        usage.cpu_seconds += duration_seconds(tres.get("cpu", "")) or 0
        usage.mem_kb += size_kb(tres.get("mem", ""))
        usage.max_mem_kb = max(usage.max_mem_kb, size_kb(parts[2]))
    for line in pids.splitlines():
        parts = line.strip().split("|")
        if len(parts) >= 3:
            usage.pids += [pid for pid in parts[2].split(",") if pid.isdigit()]
    return usage if seen else None


def usage(job: Job) -> Usage | None:
    """sstat's reading of a running job's steps; None where sstat has none."""
    if job.stat != "RUN":
        return None
    target = ["-a", "-n", "-P", "-j", job.slurm_id]
    stats = call(["sstat", *target, "-o", "JobID,TRESUsageInTot,MaxRSS"], check=False)
    return parse_sstat(stats, call(["sstat", *target, "-i"], check=False))


KEY = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=")


def pairs(line: str) -> list[tuple[str, str]]:
    """scontrol's one-line record as (key, value) pairs, in order."""
    found = list(KEY.finditer(line))
    result = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        result.append((match.group(1), line[match.end() : end].strip()))
    return result


def array_indices(text: str) -> list[str]:
    """A pending array's ArrayTaskId (1-10:2%3, 4,6) as its indices."""
    indices = []
    for part in text.split("%")[0].split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+)(?::(\d+))?)?", part)
        if match:
            low, high, step = (
                int(match.group(1)),
                int(match.group(2) or match.group(1)),
                int(match.group(3) or 1),
            )
            indices += [str(i) for i in range(low, high + 1, step)]
    return indices


def parse_scontrol_jobs(text: str) -> list[Job]:
    """``scontrol show job -d -o`` output as Jobs (pending arrays expanded)."""
    jobs = []
    for line in text.splitlines():
        if not line.startswith("JobId="):
            continue
        fields = pairs(line)
        info = dict(fields)
        hosts, node = [], None
        for key, value in fields:
            if key == "Nodes":
                node = value
            elif key == "CPU_IDs" and node is not None:
                for host in expand_hostlist(node):
                    hosts.append((host, count_ids(value)))
                node = None
        exit_code, _, signal = info.get("ExitCode", "0:0").partition(":")
        exit_code, signal = number(exit_code), number(signal)
        base = Job(
            job_id=info.get("ArrayJobId") or info["JobId"],
            user=info.get("UserId", "").split("(")[0],
            slurm_state=info.get("JobState", ""),
            reason=info.get("Reason", ""),
            queue=info.get("Partition", ""),
            from_host=info.get("AllocNode:Sid", "-").split(":")[0] or "-",
            hosts=hosts,
            name=info.get("JobName", ""),
            submit=timestamp(info.get("SubmitTime", "")),
            start=timestamp(info.get("StartTime", "")),
            end=timestamp(info.get("EndTime", "")),
            exit_code=exit_code,
            signal=signal,
            slots=number(info.get("NumTasks")) or number(info.get("NumCPUs")) or 1,
            stdout=info.get("StdOut", ""),
            stderr=info.get("StdErr", ""),
            workdir=info.get("WorkDir", ""),
            command=read_comment(info.get("Comment", ""))[1] or info.get("Command", ""),
            time_limit=limit_minutes(info.get("TimeLimit", "")),
        )
        if base.start and base.stat == "PEND":
            base.start = None
        task = info.get("ArrayTaskId", "")
        indices = [task] if task.isdigit() else array_indices(task) if task else [""]
        for index in indices:
            job = Job(**{**base.__dict__, "index": index})
            if index:
                job.name = f"{base.name}[{index}]"
            jobs.append(job)
    return jobs


SACCT_FIELDS = [
    "JobID",
    "User",
    "State",
    "Partition",
    "Submit",
    "Start",
    "End",
    "NodeList",
    "AllocCPUS",
    "ExitCode",
    "WorkDir",
    "Comment",
    "JobName",
]


def parse_sacct(text: str) -> list[Job]:
    """``sacct -X -n -P -o SACCT_FIELDS`` output as Jobs."""
    jobs = []
    for line in text.splitlines():
        parts = line.split("|", len(SACCT_FIELDS) - 1)
        if len(parts) != len(SACCT_FIELDS):
            continue
        row = dict(zip(SACCT_FIELDS, parts, strict=True))
        job_id, _, index = row["JobID"].partition("_")
        if index.startswith("["):
            index = ""  # a pending array's summary line
        nodes = [] if row["NodeList"] in ("", "None assigned") else expand_hostlist(row["NodeList"])
        cpus = number(row["AllocCPUS"])
        hosts = [(host, max(1, cpus // len(nodes))) for host in nodes]
        exit_code, _, signal = row["ExitCode"].partition(":")
        jobs.append(
            Job(
                job_id=job_id,
                index=index,
                user=row["User"],
                slurm_state=row["State"],
                queue=row["Partition"],
                hosts=hosts,
                from_host=read_comment(row["Comment"])[0],
                command=read_comment(row["Comment"])[1],
                name=f"{row['JobName']}[{index}]" if index else row["JobName"],
                submit=timestamp(row["Submit"]),
                start=timestamp(row["Start"]),
                end=timestamp(row["End"]),
                exit_code=number(exit_code),
                signal=number(signal),
                slots=cpus or 1,
                workdir=row["WorkDir"],
            )
        )
    return jobs


def make_comment(host: str, command: str) -> str:
    """What bsub records in the Slurm job's comment: submit host and command."""
    encoded = base64.urlsafe_b64encode(command.encode()).decode()
    return f"bsub:{host.split('.')[0]}:{encoded}"


def read_comment(comment: str) -> tuple[str, str]:
    """(submit host, command) from a bsub comment; ("-", "") for other jobs."""
    match = re.search(r"\bbsub:([^:\s]+):([A-Za-z0-9_=-]*)", comment or "")
    if not match:
        return "-", ""
    try:
        return match.group(1), base64.urlsafe_b64decode(match.group(2)).decode()
    except (ValueError, UnicodeDecodeError):
        return match.group(1), ""


def live_jobs() -> list[Job]:
    return parse_scontrol_jobs(call(["scontrol", "show", "job", "-d", "-o"]))


def finished_jobs(since: str, user: str | None) -> list[Job]:
    cmd = ["sacct", "-X", "-n", "-P", "-S", since, "-o", ",".join(SACCT_FIELDS)]
    cmd += ["-u", user] if user else ["-a"]
    return parse_sacct(call(cmd))


def all_jobs(since: str, user: str | None) -> list[Job]:
    """Live jobs, and finished ones since ``since`` that Slurm no longer holds."""
    live = [job for job in live_jobs() if user is None or job.user == user]
    seen = {job.slurm_id for job in live}
    try:
        old = [job for job in finished_jobs(since, user) if job.slurm_id not in seen]
    except LsfError:
        old = []  # no accounting: live jobs only
    return live + old


def partition_nodes() -> dict[str, list[str]]:
    """Each partition's node names (sinfo)."""
    nodes: dict[str, list[str]] = {}
    for line in call(["sinfo", "-h", "-N", "-o", "%N %P"]).splitlines():
        host, _, part = line.strip().partition(" ")
        nodes.setdefault(part.rstrip("*"), []).append(host)
    return nodes


def lsf_time(moment: datetime | None) -> str:
    """LSF's short time: Oct 22 09:22 (day padded to two places)."""
    if moment is None:
        return "-"
    return f"{moment:%b} {moment.day:2d} {moment:%H:%M}"

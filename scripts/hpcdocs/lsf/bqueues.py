"""bqueues: LSF's queue table, queues being the partitions of cluster.yml."""

from __future__ import annotations

import sys

from hpcdocs import facts
from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.cli import main_wrapper, split_flags
from hpcdocs.lsf.jobenv import expand_hostlist

HELP = """
usage: bqueues [-l | -w] [queue_name ...]
       bqueues -h | -V

Shows the queues: the partitions named in cluster.yml, with Slurm's state
(UP: Open:Active, DOWN: Open:Inact, DRAIN: Closed:Active, INACTIVE:
Closed:Inact) and the slots of their jobs (NJOBS PEND RUN SUSP). PRIO is the
partition's PriorityTier; the slot limits (MAX JL/U JL/P JL/H) are not set.
  -l  long format: limits (RUNLIMIT = the partition's MaxTime), hosts
  -w  wide format
Other bqueues options are refused with a message naming them.
"""

STATUS = {
    "UP": "Open:Active",
    "DOWN": "Open:Inact",
    "DRAIN": "Closed:Active",
    "INACTIVE": "Closed:Inact",
}
HEADER = "QUEUE_NAME      PRIO STATUS          MAX JL/U JL/P JL/H NJOBS  PEND   RUN  SUSP"


def parse_partitions(text: str) -> dict[str, dict]:
    """``scontrol show partition -o`` as {name: {key: value}}."""
    found = {}
    for line in text.splitlines():
        info = dict(slurm.pairs(line))
        if "PartitionName" in info:
            found[info["PartitionName"]] = info
    return found


def counts(jobs: list[slurm.Job], queue: str) -> dict[str, int]:
    slots = {"PEND": 0, "RUN": 0, "SUSP": 0}
    for job in jobs:
        if job.queue != queue:
            continue
        if job.stat in ("PEND", "PSUSP"):
            slots["PEND"] += job.slots
        elif job.stat == "RUN":
            slots["RUN"] += job.slots
        elif job.stat.endswith("SUSP"):
            slots["SUSP"] += job.slots
    slots["NJOBS"] = sum(slots.values())
    return slots


def rows(names: list[str], parts: dict, jobs: list[slurm.Job]) -> list[str]:
    result = [HEADER]
    for name in names:
        info = parts.get(name, {})
        c = counts(jobs, name)
        status = STATUS.get(info.get("State", ""), "Closed:Inact")
        result.append(
            f"{name:<15} {info.get('PriorityTier', '-'):>4} {status:<15} "
            f"{'-':>4} {'-':>4} {'-':>4} {'-':>4} {c['NJOBS']:>5} {c['PEND']:>5} "
            f"{c['RUN']:>5} {c['SUSP']:>5}"
        )
    return result


def long_format(name: str, info: dict, jobs: list[slurm.Job], default: bool) -> str:
    c = counts(jobs, name)
    status = STATUS.get(info.get("State", ""), "Closed:Inact")
    lines = [
        f"QUEUE: {name}",
        f"  -- Slurm partition {name} of the test cluster."
        + (" This is the default queue." if default else ""),
        "",
        "PARAMETERS/STATISTICS",
        "PRIO NICE STATUS          MAX JL/U JL/P JL/H NJOBS  PEND   RUN SSUSP USUSP  RSV",
        f"{info.get('PriorityTier', '-'):>4} {0:>4} {status:<15} {'-':>4} {'-':>4} "
        f"{'-':>4} {'-':>4} {c['NJOBS']:>5} {c['PEND']:>5} {c['RUN']:>5} {0:>5} "
        f"{c['SUSP']:>5} {0:>4}",
    ]
    limit = slurm.limit_minutes(info.get("MaxTime", ""))
    if limit is not None:
        lines += ["", " RUNLIMIT", f" {limit:.1f} min"]
    default_limit = slurm.limit_minutes(info.get("DefaultTime", ""))
    if default_limit is not None:
        lines += ["", "DEFAULT LIMITS:", " RUNLIMIT", f" {default_limit:.1f} min"]
    hosts = " ".join(expand_hostlist(info.get("Nodes", ""))) or "none"
    lines += ["", "USERS: all", f"HOSTS:  {hosts}"]
    return "\n".join(lines) + "\n"


def body(argv: list[str]) -> int:
    options, wanted = split_flags(argv, {"l", "w"}, set(), "bqueues")
    cluster = facts.load()
    names = [part["name"] for part in cluster["partitions"].values()]
    default = next((p["name"] for p in cluster["partitions"].values() if p.get("default")), "")
    for name in wanted:
        if name not in names:
            raise LsfError(f"{name}: No such queue")
    names = wanted or names
    parts = parse_partitions(slurm.call(["scontrol", "show", "partition", "-o"]))
    jobs = slurm.live_jobs()
    if options.get("l"):
        sys.stdout.write(
            "\n".join(long_format(n, parts.get(n, {}), jobs, n == default) for n in names)
        )
    else:
        sys.stdout.write("\n".join(rows(names, parts, jobs)) + "\n")
    return 0


main = main_wrapper("bqueues", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

"""bhosts: LSF's host table from Slurm's nodes (sinfo) and jobs."""

from __future__ import annotations

import sys

from hpcdocs.lsf import LsfError, slurm
from hpcdocs.lsf.cli import main_wrapper, split_flags

HELP = """
usage: bhosts [-w] [host_name ...]
       bhosts -h | -V

Shows the cluster's hosts (Slurm nodes) in LSF's columns. STATUS: ok (idle
or partly used), closed (all CPUs allocated, or drained), unavail (down),
unreach (not responding). MAX is the node's CPUs; NJOBS, RUN and USUSP are
the slots of jobs on it.
  -w  wide format (closed_Full, closed_Adm instead of closed)
Other bhosts options are refused with a message naming them.
"""

HEADER = "HOST_NAME          STATUS       JL/U    MAX  NJOBS    RUN  SSUSP  USUSP    RSV"


def status(state: str, wide: bool) -> str:
    state = state.lower().rstrip("*~#!%$@^-")
    if state.startswith(("idle", "mix", "completing")):
        return "ok"
    if state.startswith("alloc"):
        return "closed_Full" if wide else "closed"
    if state.startswith(("drain", "reserved", "maint")):
        return "closed_Adm" if wide else "closed"
    if "not_responding" in state or state.startswith("unk"):
        return "unreach"
    return "unavail"


def parse_sinfo(text: str) -> list[tuple[str, str, int]]:
    """``sinfo -h -N -o '%N|%T|%c'`` as [(host, state, cpus)], one per host."""
    hosts, seen = [], set()
    for line in text.splitlines():
        parts = line.strip().split("|")
        if len(parts) != 3 or parts[0] in seen:
            continue
        seen.add(parts[0])
        hosts.append((parts[0], parts[1], int(parts[2] or 0)))
    return hosts


def rows(hosts: list[tuple[str, str, int]], jobs: list[slurm.Job], wide: bool) -> list[str]:
    result = [HEADER]
    for host, state, cpus in hosts:
        run = sum(n for job in jobs if job.stat == "RUN" for h, n in job.hosts if h == host)
        susp = sum(n for job in jobs if job.stat == "USUSP" for h, n in job.hosts if h == host)
        result.append(
            f"{host:<18} {status(state, wide):<12} {'-':>4} {cpus:>6} "
            f"{run + susp:>6} {run:>6} {0:>6} {susp:>6} {0:>6}"
        )
    return result


def body(argv: list[str]) -> int:
    options, wanted = split_flags(argv, {"w"}, set(), "bhosts")
    hosts = parse_sinfo(slurm.call(["sinfo", "-h", "-N", "-o", "%N|%T|%c"]))
    names = {host for host, _, _ in hosts}
    for name in wanted:
        if name not in names:
            raise LsfError(f"{name}: Bad host name, host group name or cluster name")
    if wanted:
        hosts = [h for h in hosts if h[0] in wanted]
    sys.stdout.write("\n".join(rows(hosts, slurm.live_jobs(), bool(options.get("w")))) + "\n")
    return 0


main = main_wrapper("bhosts", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

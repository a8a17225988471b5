"""LSF's job variables from Slurm's, printed as shell exports at job start.

The job script bsub writes runs ``python -m hpcdocs.lsf.jobenv --name NAME``
and evals its output. LSB_HOSTS lists one host name per slot,
LSB_MCPU_HOSTS "host n host n", as LSF sets them; LSB_DJOB_HOSTFILE names a
file with one host a line, one line per slot (written here, removed by the
job script when it ends).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Mapping


def expand_hostlist(text: str) -> list[str]:
    """Slurm's compressed host list (cn[01-03,07],gn1) as host names."""
    hosts = []
    for match in re.finditer(r"([^,\[]+)(?:\[([^\]]+)\])?([^,]*)", text):
        prefix, ranges, suffix = match.groups()
        if not prefix and not ranges:
            continue
        if ranges is None:
            hosts.append(prefix + suffix)
            continue
        for part in ranges.split(","):
            low, _, high = part.partition("-")
            for number in range(int(low), int(high or low) + 1):
                hosts.append(f"{prefix}{number:0{len(low)}d}{suffix}")
    return hosts


def tasks_per_node(text: str) -> list[int]:
    """SLURM_TASKS_PER_NODE ("2(x3),1") as one count per node ([2, 2, 2, 1])."""
    counts = []
    for part in text.split(","):
        match = re.fullmatch(r"(\d+)(?:\(x(\d+)\))?", part.strip())
        if not match:
            raise ValueError(f"SLURM_TASKS_PER_NODE: cannot read '{part}'")
        counts += [int(match.group(1))] * int(match.group(2) or 1)
    return counts


def lsf_variables(env: Mapping[str, str], name: str) -> dict[str, str]:
    """LSB_* variables for a Slurm job or step environment."""
    hosts = expand_hostlist(env.get("SLURM_JOB_NODELIST", env.get("SLURM_NODELIST", "")))
    # bsub -I/-Is runs one task inside a larger allocation: the job's own
    # tasks per node come in LSF_JOB_TASKS_PER_NODE.
    counts = tasks_per_node(
        env.get("LSF_JOB_TASKS_PER_NODE") or env.get("SLURM_TASKS_PER_NODE", "1")
    )
    if len(counts) != len(hosts):
        counts = (counts + [1] * len(hosts))[: len(hosts)]
    index = env.get("SLURM_ARRAY_TASK_ID")
    variables = {
        "LSB_JOBID": env.get("SLURM_ARRAY_JOB_ID") or env.get("SLURM_JOB_ID", ""),
        "LSB_JOBNAME": f"{name}[{index}]" if index else name,
        "LSB_JOBINDEX": index or "0",
        "LSB_QUEUE": env.get("SLURM_JOB_PARTITION", ""),
        "LSB_HOSTS": " ".join(
            host for host, n in zip(hosts, counts, strict=True) for _ in range(n)
        ),
        "LSB_MCPU_HOSTS": " ".join(f"{host} {n}" for host, n in zip(hosts, counts, strict=True)),
        "LSB_DJOB_NUMPROC": str(sum(counts)),
        "LSB_MAX_NUM_PROCESSORS": str(sum(counts)),
        "LSB_SUBCWD": env.get("SLURM_SUBMIT_DIR", ""),
        "LSFUSER": env.get("USER", ""),
    }
    if index:
        variables["LSB_JOBINDEX_END"] = env.get("SLURM_ARRAY_TASK_MAX", index)
    return variables


def write_host_file(variables: Mapping[str, str]) -> str:
    """LSB_DJOB_HOSTFILE: the job's hosts, one line per slot; its path."""
    tmp = os.environ.get("TMPDIR", "")
    fd, path = tempfile.mkstemp(
        prefix=f"lsf-{variables['LSB_JOBID']}-",
        suffix=".hostfile",
        dir=tmp if os.path.isdir(tmp) else None,
    )
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("".join(f"{host}\n" for host in variables["LSB_HOSTS"].split()))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hpcdocs.lsf.jobenv",
        description="Print LSF's job variables (LSB_*) for the current Slurm job as "
        "shell exports. Part of the LSF compatibility layer over Slurm.",
    )
    parser.add_argument("--name", required=True, help="the job's LSF name (bsub -J)")
    args = parser.parse_args(argv)
    variables = lsf_variables(os.environ, args.name)
    variables["LSB_DJOB_HOSTFILE"] = write_host_file(variables)
    for key, value in variables.items():
        sys.stdout.write(f"export {key}={shlex.quote(value)}\n")
    sys.stdout.write("unset LSF_JOB_TASKS_PER_NODE\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

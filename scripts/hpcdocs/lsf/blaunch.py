"""blaunch: start a command on hosts of the current job's allocation, through srun.

LSF's blaunch starts tasks on the hosts of the job it runs in (one task per
slot when no host is named); here the tasks are one Slurm job step, started
with srun inside the job that bsub submitted. ``plan`` is a pure function
(environment and arguments in, srun's argv out); ``main`` runs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hpcdocs.lsf import LsfError, jobenv
from hpcdocs.lsf.cli import main_wrapper

HELP = """
usage: blaunch [-n] [-u host_file | -z "host_name ..." | host_name]
               [-use-login-shell | -no-shell] command [argument ...]
       blaunch -h | -V

Inside a job submitted with bsub (a batch job or bsub -I/-Is), starts the
command on hosts of the job's allocation and waits for every task. The tasks
are one Slurm job step: srun --overlap over the job's nodes.
  (no host)           one task per slot on every host of the job (LSB_HOSTS)
  host_name           one task on that host (the first word is taken as a
                      host only when it names a host of the job)
  -z "host ..."       one task on each host named (quote the list; a name
                      given twice starts two tasks there)
  -u host_file        one task for each line of the file; the job's
                      $LSB_DJOB_HOSTFILE has one line per slot
  -n                  standard input from /dev/null
  -no-shell           run the command itself, not through /bin/sh -c
  -use-login-shell    run the command through a login shell ($SHELL -l -c)
The words of the command are joined with spaces and run by /bin/sh -c, as
rsh and LSF's blaunch do. Every host must be one of the job's; the tasks on
a host share the job's CPUs there (srun --cpus-per-task). The exit status is
srun's: that of the task that failed, 0 when all succeeded. Outside a job,
blaunch refuses, as LSF's does (it cannot be used as a stand-alone command).
"""

NOT_IN_JOB = (
    "blaunch: not inside an LSF job: LSB_JOBID is not set. blaunch only starts tasks "
    "on the hosts of a job's allocation; use it in a job script submitted with bsub, "
    "or in bsub -Is"
)


@dataclass
class Launch:
    argv: list[str]  # srun's command line
    hosts: list[str]  # one host per task, in task order
    stdin_null: bool = False


def parse_args(argv: list[str]) -> tuple[dict, list[str]]:
    """blaunch's options (before the command) and the operands after them."""
    options: dict = {}
    i = 0
    while i < len(argv) and argv[i].startswith("-") and len(argv[i]) > 1:
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if arg in ("-n", "-no-shell", "-use-login-shell"):
            options[arg[1:]] = True
        elif arg in ("-u", "-z"):
            if i + 1 >= len(argv):
                raise LsfError(f"blaunch: option {arg} requires an argument")
            if "u" in options or "z" in options:
                raise LsfError("blaunch: -u and -z cannot be used together")
            i += 1
            options[arg[1:]] = argv[i]
        else:
            raise LsfError(
                f"blaunch: {arg}: option not supported by this LSF compatibility layer "
                "over Slurm (see blaunch -h)"
            )
        i += 1
    if options.get("no-shell") and options.get("use-login-shell"):
        raise LsfError("blaunch: -no-shell and -use-login-shell cannot be used together")
    return options, argv[i:]


def allocation(env: Mapping[str, str]) -> list[tuple[str, int]]:
    """The job's hosts and their slots, from LSB_MCPU_HOSTS ("host n host n")."""
    if not env.get("LSB_JOBID"):
        raise LsfError(NOT_IN_JOB)
    if not env.get("SLURM_JOB_ID"):
        raise LsfError(
            "blaunch: LSB_JOBID is set but SLURM_JOB_ID is not: this compatibility layer "
            "starts tasks with Slurm's srun, so it must run inside the Slurm job bsub submitted"
        )
    words = env.get("LSB_MCPU_HOSTS", "").split()
    if not words or len(words) % 2:
        raise LsfError(f"blaunch: cannot read LSB_MCPU_HOSTS={env.get('LSB_MCPU_HOSTS', '')!r}")
    try:
        return [(words[k], int(words[k + 1])) for k in range(0, len(words), 2)]
    except ValueError:
        raise LsfError(
            f"blaunch: cannot read LSB_MCPU_HOSTS={env.get('LSB_MCPU_HOSTS')!r}"
        ) from None


def cpus_per_host(env: Mapping[str, str], slots: list[tuple[str, int]]) -> dict[str, int]:
    """The job's CPUs on each host (SLURM_JOB_CPUS_PER_NODE), its slots if unknown."""
    cpus = {host: n for host, n in slots}
    nodes = jobenv.expand_hostlist(env.get("SLURM_JOB_NODELIST", ""))
    text = env.get("SLURM_JOB_CPUS_PER_NODE", "")
    if nodes and text:
        try:
            counts = jobenv.tasks_per_node(text)
        except ValueError:
            counts = []
        if len(counts) == len(nodes):
            cpus.update(zip(nodes, counts, strict=True))
    return cpus


def read_host_file(path: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise LsfError(f"blaunch: -u {path}: cannot read the host file: {err.strerror}") from None
    hosts = []
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if len(words) > 1:
            raise LsfError(
                f"blaunch: {path}, line {number}: one host name a line, found {line.strip()!r}"
            )
        hosts += words
    if not hosts:
        raise LsfError(f"blaunch: -u {path}: the host file names no host")
    return hosts


def task_hosts(
    options: dict, operands: list[str], slots: list[tuple[str, int]], job_id: str, read=None
) -> tuple[list[str], list[str]]:
    """(one host per task, the command's words)."""
    known = [host for host, _ in slots]
    if "z" in options:
        hosts = options["z"].split()
        if not hosts:
            raise LsfError("blaunch: -z: no host name given")
    elif "u" in options:
        hosts = (read or read_host_file)(options["u"])
    elif len(operands) > 1 and operands[0] in known:
        hosts, operands = [operands[0]], operands[1:]
    else:
        hosts = [host for host, n in slots for _ in range(n)]
    if not operands:
        raise LsfError("blaunch: no command given (usage: blaunch [host] command [argument ...])")
    for host in hosts:
        if host not in known:
            raise LsfError(
                f"blaunch: {host}: not a host of job <{job_id}>'s allocation "
                f"(its hosts: {' '.join(known)})"
            )
    return hosts, operands


def plan(argv: list[str], env: Mapping[str, str], read=None) -> Launch:
    """srun's argv for `blaunch argv` in a job whose environment is env."""
    options, operands = parse_args(argv)
    slots = allocation(env)
    hosts, command = task_hosts(options, operands, slots, env["LSB_JOBID"], read)
    order = [host for host, _ in slots if host in hosts]  # distinct, in the job's order
    per_host = {host: hosts.count(host) for host in order}
    cpus = cpus_per_host(env, slots)
    cpt = max(1, min(cpus.get(host, 1) // per_host[host] for host in order))
    srun = [
        "srun",
        "--overlap",  # beside the batch step and other blaunch steps, as LSF's tasks are
        f"--nodes={len(order)}",
        f"--ntasks={len(hosts)}",
        f"--cpus-per-task={cpt}",
    ]
    counts = set(per_host.values())
    if len(counts) == 1 and hosts == sorted(hosts, key=order.index):
        srun += [f"--nodelist={','.join(order)}", f"--ntasks-per-node={counts.pop()}"]
    else:  # one task on each host as listed
        srun += ["--distribution=arbitrary", f"--nodelist={','.join(hosts)}"]
    if options.get("n"):
        srun.append("--input=none")
    if options.get("no-shell"):
        srun += command
    elif options.get("use-login-shell"):
        srun += [env.get("SHELL") or "/bin/bash", "-l", "-c", " ".join(command)]
    else:
        srun += ["/bin/sh", "-c", " ".join(command)]
    return Launch(argv=srun, hosts=hosts, stdin_null=bool(options.get("n")))


def body(argv: list[str]) -> int:
    launch = plan(argv, os.environ)
    if launch.stdin_null:
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
    # The job's own layout (sbatch --ntasks-per-node) must not apply to the step.
    env = {key: val for key, val in os.environ.items() if key != "SLURM_NTASKS_PER_NODE"}
    sys.stdout.flush()
    try:
        os.execvpe(launch.argv[0], launch.argv, env)
    except OSError as err:
        raise LsfError(f"blaunch: cannot run srun: {err.strerror}") from None
    return 0  # not reached


main = main_wrapper("blaunch", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

"""bsub's options translated into sbatch (or srun) options and a job script.

``plan`` turns the merged options into a ``Plan``; ``batch_script`` writes the
script that sbatch runs: it sets LSF's job variables (LSB_JOBID, LSB_HOSTS ...)
from Slurm's, then runs the user's script or command.
"""

from __future__ import annotations

import math
import secrets
import shlex
from dataclasses import dataclass, field

from hpcdocs import facts as hpc_facts
from hpcdocs.lsf import LsfError, resources
from hpcdocs.lsf.resources import NOT_SUBMITTED, GpuReq


@dataclass
class Plan:
    slurm: list[str] = field(default_factory=list)  # options for sbatch / srun
    queue: str = ""
    queue_given: bool = False  # -q given: "queue <q>", else "default queue <q>"
    name: str = ""
    array: str | None = None
    interactive: str | None = None  # "I" or "Is"
    wait: bool = False  # -K
    gpu: GpuReq | None = None


def queues(facts: dict) -> dict[str, dict]:
    """LSF queues (Slurm partitions) by scheduler name."""
    return {part["name"]: part for part in facts["partitions"].values()}


def default_queue(facts: dict) -> str:
    for part in facts["partitions"].values():
        if part.get("default"):
            return part["name"]
    return next(iter(facts["partitions"].values()))["name"]


def gpu_type(facts: dict) -> str | None:
    types = {part["gpu_type"] for part in facts["partitions"].values() if part.get("gpu_type")}
    return types.pop() if len(types) == 1 else None


def default_name(command: list[str], script: str | None) -> str:
    """LSF's default job name: the command line, or a stdin script's first line."""
    if command:
        return " ".join(command)
    first = (script or "").lstrip().splitlines()
    return first[0] if first else "sh"


def plan(
    options: dict,
    command: list[str],
    script: str | None,
    facts: dict,
    queue_nodes: dict[str, list[str]] | None = None,
    cwd_is_dir=None,
) -> Plan:
    """The Slurm side of a bsub request.

    options: merged bsub options ({slot: (option, value)}); command: the
    command and its arguments (empty for a script on stdin); queue_nodes: each
    partition's node names (for -m); cwd_is_dir(path): whether an -o/-e path
    is a directory (LSF then names the file itself).
    """
    value = {key: val for key, (_, val) in options.items()}
    p = Plan()
    known = queues(facts)
    p.queue_given = "q" in value
    p.queue = value.get("q") or default_queue(facts)
    if p.queue not in known:
        raise LsfError(f"{p.queue}: No such queue. {NOT_SUBMITTED}")
    p.slurm.append(f"--partition={p.queue}")

    name, p.array = (
        resources.job_name(value["J"]) if "J" in value else (default_name(command, script), None)
    )
    p.name = name
    p.slurm.append(f"--job-name={name}")
    if p.array:
        p.slurm.append(f"--array={p.array}")

    ntasks = resources.slots(value["n"]) if "n" in value else 1
    p.slurm.append(f"--ntasks={ntasks}")
    memory = lsf_memory(facts)
    req = resources.resource_requirements(
        value.get("R", []), memory["unit_for_limits"], memory["reserve_per_task"]
    )
    nodes = None
    if req.hosts == 1 or ntasks == 1:
        nodes = 1
    if req.hosts == 1:
        p.slurm.append("--nodes=1")
    if req.ptile:
        nodes = math.ceil(ntasks / req.ptile)
        p.slurm += [
            f"--nodes={nodes}",
            f"--ntasks-per-node={min(req.ptile, ntasks)}",
        ]
    p.slurm += memory_options(req, value.get("M"), memory, nodes)

    if "W" in value:
        p.slurm.append(f"--time={resources.time_limit(value['W'])}")
    if "m" in value:
        p.slurm += host_options(resources.hosts(value["m"]), p.queue, queue_nodes)
    if "w" in value:
        p.slurm.append(f"--dependency={resources.dependency(value['w'])}")
    if "gpu" in value:
        p.gpu = resources.gpu(value["gpu"], gpu_type(facts))
        p.slurm.append(gpu_option(p.gpu))
    if value.get("x"):
        p.slurm.append("--exclusive")
    if "cwd" in value:
        p.slurm.append(f"--chdir={value['cwd']}")
    p.slurm += mail_options(value)

    p.interactive = options["interactive"][0] if "interactive" in options else None
    p.wait = bool(value.get("K"))
    if p.interactive and p.wait:
        raise LsfError(f"-K cannot be used with -{p.interactive}. {NOT_SUBMITTED}")
    if p.interactive and p.array:
        raise LsfError(
            f"-{p.interactive}: an interactive job cannot be a job array. {NOT_SUBMITTED}"
        )
    if p.interactive and not command:
        raise no_command(p.interactive)
    p.slurm += output_options(options, p.array is not None, cwd_is_dir or (lambda _: False))
    return p


def no_command(flag: str) -> LsfError:
    """-I/-Is without a command: LSF's interactive jobs run the command given."""
    return LsfError(f"-{flag}: give the command to run (bsub -{flag} bash). {NOT_SUBMITTED}")


def lsf_memory(facts: dict) -> dict:
    """How the site's LSF counts memory (cluster.yml lsf:), LSF's defaults otherwise."""
    return hpc_facts.lsf_memory(facts)


def memory_options(
    req: resources.ResReq,
    limit: str | None,
    memory: dict | None = None,
    nodes: int | None = 1,
) -> list[str]:
    """rusage[mem] (the reservation) and -M (the limit) as Slurm's one --mem
    (per node) or --mem-per-cpu (per task), which Slurm both reserves and enforces.

    This layer's approximation of LSF, following cluster.yml's lsf: facts:
    - rusage[mem=N]: per host (--mem) unless /task or reserve_per_task
      (RESOURCE_RESERVE_PER_TASK=Y), then per task (--mem-per-cpu).
    - -M N with job_memlimit (LSB_JOB_MEMLIMIT=Y): the job's total. Slurm
      has no limit across nodes, so N is shared evenly over the job's nodes
      (--mem=N/nodes); a job whose node count is not fixed (no span[hosts=1]
      or span[ptile=]) is refused.
    - -M N without job_memlimit: LSF passes N to the OS as every process's
      limit; the nearest Slurm has is N per task (--mem-per-cpu).
    """
    memory = memory or hpc_facts.lsf_memory({})
    if limit is None:
        if not req.mem_mb:
            return []
        flag = "--mem-per-cpu" if req.mem_per == "task" else "--mem"
        return [f"{flag}={req.mem_mb}M"]
    limit_mb = resources.memory_limit(limit, memory["unit_for_limits"])
    if req.mem_mb and req.mem_per == "task" and memory["job_memlimit"]:
        raise LsfError(
            f"-M with rusage[mem=.../task]: Slurm takes memory per host or per "
            f"CPU, not both. {NOT_SUBMITTED}"
        )
    if not memory["job_memlimit"]:
        if req.mem_mb and req.mem_per != "task":
            raise LsfError(
                f"-M {limit} (each process's limit on this site) with rusage[mem] per host: "
                f"Slurm takes memory per CPU or per host, not both. {NOT_SUBMITTED}"
            )
        if req.mem_mb and req.mem_mb > limit_mb:
            raise LsfError(
                f"-M {limit}: the limit is below rusage[mem={req.mem_mb}MB]. {NOT_SUBMITTED}"
            )
        return [f"--mem-per-cpu={limit_mb}M"]
    if nodes is None:
        raise LsfError(
            f"-M {limit}: on this site -M limits the whole job (LSB_JOB_MEMLIMIT=Y); "
            "Slurm limits memory per node, so this compatibility layer needs the "
            f'number of hosts fixed: add -R "span[hosts=1]" or "span[ptile=N]". {NOT_SUBMITTED}'
        )
    per_node = max(1, math.ceil(limit_mb / nodes))
    if req.mem_mb and req.mem_mb > per_node:
        raise LsfError(
            f"-M {limit}: the limit is below rusage[mem={req.mem_mb}MB]"
            f"{' per host' if nodes > 1 else ''}. {NOT_SUBMITTED}"
        )
    return [f"--mem={per_node}M"]


def mail_options(value: dict) -> list[str]:
    """-B (mail at start), -N (mail at the end), -u (to whom)."""
    events = [event for flag, event in (("B", "BEGIN"), ("N", "END,FAIL")) if value.get(flag)]
    result = [f"--mail-type={','.join(events)}"] if events else []
    if "u" in value:
        result.append(f"--mail-user={value['u']}")
    return result


def host_options(names: list[str], queue: str, queue_nodes: dict | None) -> list[str]:
    """-m: one host is --nodelist; several are the candidates, so the others
    of the queue are excluded (Slurm's --nodelist would demand all of them)."""
    nodes = (queue_nodes or {}).get(queue)
    if nodes is not None:
        for name in names:
            if name not in nodes:
                raise LsfError(
                    f"{name}: Bad host name, host group name or cluster name "
                    f"(not in queue {queue}). {NOT_SUBMITTED}"
                )
    if len(names) == 1:
        return [f"--nodelist={names[0]}"]
    if nodes is None:
        raise LsfError(f"-m: the nodes of queue {queue} are unknown. {NOT_SUBMITTED}")
    others = [node for node in nodes if node not in names]
    return [f"--exclude={','.join(others)}"] if others else []


def gpu_option(req: GpuReq) -> str:
    kind = f"{req.gres_type}:" if req.gres_type else ""
    if req.per == "task":
        return f"--gpus-per-task={kind}{req.num}"
    return f"--gres=gpu:{kind}{req.num}"


def output_options(options: dict, is_array: bool, is_dir) -> list[str]:
    """-o/-oo and -e/-eo: files and open mode (append for -o/-e, truncate for -oo/-eo)."""
    result, modes = [], set()
    for slot_name, kind, flag in (("out", "out", "--output"), ("err", "err", "--error")):
        if slot_name not in options:
            continue
        option, path = options[slot_name]
        pattern = resources.output_pattern(path, kind, is_array, path.endswith("/") or is_dir(path))
        result.append(f"{flag}={pattern}")
        modes.add("truncate" if option in ("oo", "eo") else "append")
    if len(modes) > 1:
        raise LsfError(
            "-o/-e with -oo/-eo: Slurm opens both files the same way, so this "
            f"compatibility layer needs both appended or both overwritten. {NOT_SUBMITTED}"
        )
    if modes:
        result.append(f"--open-mode={modes.pop()}")
    return result


def batch_script(p: Plan, command: list[str], script: str | None, env_command: str) -> str:
    """The script sbatch runs: LSF's variables, then the user's script or command.

    env_command prints LSF's variables as shell exports (hpcdocs.lsf.jobenv).
    A script from stdin is written to a private file and run with its own
    shebang; a command line runs in bash, as LSF runs it in a shell.
    """
    lines = [
        "#!/bin/bash",
        "# Written by bsub, the LSF compatibility layer over Slurm (site test cluster).",
        *job_env_lines(env_command, p.name),
    ]
    if p.gpu and p.gpu.mps:
        lines += mps_lines()
    if script is None:
        lines += ["# The command given to bsub:", " ".join(command)]
        return "\n".join(lines) + "\n"
    marker = f"LSF_JOB_SCRIPT_{secrets.token_hex(6)}"
    lines += [
        "# bkill -s reaches every process of the job: the script handles it; this",
        "# wrapper only waits (a caught signal is reset to default in the script).",
        "trap : HUP INT QUIT USR1 USR2 ALRM TERM",
        'lsf_job_script=$(mktemp "${TMPDIR:-/tmp}/lsf-job.XXXXXX")',
        f"cat > \"$lsf_job_script\" <<'{marker}'",
        script.rstrip("\n"),
        marker,
        'chmod 700 "$lsf_job_script"',
        '"$lsf_job_script"',
        "lsf_status=$?",
        'rm -f "$lsf_job_script"',
        'exit "$lsf_status"',
    ]
    return "\n".join(lines) + "\n"


def job_env_lines(env_command: str, name: str) -> list[str]:
    """LSF's job variables; the host file (LSB_DJOB_HOSTFILE) goes when the job ends."""
    return [
        f'eval "$({env_command} --name {shlex.quote(name)})"',
        "trap 'rm -f \"$LSB_DJOB_HOSTFILE\"' EXIT",
    ]


def mps_lines() -> list[str]:
    """mps=yes: start NVIDIA's MPS daemon for the job, as LSF does, and stop it after."""
    return [
        "if command -v nvidia-cuda-mps-control >/dev/null; then",
        '  export CUDA_MPS_PIPE_DIRECTORY="${TMPDIR:-/tmp}/mps-pipe-$LSB_JOBID"',
        '  export CUDA_MPS_LOG_DIRECTORY="${TMPDIR:-/tmp}/mps-log-$LSB_JOBID"',
        '  mkdir -p "$CUDA_MPS_PIPE_DIRECTORY" "$CUDA_MPS_LOG_DIRECTORY"',
        "  nvidia-cuda-mps-control -d",
        "  trap 'echo quit | nvidia-cuda-mps-control; rm -f \"$LSB_DJOB_HOSTFILE\"' EXIT",
        "else",
        '  echo "bsub -gpu mps=yes: nvidia-cuda-mps-control not found; running without MPS" >&2',
        "fi",
    ]

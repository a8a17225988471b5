"""Apptainer (and SingularityCE's `singularity`) in job scripts and transcripts.

- `apptainer exec|run|shell` in a job that asks for GPUs, without `--nv`: the
  container does not get the host's NVIDIA driver libraries, so CUDA finds no
  GPU and the program runs on the CPU (or stops) though the job holds GPUs;
- `--nv` in a job script that asks for no GPU (no --gres=gpu, --gpus, -gpu):
  Apptainer only warns ("Could not find any nv libraries") and the program
  runs on the CPU, or Slurm's cgroup hides the node's GPUs from it;
- a bind (`--bind`/`-B`, APPTAINER_BIND, APPTAINER_BINDPATH and the SINGULARITY_
  spellings) of `$VAR` where VAR is no storage area of the cluster (cluster.yml
  `storage.*.env`), no variable every shell or job has, and not set by the
  script: unset, it expands to nothing and the bind is wrong or swallows the
  next word (checked only with facts);
- `apptainer pull`/`build` writing the image into the home directory, or
  APPTAINER_CACHEDIR/APPTAINER_TMPDIR pointed there: images are gigabytes and
  the layer cache as big again; home quotas are small (a warning).

A GPU request is an #SBATCH --gres=gpu/--gpus*/-G line, an #BSUB -gpu line, or
the same options on the `srun`/`salloc` of the command line itself.
"""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR, WARNING, Finding, Script, reporter
from hpcdocs.lint.options import command_words
from hpcdocs.lint.scan import code_text, shell_parts

COMMANDS = ("apptainer", "singularity")
ACTIONS = {"exec", "run", "shell", "test"}  # and `instance start`
# Options of the action commands that take a value as the next word (Apptainer 1.x).
WITH_VALUE = {
    "--bind", "-B", "--mount", "--env", "--env-file", "--home", "-H", "--pwd", "--workdir",
    "-W", "--overlay", "-o", "--app", "--security", "--network", "--network-args",
    "--hostname", "--scratch", "-S", "--fusemount", "--apply-cgroups", "--dns", "--add-caps",
    "--drop-caps", "--cpus", "--memory", "--pid-file", "--config", "--passphrase",
    "--pem-path", "--keep-privs", "--fakeroot-command", "--library", "--arch", "--dir",
}  # fmt: skip
GPU_FLAGS = {"--nv", "--nvccli", "--rocm"}
NV_ENV = re.compile(r"\b(?:APPTAINER|SINGULARITY)_(?:NV|NVCCLI|ROCM)=\S")
BIND_ENV = re.compile(
    r"(?:^|[\s;&|])(?:export\s+)?(?P<name>(?:APPTAINER|SINGULARITY)_BIND(?:PATH)?)="
    r"(?P<value>\"[^\"]*\"|'[^']*'|\S*)"
)
HOME_ENV = re.compile(
    r"(?:^|[\s;&|])(?:export\s+)?(?P<name>(?:APPTAINER|SINGULARITY)_(?:CACHEDIR|TMPDIR))="
    r"(?P<value>\"[^\"]*\"|'[^']*'|\S*)"
)
ASSIGNED = re.compile(
    r"(?:^|[\s;&|(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?"
    r"(?P<name>[A-Za-z_]\w*)(?:\+)?="
)
LOOP_OR_READ = re.compile(r"\b(?:for|read(?:\s+-\w+)*)\s+(?P<name>[A-Za-z_]\w*)")
VAR = re.compile(r"^\$(?:\{(?P<braced>[A-Za-z_]\w*)[^}]*\}|(?P<plain>[A-Za-z_]\w*))")
# Variables every shell, Slurm job or LSF job has, which may name a directory.
ALWAYS_SET = {
    "HOME", "PWD", "OLDPWD", "USER", "LOGNAME", "TMPDIR",
    "SLURM_SUBMIT_DIR", "SLURM_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_JOB_NAME",
    "LS_SUBCWD", "LSB_JOBID", "LSB_JOBINDEX", "LS_EXECCWD",
}  # fmt: skip
HOME_PATH = re.compile(r"^(?:~(?:/|$)|\$HOME\b|\$\{HOME\}|/home/)")
GPU_DIRECTIVE = re.compile(
    r"^#SBATCH\b.*?(?:--gres[= ]\S*\bgpu\b|--gpus(?:-per-(?:node|task|socket))?[= ]\s*\S|"
    r"\s-G\s*\S)"
    r"|^#BSUB\b.*\s-gpu\b"
)
DIRECTIVE = re.compile(r"^#(?:SBATCH|BSUB)\s")
GPU_ON_LINE = re.compile(r"(?:--gres[= ]\S*\bgpu\b|--gpus(?:-per-(?:node|task|socket))?[= ]\S)")


def check(script: Script, facts: dict | None) -> list[Finding]:
    if script.kind == "python":
        return []
    out: list[Finding] = []
    directives = [line for line in script.lines if DIRECTIVE.match(line)]
    gpu_job = any(GPU_DIRECTIVE.search(line) for line in directives)
    commands = _logical_lines(script)
    nv_env = any(NV_ENV.search(code) for _, code in commands)
    areas, known = _known_variables(commands, facts)
    for number, code in commands:
        for match in BIND_ENV.finditer(code):
            out += _binds(script.name, number, match["value"].strip("\"'"), match["name"], known,
                          areas)  # fmt: skip
        for match in HOME_ENV.finditer(code):
            value = match["value"].strip("\"'")
            if HOME_PATH.match(value):
                out.append(_home(script.name, number, f"{match['name']}={value}", facts))
        words = command_words(code)
        for index, word in enumerate(words):
            if word.rsplit("/", 1)[-1] not in COMMANDS:
                continue
            out += _command(script.name, number, words, index, gpu_job, bool(directives),
                            nv_env, (areas, known), facts)  # fmt: skip
            break
    return out


def _logical_lines(script: Script) -> list[tuple[int, str]]:
    """(first line, code) of each command, backslash continuations joined, comments blanked."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in script.command_lines():
        code = code_text(text, shell_parts(text)).rstrip()
        if pending is not None:
            number, code = pending[0], pending[1] + " " + code.lstrip()
            pending = None
        if code.endswith("\\"):
            pending = (number, code[:-1])
            continue
        out.append((number, code))
    if pending is not None:
        out.append(pending)
    return out


def _command(name, number, words, index, gpu_job, has_directives, nv_env, variables, facts):
    out: list[Finding] = []
    program, rest = words[index].rsplit("/", 1)[-1], words[index + 1 :]
    while rest and rest[0].startswith("-"):  # global options: apptainer --debug exec ...
        rest = rest[1:]
    if not rest:
        return out
    action, args = rest[0], rest[1:]
    if action == "instance" and args[:1] == ["start"]:
        action, args = "instance start", args[1:]
    if action in ("pull", "build"):
        operands = [w for w in args if not w.startswith("-")]
        if operands and HOME_PATH.match(operands[0]):
            out.append(_home(name, number, f"{program} {action} {operands[0]}", facts))
        return out
    if action not in ACTIONS and action != "instance start":
        return out
    flags, binds = set(), []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        word = args[i]
        opt, eq, value = word.partition("=")
        if opt in WITH_VALUE and not eq:
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if opt in ("--bind", "-B"):
            binds.append(value)
        flags.add(opt)
        i += 1
    areas, known = variables
    for value in binds:
        out += _binds(name, number, value, f"{program} {action} --bind", known, areas)
    line_gpu = bool(GPU_ON_LINE.search(" ".join(words[:index])))
    asks_gpu = gpu_job or line_gpu
    uses_gpu = bool(flags & GPU_FLAGS) or nv_env
    if asks_gpu and not uses_gpu:
        out.append(
            Finding(
                name,
                number,
                ERROR,
                f"`{program} {action}` without --nv in a job that asks for GPUs: the container "
                "does not get the host's NVIDIA driver libraries, so CUDA sees no GPU and the "
                "program runs on the CPU (or stops) while the GPUs sit idle; add --nv",
                "apptainer-no-nv",
            )
        )
    elif flags & GPU_FLAGS and has_directives and not asks_gpu:
        flag = sorted(flags & GPU_FLAGS)[0]
        out.append(
            Finding(
                name,
                number,
                ERROR,
                f"`{program} {action} {flag}` in a job that asks for no GPU: {program} only "
                'warns ("Could not find any nv libraries on this host") and the program runs '
                "on the CPU; ask for GPUs (#SBATCH --gres=gpu:1 on a GPU partition) or drop "
                f"{flag}",
                "apptainer-nv-no-gpu",
            )
        )
    return out


def _known_variables(commands, facts) -> tuple[list[str], set[str] | None]:
    """(storage areas' variables, variables a bind may use: those, ones every job has, ones
    the script sets). None without facts: binds are then not checked (areas unknown)."""
    if not facts:
        return [], None
    areas = [str(a["env"]) for a in (facts.get("storage") or {}).values() if a.get("env")]
    known = set(areas) | ALWAYS_SET
    for _, code in commands:
        known |= {m["name"] for m in ASSIGNED.finditer(code)}
        known |= {m["name"] for m in LOOP_OR_READ.finditer(code)}
    return areas, known


def _binds(name, number, value, where, known: set[str] | None, areas: list[str]):
    if known is None:
        return []
    out: list[Finding] = []
    add = reporter(out, name, number)
    for item in value.split(","):
        source = item.split(":", 1)[0].strip()
        found = VAR.match(source)
        if not found:
            continue
        var = found["braced"] or found["plain"]
        if var in known or "{{" in source:
            continue
        add(
            ERROR,
            f"{where} {item}: ${var} is not a storage area of this cluster (cluster.yml "
            "storage: " + ", ".join(f"${a}" for a in areas) + ") and the script "
            "does not set it: unset, it expands to nothing and the bind is wrong or "
            "takes the next word; set it first or bind a path the cluster has",
            "apptainer-bind-unknown",
        )
    return out


def _home(name: str, number: int, what: str, facts: dict | None) -> Finding:
    quota = ((facts or {}).get("storage") or {}).get("home", {}).get("quota")
    where = [f"${a['env']}" for k, a in ((facts or {}).get("storage") or {}).items()
             if k != "home" and a.get("env")] or ["$WORK", "$SCRATCH"]  # fmt: skip
    return Finding(
        name,
        number,
        WARNING,
        f"{what}: into the home directory"
        + (f" ({quota} quota)" if quota else "")
        + ": container images are gigabytes, and the download cache as big again; put them "
        f"under {' or '.join(where)}",
        "apptainer-home",
    )

"""Slurm job scripts: #SBATCH lines and sbatch command lines.

sbatch reads #SBATCH lines from column 1 until the first line that is
neither blank nor a comment; later ones are silently ignored. Each option
is checked against the installed sbatch's own option table, each value
against Slurm's syntax and, given cluster facts, against the partitions
and GPUs the cluster has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hpcdocs.lint import slurm_values
from hpcdocs.lint.facts_view import Cluster, slurm_megabytes, slurm_minutes
from hpcdocs.lint.model import ERROR, WARNING, Finding, Script, reporter
from hpcdocs.lint.options import (
    Opt,
    Problem,
    directive_words,
    near_magic,
    parse_getopt,
    submissions,
    suggest,
    written,
)
from hpcdocs.lint.sbatch_options import Options
from hpcdocs.lint.scan import code_text, shell_parts

LAUNCHER = re.compile(
    r"\b(?:srun|mpirun|mpiexec|torchrun|jsrun|horovodrun|deepspeed|"
    r"accelerate\s+launch|torch\.distributed\.(?:run|launch))\b"
)
PYTHON = re.compile(
    r"^\s*(?:(?:exec|time|nohup|command)\s+|[A-Za-z_]\w*=\S*\s+)*"
    r"(?:\S*/)?python(?:3(?:\.\d+)?)?(?:\s|$)"
)
SBATCH_CMD = re.compile(r"(?:^|[;&|]\s*|\$\(\s*|`\s*)\s*sbatch\s+(?P<args>.*)")


@dataclass
class Located:
    line: int
    opt: Opt


def check(script: Script, table: Options, facts: dict | None) -> list[Finding]:
    out: list[Finding] = []
    located: list[Located] = []
    first_command = None
    if script.kind == "shell":
        for number, line in enumerate(script.lines, 1):
            stripped = line.strip()
            is_command = bool(stripped) and not stripped.startswith("#")
            if first_command is None and is_command:
                first_command = number
            if line.startswith(("#SBATCH", "#SLURM")):
                if first_command is not None:
                    out.append(
                        Finding(
                            script.name,
                            number,
                            ERROR,
                            f"#SBATCH after the first command (line {first_command}) is ignored: "
                            "sbatch stops reading options there; move it up",
                            "slurm-ignored",
                        )
                    )
                    continue
                out += _directive(script.name, number, line, table, located)
            elif why := near_magic(line, "SBATCH"):
                # A misspelling (#SBTACH) is a mistake; '# SBATCH' and an indented
                # one are also how people switch an option off, so only a warning.
                misspelled = " is not #SBATCH" in why
                out.append(
                    Finding(
                        script.name,
                        number,
                        ERROR if misspelled else WARNING,
                        why + " (sbatch ignores it)",
                        "slurm-not-directive",
                    )
                )
    for number, words in submissions(script, SBATCH_CMD):
        opts, problems, _ = parse_getopt(words, table, stop_at_operand=True)
        out += _report(script.name, number, problems)
        for opt in opts:
            out += _report(script.name, number, slurm_values.check(opt.name, opt.value, opt.given))
    if located:
        out += _script_level(script, located, first_command, facts)
    if script.kind == "shell" and any(line.startswith("#SBATCH") for line in script.lines):
        out += _shebang(script)
    return out


def _shebang(script: Script) -> list[Finding]:
    """sbatch refuses a script whose first line is not ``#!interpreter``."""
    if script.lines[0].startswith("#!"):
        return []
    why = (
        'sbatch refuses it ("This does not look like a batch script. The first line '
        'must start with #! followed by the path to an interpreter")'
    )
    later = next((n for n, line in enumerate(script.lines, 1) if line.startswith("#!")), None)
    if later:
        return [
            Finding(
                script.name,
                later,
                ERROR,
                f"the shebang is on line {later}, not line 1: {why}; move it to the top",
                "script-shebang",
            )
        ]
    return [
        Finding(
            script.name,
            1,
            ERROR,
            f"no shebang: {why}; start the script with #!/bin/bash",
            "script-shebang",
        )
    ]


def _report(name: str, number: int, problems: list[Problem]) -> list[Finding]:
    return [Finding(name, number, p.severity, p.message, p.code) for p in problems]


def _directive(
    name: str, number: int, line: str, table: Options, located: list[Located]
) -> list[Finding]:
    out: list[Finding] = []
    add = reporter(out, name, number)
    if line.startswith("#SLURM"):
        add(WARNING, "#SLURM is the old spelling: write #SBATCH", "slurm-not-directive")
    rest = line[len("#SLURM" if line.startswith("#SLURM") else "#SBATCH") :]
    if rest and not rest[0].isspace():
        add(ERROR, f"#SBATCH must be followed by a space: {line.split()[0]}", "slurm-not-directive")
        return out
    words, error = directive_words(rest)
    if error:
        add(ERROR, error, "slurm-syntax")
    opts, problems, operands = parse_getopt(words, table)
    out += _report(name, number, problems)
    spaced = _unquoted_space(words, opts, operands)
    for word in operands:
        if word in ("hetjob", "packjob"):
            continue  # separates the components of a heterogeneous job
        if word in spaced:
            if spaced[word] is None:
                continue  # a later word of a value already reported
            opt, run = spaced[word]
            tail = " ".join(run)
            add(
                ERROR,
                f"{written(opt.given, opt.value)} {tail}: the value ends at the space "
                'and sbatch refuses the job ("Invalid directive found in batch '
                f'script: {word}"); quote the whole value '
                f'({opt.given} "{opt.value} {tail}")',
                "slurm-unquoted-space",
            )
            continue
        add(
            ERROR,
            f"stray word {word!r} on an #SBATCH line (not an option): sbatch refuses "
            f'the job ("Invalid directive found in batch script: {word}")',
            "slurm-syntax",
        )
    for opt in opts:
        out += _report(name, number, slurm_values.check(opt.name, opt.value, opt.given))
        located.append(Located(number, opt))
    return out


# Options that take free text, where a space in the value is a plausible slip.
FREE_TEXT = {"job-name", "comment", "output", "error", "chdir", "mail-user", "account", "wckey"}


def _unquoted_space(
    words: list[str], opts: list[Opt], operands: list[str]
) -> dict[str, tuple[Opt, list[str]] | None]:
    """Operands that follow a free-text option's value: the rest of that value.

    The first word of such a run maps to (option, all words of the run), so that
    `-J srun_<enter your name here>` is one finding; the later words map to None.
    """
    out: dict[str, tuple[Opt, list[str]] | None] = {}
    run: list[str] | None = None
    for i, word in enumerate(words[1:], 1):
        if word not in operands or word.startswith("-"):
            run = None
            continue
        if run is not None:
            run.append(word)
            out.setdefault(word, None)
            continue
        prev = words[i - 1]
        for opt in opts:
            if opt.name in FREE_TEXT and opt.value is not None and prev.endswith(opt.value):
                run = [word]
                out.setdefault(word, (opt, run))
                break
    return out


def _script_level(
    script: Script, located: list[Located], first_command: int | None, facts: dict | None
) -> list[Finding]:
    last = {loc.opt.name: loc for loc in located}  # sbatch keeps the last one
    out = _bare_python(script, last, first_command) + _exclusive(script.name, last)
    if facts:
        out += _against_facts(script.name, last, Cluster(facts))
    return out


# Groups of options of which sbatch accepts one only ("--mem, --mem-per-cpu, and
# --mem-per-gpu are mutually exclusive", sbatch refuses the job).
EXCLUSIVE = (("mem", "mem-per-cpu", "mem-per-gpu"),)


def _exclusive(name: str, last: dict[str, Located]) -> list[Finding]:
    out = []
    for group in EXCLUSIVE:
        given = sorted((last[key] for key in group if key in last), key=lambda loc: loc.line)
        if len(given) > 1:
            first, later = given[0], given[-1]
            out.append(
                Finding(
                    name,
                    later.line,
                    ERROR,
                    f"{written(later.opt.given, later.opt.value)} with "
                    f"{written(first.opt.given, first.opt.value)} (line {first.line}): "
                    f"sbatch refuses the job, {', '.join('--' + k for k in group)} are "
                    "mutually exclusive; keep one",
                    "slurm-exclusive",
                )
            )
    return out


def _bare_python(script: Script, last: dict[str, Located], first_command) -> list[Finding]:
    ntasks = last.get("ntasks") or last.get("ntasks-per-node")
    if not ntasks or not (ntasks.opt.value or "").isdigit() or int(ntasks.opt.value) <= 1:
        return []
    if first_command is None:
        return []
    body = [
        (n, code_text(line, shell_parts(line)))
        for n, line in enumerate(script.lines, 1)
        if n >= first_command
    ]
    if any(LAUNCHER.search(code) for _, code in body):
        return []
    pythons = [n for n, code in body if PYTHON.match(code) and not code.rstrip().endswith("&")]
    if not pythons:
        return []
    return [
        Finding(
            script.name,
            ntasks.line,
            ERROR,
            f"{written(ntasks.opt.given, ntasks.opt.value)} asks for {ntasks.opt.value} tasks, but line "
            f"{pythons[0]} starts one python process without srun: the other tasks sit idle. "
            "For threads ask --cpus-per-task; for many processes launch with srun",
            "slurm-ntasks-python",
        )
    ]


def _against_facts(name: str, last: dict[str, Located], cluster: Cluster) -> list[Finding]:
    out = []
    chosen = []
    part = last.get("partition")
    if part and part.opt.value and "{{" not in part.opt.value:
        for pname in part.opt.value.split(","):
            if pname in cluster.partitions:
                chosen.append(cluster.partitions[pname])
            else:
                out.append(
                    Finding(
                        name,
                        part.line,
                        ERROR,
                        f"no partition {pname!r} on this cluster (cluster.yml: {cluster.names})",
                        "slurm-partition",
                    )
                )
    elif not part and cluster.default():
        chosen.append(cluster.default())
    qos = last.get("qos")
    if qos and qos.opt.value in cluster.partitions:
        out.append(
            Finding(
                name,
                qos.line,
                WARNING,
                f"{qos.opt.given} {qos.opt.value}: -q is --qos in Slurm; "
                f"{qos.opt.value} is a partition: use -p/--partition",
                "slurm-partition",
            )
        )
    out += _gres_names(name, last.get("gres"), cluster)
    line, per_node, total, gtype = _gpu_request(last)
    for p in chosen:
        where = f"partition {p.name}" if part else f"the default partition {p.name}"
        if line and not p.gpu_type:
            out.append(
                Finding(
                    name,
                    line,
                    ERROR,
                    f"GPUs requested, but {where} has no GPUs "
                    "(cluster.yml); add --partition for a GPU partition",
                    "slurm-gpu",
                )
            )
            most = max((q.gpus_per_node for q in cluster.partitions.values()), default=0)
            if per_node and per_node > most:
                out.append(
                    Finding(
                        name,
                        line,
                        ERROR,
                        f"{per_node} GPUs per node requested; no partition "
                        f"has more than {most} per node",
                        "slurm-gpu",
                    )
                )
            continue
        if line and gtype and gtype != p.gpu_type:
            out.append(
                Finding(
                    name,
                    line,
                    ERROR,
                    f"GPU type {gtype!r} is not on partition {p.name} "
                    f"(cluster.yml gpu_type: {p.gpu_type})",
                    "slurm-gpu",
                )
            )
        if line and per_node and per_node > p.gpus_per_node:
            out.append(
                Finding(
                    name,
                    line,
                    ERROR,
                    f"{per_node} GPUs per node requested; partition {p.name} "
                    f"has {p.gpus_per_node} per node",
                    "slurm-gpu",
                )
            )
        if line and total and total > p.gpus_per_node * max(p.nodes, 1):
            out.append(
                Finding(
                    name,
                    line,
                    ERROR,
                    f"{total} GPUs requested; partition {p.name} has "
                    f"{p.gpus_per_node * p.nodes} in all",
                    "slurm-gpu",
                )
            )
    out += _sizes(name, last, chosen)
    time = last.get("time")
    minutes = slurm_minutes(time.opt.value) if time and time.opt.value else None
    for p in chosen:
        limit = slurm_minutes(str(p.max_time)) if p.max_time else None
        if minutes is not None and limit is not None and minutes > limit:
            out.append(
                Finding(
                    name,
                    time.line,
                    WARNING,
                    f"--time={time.opt.value} is above partition {p.name}'s "
                    f"limit ({p.max_time}): the job will not start",
                    "slurm-time-limit",
                )
            )
    return out


def _gres_names(name: str, gres: Located | None, cluster: Cluster) -> list[Finding]:
    """GRES names the cluster lacks: sbatch refuses them ("Invalid generic resource")."""
    if not gres or not gres.opt.value or "{{" in gres.opt.value:
        return []
    items = slurm_values.gres_items(gres.opt.value) or []
    known = set(cluster.facts.get("gres_names") or [])
    if any(p.gpu_type for p in cluster.partitions.values()):
        known.add("gpu")
    out = []
    for item in items:
        if item["name"] in known or item["name"].lower() == "none":
            continue
        out.append(
            Finding(
                name,
                gres.line,
                ERROR,
                f"--gres={gres.opt.value}: this cluster has no GRES {item['name']!r}"
                f"{suggest(item['name'], known)} (cluster.yml: "
                f"{', '.join(sorted(known)) or 'none'}); sbatch refuses the job",
                "slurm-gres-name",
            )
        )
    return out


def _sizes(name: str, last: dict[str, Located], chosen) -> list[Finding]:
    """Nodes, CPUs and memory a job asks for that no node of its partition has."""
    out = []

    def value(key):
        loc = last.get(key)
        return (
            (loc, loc.opt.value)
            if loc and loc.opt.value and "{{" not in loc.opt.value
            else (None, None)
        )

    for p in chosen:
        loc, nodes = value("nodes")
        if loc and p.nodes and nodes.split("-")[0].isdigit() and int(nodes.split("-")[0]) > p.nodes:
            out.append(
                Finding(
                    name,
                    loc.line,
                    ERROR,
                    f"{written(loc.opt.given, nodes)}: partition {p.name} has {p.nodes} "
                    "nodes: the job can never start",
                    "slurm-size",
                )
            )
        loc, cpus = value("cpus-per-task")
        if loc and p.cpus_per_node and cpus.isdigit() and int(cpus) > p.cpus_per_node:
            out.append(
                Finding(
                    name,
                    loc.line,
                    ERROR,
                    f"{written(loc.opt.given, cpus)}: the nodes of partition {p.name} have "
                    f"{p.cpus_per_node} CPUs: the job can never start",
                    "slurm-size",
                )
            )
        loc, mem = value("mem")
        megabytes = slurm_megabytes(mem) if mem else None
        if loc and p.memory_mb_per_node and megabytes and megabytes > p.memory_mb_per_node:
            out.append(
                Finding(
                    name,
                    loc.line,
                    ERROR,
                    f"{written(loc.opt.given, mem)}: the nodes of partition {p.name} have "
                    f"{p.memory_mb_per_node} MB: the job can never start",
                    "slurm-size",
                )
            )
    return out


def _gpu_request(last: dict[str, Located]):
    """(line, GPUs per node, GPUs in all, type) asked for, or line None."""
    for key in ("gres", "gpus-per-node", "gpus", "gpus-per-task"):
        loc = last.get(key)
        if not loc or not loc.opt.value or "{{" in loc.opt.value:
            continue
        if key == "gres":
            items = slurm_values.gres_items(loc.opt.value) or []
            gpus = [m for m in items if m["name"] == "gpu"]
            if not gpus:
                continue
            count = gpus[0]["count"]
            count = int(count) if count and count.isdigit() else 1
            if count:
                return loc.line, count, None, gpus[0]["type"]
            continue
        items = slurm_values.gpus_items(loc.opt.value) or []
        if items and int(items[0]["count"]):
            count = int(items[0]["count"])
            per_node = count if key == "gpus-per-node" else None
            total = count if key == "gpus" else None
            return loc.line, per_node, total, items[0]["type"]
    return None, None, None, None

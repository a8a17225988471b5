"""LSF job scripts: #BSUB lines and bsub command lines.

Options follow bsub's documented grammar in IBM Spectrum LSF 10.1: every
option is a single dash and a whole word (-n, -gpu, -Is; no bundling), and
takes either no value or exactly one. -gpu, -R, -W, -n, -M are checked for
syntax; -q (queues) and -m (hosts) against the cluster facts, where queues
are the partitions' names and hosts the nodes (node_prefix + two digits).
"""

from __future__ import annotations

import re

from hpcdocs.lint import lsf_values
from hpcdocs.lint.facts_view import Cluster, slurm_minutes
from hpcdocs.lint.model import ERROR, WARNING, Finding, Script, reporter
from hpcdocs.lint.options import directive_words, near_magic, submissions, suggest
from hpcdocs.lsf import bsub_args

# bsub's options (flags, and those taking a value): the LSF layer's table,
# hpcdocs/lsf/bsub_options.json, so that the checker and the layer agree.
FLAGS, WITH_VALUE, ALL = bsub_args.FLAGS, bsub_args.WITH_VALUE, bsub_args.ALL

BSUB_CMD = re.compile(r"(?:^|[;&|]\s*|\$\(\s*|`\s*)\s*bsub\s+(?P<args>.*)")


def check(script: Script, facts: dict | None) -> list[Finding]:
    out: list[Finding] = []
    found: list[tuple[int, str, str]] = []  # (line, option, value)
    cluster = Cluster(facts) if facts else None
    if script.kind == "shell":
        for number, line in enumerate(script.lines, 1):
            if line.startswith("#BSUB"):
                rest = line[len("#BSUB") :]
                if rest and not rest[0].isspace():
                    out.append(
                        Finding(
                            script.name,
                            number,
                            ERROR,
                            f"#BSUB must be followed by a space: {line.split()[0]}",
                            "lsf-not-directive",
                        )
                    )
                    continue
                words, error = directive_words(rest)
                if error:
                    out.append(Finding(script.name, number, ERROR, error, "lsf-syntax"))
                out += _options(script.name, number, words, cluster, found, operands_ok=False)
            elif why := near_magic(line, "BSUB"):
                out.append(
                    Finding(
                        script.name,
                        number,
                        WARNING,
                        why + " (bsub ignores it)",
                        "lsf-not-directive",
                    )
                )
    for number, words in submissions(script, BSUB_CMD):
        out += _options(script.name, number, words, cluster, found, operands_ok=True)
    if cluster and found:
        out += _queue_level(script.name, found, cluster)
    return out


def _options(name, number, words, cluster, found, operands_ok) -> list[Finding]:
    out = []
    add = reporter(out, name, number)
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("-") or word == "-":
            if operands_ok:
                break  # the job's command starts here
            add(WARNING, f"stray word {word!r} on a #BSUB line (not an option)", "lsf-syntax")
            i += 1
            continue
        opt = word[1:]
        if opt.startswith("-"):
            add(
                ERROR,
                f"bsub options take one dash: {word} is not a bsub option"
                f"{suggest(opt.lstrip('-'), ALL)}",
                "lsf-unknown-option",
            )
            i += 1
            continue
        if opt not in ALL:
            attached = opt[:1] if opt[:1] in WITH_VALUE and len(opt[:1]) == 1 else None
            if attached and opt[1:].isdigit():
                opt, value = attached, opt[1:]  # -n4
                out += _value(name, number, opt, value, cluster)
                found.append((number, opt, value))
                i += 1
                continue
            add(ERROR, f"bsub has no option -{opt}{suggest(opt, ALL)}", "lsf-unknown-option")
            i += 1
            continue
        if opt in FLAGS:
            i += 1
            continue
        if i + 1 >= len(words):
            add(ERROR, f"-{opt} needs a value", "lsf-value")
            break
        value = words[i + 1]
        out += _value(name, number, opt, value, cluster)
        found.append((number, opt, value))
        i += 2
    return out


def _value(name, number, opt, value, cluster) -> list[Finding]:
    if "{{" in value:
        return []
    problems = lsf_values.check(opt, value)
    if cluster and not problems:
        problems = _facts(opt, value, cluster)
    return [
        Finding(name, number, sev, f"-{opt} {value}: {msg}", code) for sev, msg, code in problems
    ]


def _facts(opt: str, value: str, cluster: Cluster) -> list[tuple[str, str, str]]:
    out = []
    if opt == "q":
        for queue in value.split():
            if queue in cluster.partitions:
                continue
            if cluster.looks_like_host(queue):
                out.append(
                    (
                        ERROR,
                        f"{queue} is a host, not a queue: hosts go to -m (queues: {cluster.names})",
                        "lsf-queue-host",
                    )
                )
            else:
                out.append(
                    (
                        ERROR,
                        f"no queue {queue!r} on this cluster (cluster.yml: {cluster.names})",
                        "lsf-queue",
                    )
                )
    elif opt == "m":
        for word in value.split():
            host = re.sub(r"(?:@\S+)?(?:\+\d*|!)?$", "", word)
            if host in cluster.hosts or host in ("others", "all"):
                continue
            if host in cluster.partitions:
                out.append(
                    (ERROR, f"{host} is a queue, not a host: use -q {host}", "lsf-queue-host")
                )
            else:
                out.append(
                    (
                        ERROR,
                        f"-m takes hosts, and {host} is not a host of this cluster "
                        f"({cluster.host_range()}); a queue goes to -q "
                        f"(queues: {cluster.names})",
                        "lsf-queue-host",
                    )
                )
    return out


def _queue_level(name: str, found, cluster: Cluster) -> list[Finding]:
    """GPUs and run limit against the queue used (the default one without -q)."""
    last = {opt: (number, value) for number, opt, value in found}
    out = []
    if "q" in last:
        queues = [cluster.partitions[q] for q in last["q"][1].split() if q in cluster.partitions]
        what = "queue"
    else:
        queues = [cluster.default()] if cluster.default() else []
        what = "the default queue"
    if "gpu" in last and last["gpu"][1] != "-" and "{{" not in last["gpu"][1]:
        number, value = last["gpu"]
        fields = dict(p.partition("=")[::2] for p in value.split(":"))
        num = re.match(r"\d+", fields.get("num", "1"))
        for q in queues:
            if not q.gpu_type:
                out.append(
                    Finding(
                        name,
                        number,
                        ERROR,
                        f"-gpu requested, but {what} {q.name} has no GPUs "
                        "(cluster.yml); add -q with a GPU queue",
                        "lsf-gpu",
                    )
                )
            elif num and int(num.group()) > q.gpus_per_node:
                out.append(
                    Finding(
                        name,
                        number,
                        ERROR,
                        f"-gpu num={num.group()}: queue {q.name} has "
                        f"{q.gpus_per_node} GPUs per host",
                        "lsf-gpu",
                    )
                )
    if "W" in last:
        number, value = last["W"]
        m = lsf_values.RUN_LIMIT.match(value)
        if m:
            minutes = int(m.group(1) or 0) * 60 + int(m.group(2))
            for q in queues:
                limit = slurm_minutes(str(q.max_time)) if q.max_time else None
                if limit is not None and minutes > limit:
                    out.append(
                        Finding(
                            name,
                            number,
                            WARNING,
                            f"-W {value} is above queue {q.name}'s limit "
                            f"({q.max_time}): the job will not start",
                            "lsf-time-limit",
                        )
                    )
    return out

"""Values of bsub options: the grammar IBM Spectrum LSF 10.1 documents.

-gpu "[num=N[/task|/host]][:mode=shared|exclusive_process][:mps=...]..."
fields joined by ':'; -R sections select[] order[] rusage[] span[] same[]
cu[] affinity[]; -W [hour:]minute; -n N[,MAX]; -nnodes N; -M and -v sizes with units.

The one LSF value grammar: the job-script checker reports what breaks it, and
the LSF layer (hpcdocs.lsf.resources) refuses it with the same words before it
maps what it supports onto Slurm.
"""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR
from hpcdocs.lint.options import suggest

RUN_LIMIT = re.compile(r"^(?:(\d+):)?(\d+)(/\S+)?$")
SLOTS = re.compile(r"^([1-9]\d*)(?:,([1-9]\d*))?$")
LSF_MEM = re.compile(r"^(\d+(?:\.\d+)?)([KMGTPEZ]B?)?(!)?$", re.IGNORECASE)
YES_NO = {"yes", "no"}
GPU_KEYS = {
    "num": re.compile(r"^[1-9]\d*(?:/(?:task|host))?$"),
    "mode": re.compile(r"^(?:shared|exclusive_process)$"),
    "mps": re.compile(r"^(?:no|(?:yes|per_socket|per_gpu)(?:,(?:shared|share|nocvd))*)$"),
    "j_exclusive": YES_NO,
    "aff": YES_NO,
    "block": YES_NO,
    "gpack": YES_NO,
    "gvendor": {"amd", "nvidia"},
    "gmodel": re.compile(r"^[\w.]+(?:[-#]\d+(?:\.\d+)?[KMGT]?B?)?$", re.IGNORECASE),
    "gtile": re.compile(r"^(?:\d+|!)$"),
    "gmem": LSF_MEM,
    "glink": {"yes"},
    "mig": re.compile(r"^[1-7](?:/[1-7])?$"),
}
R_SECTIONS = {"select", "order", "rusage", "span", "same", "cu", "affinity"}
SPAN = re.compile(r"^(?:hosts=(?:-1|[1-9]\d*)|ptile=(?:[1-9]\d*|'!'|!)(?:,.+)?|block=[1-9]\d*)$")
RUSAGE_ITEM = re.compile(r"^\w+=\d+(?:\.\d+)?(?:[KMGTPE]B?)?(?:/\w+)?$", re.IGNORECASE)


def check(opt: str, value: str) -> list[tuple[str, str, str]]:
    """[(severity, message, check)] for a bad value of -opt; [] when it is fine."""
    bad = problem(opt, value)
    return [(ERROR, bad, "lsf-value")] if bad else []


def problem(opt: str, value: str) -> str | None:
    """What is wrong with -opt value in LSF's grammar; None when it is fine."""
    bad = None
    if opt in ("W", "We"):
        m = RUN_LIMIT.match(value)
        if not m:
            bad = "not an LSF run limit; write [hour:]minute, e.g. 90 or 1:30"
            if re.match(r"^\d+:\d+:\d+$", value):
                bad += " (HH:MM:SS is Slurm's form, not LSF's)"
        elif m.group(1) is not None and int(m.group(2)) > 59:
            bad = "minutes after 'hour:' must be 0-59"
    elif opt == "n":
        m = SLOTS.match(value)
        if not m:
            bad = "not a task count; write N or MIN,MAX"
        elif m.group(2) and int(m.group(2)) < int(m.group(1)):
            bad = "MAX is below MIN"
    elif opt == "nnodes":  # CSM clusters (OLCF Summit): whole compute nodes
        if not re.match(r"^[1-9]\d*$", value):
            bad = "not a node count; write a whole number of nodes, e.g. -nnodes 2"
    elif opt in ("M", "v"):
        if not LSF_MEM.match(value):
            bad = "not an LSF memory limit; write e.g. 4096, 4G or 4GB"
    elif opt == "gpu":
        bad = _gpu_syntax(value)
    elif opt == "R":
        bad = _rsrc_syntax(value)
    return bad


def _gpu_syntax(value: str) -> str | None:
    if value == "-":
        return None
    seen = set()
    for part in value.split(":"):
        key, eq, val = part.partition("=")
        if not eq:
            return f"{part!r} is not key=value (the -gpu fields are joined by ':')"
        if key not in GPU_KEYS:
            return f"unknown -gpu field {key!r}{suggest(key, GPU_KEYS)}"
        if key in seen:
            return f"-gpu field {key!r} given twice"
        seen.add(key)
        rule = GPU_KEYS[key]
        ok = val in rule if isinstance(rule, set) else bool(rule.match(val))
        if not ok:
            return f"{key}={val} is not valid for -gpu"
    return None


def _rsrc_syntax(value: str) -> str | None:
    if value.count("[") != value.count("]") or value.count("(") != value.count(")"):
        return "unbalanced brackets"
    if "{" in value or "||" in value:
        return None  # compound and alternative requirements: brackets checked only
    for section, body in re.findall(r"(\w+)\s*\[([^\]]*)\]", value):
        if section not in R_SECTIONS:
            return f"unknown section {section}[] (known: {', '.join(sorted(R_SECTIONS))})"
        if section == "span" and not all(SPAN.match(x.strip()) for x in body.split(":")):
            return "span[] takes hosts=N, ptile=N or block=N (span[hosts=1])"
        if section == "rusage":
            items = [x.strip() for x in re.split(r"[:,]", body) if x.strip()]
            items = [x for x in items if not x.startswith(("duration=", "decay="))]
            if not all(RUSAGE_ITEM.match(x) for x in items):
                return "rusage[] takes name=amount items, e.g. rusage[mem=4GB]"
    return None

"""Values of sbatch options: the syntax Slurm 22.05 accepts."""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR, WARNING
from hpcdocs.lint.options import Problem, written
from hpcdocs.slurmspec import slurm_megabytes, slurm_minutes

MEM_WITH_B = re.compile(r"^(\d+)([KMGTkmgt])[Bb]$")
GRES_ITEM = re.compile(
    r"^(?P<name>[A-Za-z][\w.-]*)(?::(?P<type>[A-Za-z][\w.-]*))?"
    r"(?::(?P<count>\d+[KMGkmg]?))?$"
)
GPUS_ITEM = re.compile(r"^(?:(?P<type>[A-Za-z][\w.-]*):)?(?P<count>\d+)$")
COUNT = re.compile(r"^[1-9]\d*$")
NODES = re.compile(r"^[1-9]\d*(?:-[1-9]\d*)?$")
ARRAY = re.compile(r"^\d+(?:-\d+(?::\d+)?)?(?:,\d+(?:-\d+(?::\d+)?)?)*(?:%\d+)?$")
MAIL_TYPES = {
    "NONE",
    "BEGIN",
    "END",
    "FAIL",
    "REQUEUE",
    "ALL",
    "INVALID_DEPEND",
    "STAGE_OUT",
    "TIME_LIMIT",
    "TIME_LIMIT_90",
    "TIME_LIMIT_80",
    "TIME_LIMIT_50",
    "ARRAY_TASKS",
}
TIME_FORMS = "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"


def gres_items(value: str) -> list[re.Match] | None:
    items = [GRES_ITEM.match(part) for part in value.split(",")]
    return None if not all(items) else items


def gpus_items(value: str) -> list[re.Match] | None:
    items = [GPUS_ITEM.match(part) for part in value.split(",")]
    return None if not all(items) else items


def check(name: str, value: str | None, given: str) -> list[Problem]:
    """Problems with one option's value (nothing for options not checked)."""
    if value is None or "{{" in value:
        return []  # no value, or a cluster fact not rendered here
    if name in ("mem", "mem-per-cpu", "mem-per-gpu") and (m := MEM_WITH_B.match(value)):
        return [
            Problem(
                WARNING,
                f"{written(given, value)}: Slurm's units are K, M, G, T: write "
                f"{m[1]}{m[2].upper()} (sbatch reads the number and the first letter "
                f"only, so {value} works by accident)",
                "slurm-mem-unit",
            )
        ]
    bad = _check(name, value)
    return [Problem(ERROR, f"{written(given, value)}: {bad}", "slurm-value")] if bad else []


def _check(name: str, value: str) -> str | None:
    if name in ("time", "time-min"):
        if slurm_minutes(value) is None:
            return f"not a Slurm time; write {TIME_FORMS} (or UNLIMITED)"
    elif name in ("mem", "mem-per-cpu", "mem-per-gpu"):
        if slurm_megabytes(value) is None:
            return "not a Slurm memory size; write a whole number with K, M, G or T (MB default)"
    elif name == "gres":
        if value.lower() != "none" and gres_items(value) is None:
            return "not GRES syntax; write name[:type][:count], comma-separated (gpu:a100:2)"
    elif name in ("gpus", "gpus-per-node", "gpus-per-task", "gpus-per-socket"):
        if gpus_items(value) is None:
            return "not a GPU count; write [type:]count (2 or a100:2)"
    elif name in (
        "ntasks",
        "cpus-per-task",
        "ntasks-per-node",
        "cpus-per-gpu",
        "ntasks-per-gpu",
        "mincpus",
        "ntasks-per-core",
        "ntasks-per-socket",
    ):
        if not COUNT.match(value):
            return "not a positive whole number"
    elif name == "nodes":
        if not NODES.match(value):
            return "not a node count; write N or MIN-MAX"
    elif name == "array":
        if not ARRAY.match(value):
            return "not an array range; write e.g. 0-9, 1,3,5, 0-99:2 or 0-99%10"
    elif name == "mail-type":
        wrong = [t for t in value.split(",") if t.upper() not in MAIL_TYPES]
        if wrong:
            return "unknown mail type " + ", ".join(wrong)
    elif name == "open-mode":
        if value not in ("append", "truncate"):
            return "write append or truncate"
    elif name == "exclusive" and value.lower() not in ("user", "mcs"):
        return "write --exclusive, --exclusive=user or --exclusive=mcs"
    return None

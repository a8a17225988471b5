"""LSF 10.1's values (-W, -n, -R, -gpu, -w, -J, -o), parsed.

Each function takes the option's text and returns plain values, or raises
LsfError naming the option and the part it cannot map onto Slurm. What LSF's
grammar allows at all (-W, -n, -M, -R, -gpu) is hpcdocs.lint.lsf_values, the
grammar the job-script checker uses: a value it rejects is refused here with
its words, before this layer says what it cannot map.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from hpcdocs.lint import lsf_values
from hpcdocs.lsf import LsfError

NOT_SUBMITTED = "Job not submitted."


def refuse(option: str, value: str, why: str) -> LsfError:
    return LsfError(f"{option} {value}: {why}. {NOT_SUBMITTED}")


def _refuse_r(requirement: str, why: str) -> LsfError:
    """A -R "requirement" refused."""
    return refuse("-R", f'"{requirement}"', why)


# ---------------------------------------------------------------- -W, -n
def time_limit(value: str) -> str:
    """-W [hour:]minute as Slurm's HH:MM:SS."""
    if bad := lsf_values.problem("W", value.strip()):
        raise refuse("-W", value, f"Bad RUNLIMIT specification: {bad}")
    match = lsf_values.RUN_LIMIT.match(value.strip())
    if match.group(3):
        raise refuse(
            "-W",
            value,
            "a host name or model after the limit is not supported by this compatibility layer",
        )
    hours = int(match.group(1) or 0)
    minutes = int(match.group(2))
    total = hours * 60 + minutes
    if total == 0:
        raise refuse("-W", value, "the run limit must be at least one minute")
    return f"{total // 60:02d}:{total % 60:02d}:00"


def slots(value: str) -> int:
    """-n number of tasks (slots). -n min,max is refused: Slurm takes one count."""
    if bad := lsf_values.problem("n", value.strip()):
        raise refuse("-n", value, f"Bad argument for option -n: {bad}")
    match = lsf_values.SLOTS.match(value.strip())
    if not match.group(2):
        return int(match.group(1))
    raise refuse(
        "-n",
        value,
        "a min,max range is not supported by this compatibility layer; give one number of slots",
    )


# ---------------------------------------------------------------- -R
@dataclass
class ResReq:
    hosts: int | None = None  # span[hosts=1]
    ptile: int | None = None  # span[ptile=N]
    mem_mb: int | None = None  # rusage[mem=...]
    mem_per: str = "host"  # host (LSF's default) or task (RESOURCE_RESERVE_PER_TASK=Y)
    mem_unit: str = "MB"  # a bare number's unit (LSF_UNIT_FOR_LIMITS)


MEM_UNITS = {
    "": 1,
    "K": 1 / 1024,
    "KB": 1 / 1024,
    "M": 1,
    "MB": 1,
    "G": 1024,
    "GB": 1024,
    "T": 1024 * 1024,
    "TB": 1024 * 1024,
}
SECTION = re.compile(r"\s*(\w+)\s*\[([^\[\]]*)\]\s*")


def memory_mb(text: str, option: str, whole: str, default_unit: str = "MB") -> int:
    """An LSF memory amount in whole MB; a bare number is in default_unit."""
    match = lsf_values.LSF_MEM.match(re.sub(r"\s+", "", text))
    if not match or match.group(3):
        raise refuse(option, whole, f"bad memory amount '{text}'")
    unit = (match.group(2) or default_unit).upper()
    if unit not in MEM_UNITS:
        raise refuse(option, whole, f"the unit {unit} is not supported by this compatibility layer")
    return max(1, math.ceil(float(match.group(1)) * MEM_UNITS[unit]))


def resource_requirements(
    values: list[str], unit: str | None = None, per_task: bool = False
) -> ResReq:
    """Every -R string of the job; only span[] and rusage[mem] can be mapped.

    unit: the site's LSF_UNIT_FOR_LIMITS (a bare rusage[mem] number is in it;
    MB when the site sets none). per_task: RESOURCE_RESERVE_PER_TASK=Y, so
    rusage[mem=N] without /task or /host is reserved per task, not per host.
    """
    req = ResReq(mem_unit=unit or "MB", mem_per="task" if per_task else "host")
    for value in values:
        rest = value.strip()
        if not rest:
            raise _refuse_r("", "empty resource requirement")
        if bad := lsf_values.problem("R", rest):
            raise _refuse_r(value, bad)
        pos = 0
        while pos < len(rest):
            match = SECTION.match(rest, pos)
            if not match:
                raise _refuse_r(
                    value,
                    "Bad resource requirement syntax (this "
                    "compatibility layer takes span[] and rusage[mem=...] sections)",
                )
            section, body = match.group(1), match.group(2).strip()
            if section == "span":
                _span(body, value, req)
            elif section == "rusage":
                _rusage(body, value, req)
            else:
                raise _refuse_r(
                    value,
                    f"the {section}[] section is not supported "
                    "by this compatibility layer over Slurm",
                )
            pos = match.end()
    if req.hosts == 1 and req.ptile is not None:
        raise refuse("-R", "span[]", "give either span[hosts=1] or span[ptile=N], not both")
    return req


def _section(section: str, pattern: str, body: str, whole: str, takes: str) -> re.Match:
    """The match of a section[body] this layer takes; -R refused if it is not one."""
    match = re.fullmatch(pattern, body)
    if not match:
        raise _refuse_r(
            whole,
            f"{section}[{body}] is not supported; this compatibility layer takes {takes}",
        )
    return match


def _span(body: str, whole: str, req: ResReq) -> None:
    takes = "span[hosts=1], span[hosts=-1] or span[ptile=N]"
    match = _section("span", r"(hosts|ptile)\s*=\s*(-?\d+)", body, whole, takes)
    key, number = match.group(1), int(match.group(2))
    if key == "hosts" and number not in (1, -1):
        raise _refuse_r(whole, "span[hosts=N] takes 1 (one host) or -1 (no limit)")
    if key == "ptile" and number < 1:
        raise _refuse_r(whole, "span[ptile=N] needs N of at least 1")
    if key == "hosts":
        req.hosts = number if number == 1 else None
    else:
        req.ptile = number


def _rusage(body: str, whole: str, req: ResReq) -> None:
    takes = "rusage[mem=amount] (MB, or with KB/MB/GB/TB, optionally /task or /host)"
    pattern = r"mem\s*=\s*([0-9.]+\s*[A-Za-z]*)\s*(?:/\s*(task|host|job))?"
    match = _section("rusage", pattern, body, whole, takes)
    req.mem_mb = memory_mb(match.group(1), "-R", f'"{whole}"', req.mem_unit)
    per = match.group(2) or req.mem_per
    if per == "job":
        raise _refuse_r(whole, "mem=.../job is not supported; use /host or /task")
    req.mem_per = per


def memory_limit(value: str, unit: str | None = None) -> int:
    """-M 4GB[!]: the job's memory limit in MB. A bare number is in the site's
    LSF_UNIT_FOR_LIMITS (cluster.yml lsf.unit_for_limits); without that fact
    it is refused, as LSF's own default (KB) is often changed by sites."""
    if bad := lsf_values.problem("M", value.strip()):
        raise refuse("-M", value, bad)
    text = value.strip().rstrip("!")
    if re.fullmatch(r"\d+(\.\d+)?", text) and unit is None:
        raise refuse(
            "-M",
            value,
            "give a unit (e.g. 4GB): without one, LSF reads the "
            "number in the site's LSF_UNIT_FOR_LIMITS, which cluster.yml "
            "(lsf.unit_for_limits) does not give",
        )
    return memory_mb(text, "-M", value, unit or "MB")


# ---------------------------------------------------------------- -gpu
@dataclass
class GpuReq:
    num: int = 1
    per: str = "host"  # host or task
    mode: str = "shared"
    mps: bool = False
    j_exclusive: bool = False
    gres_type: str | None = None  # from gmodel=, when it names the cluster's GPU


def gpu(value: str, cluster_gpu_type: str | None) -> GpuReq:
    """-gpu "num=N[/task|host]:mode=...:mps=yes|no:j_exclusive=...:gmodel=..." or -gpu -."""
    req = GpuReq()
    if value.strip() == "-":
        return req
    if bad := lsf_values.problem("gpu", re.sub(r"\s*([:=])\s*", r"\1", value.strip())):
        raise refuse("-gpu", f'"{value}"', bad)
    for field in value.split(":"):
        key, sep, val = field.strip().partition("=")
        if not sep:
            raise refuse("-gpu", f'"{value}"', f"'{field}' is not keyword=value")
        key, val = key.strip(), val.strip()
        if key == "num":
            match = re.fullmatch(r"(\d+)(?:/(task|host))?", val)
            if not match or int(match.group(1)) < 1:
                raise refuse(
                    "-gpu",
                    f'"{value}"',
                    f"num={val}: give a positive number, optionally /task or /host",
                )
            req.num, req.per = int(match.group(1)), match.group(2) or "host"
        elif key == "mode":
            if val not in ("shared", "exclusive_process"):
                raise refuse("-gpu", f'"{value}"', "mode takes shared or exclusive_process")
            req.mode = val
        elif key == "mps":
            if val not in ("yes", "no"):
                raise refuse(
                    "-gpu",
                    f'"{value}"',
                    f"mps={val} is not supported by this "
                    "compatibility layer; it takes mps=yes or mps=no",
                )
            req.mps = val == "yes"
        elif key == "j_exclusive":
            if val not in ("yes", "no"):
                raise refuse("-gpu", f'"{value}"', "j_exclusive takes yes or no")
            req.j_exclusive = val == "yes"
        elif key == "gvendor":
            if val != "nvidia":
                raise refuse("-gpu", f'"{value}"', f"gvendor={val}: the cluster's GPUs are NVIDIA")
        elif key == "gmodel":
            req.gres_type = _gres_type(val, cluster_gpu_type, value)
        else:
            raise refuse(
                "-gpu",
                f'"{value}"',
                f"{key}= is not supported by this compatibility layer over Slurm",
            )
    return req


def _gres_type(model: str, cluster_gpu_type: str | None, whole: str) -> str:
    """gmodel= names the cluster's GPU (NVIDIAA100, A100, a100 ...): its GRES type."""
    if cluster_gpu_type and cluster_gpu_type.lower() in model.lower() and "-" not in model:
        return cluster_gpu_type
    known = cluster_gpu_type or "none"
    raise refuse(
        "-gpu", f'"{whole}"', f"gmodel={model} does not match the cluster's GPU model ({known})"
    )


# ---------------------------------------------------------------- -w
CONDITIONS = {"done": "afterok", "exit": "afternotok", "ended": "afterany", "started": "after"}
CONDITION = re.compile(r"(\w+)\s*\(\s*([^()]*?)\s*\)|(\d+(?:\[\d+\])?)")


def dependency(value: str) -> str:
    """-w "done(1) && ended(2)" as Slurm's --dependency (afterok:1,afterany:2).

    done/exit/ended/started of a job ID or array element, joined by && (all)
    or || (any, Slurm's '?'), not both.
    """
    text = value.strip()
    if "&&" in text and "||" in text:
        raise refuse(
            "-w",
            f'"{value}"',
            "mixing && and || is not supported by this "
            "compatibility layer (Slurm takes all-of or any-of)",
        )
    joiner, parts = (",", text.split("&&")) if "||" not in text else ("?", text.split("||"))
    terms = []
    for part in parts:
        part = part.strip()
        match = CONDITION.fullmatch(part)
        if not match:
            raise refuse(
                "-w",
                f'"{value}"',
                f"'{part}' is not supported; this compatibility "
                "layer takes done(ID), exit(ID), ended(ID) and started(ID)",
            )
        if match.group(3):
            condition, target = "done", match.group(3)
        else:
            condition, target = match.group(1), match.group(2)
        if condition not in CONDITIONS:
            raise refuse(
                "-w",
                f'"{value}"',
                f"the {condition}() condition is not supported by this compatibility layer",
            )
        element = re.fullmatch(r"(\d+)(?:\[(\d+)\])?", target)
        if not element:
            raise refuse(
                "-w",
                f'"{value}"',
                f"'{target}': give a job ID (job names are not "
                "supported by this compatibility layer)",
            )
        slurm_id = element.group(1) + (f"_{element.group(2)}" if element.group(2) else "")
        terms.append(f"{CONDITIONS[condition]}:{slurm_id}")
    return joiner.join(terms)


# ---------------------------------------------------------------- -J
def job_name(value: str) -> tuple[str, str | None]:
    """-J name or -J "name[1-10:2,15]%4": (name, Slurm --array value or None)."""
    match = re.fullmatch(r"(.*?)\[([^\[\]]+)\](?:%(\d+))?", value.strip())
    if not match:
        if "[" in value or "]" in value:
            raise refuse(
                "-J",
                f'"{value}"',
                'bad job array specification; use "name[1-10]" or "name[1-10:2]%N"',
            )
        return value, None
    name, indices, limit = match.groups()
    for part in indices.split(","):
        if not re.fullmatch(r"\d+(?:-\d+(?::\d+)?)?", part.strip()):
            raise refuse(
                "-J", f'"{value}"', f"bad job array index '{part}'; use start[-end[:step]]"
            )
    array = ",".join(part.strip() for part in indices.split(","))
    if limit:
        array += f"%{limit}"
    return name, array


# ---------------------------------------------------------------- -o, -e
def output_pattern(path: str, kind: str, is_array: bool, is_dir: bool) -> str:
    """An LSF output file name as a Slurm file name pattern.

    %J is the job ID (the array's ID for arrays), %I the array index; other
    % signs are literal in LSF, so they are doubled for Slurm. A directory
    gets LSF's default name: <jobid>.out (or .err), <jobid>_<index> for arrays.
    """
    if is_dir:
        base = "%J_%I" if is_array else "%J"
        path = path.rstrip("/") + f"/{base}.{kind}"
    out = []
    i = 0
    while i < len(path):
        pair = path[i : i + 2]
        if pair == "%J":
            out.append("%A" if is_array else "%j")
            i += 2
        elif pair == "%I":
            out.append("%a" if is_array else "0")
            i += 2
        elif path[i] == "%":
            out.append("%%")
            i += 1
        else:
            out.append(path[i])
            i += 1
    return "".join(out)


def hosts(value: str) -> list[str]:
    """-m "host1 host2": the candidate host names (no groups, no +preference)."""
    names = value.split()
    if not names:
        raise refuse("-m", '""', "no host named")
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or name == "others":
            raise refuse(
                "-m",
                value,
                f"'{name}': host preferences (+N), 'others' and host "
                "groups are not supported by this compatibility layer; name hosts",
            )
    return names

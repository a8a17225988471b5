"""Slurm's values, defined once for the whole project: times, memory sizes, job states.

The facts schema (max_time, default_time), the job-script lint (--time, --mem),
the LSF layer (a queue's MaxTime from scontrol), the test cluster's job helpers
and the snippet runner (when a job has ended) all read them here.
"""

from __future__ import annotations

import re

# Slurm's --time forms (sbatch(1)): M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
TIME = re.compile(
    r"^(?:(?P<days>\d+)-(?P<dh>\d+)(?::(?P<dm>\d+)(?::(?P<ds>\d+))?)?"  # D-H[:M[:S]]
    r"|(?P<a>\d+)(?::(?P<b>\d+)(?::(?P<c>\d+))?)?)$"  # M | M:S | H:M:S
)
UNLIMITED = {"infinite", "unlimited"}

# Job states after which a job runs no more (squeue(1) JOB STATE CODES); REQUEUED,
# REQUEUE_HOLD and RESIZING are not final. A snippet's state= names one of them.
FINAL_STATES = (
    "COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "OUT_OF_MEMORY", "NODE_FAIL",
    "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT", "REVOKED",
)  # fmt: skip


def slurm_seconds(value: str, fraction: bool = False) -> float | None:
    """Seconds in a Slurm time string, inf for UNLIMITED/INFINITE, None when not valid.

    fraction: also take the milliseconds sacct and sstat add to CPU times
    (TotalCPU 01:02.345, TRES cpu=00:00:05.120), which --time does not accept.
    """
    text = (value or "").strip()
    extra = 0.0
    if fraction and (m := re.fullmatch(r"(.*:\d+)(\.\d+)", text)):
        text, extra = m[1], float(m[2])
    if text.lower() in UNLIMITED:
        return float("inf")
    m = TIME.match(text)
    if not m:
        return None
    if m["days"] is not None:
        d, h, mi, s = (int(m[k] or 0) for k in ("days", "dh", "dm", "ds"))
        return d * 86400 + h * 3600 + mi * 60 + s + extra
    a, b, c = m["a"], m["b"], m["c"]
    if c is not None:  # H:M:S
        return int(a) * 3600 + int(b) * 60 + int(c) + extra
    if b is not None:  # M:S
        return int(a) * 60 + int(b) + extra
    return int(a) * 60.0  # M


def slurm_minutes(value: str) -> float | None:
    """Minutes in a Slurm time string, inf for UNLIMITED/INFINITE, None when not valid."""
    seconds = slurm_seconds(value)
    return None if seconds is None else seconds / 60


# A Slurm memory size (--mem and the like): a number, then K, M (the default), G or T.
MEMORY = re.compile(r"^(\d+)([KMGTkmgt]?)$")


def slurm_megabytes(value: str) -> int | None:
    """Megabytes in a Slurm memory size (4G, 512M, 4096), None when not valid."""
    m = MEMORY.match(value)
    if not m:
        return None
    scale = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024, "": 1}[m[2].lower()]
    return int(int(m[1]) * scale)

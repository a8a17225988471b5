"""Shell code for `conda shell.posix activate|deactivate|reactivate|hook`.

The `conda` shell function (etc/profile.d/conda.sh) evals what these print,
the way real conda's does: PATH gets the env's bin first, and CONDA_PREFIX,
CONDA_DEFAULT_ENV, CONDA_SHLVL, CONDA_PROMPT_MODIFIER describe the env, with
CONDA_PREFIX_<n> remembering the env below when one is activated on another.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from .state import ROOT, RefusalError, env_name, find_env, is_env


def _path_without(path: str, prefix: str | None) -> list[str]:
    parts = [p for p in path.split(os.pathsep) if p]
    if prefix:
        parts = [p for p in parts if p != str(Path(prefix) / "bin")]
    return parts


def _export(name: str, value: str) -> str:
    return f"export {name}={shlex.quote(value)}"


def activate(args: list[str]) -> str:
    stack = "--stack" in args
    args = [a for a in args if a not in ("--stack", "--no-stack")]
    if len(args) > 1:
        raise RefusalError(f"activate takes one environment, not {' '.join(args)}", code=2)
    target = args[0] if args else "base"
    if "/" in target or target.startswith("."):
        _, prefix = find_env(None, target)
    else:
        _, prefix = find_env(target, None)
    if prefix != ROOT and not is_env(prefix):
        raise RefusalError(f"EnvironmentLocationNotFound: Not a conda environment: {prefix}")
    old = os.environ.get("CONDA_PREFIX")
    level = int(os.environ.get("CONDA_SHLVL", "0") or 0)
    path = _path_without(os.environ.get("PATH", ""), None if stack else old)
    lines = []
    if old and old != str(prefix):
        lines.append(_export(f"CONDA_PREFIX_{level}", old))
        level += 1
    elif not old:
        level += 1
    path.insert(0, str(prefix / "bin"))
    name = env_name(prefix)
    lines += [
        _export("PATH", os.pathsep.join(path)),
        _export("CONDA_PREFIX", str(prefix)),
        _export("CONDA_DEFAULT_ENV", name),
        _export("CONDA_SHLVL", str(level)),
        _export("CONDA_PROMPT_MODIFIER", f"({name}) "),
        _export("CONDA_EXE", str(ROOT / "bin" / "conda")),
        "unset PYTHONHOME",
    ]
    return "\n".join(lines) + "\n"


def deactivate(args: list[str]) -> str:
    if args:
        raise RefusalError(f"deactivate takes no arguments, not {' '.join(args)}", code=2)
    old = os.environ.get("CONDA_PREFIX")
    level = int(os.environ.get("CONDA_SHLVL", "0") or 0)
    if not old:
        return ""
    path = _path_without(os.environ.get("PATH", ""), old)
    below = os.environ.get(f"CONDA_PREFIX_{level - 1}")
    lines = []
    if below and level > 1:
        prefix = Path(below)
        path.insert(0, str(prefix / "bin"))
        name = env_name(prefix)
        lines += [
            f"unset CONDA_PREFIX_{level - 1}",
            _export("CONDA_PREFIX", str(prefix)),
            _export("CONDA_DEFAULT_ENV", name),
            _export("CONDA_PROMPT_MODIFIER", f"({name}) "),
        ]
    else:
        lines += ["unset CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_PROMPT_MODIFIER"]
    lines += [
        _export("PATH", os.pathsep.join(path)),
        _export("CONDA_SHLVL", str(max(level - 1, 0))),
    ]
    return "\n".join(lines) + "\n"


def hook() -> str:
    """conda.sh with CONDA_EXE written in, as `conda shell.bash hook` prints it."""
    text = (ROOT / "etc" / "profile.d" / "conda.sh").read_text()
    marker = "# --- functions"
    body = text[text.index(marker) :] if marker in text else text
    return _export("CONDA_EXE", str(ROOT / "bin" / "conda")) + "\n" + body

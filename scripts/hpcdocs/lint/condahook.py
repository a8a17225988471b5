"""`conda activate` in a script that has not set conda's shell function up.

`conda activate` is a shell function, defined by conda's shell hook
(`eval "$(conda shell.bash hook)"`, or `source .../etc/profile.d/conda.sh`).
An interactive shell gets it from the block `conda init` wrote into
~/.bashrc; a batch job's shell, like any script run with `bash FILE`, is not
interactive and does not read ~/.bashrc. There `conda` is the plain program,
which stops with "CondaError: Run 'conda init' before 'conda activate'", and
the job goes on without the environment.

Checked in shell files only (job scripts and .sh snippets: scripts that run
non-interactively); console transcripts are typed at an interactive prompt.
A hook line must come before the first `conda activate`. Lines that only
sometimes set conda up (a conda module, `source ~/.bashrc`, a `bash -l`
shebang) make it a warning; nothing at all, or only `conda init`, an error.
"""

from __future__ import annotations

import re

from hpcdocs.lint.model import ERROR, WARNING, Finding, Script
from hpcdocs.lint.scan import CODE, code_text, shell_parts

START = r"(?:^|[;&|({]\s*|\s)"  # where a command can start on a line
ACTIVATE = re.compile(START + r"(conda\s+activate)\b")
# eval "$(conda shell.bash hook)", eval "$(/opt/conda/bin/conda shell.bash hook)", and the
# block `conda init` writes: __conda_setup="$('/opt/conda/bin/conda' 'shell.bash' 'hook' ...)"
HOOK_EVAL = re.compile(r"\bshell\.(?:bash|zsh|posix)['\"]?\s+['\"]?hook\b")
# source "$(conda info --base)/etc/profile.d/conda.sh", . /opt/conda/etc/profile.d/conda.sh
HOOK_SOURCE = re.compile(START + r"(?:source|\.)\s+.*\bconda\.sh\b")
CONDA_INIT = re.compile(START + r"conda\s+init\b")
BASHRC = re.compile(START + r"(?:source|\.)\s+[\"']?(?:~|\$HOME|\$\{HOME\})/\.bashrc\b")
MODULE_CONDA = re.compile(START + r"module\s+(?:load|add)\s+.*(?:conda|forge|mamba)", re.IGNORECASE)
LOGIN_SHEBANG = re.compile(r"^#!.*\bbash\s+(?:-\w*l\w*|--login)\b")

FIX = (
    'add `eval "$(conda shell.bash hook)"` (or '
    '`source "$(conda info --base)/etc/profile.d/conda.sh"`) on a line before it'
)
WHY = (
    "a batch job's shell is not interactive and does not read ~/.bashrc, so there "
    "`conda activate` stops with \"Run 'conda init' before 'conda activate'\" "
    "and the job runs without the environment"
)


def check(script: Script) -> list[Finding]:
    if script.kind != "shell":
        return []
    hooked = False
    maybe: list[str] = []  # lines that set conda up on some clusters only
    init_line = 0
    if script.lines and LOGIN_SHEBANG.match(script.lines[0]):
        maybe.append("the `bash -l` shebang (line 1) reads ~/.bash_profile")
    for number, line in enumerate(script.lines, 1):
        parts = shell_parts(line)
        code = code_text(line, parts)
        if not code.strip():
            continue
        for match in ACTIVATE.finditer(code):
            if hooked or not _in_code(parts, match.start(1)):
                continue
            return [_finding(script.name, number, maybe, init_line)]
        if HOOK_EVAL.search(code) or HOOK_SOURCE.search(code):
            hooked = True
        elif CONDA_INIT.search(code):
            init_line = init_line or number
        elif MODULE_CONDA.search(code):
            maybe.append(
                f"`module load` (line {number}) is enough only where the cluster's conda "
                "module also defines conda's shell function"
            )
        elif BASHRC.search(code):
            maybe.append(
                f"`source ~/.bashrc` (line {number}) works only if its conda block runs "
                "in a non-interactive shell (many ~/.bashrc files return early there)"
            )
    return []


def _in_code(parts: list[tuple[str, int, int]], col: int) -> bool:
    return any(kind == CODE and start <= col < end for kind, start, end in parts)


def _finding(name: str, number: int, maybe: list[str], init_line: int) -> Finding:
    message = f"`conda activate` with no conda shell hook before it: {WHY}; {FIX}"
    if init_line:
        message += (
            f" (`conda init` on line {init_line} only edits ~/.bashrc for shells started "
            "later; it does not set up this one)"
        )
    if maybe and not init_line:
        message += " (" + "; ".join(maybe) + ")"
        return Finding(name, number, WARNING, message, "conda-no-hook")
    return Finding(name, number, ERROR, message, "conda-no-hook")

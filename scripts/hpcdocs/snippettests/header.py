"""The `# test:` header of a snippet (snippets/README.md is the spec).

``parse(text, source)`` returns a Header or raises HeaderError naming
``source:line`` and what is wrong. Cross-snippet checks (do the files named in
``with=`` and ``needs=`` exist?) are done by the catalog, which knows them all.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from hpcdocs.slurmspec import FINAL_STATES

# The comment marks of the languages snippets are written in (shell, Python,
# C-like, SQL/Lua, TeX/MATLAB, Fortran, Lisp, batch, HTML/XML, CSS).
COMMENT = r"(?:#|//|--|%|!|;|REM\b|<!--|/\*)"
HEADER_LINE = re.compile(rf"^[ \t]*{COMMENT}[ \t]*test:(.*?)(?:[ \t]*(?:-->|\*/))?[ \t]*$")
COMMENT_LINE = re.compile(rf"^[ \t]*{COMMENT}")
# Whole header lines, to remove them from what readers see (scripts/hooks/render_snippets.py).
HEADER_LINES = re.compile(rf"^[ \t]*{COMMENT}[ \t]*test:.*(?:\n|$)", re.MULTILINE)
RUNS = ("bash", "console", "python", "sbatch", "bsub", "static", "none")
STATES = FINAL_STATES
KEYS = ("run", "expect", "reject", "state", "exit", "timeout", "env", "args", "with", "needs",
        "why", "step-cpus-per-task", "home", "input", "prepare", "requires",
        "cleanup", "task-omp", "task-gpus", "tested-by", "signal-early")  # fmt: skip
FLAGS = ("gpu", "login", "fresh-home")
REPEATABLE = ("expect", "reject", "with", "needs", "home", "requires")
# requires=: command names, looked up on PATH (`apptainer`, `singularity`, `nvcc`).
COMMAND_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
DEFAULT_TIMEOUT = 120
# Which keys make sense for which runs.
ONLY_FOR = {
    "state": ("sbatch", "bsub"),
    "exit": ("bash", "console", "python"),
    "env": ("python", "console"),
    "args": ("bash", "python"),
    "expect": ("bash", "console", "python", "sbatch", "bsub"),
    "reject": ("bash", "console", "python", "sbatch", "bsub"),
    "step-cpus-per-task": ("sbatch",),
    "task-omp": ("sbatch", "bsub"),
    "task-gpus": ("sbatch", "bsub"),
    "input": ("bash", "console", "python"),
    "prepare": ("bash", "console", "python"),
    "requires": ("bash", "console", "python", "sbatch", "bsub"),
    "cleanup": ("bash", "console", "python"),
    "tested-by": ("static",),
    "signal-early": ("sbatch",),
}
# tested-by=: the test that runs a static snippet instead (tests/FILE.py::FUNCTION); the
# coverage test checks the function exists and its module reads the snippet by its path.
TESTED_BY = re.compile(r"^tests/[A-Za-z0-9_/]+\.py::test_[A-Za-z0-9_]+$")


def working_name(entry: str) -> tuple[str, str]:
    """(snippet path, file name in the working directory) of a with= entry.

    "python-jobs/03-sweep.py" is copied as "sweep.py" (the `NN-` step prefix
    dropped, as readers name the file); "python-jobs/04-sweep-job.sh:sweep.sh"
    as "sweep.sh".
    """
    path, _, name = entry.partition(":")
    return path, name or re.sub(r"^[0-9]+-", "", path.rsplit("/", 1)[-1])


class HeaderError(ValueError):
    """A `# test:` header that cannot be used; the message names file:line."""


@dataclass
class Header:
    run: str | None = None  # None: no run= (allowed for a file another snippet's with= names)
    expect: list[str] = field(default_factory=list)
    reject: list[str] = field(default_factory=list)
    state: str = "COMPLETED"
    exit: int = 0
    timeout: int = DEFAULT_TIMEOUT
    gpu: bool = False
    env: str | None = None
    args: list[str] = field(default_factory=list)
    with_: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    why: str | None = None
    step_cpus_per_task: int | None = None  # CPUs each task of every srun step must have
    task_omp: str | None = None  # OMP_NUM_THREADS every srun task starts with ("unset": none)
    task_gpus: int | None = None  # GPUs every srun task is given (CUDA_VISIBLE_DEVICES)
    login: bool = False  # runs on the reader's own computer, against the login node
    fresh_home: bool = False  # runs with a throwaway home of its own (start-up files)
    home: list[tuple[str, str]] = field(default_factory=list)  # (snippet, path in HOME)
    input: str | None = None  # what the reader types (stdin), with \n for Enter
    prepare: str | None = None  # shell commands run first: files the reader already has
    requires: list[str] = field(default_factory=list)  # commands that must be on PATH, else skip
    cleanup: str | None = None  # shell commands run last, pass or fail: undo what prepare= made
    tested_by: str | None = None  # tests/FILE.py::FUNCTION that runs this static snippet instead
    signal_early: str | None = None  # send the job's --signal once its output matches this
    lines: dict[str, int] = field(default_factory=dict)  # key -> line it was given on
    present: bool = False  # the file has at least one `# test:` line


def header_lines(text: str, source: str) -> list[tuple[int, str]]:
    """(line number, text after `test:`) of each header line.

    Header lines sit at the top: after an optional shebang, among comments and
    blank lines, before the first line of code. A `# test:` line further down
    is an error (the site hides it, so a reader would never see the mistake).
    """
    found: list[tuple[int, str]] = []
    in_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADER_LINE.match(line)
        if match:
            if in_code:
                raise HeaderError(
                    f"{source}:{number}: `# test:` line after the first line of code; "
                    "the header goes at the top of the file (after the shebang)"
                )
            found.append((number, match.group(1)))
        elif line.strip() and not COMMENT_LINE.match(line):
            in_code = True
    return found


def parse(text: str, source: str) -> Header:
    header = Header()
    lines = header_lines(text, source)
    header.present = bool(lines)
    for number, body in lines:
        where = f"{source}:{number}"
        try:
            words = shlex.split(body)
        except ValueError as exc:
            raise HeaderError(f"{where}: cannot split the `# test:` line: {exc}") from None
        if not words:
            raise HeaderError(f"{where}: empty `# test:` line")
        for word in words:
            _take(header, word, where, number)
    _check(header, source)
    return header


def _take(header: Header, word: str, where: str, number: int) -> None:
    key, eq, value = word.partition("=")
    if not eq:
        if key not in FLAGS:
            hint = f" (did you mean {key}=...?)" if key in KEYS else ""
            raise HeaderError(f"{where}: unknown flag {key!r}{hint}; flags: {', '.join(FLAGS)}")
        setattr(header, key.replace("-", "_"), True)
        header.lines[key] = number
        return
    if key not in KEYS:
        raise HeaderError(f"{where}: unknown key {key!r}; keys: {', '.join(KEYS)}, flag gpu")
    if key in header.lines and key not in REPEATABLE:
        raise HeaderError(f"{where}: {key}= given twice (first on line {header.lines[key]})")
    header.lines.setdefault(key, number)
    if value == "" and key != "args":
        raise HeaderError(f"{where}: {key}= has no value")
    if key == "run":
        if value not in RUNS:
            raise HeaderError(f"{where}: run={value!r} is not one of {', '.join(RUNS)}")
        header.run = value
    elif key in ("expect", "reject", "signal-early"):
        try:
            re.compile(value, re.MULTILINE)
        except re.error as exc:
            raise HeaderError(
                f"{where}: {key}={value!r} is not a regular expression: {exc}"
            ) from None
        if key == "signal-early":
            header.signal_early = value
        else:
            getattr(header, key).append(value)
    elif key == "state":
        if value not in STATES:
            raise HeaderError(f"{where}: state={value!r} is not one of {', '.join(STATES)}")
        header.state = value
    elif key in ("exit", "timeout"):
        if not value.isdigit() or (key == "timeout" and int(value) == 0):
            raise HeaderError(
                f"{where}: {key}={value!r} must be a whole number of seconds"
                if key == "timeout"
                else f"{where}: exit={value!r} must be 0-255"
            )
        if key == "exit" and int(value) > 255:
            raise HeaderError(f"{where}: exit={value!r} must be 0-255")
        setattr(header, key, int(value))
    elif key == "step-cpus-per-task":
        if not value.isdigit() or int(value) == 0:
            raise HeaderError(
                f"{where}: step-cpus-per-task={value!r} must be a whole number above 0"
            )
        header.step_cpus_per_task = int(value)
    elif key == "task-omp":
        if value != "unset" and (not value.isdigit() or int(value) == 0):
            raise HeaderError(
                f"{where}: task-omp={value!r} must be a whole number above 0, or unset "
                "(no OMP_NUM_THREADS in the tasks' environment)"
            )
        header.task_omp = value
    elif key == "task-gpus":
        if not value.isdigit():
            raise HeaderError(f"{where}: task-gpus={value!r} must be a whole number (0 or more)")
        header.task_gpus = int(value)
    elif key == "args":
        try:
            header.args = shlex.split(value)
        except ValueError as exc:
            raise HeaderError(f"{where}: cannot split args={value!r}: {exc}") from None
    elif key in ("with", "needs"):
        paths = [p.strip() for p in value.split(",") if p.strip()]
        for entry in paths:
            path, _, name = entry.partition(":")
            if path.startswith("/") or ".." in path.split("/"):
                raise HeaderError(f"{where}: {key}={path!r} must be a path inside snippets/")
            if name and (key == "needs" or "/" in name):
                raise HeaderError(f"{where}: {key}={entry!r}: only with= takes :NAME (a file name)")
        getattr(header, "with_" if key == "with" else key).extend(paths)
    elif key == "home":
        path, _, name = value.partition(":")
        if path.startswith("/") or ".." in path.split("/"):
            raise HeaderError(f"{where}: home={path!r} must be a path inside snippets/")
        if not name or name.startswith("/") or ".." in name.split("/"):
            raise HeaderError(
                f"{where}: home={value!r}: give SNIPPET:PATH, PATH relative to the home "
                "directory (e.g. getting-started/04-ssh-config.conf:.ssh/config)"
            )
        header.home.append((path, name))
    elif key == "requires":
        names = [n.strip() for n in value.split(",") if n.strip()]
        for name in names:
            if not COMMAND_NAME.match(name):
                raise HeaderError(
                    f"{where}: requires={name!r} is not a command name (a program looked up "
                    "on PATH, such as apptainer; comma-separated)"
                )
        header.requires.extend(n for n in names if n not in header.requires)
    elif key == "input":
        header.input = value.replace("\\n", "\n")
    elif key == "tested-by":
        if not TESTED_BY.match(value):
            raise HeaderError(
                f"{where}: tested-by={value!r}: give the test that runs this snippet instead, "
                "as tests/FILE.py::test_NAME"
            )
        header.tested_by = value
    else:  # env, why, prepare, cleanup
        setattr(header, key, value)


def _check(header: Header, source: str) -> None:
    """Rules that need the whole header."""
    if not header.present:
        return
    first = min(header.lines.values(), default=1)
    run = header.run
    if run is None:
        for key in ONLY_FOR:
            if key in header.lines:
                raise HeaderError(f"{source}:{header.lines[key]}: {key}= needs a run=")
        return
    if run in ("static", "none") and not header.why:
        raise HeaderError(f"{source}:{header.lines['run']}: run={run} needs why= (the reason)")
    if header.requires and not header.why:
        raise HeaderError(
            f"{source}:{header.lines['requires']}: requires= needs why= (the reason shown "
            "where the command is missing and the snippet is skipped)"
        )
    for key, runs in ONLY_FOR.items():
        if key in header.lines and run not in runs:
            raise HeaderError(
                f"{source}:{header.lines[key]}: {key}= has no effect with run={run} "
                f"(only with run={'/'.join(runs)})"
            )
    for key in ("home", "input"):
        if key in header.lines and not header.login:
            raise HeaderError(
                f"{source}:{header.lines[key]}: {key}= needs the login flag "
                "(it sets up the throwaway home of the reader's computer)"
            )
    for flag in ("login", "fresh-home"):
        if flag in header.lines and run not in ("bash", "console"):
            raise HeaderError(
                f"{source}:{header.lines[flag]}: {flag} works with run=bash or run=console only"
            )
    if header.login and header.fresh_home:
        raise HeaderError(
            f"{source}:{header.lines['fresh-home']}: login snippets have a throwaway home already"
        )
    if header.gpu and run in ("static", "none"):
        raise HeaderError(f"{source}:{header.lines['gpu']}: gpu has no effect with run={run}")
    if run == "none" and (header.with_ or header.needs):
        raise HeaderError(f"{source}:{first}: run=none takes no with= or needs=")

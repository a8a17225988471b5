"""Check every conda command in a file (or a command string) against conda's grammar.

Files: shell scripts and job scripts (every line), console transcripts (the
`$ ` lines), Markdown (fenced bash/sh/console blocks), notebooks (`!conda`
and `%conda` lines) and environment files (`dependencies:` specs). Findings
are reported as ``FILE:LINE: error: ...`` or ``FILE:LINE: warning: ...``.

Beyond the grammar, the checker flags forms that are wrong on a cluster:
`source activate`, `conda activate` in a script before conda's shell
function exists, `conda init` in a script, `tensorflow-gpu`, old
`cudatoolkit` pins, PyTorch's retired conda channel, the `defaults`
channel's licence terms, and create/install without `-y` in a script.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from hpcdocs.snippettests import console

from . import matchspec
from .parser import Parsed, parse
from .shellwords import command_words, logical_lines, split_commands

PLACEHOLDER_RE = re.compile(r"\{\{\s*cluster\.([A-Za-z0-9_.]+)\s*\}\}")
# Commands that run another command given after their own options.
LAUNCHERS = {"srun", "mpirun", "mpiexec", "timeout", "nice", "xargs", "stdbuf"}
# A line (or, in Markdown, the line before a fenced block) with this text is not checked:
# for pages that show a wrong command on purpose.
PRAGMA = "conda-check: ignore"
CUDA_PACKAGES = {
    "cudatoolkit",
    "cuda-toolkit",
    "pytorch-cuda",
    "cudnn",
    "cuda-version",
    "cuda",
    "cuda-nvcc",
    "cuda-runtime",
    "nccl",
}


@dataclass
class Finding:
    path: str
    line: int
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass
class State:
    """What a script has done so far, line by line."""

    interactive: bool
    shell_ready: bool = False  # conda.sh sourced or the shell hook eval'd
    findings: list[Finding] = field(default_factory=list)
    path: str = "<string>"
    commands: int = 0

    def add(self, line: int, level: str, message: str) -> None:
        self.findings.append(Finding(self.path, line, level, message))


def _render(text: str, path: str) -> str:
    """Put the cluster's facts in place of {{ cluster.KEY }}; unknown keys become a word."""
    if not PLACEHOLDER_RE.search(text):
        return text
    try:
        from hpcdocs import facts

        return facts.render(text, path)
    except Exception:
        return PLACEHOLDER_RE.sub("PLACEHOLDER", text)


def _is_conda(word: str) -> bool:
    return word == "conda" or word.endswith("/conda") or word in ("$CONDA_EXE", "${CONDA_EXE}")


def lint_specs(specs: list[matchspec.MatchSpec], state: State, line: int, where: str) -> None:
    """Package choices that are wrong or outdated on a cluster."""
    for spec in specs:
        if spec.name == "tensorflow-gpu":
            state.add(
                line,
                "error",
                f"{where}: tensorflow-gpu is retired (no release after 2.12);"
                " install tensorflow, which finds GPUs by itself",
            )
        if spec.name == "cudatoolkit":
            version = spec.version_spec()
            if version and any(version.matches(v) for v in ("9.2", "10.0", "10.1", "10.2")):
                state.add(
                    line,
                    "warning",
                    f"{where}: '{spec.text}' pins CUDA 10 or older: outdated,"
                    " current GPU drivers and frameworks need CUDA 11.8 or 12.x",
                )
            else:
                state.add(
                    line,
                    "warning",
                    f"{where}: cudatoolkit stops at CUDA 11.8; CUDA 12 on "
                    "conda-forge is cuda-version / cuda-toolkit",
                )
        channel = (spec.channel or "").lower()
        if channel == "defaults":
            state.add(
                line,
                "warning",
                f"{where}: the 'defaults' channel (repo.anaconda.com) needs"
                " a paid licence at many universities; use conda-forge",
            )
        if channel == "pytorch" or spec.name == "pytorch-cuda":
            state.add(
                line,
                "warning",
                f"{where}: PyTorch no longer publishes to its conda channel"
                " (last: 2.5); install PyTorch with pip",
            )


def _lint_command(parsed: Parsed, state: State, line: int) -> None:
    name = parsed.name
    channels = [c.lower() for c in parsed.options.get("--channel") or []]
    if "defaults" in channels:
        state.add(
            line,
            "warning",
            f"conda {name}: '-c defaults' (repo.anaconda.com) needs a paid "
            "licence at many universities; use -c conda-forge",
        )
    if "pytorch" in channels or "nvidia" in channels:
        state.add(
            line,
            "warning",
            f"conda {name}: PyTorch no longer publishes to its conda channel"
            " (last: 2.5); install PyTorch with pip",
        )
    lint_specs(parsed.specs, state, line, f"conda {name}")
    if state.interactive:
        return
    if name in ("activate", "deactivate") and not state.shell_ready:
        state.add(
            line,
            "warning",
            f"conda {name} in a script before conda's shell function exists: "
            "a batch shell does not read ~/.bashrc, so `conda init` does not help; first run "
            'source "$(conda info --base)/etc/profile.d/conda.sh" or '
            'eval "$(conda shell.bash hook)"',
        )
    if name == "init":
        state.add(
            line,
            "warning",
            "conda init in a script edits ~/.bashrc and only affects new "
            "interactive shells; in a script source etc/profile.d/conda.sh instead",
        )
    prompts = name in (
        "create",
        "install",
        "update",
        "upgrade",
        "remove",
        "uninstall",
        "env remove",
        "clean",
    )
    if (
        prompts
        and "--yes" not in parsed.options
        and "--dry-run" not in parsed.options
        and "--help" not in parsed.options
    ):
        state.add(
            line,
            "warning",
            f"conda {name} without -y in a script: conda stops at its 'Proceed ([y]/n)?' question",
        )


def check_words(words: list[str], state: State, line: int) -> Parsed | None:
    """Check one simple command (its words); update the script state."""
    words = command_words(words)
    if not words:
        return None
    if words[0] in LAUNCHERS:  # srun ... conda run -n ml python x.py
        found = [i for i, w in enumerate(words) if _is_conda(w)]
        words = words[found[0] :] if found else []
        if not words:
            return None
    head = words[0]
    if head in ("source", ".") and len(words) > 1:
        target = words[1]
        if target in ("activate", "deactivate"):
            state.add(
                line,
                "error",
                f"'source {target}' is the pre-4.4 form; use "
                f"'conda {target}' after conda's shell function is set up",
            )
        elif target.endswith("etc/profile.d/conda.sh"):
            state.shell_ready = True
        elif (
            target.endswith("/bin/activate")
            and len(words) == 2
            and re.search(r"conda|forge|mamba|anaconda", target)
        ):
            state.shell_ready = True  # conda's own bin/activate also defines the function
        return None
    if not _is_conda(head):
        return None
    state.commands += 1
    parsed = parse(words[1:])
    for message in parsed.errors:
        state.add(line, "error", message)
    for message in parsed.warnings:
        state.add(line, "warning", message)
    if parsed.path[:1] and parsed.path[0].startswith("shell.") and parsed.path[-1] == "hook":
        state.shell_ready = True
    _lint_command(parsed, state, line)
    return parsed


def check_shell_lines(lines: list[tuple[int, str]], state: State) -> None:
    for number, text in logical_lines(lines):
        _check_line(number, text, state)


def _check_line(number: int, text: str, state: State) -> None:
    commands, inner = split_commands(number, text)
    for sub in inner:
        _check_line(number, sub, state)
    for command in commands:
        words = command_words(command.words)
        if words and (_is_conda(words[0]) or words[0] in LAUNCHERS and any(map(_is_conda, words))):
            for bad in command.bad_redirects:
                state.add(
                    number,
                    "error",
                    f"'{bad}': an unquoted > or < in a shell command is a "
                    f'redirection, not a version; quote the spec: "{bad}"',
                )
        check_words(command.words, state, number)


def _console_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The commands of a console transcript (hpcdocs.snippettests.console, the one
    transcript parser): `$ ` lines and their continuations."""
    return console.command_lines(lines)


def _markdown_blocks(lines: list[tuple[int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Fenced blocks, except one after a line with 'conda-check: ignore'."""
    blocks, current, lang, skip, previous = [], None, "", False, ""
    for number, text in lines:
        fence = re.match(r"^\s*(```|~~~)\s*([\w.+-]*)", text)
        if fence and current is None:
            current, lang = [], fence.group(2).lower()
            skip = PRAGMA in previous
            continue
        if fence and current is not None:
            if not skip:
                blocks.append((lang, current))
            current = None
            continue
        if text.strip():
            previous = text
        if current is not None:
            current.append((number, text.strip() if lang == "console" else text))
    return blocks


def _check_environment_file(text: str, path: str, state: State) -> None:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        state.add(mark.line + 1 if mark else 1, "error", f"not valid YAML: {err}")
        return
    if not isinstance(data, dict) or "dependencies" not in data:
        return
    lines = text.splitlines()

    def line_of(word: str) -> int:
        for i, line in enumerate(lines, 1):
            if word in line:
                return i
        return 1

    for channel in data.get("channels") or []:
        if channel == "defaults":
            state.add(
                line_of("defaults"),
                "warning",
                "environment file: the 'defaults' channel "
                "needs a paid licence at many universities; use conda-forge",
            )
        if channel in ("pytorch", "nvidia"):
            state.add(
                line_of(channel),
                "warning",
                "environment file: PyTorch no longer publishes "
                "to its conda channel (last: 2.5); list torch under pip:",
            )
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        state.add(line_of("dependencies"), "error", "environment file: dependencies must be a list")
        return
    for dep in deps:
        if isinstance(dep, dict):
            unknown = set(dep) - {"pip"}
            if unknown:
                state.add(
                    line_of(next(iter(unknown))),
                    "error",
                    f"environment file: unknown dependency section {sorted(unknown)}",
                )
            if "pip" in dep and not any(
                isinstance(d, str) and matchspec_name(d) == "pip" for d in deps
            ):
                state.add(
                    line_of("pip:"),
                    "warning",
                    "environment file: a pip: section without pip in dependencies",
                )
            continue
        where = line_of(str(dep))
        try:
            spec = matchspec.parse(str(dep))
        except matchspec.MatchSpecError as err:
            state.add(where, "error", f"environment file: {err}")
            continue
        lint_specs([spec], state, where, "environment file")


def matchspec_name(text: str) -> str | None:
    try:
        return matchspec.parse(text).name
    except matchspec.MatchSpecError:
        return None


def check_text(
    text: str, path: str = "<string>", kind: str | None = None, interactive: bool | None = None
) -> State:
    """Check the conda commands in text; kind is script, console, markdown, notebook or env."""
    text = _render(text, path)
    lines = list(enumerate(text.splitlines(), 1))
    if kind is None:
        kind = _guess_kind(path, text)
    if interactive is None:
        interactive = kind in ("console", "markdown", "notebook")
    state = State(interactive=interactive, path=path)
    if kind == "env":
        _check_environment_file(text, path, state)
    elif kind == "console":
        check_shell_lines(_console_lines(lines), state)
    elif kind == "markdown":
        for lang, block in _markdown_blocks(lines):
            if lang == "console":
                check_shell_lines(_console_lines(block), state)
            elif lang in ("bash", "sh", "shell", "zsh", ""):
                check_shell_lines(block, state)
    elif kind == "notebook":
        for number, line in _notebook_lines(text):
            check_shell_lines([(number, line)], state)
    else:
        check_shell_lines(lines, state)
    ignored = {number for number, line in lines if PRAGMA in line}
    state.findings = [f for f in state.findings if f.line not in ignored]
    return state


def _notebook_lines(text: str) -> list[tuple[int, str]]:
    """`!conda ...` and `%conda ...` lines of code cells, numbered by cell."""
    try:
        cells = json.loads(text).get("cells", [])
    except json.JSONDecodeError:
        return []
    out = []
    for index, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for line in source.splitlines():
            stripped = line.strip()
            if stripped.startswith(("!", "%conda")):
                out.append((index, stripped.lstrip("!%")))
    return out


def _guess_kind(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower()
    name = Path(path).name.lower()
    if suffix in (".yml", ".yaml") and re.search(r"^dependencies:", text, re.M):
        return "env"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix == ".ipynb":
        return "notebook"
    if suffix in (".py",) or name.endswith((".yml", ".yaml", ".json", ".toml")):
        return "none"
    if re.search(r"^\$ ", text, re.M) or suffix == ".console":
        return "console"
    return "script"


def check_file(path: str | Path) -> State:
    text = Path(path).read_text(encoding="utf-8")
    kind = _guess_kind(str(path), text)
    if kind == "none":
        return State(interactive=True, path=str(path))
    return check_text(text, str(path), kind)

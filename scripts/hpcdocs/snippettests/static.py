"""Checks of a snippet that do not run it: the static tier, done for every snippet.

- shell (.sh): `bash -n`, shellcheck, the job-script checker (lint-jobscript);
- console: the same on the transcript's commands (line numbers kept);
- python: ruff (the project's settings), the job-script checker's character checks;
- yaml: it parses (and conda's grammar when it is an environment file);
- Apptainer definition files (.def): header keys and sections (hpcdocs.lint.deffile),
  and `bash -n` and shellcheck (as /bin/sh) on the shell sections (%post, %runscript, ...);
- conda commands anywhere: conda's grammar (check-conda).

Each check sees the snippet with its `{{ cluster.KEY }}` placeholders rendered,
line for line, and reports ``snippets/PATH:LINE: message``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from hpcdocs import ROOT
from hpcdocs.snippettests import Snippet, console

BIN = Path(sys.executable).parent  # the venv's shellcheck and ruff sit beside its python
# Transcripts are typed line by line: `cd` without `|| exit` and variables set
# for a later command are normal there.
CONSOLE_SHELLCHECK_EXCLUDE = "SC2164,SC2034"
# shellcheck cannot follow `source "$(conda info --base)/..."`: not a fault of the snippet.
SHELLCHECK_EXCLUDE = "SC1090,SC1091"


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def check(snip: Snippet) -> list[str]:
    """Problems found, as `snippets/PATH:LINE: message` lines (empty: all good)."""
    if snip.error:
        return [snip.error]
    if snip.run_mode == "none":
        return []
    text = snip.rendered()  # FactsError (file:line) propagates to the caller
    problems: list[str] = []
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        problems.append(f"{snip.source}:{line}: CRLF line end (save the file with LF)")
    kind = snip.kind
    if kind in ("shell", "console"):
        script = console.script(text) if kind == "console" else text
        problems += bash_n(script, snip.source)
        problems += shellcheck(script, snip.source, console=kind == "console")
    if kind == "python":
        problems += ruff(text, snip.source)
    if kind == "yaml":
        problems += yaml_parses(text, snip.source)
    if kind == "apptainer-def":
        problems += definition_file(text, snip.source)
    if kind in ("shell", "console", "python"):
        problems += jobscript(text, snip.source, kind)
    if kind in ("shell", "console", "yaml"):
        problems += conda(text, snip.source, kind)
    return problems


def _run(argv: list[str], stdin: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60)


def bash_n(script: str, source: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="snippet-") as tmp:
        path = Path(tmp) / Path(source).name
        path.write_text(script, encoding="utf-8")
        done = _run(["bash", "-n", str(path)], "")
    out = done.stdout + done.stderr
    return [line.replace(str(path), source) for line in out.splitlines()] if done.returncode else []


def shellcheck(script: str, source: str, console: bool = False, shell: str = "bash") -> list[str]:
    exclude = SHELLCHECK_EXCLUDE + ("," + CONSOLE_SHELLCHECK_EXCLUDE if console else "")
    argv = [tool("shellcheck"), f"--shell={shell}", "--format=gcc", f"--exclude={exclude}"]
    done = _run([*argv, "-"], script)
    if done.returncode not in (0, 1):
        return [f"{source}:1: shellcheck failed: {done.stderr.strip()}"]
    return [
        source + line[1:] if line.startswith("-:") else line for line in done.stdout.splitlines()
    ]


def ruff(text: str, source: str) -> list[str]:
    argv = [
        tool("ruff"), "check", "--no-cache", "--quiet", "--output-format=concise",
        f"--stdin-filename={source}", "-",
    ]  # fmt: skip
    done = _run(argv, text)
    if done.returncode == 0:
        return []
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return lines or [f"{source}:1: ruff failed (status {done.returncode})"]


def yaml_parses(text: str, source: str) -> list[str]:
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return [f"{source}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]
    return []


def definition_file(text: str, source: str) -> list[str]:
    """An Apptainer definition file: its header and sections (errors fail, warnings are
    shown by lint-jobscript only), then its shell sections, which run with /bin/sh."""
    from hpcdocs.lint import ERROR, deffile

    problems = [str(f) for f in deffile.check(text, source) if f.severity == ERROR]
    script = deffile.script_sections(text)
    if script.strip():
        problems += bash_n(script, source)
        problems += shellcheck(script, source, shell="sh")
    return problems


def jobscript(text: str, source: str, kind: str) -> list[str]:
    """The job-script checker (lint-jobscript): its errors fail, warnings are shown."""
    try:
        from hpcdocs import lint
    except ImportError as exc:
        return [f"{source}:1: the job-script checker (hpcdocs.lint) cannot be imported: {exc}"]
    from hpcdocs import facts

    text = text if text.endswith("\n") else text + "\n"  # a newline tells lint() it is text
    findings = lint.lint(text, facts.load(), name=source, kind=kind)
    return [str(f) for f in findings if f.severity == lint.ERROR]


def conda(text: str, source: str, kind: str) -> list[str]:
    from hpcdocs import condagrammar

    if kind == "yaml" and "dependencies:" not in text:
        return []
    grammar_kind = {"shell": "script", "console": "console", "yaml": "env"}[kind]
    state = condagrammar.check_text(text, source, kind=grammar_kind)
    return [str(f) for f in state.findings if f.level == "error"]


def env_without_venv(env: dict[str, str]) -> dict[str, str]:
    """env with this project's virtualenv taken off PATH (readers do not have it)."""
    venv = str(BIN)
    parts = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv]
    return {**env, "PATH": os.pathsep.join(parts)}

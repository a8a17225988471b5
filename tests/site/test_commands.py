"""The project's commands: one installed package, its entry points, no PYTHONPATH.

Every command a maintainer runs is an entry point of pyproject.toml's
[project.scripts], installed into .venv/bin by the Makefile (editable). The LSF
layer's commands are links to its one dispatcher, and the conda stand-in a link
to its entry point, in directories that hold nothing else (jobs find them on
their PATH, and must not find the project's Python there).
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from hpcdocs import ROOT, command
from hpcdocs.lsf.cli import COMMANDS as LSF_COMMANDS

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SCRIPTS = PROJECT["scripts"]
LSF_BIN = ROOT / "scripts" / "lsf" / "bin"
CONDA_BIN = ROOT / "scripts" / "conda" / "bin"

# Ways a file sets the variable (spelt in two halves, so that this file is not a hit).
VAR = "PYTHON" + "PATH"
SETS_VAR = [
    re.compile(rf"\b{VAR}\s*=(?!=)"),  # shell: VAR=x cmd, export VAR=x; make; f-strings
    re.compile(rf"^\s*{VAR}\s*:", re.M),  # YAML: a workflow's env:
    re.compile(rf"""\[\s*["']{VAR}["']\s*\]\s*=(?!=)"""),  # Python: env["VAR"] = ...
    re.compile(rf"""(setdefault|putenv)\(\s*["']{VAR}["']"""),
    re.compile(rf"""\b{VAR}\s*=\s*["'{{]"""),  # dict(env, VAR="..."), update(VAR=...)
    re.compile(r"^\s*pythonpath\s*=", re.M),  # pytest's ini option
]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_command_answers_help(name):
    path = Path(command(name))
    assert path.is_file(), (
        f"{name} is not installed beside {path.parent / 'python'}: run make (it installs the "
        "project with pip install --no-deps -e .)"
    )
    done = subprocess.run([str(path), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip(), f"{name} --help printed nothing"


def test_every_lsf_command_is_a_link_to_the_one_dispatcher():
    names = sorted(p.name for p in LSF_BIN.iterdir())
    assert names == sorted(LSF_COMMANDS), "scripts/lsf/bin holds exactly the LSF command names"
    assert SCRIPTS["hpcdocs-lsf"] == "hpcdocs.lsf.cli:dispatch"
    for name in LSF_COMMANDS:
        link = LSF_BIN / name
        assert link.is_symlink() and os.readlink(link) == "../../../.venv/bin/hpcdocs-lsf", link
        done = subprocess.run([str(link), "-h"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"usage: {name}" in done.stdout, done.stdout


def test_dispatcher_names_the_command_or_refuses():
    dispatcher = command("hpcdocs-lsf")
    done = subprocess.run([dispatcher, "bjobs", "-h"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "usage: bjobs" in done.stdout, done.stdout + done.stderr
    done = subprocess.run([dispatcher, "bfoo"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "bfoo: not a command of the layer" in done.stderr


def test_conda_standin_is_a_link_and_alone_in_its_bin():
    assert sorted(p.name for p in CONDA_BIN.iterdir()) == ["conda"]
    link = CONDA_BIN / "conda"
    assert link.is_symlink() and os.readlink(link) == "../../../.venv/bin/conda-standin"
    done = subprocess.run([str(link), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "not conda" in done.stdout + done.stderr


def repository_files() -> list[Path]:
    git = ["git", "-C", str(ROOT), "ls-files", "-z", "-co", "--exclude-standard"]
    listed = subprocess.run(git, capture_output=True, check=True, timeout=60).stdout
    return [ROOT / os.fsdecode(name) for name in listed.split(b"\0") if name]


def test_no_file_sets_pythonpath():
    found = []
    for path in repository_files():
        if path.is_symlink() or not path.is_file() or path.suffix in (".ipynb", ".png", ".svg"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for pattern in SETS_VAR:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert not found, f"these set {VAR} (the package is installed: use its commands):\n" + (
        "\n".join(found)
    )


def test_the_check_finds_each_way_of_setting_it():
    """The patterns above catch what they are meant to (so the test above can fail)."""
    samples = [
        f"{VAR}=scripts python -m x",
        f'export {VAR}="$here"',
        f"env:\n  {VAR}: scripts\n",
        f'env["{VAR}"] = "scripts"',
        f"os.environ.setdefault('{VAR}', 'x')",
        f'dict(os.environ, {VAR}="scripts")',
        'pythonpath = ["scripts"]',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in SETS_VAR), sample
    for harmless in (f'env.pop("{VAR}", None)', f"if k not in ('{VAR}',)", f"a == {VAR}"):
        assert not any(p.search(harmless) for p in SETS_VAR), harmless

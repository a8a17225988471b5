"""The pre-commit hook other repositories use (.pre-commit-hooks.yaml)."""

import fnmatch
import importlib
import re
import subprocess
import sys
import tomllib

import yaml
from hpcdocs import ROOT


def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(hooks, list) and [h["id"] for h in hooks] == ["lint-jobscript"]
    return hooks[0]


def test_hook_definition_has_what_pre_commit_needs():
    h = hook()
    assert {"id", "name", "entry", "language"} <= h.keys()
    assert (h["entry"], h["language"]) == ("lint-jobscript", "python")
    assert h["args"] == ["--no-facts"]  # this guide's cluster.yml is not the centre's


def test_pre_commit_accepts_the_manifest():
    out = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_hook_entry_is_an_installed_console_script():
    """pre-commit pip-installs the repository: pyproject.toml must make the entry."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = project["project"]["scripts"][hook()["entry"]]
    module, _, func = target.partition(":")
    assert callable(getattr(importlib.import_module(module), func))
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert any(fnmatch.fnmatchcase("hpcdocs.lint", pattern) for pattern in include), include
    assert "sbatch_options.json" in project["tool"]["setuptools"]["package-data"]["hpcdocs.lint"]


def test_hook_files_pattern_picks_job_scripts():
    files = re.compile(hook()["files"])
    for name in ("jobs/train.sh", "a.slurm", "b.sbatch", "c.lsf", "d.bsub"):
        assert files.search(name), name
    for name in ("README.md", "train.py", "cluster.yml", "job.sh.txt"):
        assert not files.search(name), name


def test_hook_dependencies_are_the_requirements_pins():
    """pip install . (pre-commit) gets the same versions as make's requirements/*.txt."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = {
        line.strip()
        for path in (ROOT / "requirements").glob("*.txt")
        for line in path.read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    }
    assert set(project["project"]["dependencies"]) <= pins, pins

"""The pre-commit hook other repositories use (.pre-commit-hooks.yaml)."""

import fnmatch
import importlib
import os
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


def test_page_config_runs_the_hook_in_another_repository(tmp_path):
    """about-testing/05-pre-commit-config.yml, as a centre's template repository uses it:
    pre-commit clones this guide (here: a local clone of this checkout's HEAD, in place
    of the URL the page leaves to the reader), pip-installs it into its own environment
    and runs lint-jobscript with the page's --facts. A job script asking for a partition
    the facts lack fails the commit; the fixed one passes."""
    from hpcdocs.snippettests import Catalog

    guide = tmp_path / "guide"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "clone", "-q", "--no-local", str(ROOT), str(guide)], check=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=guide, capture_output=True, text=True, check=True
    ).stdout.strip()
    config = yaml.safe_load(Catalog.load()["about-testing/05-pre-commit-config.yml"].rendered())
    (entry,) = config["repos"]
    assert [h["id"] for h in entry["hooks"]] == ["lint-jobscript"], config
    assert entry["hooks"][0]["args"] == ["--facts", "cluster.yml"], config
    entry.update(repo=str(guide), rev=rev)
    centre = tmp_path / "centre"
    centre.mkdir()
    (centre / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (centre / "cluster.yml").write_text((ROOT / "cluster.yml").read_text())
    part = yaml.safe_load((ROOT / "cluster.yml").read_text())["partitions"]["cpu"]["name"]
    job = centre / "job.sh"
    job.write_text(
        "#!/bin/bash\n#SBATCH --partition=no-such-partition\n#SBATCH --time=00:10:00\nhostname\n"
    )
    subprocess.run([*git, "init", "-q"], cwd=centre, check=True)
    subprocess.run([*git, "add", "."], cwd=centre, check=True)
    # the machine's pip settings (index, mirror) as they are; pre-commit's cache of its own
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"))

    def hook_run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files"],
            cwd=centre,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    bad = hook_run()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "job.sh:2:" in bad.stdout and "no-such-partition" in bad.stdout, bad.stdout
    job.write_text(job.read_text().replace("no-such-partition", part))
    good = hook_run()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "lint-jobscript" in good.stdout and "Passed" in good.stdout, good.stdout

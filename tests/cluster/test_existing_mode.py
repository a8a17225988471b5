"""pytest --cluster=existing: the same tests against whatever sbatch is on PATH.

Here "existing" is the test cluster itself, reached only through the
environment a user of a real site would have: the tests that need the test
cluster's internals are skipped, each with its reason. This is what the
on-cluster workflow (.github/workflows/on-cluster.yml, docs/en/on-cluster.md)
runs on a centre's login node, kept from rotting here: the snippet jobs are
submitted with cluster.yml's ci.account, the GPU examples go to the GPU
partition, and the stamp data that run writes names the cluster it ran on.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
import yaml
from hpcdocs import ROOT, existing, facts, tested
from hpcdocs.poll import until
from hpcdocs.snippettests import Catalog
from hpcdocs.snippettests.runner import Runner
from hpcdocs.testcluster.client import Cluster

SNIPPET_JOB = "slurm/03-job.sh"  # an sbatch snippet: job name `demo`, partition debug
GPU_SNIPPET = "pytorch/05-gpu-matmul.py"  # the `gpu` flag: a real GPU only


def run_existing(cluster, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--cluster=existing",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "-W",
            "ignore",
            *args,
        ],  # fmt: skip
        cwd=ROOT,
        env=dict(cluster.env, **(env or {})),
        capture_output=True,
        text=True,
        timeout=600,
    )


def sacct_jobs(cluster, name: str, since: str) -> list[list[str]]:
    """JobID, Account, Partition, State of the jobs called `name` started since `since`
    (waiting until sacct shows one: slurmdbd records a job a moment after it ends)."""

    def rows():
        done = cluster.bash(
            f"sacct -X -n -P -S {since} --name={name} -o JobID,Account,Partition,State", timeout=30
        )
        return [line.split("|") for line in done.stdout.splitlines() if line.strip()]

    return until(rows, 20, f"a job called {name} in sacct since {since}", step=0.5)


@pytest.fixture
def ci_account(cluster):
    """An account of the test cluster besides default_account, that root may use, removed
    afterwards: slurmctld replaces an account without an association by the user's default
    (its log: "has no association for user 0 using default account"), so a made-up name
    would not show in sacct."""
    cluster.require_test_cluster("adds an account to the test cluster's accounting")
    name, where = "ci-check", f"Cluster={facts.get('name')}"
    for args in (f"add account {name} {where}", f"add user root Account={name} {where}"):
        done = cluster.bash(f"sacctmgr -i {args}", timeout=60)
        assert done.returncode == 0 or "already exists" in done.stdout + done.stderr, done
    yield name
    cluster.bash(f"sacctmgr -i delete user root Account={name} {where}", timeout=60)
    cluster.bash(f"sacctmgr -i delete account {name} {where}", timeout=60)


def test_existing_mode_runs_and_skips_with_reasons(cluster, tmp_path):
    cluster.require_test_cluster("points --cluster=existing at the test cluster")
    r = run_existing(
        cluster,
        "tests/cluster/test_environment.py",
        "tests/cluster/test_refusals.py",
        "tests/cluster/test_node_failure.py",
    )
    assert r.returncode == 0, r.stdout[-3000:]
    assert "passed" in r.stdout
    assert "SKIPPED" in r.stdout and "needs the test cluster" in r.stdout, r.stdout[-2000:]


def test_existing_mode_runs_snippet_jobs_with_the_ci_account_and_stamps_the_cluster(
    cluster, tmp_path, ci_account
):
    cluster.require_test_cluster("points --cluster=existing at the test cluster")
    known = yaml.safe_load(facts.FACTS_FILE.read_text(encoding="utf-8"))
    known["ci"] = {"account": ci_account}  # not the default account: seen in sacct below
    facts_file = tmp_path / "cluster.yml"
    facts_file.write_text(yaml.safe_dump(known, allow_unicode=True), encoding="utf-8")
    report_file = tmp_path / "tested.json"
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 2))
    r = run_existing(
        cluster,
        "tests/snippets/test_snippets.py",
        "-k",
        f"test_run and ({SNIPPET_JOB} or {GPU_SNIPPET})",
        env={"HPCDOCS_FACTS": str(facts_file), "HPCDOCS_TESTED": str(report_file)},
    )
    assert r.returncode == 0, r.stdout[-3000:]
    assert re.search(r"1 passed, 1 skipped", r.stdout), r.stdout[-2000:]

    report = json.loads(report_file.read_text(encoding="utf-8"))
    name = existing.cluster_name(lambda cmd, **kw: cluster.bash(cmd, timeout=30))
    assert name, "scontrol show config gave no ClusterName"
    assert report["cluster"] == {
        "kind": "existing",
        "name": name,
        "display_name": known["display_name"],
    }
    assert report["snippets"][SNIPPET_JOB]["parts"]["run"]["outcome"] == "passed"
    gpu = report["snippets"][GPU_SNIPPET]["parts"]["run"]
    gpu_part = known["partitions"]["gpu"]["name"]
    # The probe was a job on the GPU partition, which saw the test cluster's mock GPUs only.
    assert gpu["outcome"] == "skipped"
    assert re.match(rf"no real GPU on partition {gpu_part} \(probe job: node: ", gpu["reason"]), gpu
    assert report["gpus"] == "none"
    assert (
        not (ROOT / "build" / "tested.json").exists()
        or tested.load().get("cluster", {}).get("kind", "test") == "test"
    ), "the existing-mode run wrote into make test's build/tested.json"

    # What Slurm recorded: the snippet's job and the probe were charged to ci.account.
    demo = sacct_jobs(cluster, "demo", since)
    assert demo and all(row[1] == ci_account for row in demo), demo
    probe = sacct_jobs(cluster, existing.PROBE_NAME, since)
    assert probe and all(row[1:3] == [ci_account, gpu_part] for row in probe), probe

    # The stamp the site build makes from that file names the cluster, in both languages.
    en, zh = tested.describe(report, "en"), tested.describe(report, "zh")
    assert en == (
        f"the centre's cluster {known['display_name']['en']} "
        f"(ClusterName {name}, Slurm {report['slurm']}, no real GPU found)"
    )
    assert zh.startswith(f"中心的集群“{known['display_name']['zh']}”（ClusterName {name}，")


def test_existing_mode_sends_gpu_snippets_and_unnamed_partitions_where_the_facts_say(
    cluster, tmp_path
):
    """The runner off the test cluster: a `gpu` snippet runs as a one-GPU job step on
    the GPU partition (the login node has none), and a job script that names no
    partition goes to ci.partition (here debug, not the default partition)."""
    cluster.require_test_cluster("points the existing-mode runner at the test cluster")
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    jobs = site / "snippets" / "ci"
    jobs.mkdir(parents=True)
    (jobs / "01-job.sh").write_text(
        "#!/bin/bash\n# test: run=sbatch expect='^partition=[a-z]+$' timeout=60\n"
        "#SBATCH --job-name=hpcdocs-ci-part\n#SBATCH --time=00:01:00\n"
        'echo "partition=$SLURM_JOB_PARTITION"\n'
    )
    (jobs / "02-gpu.py").write_text(
        "# test: run=python gpu timeout=60\nimport os\n\n"
        'print("on", os.environ.get("SLURM_JOB_PARTITION"), os.environ.get("CUDA_VISIBLE_DEVICES"))\n'
    )
    known = facts.load()
    debug = known["partitions"]["debug"]["name"]
    gpu_part = known["partitions"]["gpu"]["name"]
    assert debug != known["ci"]["partition"], "the test needs ci.partition to change something"
    known = dict(known, ci={"account": known["ci"]["account"], "partition": debug})
    catalog = Catalog.load(site / "snippets", site / "docs")
    real_site = Cluster(env=dict(cluster.env, **existing.ci_env(known)), is_test_cluster=False)
    runner = Runner(catalog, real_site, workroot=tmp_path / "runs", gpu=(True, "as if real"))
    runner._facts = known  # the facts a centre's cluster.yml would give (ci.partition: debug)

    job = runner.outcome(catalog["ci/01-job.sh"])
    assert job.passed, job.reason + "\n" + "\n".join(job.details)
    assert f"SBATCH_PARTITION={debug} sbatch" in job.command
    assert re.search(rf"^partition={debug}$", "\n".join(job.details), re.MULTILINE), job.details

    step = runner.outcome(catalog["ci/02-gpu.py"])
    assert step.passed, step.reason + "\n" + "\n".join(step.details)
    assert step.command.split(" && ", 1)[1].startswith(f"srun --partition={gpu_part} --gres=gpu:1")
    assert f"on {gpu_part} 0" in "\n".join(step.details), step.details

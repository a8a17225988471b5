"""Scripts from the generator page, submitted to the test cluster.

The page (in chromium, as in test_jobgen.py) writes the script; it is submitted
as it is shown (sbatch FILE, or bsub < FILE through the LSF layer), must end
COMPLETED, and the job must have got what was asked: nodes, tasks and CPUs per
task, memory and time from `scontrol show job`, GPUs from CUDA_VISIBLE_DEVICES
in every process, which job_report.py prints.

LSF across several nodes goes through the LSF layer's blaunch (one torchrun per
host, over srun), as templates/05-multi-node.lsf.sh does.
"""

from __future__ import annotations

import re

import pytest
import test_browser
from hpcdocs.snippettests import Catalog
from hpcdocs.snippettests.runner import Runner
from test_browser import Watched
from test_jobgen import Form

# A watched page: test_browser.py's fixture (the browser and the served site: conftest.py).
watched = test_browser.watched

pytestmark = [pytest.mark.browser, pytest.mark.cluster, pytest.mark.slow]

# One write per line: processes on one node share the output file, and with
# PYTHONUNBUFFERED print() writes each argument, separator and newline apart.
REPORT = """\
import os
rank = os.environ.get("RANK", os.environ.get("SLURM_PROCID", "0"))
line = " ".join([
    "report",
    f"node={os.environ.get('SLURMD_NODENAME', '?')}",
    f"rank={rank}",
    f"cpus_per_task={os.environ.get('SLURM_CPUS_PER_TASK', '1')}",
    f"gpus={os.environ.get('CUDA_VISIBLE_DEVICES', '')}",
    f"omp={os.environ.get('OMP_NUM_THREADS', '')}",
])
os.write(1, (line + "\\n").encode())
"""
PROGRAM = "python job_report.py"
ONE = {"partition": "cpu", "time": "00:10:00", "mem": 2, "program": PROGRAM}
GPU = {**ONE, "partition": "gpu"}
# name: choices; chosen to cover single CPU, threads, one GPU, several GPUs,
# several tasks and nodes, and arrays, in Slurm and in LSF.
CASES = {
    "s-serial": {**ONE},
    "s-threads": {**ONE, "cpus": 4, "mem": 8},
    "s-one-gpu": {**GPU, "gpus": 1, "cpus": 4},
    "s-two-gpus": {**GPU, "gpus": 2, "cpus": 2},
    "s-srun-tasks": {**ONE, "tasks": 2, "cpus": 2, "launch": "srun"},
    "s-srun-nodes": {**GPU, "nodes": 2, "tasks": 2, "cpus": 2, "gpus": 2, "launch": "srun"},
    "s-torchrun": {**GPU, "tasks": 2, "cpus": 2, "gpus": 2, "launch": "torchrun"},
    "s-torchrun-nodes": {**GPU, "nodes": 2, "tasks": 2, "cpus": 2, "gpus": 2, "launch": "torchrun"},
    "s-array": {**ONE, "array": "1-3", "arraymax": 2, "params": ""},
    "l-serial": {**ONE, "scheduler": "lsf"},
    "l-threads": {**ONE, "scheduler": "lsf", "cpus": 4, "mem": 8},
    "l-one-gpu": {**GPU, "scheduler": "lsf", "gpus": 1, "cpus": 4},
    "l-two-gpus": {**GPU, "scheduler": "lsf", "gpus": 2, "cpus": 2},
    "l-array": {**ONE, "scheduler": "lsf", "array": "1-3", "arraymax": 2, "params": ""},
    "l-blaunch-nodes": {
        **GPU,
        "scheduler": "lsf",
        "nodes": 2,
        "tasks": 2,
        "cpus": 2,
        "gpus": 2,
        "launch": "blaunch",
    },
}


@pytest.fixture(scope="module")
def torch_env(cluster):
    """The site's `torch` environment, made by its own snippet if the cluster lacks it."""
    cluster.require_test_cluster("submits generated scripts")
    catalog = Catalog.load()
    outcome = Runner(catalog, cluster).outcome(catalog["conda/09-create-torch-env.sh"])
    if outcome.outcome != "passed":
        pytest.fail(f"conda/09-create-torch-env.sh {outcome.outcome}: {outcome.reason}")
    return cluster


@pytest.fixture(scope="module")
def form(browser, server):
    w = Watched(browser, server)
    yield Form(w, server, "en")
    w.close()


def _mb(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]?)", text).groups()
    return float(number) * {"K": 1 / 1024, "": 1, "M": 1, "G": 1024, "T": 1024**2}[unit]


@pytest.mark.parametrize("name", list(CASES))
def test_generated_job_gets_what_was_asked(torch_env, form, tmp_path, name):
    cluster = torch_env
    choices = {"name": name, "scheduler": "slurm", **CASES[name]}
    form.set(choices)
    script = form.script()
    assert script, form.errors()
    (tmp_path / "job.sh").write_text(script)
    (tmp_path / "job_report.py").write_text(REPORT)
    if choices["scheduler"] == "lsf":
        r = cluster.bash("bsub < job.sh", cwd=tmp_path, timeout=60)
        assert r.returncode == 0, r.stderr
        jobid = re.search(r"Job <(\d+)>", r.stdout).group(1)
    else:
        jobid = cluster.sbatch("job.sh", cwd=tmp_path)
    state = cluster.wait_job(jobid, timeout=400)
    outputs = sorted(p for p in tmp_path.iterdir() if p.name not in ("job.sh", "job_report.py"))
    text = "\n".join(p.read_text(errors="replace") for p in outputs)
    assert state == "COMPLETED", f"{state}\n{script}\n{text}"

    nodes, tasks = int(choices.get("nodes", 1)), int(choices.get("tasks", 1))
    cpus, gpus = int(choices.get("cpus", 1)), int(choices.get("gpus", 0))
    launch = choices.get("launch", "none")
    array = 3 if choices.get("array") else 1
    reports = re.findall(
        r"^report node=(\S+) rank=(\d+) cpus_per_task=(\d+) gpus=(\S*) omp=(\S*)$", text, re.M
    )
    # One report per process: torchrun starts `tasks` per node itself.
    assert len(reports) == nodes * tasks * array, text
    if array == 1:
        assert len({r[0] for r in reports}) == nodes, text
    slurm_tasks = nodes if launch == "torchrun" else nodes * tasks
    slurm_cpus = cpus * tasks if launch == "torchrun" else cpus
    for _node, _rank, cpus_per_task, visible, omp in reports:
        assert len([g for g in visible.split(",") if g]) == gpus, text
        assert omp == str(cpus), text  # as many threads as cores per process
        if choices["scheduler"] == "slurm":
            assert cpus_per_task == str(slurm_cpus), text

    job = cluster.bash(f"scontrol show job {jobid}").stdout
    if array > 1:
        assert len(re.findall(r"JobState=COMPLETED", job)) == array, job
    first = job.split("\n\n")[0]
    fields = dict(re.findall(r"(\S+?)=(\S*)", first))
    assert fields["NumNodes"] == str(nodes), first
    if choices["scheduler"] == "slurm":
        assert fields["NumTasks"] == str(slurm_tasks), first
        assert fields["CPUs/Task"] == str(slurm_cpus), first
    else:  # LSF: -n slots; the layer asks Slurm for them as tasks or as CPUs of one task
        total = int(fields["NumTasks"]) * int(fields["CPUs/Task"])
        assert total == nodes * tasks * cpus, first
    assert fields["TimeLimit"] == choices["time"], first
    if "MinMemoryNode" in fields:
        assert _mb(fields["MinMemoryNode"]) == choices["mem"] * 1024, first
    else:
        per_cpu = _mb(fields["MinMemoryCPU"])
        assert per_cpu * tasks * cpus == pytest.approx(choices["mem"] * 1024, rel=0.01), first
    if gpus:
        assert re.search(rf"gres/gpu[^=]*={gpus * nodes}\b", first), first


def test_enough_cases_are_submitted():
    assert len(CASES) >= 12
    assert {n[0] for n in CASES} == {"s", "l"}

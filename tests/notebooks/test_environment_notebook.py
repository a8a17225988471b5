"""01-environment: its srun cell does what its text says, in and outside a job (no cluster).

On a login node a kernel is in no job, and srun asks Slurm for a new job. In
Jupyter started by a job on a compute node, SLURM_JOB_ID is set and srun runs a
step of that job, with only what the job has: --partition and --gres there
would not do what the text promises. The cell is run here with a stand-in for
its `run` helper, so that each case is checked without a cluster.
"""

import os

import nbformat
import pytest
from hpcdocs import ROOT

NOTEBOOKS = {lang: ROOT / "notebooks" / lang / "01-environment.ipynb" for lang in ("zh", "en")}
# What each language's text must say about the two cases.
CASES = {
    "zh": {"login": ("不在作业里", "新作业"), "job": ("已经在作业里", "作业步", "SLURM_JOB_ID")},
    "en": {
        "login": ("Not inside a job", "new job"),
        "job": ("inside a job", "job step", "SLURM_JOB_ID"),
    },
}


def srun_cell(nb) -> int:
    found = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and '"srun"' in c.source]
    assert len(found) == 1, "expected one code cell that runs srun"
    return found[0]


def run_cell(source: str, monkeypatch, job_id: str | None) -> list[tuple]:
    """Execute the cell with `run` recording its commands; return them."""
    if job_id is None:
        monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    else:
        monkeypatch.setenv("SLURM_JOB_ID", job_id)
    calls = []
    namespace = {
        "os": os,
        "gpu_partitions": ["gpu"],
        "run": lambda *cmd: calls.append(cmd) or "",
    }
    exec(compile(source, "01-environment.ipynb:srun-cell", "exec"), namespace)
    return calls


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_srun_outside_a_job_asks_for_a_new_job_on_a_gpu_partition(lang, monkeypatch):
    nb = nbformat.read(NOTEBOOKS[lang], as_version=4)
    (cmd,) = run_cell(nb.cells[srun_cell(nb)].source, monkeypatch, None)
    assert cmd[0] == "srun"
    assert "--partition=gpu" in cmd and "--gres=gpu:1" in cmd


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_srun_inside_a_job_runs_a_step_with_the_jobs_own_resources(lang, monkeypatch):
    nb = nbformat.read(NOTEBOOKS[lang], as_version=4)
    (cmd,) = run_cell(nb.cells[srun_cell(nb)].source, monkeypatch, "4242")
    assert cmd[0] == "srun"
    assert not any(arg.startswith(("--partition", "--gres", "--gpus")) for arg in cmd), cmd


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_says_what_srun_does_on_a_login_node_and_inside_a_job(lang):
    nb = nbformat.read(NOTEBOOKS[lang], as_version=4)
    before = nb.cells[srun_cell(nb) - 1]
    assert before.cell_type == "markdown"
    for case, words in CASES[lang].items():
        for word in words:
            assert word in before.source, f"{lang}: the {case} case does not say {word!r}"
    # the introduction promises no job on the GPU partition unconditionally
    intro = nb.cells[0].source
    assert "GPU 分区上启动" not in intro and "tiny job on the GPU partition" not in intro
    assert ("计算节点" in intro) if lang == "zh" else ("compute node" in intro)

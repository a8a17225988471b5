"""Run every notebook against the test cluster and compare with its stored outputs.

Each notebook runs under nbval (`pytest --nbval`) in a subprocess whose environment
is the cluster's (sbatch, srun, squeue, sacct on PATH), with the sanitizers of
sanitize.cfg for what legitimately varies. A failure shows nbval's report: the
cell, the stored output and the new one. Refresh stored outputs with
regen-notebooks after a deliberate change.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hpcdocs import ROOT
from hpcdocs.notebooks import CELL_TIMEOUT, SANITIZE_CFG, kernel_env

SANITIZE = SANITIZE_CFG
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def notebook_env(cluster) -> dict:
    """The cluster's environment, with this Python first on PATH and one thread per job."""
    return kernel_env(cluster.env)


def nbval(path: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(path),
        "--nbval",
        "--nbval-current-env",
        f"--nbval-sanitize-with={SANITIZE}",
        f"--nbval-cell-timeout={CELL_TIMEOUT}",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:nb_regression",
        # a notebook's cells run in their order: never shuffled (pytest-randomly), never
        # spread over workers (xdist)
        "-p",
        "no:randomly",
        "-p",
        "no:xdist",
        "-o",
        "addopts=",
        "--rootdir",
        str(ROOT),
        "-q",
        *extra,
    ]
    return subprocess.run(
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=CELL_TIMEOUT * 4
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_runs_and_matches_its_stored_outputs(path, cluster):
    if "environment" in path.name:  # runs a job on a GPU partition
        cluster.require_partition("gpu")
    start = time.perf_counter()
    r = nbval(path, notebook_env(cluster))
    seconds = time.perf_counter() - start
    print(f"{path.relative_to(ROOT)}: {seconds:.1f} s")
    assert r.returncode == 0, (
        f"{path.relative_to(ROOT)}: nbval failed after {seconds:.0f} s "
        f"(rerun regen-notebooks if the change is deliberate):\n"
        f"{r.stdout[-12000:]}{r.stderr[-3000:]}"
    )


@pytest.mark.gpu
@pytest.mark.slow
def test_gpu_path_runs_on_a_real_gpu(cluster):
    """Where a CUDA GPU exists, the notebooks' GPU branches really run on it."""
    probe = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if probe.stdout.strip() != "True":
        pytest.skip("no CUDA GPU visible to PyTorch on this machine")
    import nbformat
    from nbclient import NotebookClient

    env = notebook_env(cluster)
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        printed = {}
        for name in ("01-environment", "02-digits-cnn"):
            nb = nbformat.read(ROOT / "notebooks" / "en" / f"{name}.ipynb", as_version=4)
            NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3").execute()
            printed[name] = "".join(
                o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
            )
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert "agrees with the CPU" in printed["01-environment"], printed["01-environment"]
    assert "device: cuda" in printed["02-digits-cnn"], printed["02-digits-cnn"]


# (printed now, stored before, should nbval accept it?)
SANITIZER_CASES = {
    "job-id": ("submitted job 123", "submitted job 4567", True),
    "node": ("job 12 running on gn01", "job 9 running on cn02", True),
    "loss": ("epoch  5: loss 0.2000", "epoch  5: loss 0.1999", True),
    "parameters": ("9802 parameters", "9803 parameters", False),
    "state": ("12_0 COMPLETED", "12_0 FAILED", False),
    "epoch": ("epoch  5: loss 0.2000", "epoch 10: loss 0.2000", False),
}


@pytest.mark.slow
def test_sanitizers_hide_only_what_varies(tmp_path):
    """Sanitized differences pass; any other change of a stored output fails."""
    import nbformat

    for name, (printed, stored, _) in SANITIZER_CASES.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        cell = nbformat.v4.new_code_cell(f"print({printed!r})", execution_count=1)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored + "\n")]
        nb.cells.append(cell)
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    r = nbval(tmp_path, env, "-rA")
    for name, (printed, stored, accepted) in SANITIZER_CASES.items():
        outcome = "PASSED" if accepted else "FAILED"
        assert f"{outcome} {name}.ipynb::" in r.stdout, (
            f"{name}: stored {stored!r}, printed {printed!r}: expected nbval to say "
            f"{outcome}:\n{r.stdout[-6000:]}"
        )

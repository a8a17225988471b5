"""environment-modules: the modulefiles cluster.yml names, in shells, batch jobs and srun."""

from __future__ import annotations

from hpcdocs import ROOT, facts


def test_module_avail_lists_every_module_of_the_facts(cluster):
    r = cluster.bash("module -t avail 2>&1")
    assert r.returncode == 0, r.stderr
    for name in facts.get("modules").values():
        assert name in r.stdout, (name, r.stdout)


def test_conda_module_puts_the_conda_standin_on_path(cluster):
    cluster.require_test_cluster("the test cluster's conda stand-in")
    name = facts.get("modules.conda")
    r = cluster.bash(f'module load {name} && echo "$PATH" && echo "$CONDA_ENVS_PATH"')
    assert r.returncode == 0, r.stderr
    path, envs = r.stdout.splitlines()
    assert path.split(":")[0] == str(ROOT / "scripts" / "conda" / "bin")
    assert envs.endswith("conda/envs")


def test_cuda_module_says_it_is_a_mock(cluster):
    cluster.require_test_cluster("the mock CUDA module")
    name = facts.get("modules.cuda")
    r = cluster.bash(f"module whatis {name} 2>&1")
    assert "MOCK" in r.stdout, r.stdout
    r = cluster.bash(f'module load {name} && test -d "$CUDA_HOME" && echo $CUDA_HOME')
    assert r.returncode == 0 and r.stdout.strip(), r.stderr


def test_module_works_in_batch_jobs_and_srun(cluster, tmp_path):
    name = facts.get("modules.gcc")
    out = tmp_path / "job.out"
    script = f"#!/bin/bash\nmodule load {name}\nmodule -t list 2>&1\nsrun bash -c 'module -t list 2>&1'\n"
    r = cluster.bash(f"sbatch --parsable -o {out}", input=script)
    assert r.returncode == 0, r.stderr
    assert cluster.wait_job(r.stdout.strip()) == "COMPLETED", out.read_text()
    assert out.read_text().count(name) == 2, out.read_text()

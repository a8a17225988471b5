"""Batch jobs, srun, arrays, dependencies and GPUs."""

from __future__ import annotations

from hpcdocs import facts


def gpu_partition(cluster) -> dict:
    spec = facts.get("partitions.gpu")
    cluster.require_partition(spec["name"])
    return spec


def srun_gpus(cluster, spec: dict, options: str, shown: str = "$CUDA_VISIBLE_DEVICES"):
    """`srun -p GPU_PARTITION OPTIONS`: each task echoes SHOWN."""
    return cluster.bash(f"srun -p {spec['name']} {options} bash -c 'echo {shown}'")


def test_batch_job_runs_and_writes_its_output(cluster, tmp_path):
    out = tmp_path / "out.txt"
    jobid = cluster.sbatch(f"-o {out} --wrap 'echo hello from $(hostname) job $SLURM_JOB_ID'")
    assert cluster.wait_job(jobid) == "COMPLETED"
    words = out.read_text().split()
    assert words[:2] == ["hello", "from"] and words[-1] == jobid


def test_failed_job_is_failed_with_its_exit_code(cluster):
    jobid = cluster.sbatch("-o /dev/null --wrap 'exit 3'")
    assert cluster.wait_job(jobid) == "FAILED"
    r = cluster.bash(f"sacct -n -X -P -o ExitCode -j {jobid}")
    assert r.stdout.strip() == "3:0", r.stdout


def test_srun_across_two_nodes(cluster):
    r = cluster.bash("srun -N2 --ntasks-per-node=2 bash -c 'echo $(hostname):$SLURM_PROCID'")
    assert r.returncode == 0, r.stderr
    lines = sorted(r.stdout.split())
    assert len(lines) == 4
    assert len({line.split(":")[0] for line in lines}) == 2
    assert sorted(line.split(":")[1] for line in lines) == ["0", "1", "2", "3"]


def test_job_array_runs_every_task(cluster, tmp_path):
    jobid = cluster.sbatch(
        f"--array=1-4 -o {tmp_path}/a-%A_%a.out "
        "--wrap 'echo task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_JOB_ID'"
    )
    assert cluster.wait_job(jobid) == "COMPLETED"
    outs = sorted(p.read_text().split()[1] for p in tmp_path.glob("a-*.out"))
    assert outs == ["1", "2", "3", "4"]


def test_dependencies_afterok_and_afternotok(cluster, tmp_path):
    first = cluster.sbatch("-o /dev/null --wrap 'sleep 1; exit 1'")
    ok = cluster.sbatch(f"-o /dev/null --dependency=afterok:{first} --wrap true")
    notok = cluster.sbatch(f"-o {tmp_path}/n.out --dependency=afternotok:{first} --wrap 'echo ran'")
    r = cluster.bash(f"squeue -h -j {ok} -o %r")
    assert r.stdout.strip() == "Dependency", r.stdout
    assert cluster.wait_job(first) == "FAILED"
    assert cluster.wait_job(notok) == "COMPLETED"
    assert (tmp_path / "n.out").read_text().strip() == "ran"
    # afterok can never be satisfied now: the job stays pending (DependencyNeverSatisfied)
    # unless the site cancels such jobs (kill_invalid_depend).
    r = cluster.bash(f"squeue -h -j {ok} -o '%T %r'")
    if r.stdout.strip():
        assert "DependencyNeverSatisfied" in r.stdout, r.stdout
        cluster.bash(f"scancel {ok}")
    else:
        assert cluster.wait_job(ok) == "CANCELLED"


def test_gres_gpu_sets_cuda_visible_devices(cluster):
    """Numbered from 0 whichever of the node's GPUs the job got (as with a real
    site's ConstrainDevices), also while other jobs hold some."""
    spec = gpu_partition(cluster)
    r = srun_gpus(cluster, spec, "--gres=gpu:2")
    assert r.stdout.strip() == "0,1", r.stderr
    r = srun_gpus(cluster, spec, f"--gres=gpu:{spec['gpu_type']}:1")
    assert r.stdout.strip() == "0", r.stderr


def test_gpus_and_gpus_per_node(cluster):
    spec = gpu_partition(cluster)
    # --gpus is the job's total: without --nodes=1 Slurm may split it over
    # two nodes ("0,1" and "0") when another job holds a node's GPUs.
    r = srun_gpus(cluster, spec, "--nodes=1 --gpus=3")
    assert r.stdout.strip() == "0,1,2", r.stderr
    r = srun_gpus(cluster, spec, "-N2 --gpus-per-node=2", "$(hostname) $CUDA_VISIBLE_DEVICES")
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all(line.endswith(" 0,1") for line in lines), r.stderr


def test_nvidia_smi_lists_the_allocated_mock_gpus(cluster):
    cluster.require_test_cluster("the stand-in nvidia-smi")
    spec = gpu_partition(cluster)
    r = cluster.bash(f"srun -p {spec['name']} --gres=gpu:2 nvidia-smi -L")
    lines = r.stdout.splitlines()
    assert len(lines) == 2, r.stdout + r.stderr
    assert all(spec["gpu_type"].upper() in line and "MOCK" in line for line in lines)
    r = cluster.bash(f"srun -p {spec['name']} --gres=gpu:1 nvidia-smi")
    assert "mock" in r.stdout.lower()
    cpu = facts.get("partitions.cpu.name")
    r = cluster.bash(f"srun -p {cpu} bash -c 'command -v nvidia-smi || echo none'")
    assert r.stdout.strip() == "none"  # only GPU nodes have it, as on a real site

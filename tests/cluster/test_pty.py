"""`srun --pty bash -i` and `bsub -Is bash` on a pseudo-terminal, as a person at a keyboard."""

from __future__ import annotations

import os
import re

from hpcdocs import facts
from ptyshell import run_on_pty


def test_interactive_shell_on_a_compute_node(cluster):
    rc, text = run_on_pty(
        "srun --pty -N1 bash --norc -i",
        cluster.env,
        b"echo node=$(hostname) job=$SLURM_JOB_ID tty=$(tty)\nexit\n",
    )
    assert rc == 0, text
    line = next(ln for ln in text.splitlines() if "node=" in ln and "$(" not in ln)
    node = line.split("node=")[1].split()[0]
    assert node and node != os.uname().nodename or not cluster.is_test_cluster, text
    assert line.split("job=")[1].split()[0].isdigit(), text
    assert "tty=/dev/" in line, text


def test_bsub_is_shell_on_a_compute_node(cluster, tmp_path):
    """The page's bsub -Is bash (templates/07-interactive.lsf.console; the LSF layer:
    salloc + srun --pty), typed at a terminal."""
    cluster.require_test_cluster("the LSF layer drives the test cluster's Slurm")
    gpu = facts.get("partitions.gpu.name")
    cluster.require_partition(gpu)
    rc, text = run_on_pty(
        f"cd {tmp_path} && bsub -Is -q {gpu} -gpu 'num=1' -n 4 -R 'span[hosts=1]' -W 1:00 "
        "bash --norc -i",
        cluster.env,
        b"echo node=$(hostname) job=$LSB_JOBID slurm=$SLURM_JOB_ID n=$LSB_DJOB_NUMPROC"
        b" gpus=$CUDA_VISIBLE_DEVICES tty=$(tty)\n"
        b"blaunch -n 'echo task on $(hostname)'\n"
        b"exit\n",
    )
    assert rc == 0, text
    job = re.search(rf"Job <(\d+)> is submitted to queue <{gpu}>\.", text)
    assert job and "<<Starting on " in text, text
    line = next(ln for ln in text.splitlines() if "node=" in ln and "$(" not in ln)
    node = line.split("node=")[1].split()[0]
    assert re.fullmatch(rf"{facts.get('partitions.gpu.node_prefix')}\d+", node), text
    assert f"job={job.group(1)} slurm={job.group(1)} n=4 gpus=0 " in line, text
    assert re.search(r"tty=/dev/pts/\d+", line), text
    # blaunch in the interactive job: one task per slot, all on the job's one host
    tasks = [ln.strip() for ln in text.splitlines() if ln.startswith("task on ")]
    assert tasks == [f"task on {node}"] * 4, text
    assert cluster.wait_job(job.group(1), 30) == "COMPLETED"

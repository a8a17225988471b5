"""`srun --pty bash -i`, driven through a pseudo-terminal like a person at a keyboard."""

from __future__ import annotations

import os

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

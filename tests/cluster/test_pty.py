"""`srun --pty bash -i`, driven through a pseudo-terminal like a person at a keyboard."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time


def test_interactive_shell_on_a_compute_node(cluster):
    main, child = pty.openpty()
    proc = subprocess.Popen(
        ["bash", "-c", "srun --pty -N1 bash --norc -i"],
        env=cluster.env,
        stdin=child,
        stdout=child,
        stderr=child,
        start_new_session=True,
    )
    os.close(child)
    seen = b""

    def read_until(marker: bytes, timeout: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(main, 4096)
                except OSError:  # the pty closed: srun has ended
                    break

    try:
        os.write(main, b"echo node=$(hostname) job=$SLURM_JOB_ID tty=$(tty)\n")
        read_until(b"tty=/dev/")
        os.write(main, b"exit\n")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    text = seen.decode(errors="replace")
    line = next(ln for ln in text.splitlines() if "node=" in ln and "$(" not in ln)
    node = line.split("node=")[1].split()[0]
    assert node and node != os.uname().nodename or not cluster.is_test_cluster, text
    assert line.split("job=")[1].split()[0].isdigit(), text

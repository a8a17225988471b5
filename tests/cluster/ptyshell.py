"""Run a command on a pseudo-terminal, as a person at a keyboard would."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time


def run_on_pty(command: str, env: dict, keys: bytes, timeout: float = 60) -> tuple[int, str]:
    """Start `bash -c command` with a pseudo-terminal as stdin, stdout and stderr,
    type `keys` (typed ahead, as a fast typist would), and read what it prints
    until it exits. Return (exit status, the terminal's text)."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        ["bash", "-c", command],
        env=env,
        stdin=child,
        stdout=child,
        stderr=child,
        start_new_session=True,
    )
    os.close(child)
    seen = b""

    def read(wait: float) -> bool:
        nonlocal seen
        ready, _, _ = select.select([main], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the pty closed: the command has ended
            return False
        seen += chunk
        return bool(chunk)

    try:
        os.write(main, keys)
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            read(0.2)
        while read(0.1):  # what it printed just before it exited
            pass
        return proc.wait(timeout=30), seen.decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)

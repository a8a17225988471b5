"""Starting, finding and stopping the test cluster's own processes.

Every daemon is started with TESTCLUSTER_DAEMON=<state dir> in its environment.
slurmstepd clears its environment, but keeps its node's log file (in the state
directory) open. That marker, read from /proc, is how this module finds the
processes it owns: never by name alone, so nothing else on the
machine (another test cluster, a system daemon) is touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL, STDOUT

MARKER = "TESTCLUSTER_DAEMON"


@dataclass
class Proc:
    pid: int
    comm: str  # process name: munged, mariadbd, slurmctld, slurmd, slurmstepd, ...
    argv: list[str]

    @property
    def node(self) -> str | None:
        """The node name of a slurmd (its -N argument)."""
        if "-N" in self.argv:
            i = self.argv.index("-N")
            return self.argv[i + 1] if i + 1 < len(self.argv) else None
        return None


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def ours(state: Path) -> list[Proc]:
    """Live processes carrying this state directory's marker."""
    tag = f"{MARKER}={state}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        if tag not in _read(f"/proc/{entry}/environ").split(b"\0") and not _stepd_of(entry, state):
            continue
        stat = _read(f"/proc/{entry}/stat")
        if not stat or stat.rsplit(b")", 1)[-1].split()[0] == b"Z":
            continue  # gone, or a zombie
        comm = _read(f"/proc/{entry}/comm").decode().strip()
        argv = [a.decode(errors="replace") for a in _read(f"/proc/{entry}/cmdline").split(b"\0")]
        found.append(Proc(int(entry), comm, [a for a in argv if a]))
    return found


def _stepd_of(pid: str, state: Path) -> bool:
    """A slurmstepd clears its environment, but keeps its node's log open."""
    if _read(f"/proc/{pid}/comm").strip() != b"slurmstepd":
        return False
    prefix = f"{state}/"
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(prefix):
                return True
        except OSError:
            pass
    return False


def descendants(pids: set[int]) -> set[int]:
    """All processes below the given ones (the jobs a slurmstepd runs)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if stat:
                ppid = int(stat.rsplit(b")", 1)[-1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
    out: set[int] = set()
    todo = list(pids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    return bool(stat) and stat.rsplit(b")", 1)[-1].split()[0] != b"Z"


def signal_all(pids, sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def stop(pids, grace: float = 10.0) -> None:
    """SIGTERM, wait up to grace seconds, then SIGKILL what is left."""
    pids = set(pids)
    signal_all(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        pids = {p for p in pids if alive(p)}
        if not pids:
            return
        time.sleep(0.02)
    signal_all(pids, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while pids and time.monotonic() < deadline:
        pids = {p for p in pids if alive(p)}
        time.sleep(0.02)


@dataclass
class Daemon:
    """A daemon this run of `up` started (in the foreground, as our child)."""

    name: str
    popen: subprocess.Popen
    stderr: Path
    log: Path

    def failed(self) -> bool:
        return self.popen.poll() is not None

    def error_text(self, lines: int = 15) -> str:
        """The daemon's own error: the end of its stderr or of its log, whichever
        mentions an error (mariadbd writes its errors to the log only)."""
        tails = []
        for path in (self.stderr, self.log):
            text = _read(str(path)).decode(errors="replace").strip()
            if text:
                tails.append("\n".join(text.splitlines()[-lines:]))
        for tail in tails:
            if "error" in tail.lower() or "fatal" in tail.lower():
                return tail
        return tails[0] if tails else "(no output)"


def start(name: str, argv: list[str], state: Path, log: Path, env: dict | None = None) -> Daemon:
    """Start argv in its own session, stdout/stderr to log/<name>.stderr."""
    full_env = dict(os.environ if env is None else env)
    full_env[MARKER] = str(state)
    stderr = log.parent / f"{name}.stderr"
    with open(stderr, "wb") as err:
        popen = subprocess.Popen(
            argv, stdin=DEVNULL, stdout=err, stderr=STDOUT, env=full_env, start_new_session=True
        )
    return Daemon(name, popen, stderr, log)


def port_open(addr: str, port: int) -> bool:
    try:
        with socket.create_connection((addr, port), timeout=0.2):
            return True
    except OSError:
        return False


def port_free(addr: str, port: int) -> bool:
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def socket_open(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(0.2)
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()

"""The reader's own computer, for snippets with the `login` flag.

Such a snippet (ssh, ssh-keygen, ssh-copy-id, scp, rsync to `hpc:`) is typed
on the reader's laptop and talks to the login node. Here it runs as a local
client of the test cluster's login node (hpcdocs.testcluster.login) in a
throwaway home: OpenSSH takes ~/.ssh from the passwd entry, not from $HOME,
so each command runs in a mount namespace of its own in which the throwaway
directory is mounted over this user's home directory (/root). The machine's
own ~/.ssh is never read or written.

One throwaway home per test session (one Runner): the login snippets are the
steps of one reader's first day (make a key, copy it, use it), ordered by
needs=. It starts with only ~/.ssh/known_hosts, seeded from the login node's
host key (the reader would confirm the fingerprint at the first login). The
reader at the keyboard is played by an SSH_ASKPASS program: the test user's
password at a password prompt, Enter (nothing) at any other.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import tempfile
import time
from pathlib import Path

from hpcdocs.testcluster import login
from hpcdocs.testcluster.plan import Plan

ASKPASS = """#!/bin/sh
# The reader at the keyboard: the password at a password prompt, Enter at any other.
case "$1" in
  *password:*) cat {password} ;;
  *) echo ;;
esac
"""


def home_mountpoint() -> str:
    """This user's home directory as the passwd entry has it (what OpenSSH uses)."""
    return pwd.getpwuid(os.getuid()).pw_dir


def in_home(home: Path, argv: list[str], extra: str = "") -> list[str]:
    """argv run in a mount namespace of its own in which home is mounted over this
    user's home directory (extra: more shell commands, run first, in the namespace)."""
    script = f'mount --bind "$0" "$1" && {extra}shift && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "bash", "-c", script,
            str(home), home_mountpoint(), *argv]  # fmt: skip


def file_size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0


def read_from(path: Path, offset: int) -> str:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read().decode(errors="replace")


class Laptop:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.root = Path(tempfile.mkdtemp(prefix="hpcdocs-laptop."))
        self.home = self.root / "home"
        self.ssh = self.home / ".ssh"
        self.ssh.mkdir(parents=True, mode=0o700)
        (self.ssh / "known_hosts").write_text(login.known_hosts_line(plan))
        self.askpass = self.root / "askpass"
        self.askpass.write_text(ASKPASS.format(password=shlex.quote(str(login.PASSWORD_FILE))))
        self.askpass.chmod(0o700)
        self.namespaces = self.root / "namespaces"  # one line per command run: its mount ns
        self.mountpoint = home_mountpoint()
        # Where the login node cannot have port 22 (this machine's own sshd has it), the
        # laptop's machine-wide ssh_config says which port it has: a reader needs no Port.
        self.ssh_config = None
        if login.port(plan) != 22:
            system = Path("/etc/ssh/ssh_config")
            self.ssh_config = self.root / "ssh_config"
            self.ssh_config.write_text(
                f"# The test login node listens on port {login.port(plan)} (22 is taken here).\n"
                f"Match host {login.host(plan)}\n    Port {login.port(plan)}\n\nHost *\n"
                + (system.read_text() if system.exists() else "")
            )

    def install(self, relpath: str, text: str) -> Path:
        """A file the reader has in their home (a snippet, home=SNIPPET:PATH)."""
        path = self.home / relpath
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        return path

    def wrap(self, argv: list[str]) -> list[str]:
        """argv run with the throwaway home mounted over this user's home."""
        extra = f"readlink /proc/self/ns/mnt >> {shlex.quote(str(self.namespaces))} && "
        if self.ssh_config:
            extra += f"mount --bind {shlex.quote(str(self.ssh_config))} /etc/ssh/ssh_config && "
        return in_home(self.home, argv, extra)

    def env(self, base: dict) -> dict:
        env = dict(base, HOME=self.mountpoint, SSH_ASKPASS=str(self.askpass))
        env["SSH_ASKPASS_REQUIRE"] = "force"
        env.pop("SSH_AUTH_SOCK", None)  # no agent of the machine's user
        return env

    # The login node's own record of what happened.
    def log_size(self) -> int:
        return file_size(login.log_file(self.plan))

    def log_since(self, size: int) -> str:
        path = login.log_file(self.plan)
        return read_from(path, size) if path.exists() else ""

    def remote_files(self) -> dict[str, tuple[float, int]]:
        """The test user's files on the login node (dot files left out): path -> (mtime, size)."""
        remote = login.home(self.plan)
        return {
            str(p.relative_to(remote)): (p.stat().st_mtime, p.stat().st_size)
            for p in sorted(remote.rglob("*"))
            if p.is_file() and not p.relative_to(remote).parts[0].startswith(".")
        }

    def files(self, workdir: Path, before: dict[str, tuple[float, int]]) -> str:
        """What a snippet made: `./PATH` on the reader's computer (its working directory),
        `~/PATH` in the test user's home on the login node, new or changed since before."""
        lines = [f"./{p.relative_to(workdir)}" for p in sorted(workdir.rglob("*")) if p.is_file()]
        lines += [f"~/{path}" for path, st in self.remote_files().items() if before.get(path) != st]
        return "\n".join(lines)

    def leftovers(self) -> list[int]:
        """Processes still running in this laptop's mount namespaces (an ssh
        ControlPersist master, a background ssh)."""
        try:
            wanted = set(self.namespaces.read_text().split())
        except OSError:
            return []
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{entry}/ns/mnt") in wanted:
                        found.append(int(entry))
        return found

    def stop_leftovers(self) -> list[int]:
        pids = self.leftovers()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 3
            while self.leftovers() and time.monotonic() < deadline:
                time.sleep(0.02)
            if not self.leftovers():
                break
        return pids

    def close(self) -> None:
        """Stop what is left, take this laptop's keys off the login node, remove the home."""
        self.stop_leftovers()
        keys = {" ".join(p.read_text().split()[:2]) for p in self.ssh.glob("*.pub") if p.is_file()}
        authorized = login.home(self.plan) / ".ssh" / "authorized_keys"
        if keys and authorized.exists():
            lines = authorized.read_text().splitlines(keepends=True)
            kept = [ln for ln in lines if " ".join(ln.split()[:2]) not in keys]
            if kept != lines:
                authorized.write_text("".join(kept))
        shutil.rmtree(self.root, ignore_errors=True)

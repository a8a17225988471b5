"""The test cluster's login node: Debian's OpenSSH server on a loopback address.

`up` starts one sshd per test cluster, on the second address of the cluster's
subnet (127.0.77.2), port 22, with its own host key and sshd_config under
$STATE/login/ (port 2222 where something else listens on 22: then the
laptop's ssh is told so, see hpcdocs.snippettests.laptop). cluster.yml's `login_host` resolves to that address through an
/etc/hosts line of the cluster (hosts.py), so `ssh alice@login.hpc.example.edu`
reaches it, as a reader's ssh reaches the real login node.

The test user is a real account (USER, created once per machine, no home on
the machine): sshd runs in a mount namespace of its own in which $STATE/login/home
is mounted on /home, so each test cluster's login node has its own /home/alice.
Login: public key, or the account's password (PASSWORD_FILE, made once per
machine), which only the first authentication of `ssh-copy-id` needs (a reader
types theirs). A real site's second factor (a one-time code) is not reproduced:
sshd here has no keyboard-interactive or PAM step.

OpenSSH rewrites its process title over its environment, so the marker that
procs.ours() reads would be lost on sshd itself: sshd runs as the child of a
small sh (which keeps the marker), and `down` stops the sh and all below it.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import secrets
import subprocess
import sys
from pathlib import Path

from hpcdocs.testcluster import procs, render
from hpcdocs.testcluster.plan import Plan

USER = "alice"  # the example user the pages show (ssh alice@...)
PORTS = (22, 2222)  # 22, or where something listens on it (a system sshd on 0.0.0.0:22) 2222
PASSWORD_FILE = Path("/var/lib/hpcdocs-testcluster") / f"{USER}.password"
PRIVSEP_DIR = Path("/run/sshd")  # sshd refuses to start without it
SSHD = "/usr/sbin/sshd"


class LoginError(RuntimeError):
    """The login node cannot be set up (no sshd, port taken, ...)."""


def address(plan: Plan) -> str:
    """The login node's address: the one after the controller's (127.0.77.2)."""
    return str(ipaddress.ip_address(plan.ctl_addr) + 1)


def host(plan: Plan) -> str:
    return str(plan.facts.get("login_host") or "login")


def directory(plan: Plan) -> Path:
    return plan.state / "login"


def config_file(plan: Plan) -> Path:
    return directory(plan) / "sshd_config"


def host_key(plan: Plan) -> Path:
    return directory(plan) / "ssh_host_ed25519_key"


def log_file(plan: Plan) -> Path:
    return plan.log / "sshd.log"


def home(plan: Plan) -> Path:
    """The test user's home as the login node shows it (/home/alice there)."""
    return directory(plan) / "home" / USER


def port(plan: Plan) -> int:
    """The port sshd listens on (its sshd_config says; 22 before the first start)."""
    try:
        text = config_file(plan).read_text()
    except FileNotFoundError:
        return PORTS[0]
    for line in text.splitlines():
        if line.startswith("ListenAddress "):
            return int(line.rsplit(":", 1)[1])
    return PORTS[0]


def known_hosts_line(plan: Plan) -> str:
    """The line a client's ~/.ssh/known_hosts holds after accepting the host key."""
    key = " ".join(host_key(plan).with_suffix(".pub").read_text().split()[:2])
    name = host(plan) if port(plan) == 22 else f"[{host(plan)}]:{port(plan)}"
    return f"{name} {key}\n"


def password() -> str:
    return PASSWORD_FILE.read_text().strip()


def sshd_config(plan: Plan, listen_port: int) -> str:
    return "\n".join(
        [
            "# The test cluster's login node (hpcdocs.testcluster.login); not the system's sshd.",
            f"ListenAddress {address(plan)}:{listen_port}",
            f"HostKey {host_key(plan)}",
            f"PidFile {directory(plan) / 'sshd.pid'}",
            f"AllowUsers {USER}",
            "PermitRootLogin no",
            "PubkeyAuthentication yes",
            "AuthorizedKeysFile .ssh/authorized_keys",
            # For ssh-copy-id's first login only; a real site adds a second factor.
            "PasswordAuthentication yes",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "PrintMotd no",
            "X11Forwarding no",
            "Subsystem sftp internal-sftp",  # scp uses the SFTP protocol since OpenSSH 9.0
            "LogLevel INFO",
            "",
        ]
    )


def let_user_run_python(user: str) -> list[Path]:
    """The project's commands on the login node's PATH (the conda stand-in, whose link is
    .venv/bin/conda-standin) run with the venv's Python, whose interpreter may lie below a
    directory only root may enter (pyenv's /root/.pyenv here). The test user gets search
    permission (x) on each such directory by an ACL entry for that user alone, as every user
    of a real cluster may run its conda; nothing else of those directories opens to anyone.
    Returns the directories changed."""
    changed = []
    for directory in reversed(Path(os.path.realpath(sys.executable)).parents):
        if directory.stat().st_mode & 0o001:
            continue
        subprocess.run(
            ["setfacl", "-m", f"u:{user}:x", str(directory)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        changed.append(directory)
    return changed


def ensure_user() -> pwd.struct_passwd:
    """The test account (no home on the machine: sshd's namespace has it), with a password."""
    try:
        entry = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--no-create-home", "--home-dir", f"/home/{USER}",
             "--shell", "/bin/bash", "--comment", "hpcdocs test cluster user", USER],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        entry = pwd.getpwnam(USER)
        PASSWORD_FILE.unlink(missing_ok=True)
    let_user_run_python(USER)
    if not PASSWORD_FILE.exists():
        PASSWORD_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        render.write(PASSWORD_FILE, secrets.token_urlsafe(18) + "\n", 0o600)
        subprocess.run(
            ["chpasswd"], input=f"{USER}:{password()}\n", check=True, capture_output=True, text=True
        )
    return entry


def write_files(plan: Plan, listen_port: int) -> bool:
    """sshd_config, the host key (made once per state directory) and the user's home;
    return whether sshd_config changed."""
    d = directory(plan)
    d.mkdir(parents=True, exist_ok=True)
    changed = render.write(config_file(plan), sshd_config(plan, listen_port), 0o644)
    if not host_key(plan).exists():
        subprocess.run(
            ["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-C", f"{host(plan)} (test cluster)",
             "-f", str(host_key(plan))],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    entry = ensure_user()
    h = home(plan)
    # What a finished job left in the user's project: the scp/rsync pages fetch it.
    results = h / "project" / "results"
    results.mkdir(parents=True, exist_ok=True)
    summary = results / "summary.csv"
    if not summary.exists():
        summary.write_text("epoch,loss,accuracy\n1,0.92,0.71\n2,0.54,0.83\n3,0.41,0.88\n")
    (h / ".ssh").mkdir(mode=0o700, exist_ok=True)
    # The start-up files `useradd -m` gives a new account (Debian's /etc/skel: ~/.profile
    # reads ~/.bashrc in a login shell), so that what `conda init` adds to ~/.bashrc runs
    # at the next login, as on a real login node. Never overwritten once there.
    skel = Path("/etc/skel")
    for name in (".profile", ".bashrc", ".bash_logout"):
        if (skel / name).is_file() and not (h / name).exists():
            (h / name).write_text((skel / name).read_text())
    os.chmod(h, 0o750)
    for path in [h, *h.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    return changed


def running(plan: Plan) -> procs.Proc | None:
    """The sh that runs this cluster's sshd (its argv names our sshd_config)."""
    conf = str(config_file(plan))
    for p in procs.ours(plan.state):
        if conf in p.argv and p.comm != "sshd":
            return p
    return None


def strays(plan: Plan) -> set[int]:
    """sshd processes of this cluster left without their sh (it was killed, e.g. by a
    crash test): OpenSSH writes its process title over its environment, so procs.ours
    cannot find them, but the title still names our sshd_config."""
    tag = f" -f {config_file(plan)} ".encode()
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and procs._read(f"/proc/{entry}/comm").strip() == b"sshd":
            title = procs._read(f"/proc/{entry}/cmdline").replace(b"\0", b" ") + b" "
            if tag in title:
                found.add(int(entry))
    return found


def argv(plan: Plan) -> list[str]:
    """sshd in the foreground (-D), with /home from the state directory mounted."""
    script = 'mount --bind "$0" /home && "$1" -D -f "$2" -E "$3"'
    return ["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script,
            str(home(plan).parent), SSHD, str(config_file(plan)), str(log_file(plan))]  # fmt: skip


def start(plan: Plan, starter) -> None:
    """Start the login node unless it runs with the current sshd_config (starter:
    cluster.Starter, which stops it again if another daemon fails); wait until it listens."""
    if not Path(SSHD).exists():
        raise LoginError(f"{SSHD} is missing: apt-get install openssh-server")
    p = running(plan)
    if p:
        if not write_files(plan, port(plan)):
            return
        procs.stop(procs.descendants({p.pid}) | {p.pid})  # sshd reads its config at start only
    else:
        procs.stop(strays(plan))  # an sshd of ours whose sh died still holds the port
    addr = address(plan)
    free = [pt for pt in PORTS if procs.port_free(addr, pt)]
    if not free:
        taken = " and ".join(f"{addr}:{pt}" for pt in PORTS)
        raise LoginError(f"login node: {taken} are already in use by other processes")
    write_files(plan, free[0])
    d = starter.start("sshd", argv(plan), log_file(plan))
    pt = free[0]
    starter.wait(d, lambda: procs.port_open(addr, pt), f"listening on {addr}:{pt}", timeout=15)


def status_line(plan: Plan) -> tuple[bool, str]:
    p = running(plan)
    shown = f"running, pid {p.pid}, {address(plan)}:{port(plan)}" if p else "NOT RUNNING"
    return p is not None, f"  {'sshd (login)':14} {shown}"

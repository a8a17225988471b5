"""The test cluster's login node (hpcdocs.testcluster.login) and the reader's
computer that the `login` snippets run on (hpcdocs.snippettests.laptop).

On a scratch cluster of its own (subnet below), so that stopping it or its
sshd disturbs no one; it is brought down at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from hpcdocs import ROOT
from hpcdocs.poll import until
from hpcdocs.snippettests.laptop import Laptop
from hpcdocs.testcluster import hosts, login, procs
from hpcdocs.testcluster.plan import make_plan, neighbour_subnet
from hpcdocs.testcluster.scratch import Scratch

pytestmark = pytest.mark.cluster
# Another subnet and state directory for a run beside another such test run.
SUBNET = os.environ.get("HPCDOCS_LOGIN_TEST_SUBNET") or neighbour_subnet(2)  # 127.0.79.0/24
STATE = Path(os.environ.get("HPCDOCS_LOGIN_TEST_DIR", ROOT / ".cache" / "testcluster-login"))


@pytest.fixture(scope="module")
def scratch():
    s = Scratch(STATE, tag="l", subnet=SUBNET)
    r = s.testcluster("up")
    assert r.returncode == 0, r.stderr
    yield s
    s.testcluster("down")


@pytest.fixture
def plan(scratch):
    if scratch.testcluster("status").returncode != 0:
        r = scratch.testcluster("up")
        assert r.returncode == 0, r.stderr
    return make_plan(scratch.state, scratch.facts_file)


@pytest.fixture
def laptop(plan):
    lt = Laptop(plan)
    yield lt
    lt.close()


def on_laptop(lt: Laptop, cmd: str, cwd: Path, timeout: float = 60, **kw):
    return subprocess.run(
        lt.wrap(["bash", "-ec", cmd]),
        cwd=cwd,
        env=lt.env(dict(os.environ)),
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )


def test_up_starts_sshd_and_down_stops_it(scratch, plan):
    addr, name = login.address(plan), login.host(plan)
    sh = login.running(plan)
    assert sh is not None
    assert procs.port_open(addr, login.port(plan))
    assert f"{addr}\t{name}\t" in "\n".join(hosts.present(plan.state)) + "\t"
    status = scratch.testcluster("status")
    assert f"sshd (login)   running, pid {sh.pid}" in status.stdout
    # The host key ssh sees is the one the laptop's known_hosts is seeded with.
    scan = subprocess.run(
        ["ssh-keyscan", "-p", str(login.port(plan)), "-t", "ed25519", name],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert scan.stdout == login.known_hosts_line(plan), scan.stderr
    sshd = procs.descendants({sh.pid})
    assert sshd

    r = scratch.testcluster("down")
    assert r.returncode == 0, r.stderr
    assert not any(procs.alive(p) for p in sshd | {sh.pid})
    assert not procs.port_open(addr, login.port(plan))
    assert hosts.present(plan.state) == []
    status = scratch.testcluster("status")
    assert status.returncode == 1 and "sshd (login)   NOT RUNNING" in status.stdout


def test_sshd_killed_is_restarted_by_up(scratch, plan):
    sh = login.running(plan)
    procs.stop(procs.descendants({sh.pid}) | {sh.pid})
    assert scratch.testcluster("status").returncode == 1
    r = scratch.testcluster("up")
    assert r.returncode == 0, r.stderr
    assert login.running(plan) is not None and procs.port_open(
        login.address(plan), login.port(plan)
    )


def test_logins_the_node_refuses(laptop, plan, tmp_path):
    host = login.host(plan)
    no_key = on_laptop(laptop, f"ssh -o BatchMode=yes alice@{host} true", tmp_path)
    assert no_key.returncode == 255 and "Permission denied" in no_key.stderr
    root = on_laptop(laptop, f"ssh root@{host} true", tmp_path)
    assert root.returncode == 255 and "Permission denied" in root.stderr
    (laptop.root / "wrong").write_text("#!/bin/sh\necho wrong-password\n")
    (laptop.root / "wrong").chmod(0o700)
    env = laptop.env(dict(os.environ)) | {"SSH_ASKPASS": str(laptop.root / "wrong")}
    wrong = subprocess.run(
        laptop.wrap(["ssh", "-o", "NumberOfPasswordPrompts=1", f"alice@{host}", "true"]),
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert wrong.returncode == 255 and "Permission denied" in wrong.stderr
    # The password the askpass program gives works: what ssh-copy-id's first login uses.
    ok = on_laptop(laptop, f"ssh alice@{host} 'echo on $HOME'", tmp_path)
    assert ok.returncode == 0 and "on /home/alice" in ok.stdout, ok.stderr


def test_laptop_home_is_throwaway(laptop, plan, tmp_path):
    """The commands see the throwaway home as ~, never the machine's own ~/.ssh."""
    mine = Path(laptop.mountpoint) / ".ssh"
    before = sorted(p.name for p in mine.iterdir()) if mine.exists() else None
    r = on_laptop(
        laptop, "ssh-keygen -q -N '' -t ed25519 -f ~/.ssh/id_ed25519 && ls ~/.ssh", tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["id_ed25519", "id_ed25519.pub", "known_hosts"]
    assert (laptop.ssh / "id_ed25519").exists()
    after = sorted(p.name for p in mine.iterdir()) if mine.exists() else None
    assert after == before


def test_rsync_resumes_an_interrupted_transfer(laptop, plan, tmp_path):
    """rsync -P (--partial): a transfer cut off keeps what arrived, the rerun sends the rest."""
    host = login.host(plan)
    r = on_laptop(
        laptop,
        f"ssh-keygen -q -N '' -t ed25519 -f ~/.ssh/id_ed25519 && ssh-copy-id -i ~/.ssh/id_ed25519.pub alice@{host}",
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    data = tmp_path / "data"
    data.mkdir()
    size = 8_000_000
    (data / "images.npz").write_bytes(os.urandom(size))
    remote = login.home(plan) / "project" / "resume"
    subprocess.run(["rm", "-rf", str(remote)], check=True)
    dest = f"alice@{host}:project/resume/"
    slow = subprocess.Popen(
        laptop.wrap(["rsync", "-aP", "--bwlimit=2000", "data/", dest]),
        cwd=tmp_path, env=laptop.env(dict(os.environ)), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    partial = remote / "images.npz"

    def part_arrived() -> bool:  # rsync writes into a hidden temporary file first
        temps = list(remote.glob(".images.npz.*")) if remote.exists() else []
        return bool(temps) and temps[0].stat().st_size > size // 8

    until(part_arrived, 30, "an eighth of the file sent by the slow rsync", step=0.05)
    os.killpg(slow.pid, signal.SIGINT)  # the reader presses Ctrl-C (or the network drops)
    slow.communicate(timeout=30)
    # the receiver renames its temporary file to the name (--partial)
    until(partial.exists, 10, f"{partial} kept by rsync --partial", step=0.05)
    assert 0 < partial.stat().st_size < size
    kept = partial.stat().st_size
    again = on_laptop(laptop, f"rsync -avP data/ {dest}", tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert partial.read_bytes() == (data / "images.npz").read_bytes()
    sent = int(again.stdout.split("sent ")[1].split(" bytes")[0].replace(",", ""))
    assert sent < size - kept // 2, again.stdout  # the kept part was not sent again


def test_port_22_taken_moves_the_login_node_to_2222(scratch, plan, tmp_path):
    """A machine's own sshd has port 22 on every address: the login node takes 2222,
    and the laptop's ssh (with the page's ~/.ssh/config) still reaches it."""
    assert scratch.testcluster("down").returncode == 0
    with socket.socket() as s:
        # SO_REUSEADDR as a daemon sets it: earlier tests' ssh connections leave TIME_WAIT
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((login.address(plan), 22))
        s.listen()
        r = scratch.testcluster("up")
        assert r.returncode == 0, r.stderr
        assert login.port(plan) == 2222 and procs.port_open(login.address(plan), 2222)
        lt = Laptop(plan)
        try:
            config = (ROOT / "snippets/getting-started/04-ssh-config.conf").read_text()
            lt.install(".ssh/config", config.replace("{{ cluster.login_host }}", login.host(plan)))
            r = on_laptop(lt, "ssh hpc 'echo on $HOME'", tmp_path)
            assert r.returncode == 0 and "on /home/alice" in r.stdout, r.stderr
        finally:
            lt.close()
    assert scratch.testcluster("down").returncode == 0


def test_both_ports_taken_is_a_clear_error(scratch, plan):
    assert scratch.testcluster("down").returncode == 0
    with socket.socket() as a, socket.socket() as b:
        for s, pt in ((a, 22), (b, 2222)):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((login.address(plan), pt))
            s.listen()
        r = scratch.testcluster("up")
    addr = login.address(plan)
    assert r.returncode == 1
    assert f"login node: {addr}:22 and {addr}:2222 are already in use" in r.stderr
    assert login.running(plan) is None and hosts.present(plan.state) == []
    assert scratch.testcluster("up").returncode == 0
    assert login.port(plan) == 22


def test_new_sshd_config_restarts_sshd(scratch, plan):
    before = login.running(plan)
    login.config_file(plan).write_text("# an old configuration\n")
    assert scratch.testcluster("up").returncode == 0
    after = login.running(plan)
    assert after is not None and after.pid != before.pid
    assert "PasswordAuthentication yes" in login.config_file(plan).read_text()


def test_pip_mirror_serves_a_simple_index_and_down_stops_it(scratch, plan):
    from urllib.request import urlopen

    from hpcdocs.testcluster import mirror

    assert "pip mirror     running" in scratch.testcluster("status").stdout
    with urlopen(mirror.url(plan), timeout=10) as page:
        assert '<a href="tqdm/">tqdm</a>' in page.read().decode()
    with urlopen(mirror.url(plan) + "tqdm/", timeout=10) as page:
        links = page.read().decode()
    assert "packages/tqdm-4.67.1-py3-none-any.whl#sha256=" in links
    assert "GET /simple/tqdm/ HTTP/1.1" in mirror.log_file(plan).read_text()
    assert scratch.testcluster("down").returncode == 0
    assert mirror.running(plan) is None
    assert not procs.port_open(mirror.address(plan), mirror.PORT)

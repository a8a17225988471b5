"""up, down and recovery, on a scratch cluster beside the shared one.

The scratch cluster (node names tcn01..., subnet 127.0.78.0/24 or
$HPCDOCS_SCRATCH_TEST_SUBNET, its own state directory) can be crashed and stopped without disturbing other tests' jobs.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
from pathlib import Path

import pytest
from hpcdocs.poll import until
from hpcdocs.testcluster import hosts, procs
from hpcdocs.testcluster import lifecycle as cluster_mod
from hpcdocs.testcluster.plan import make_plan, neighbour_subnet
from hpcdocs.testcluster.scratch import Scratch

SCRATCH_NET = ipaddress.ip_network(  # the scratch fixture's (conftest.py)
    os.environ.get("HPCDOCS_SCRATCH_TEST_SUBNET") or neighbour_subnet(1)
)
CTL_ADDR = str(SCRATCH_NET[1])  # 127.0.78.1


def daemons(s: Scratch) -> dict[str, int]:
    return {
        name: p.pid for name, p in cluster_mod.running(make_plan(s.state, s.facts_file)).items()
    }


def node_names(s: Scratch) -> list[str]:
    """The scratch cluster's nodes, in order (tcn01, tcn02, ...: its facts' prefixes)."""
    return sorted(name.split(":", 1)[1] for name in daemons(s) if name.startswith("slurmd:"))


def _proc_file(pid: str, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:  # gone meanwhile (FileNotFoundError, ProcessLookupError as ESRCH)
        return b""


def run_one_job(s: Scratch) -> str:
    c = s.client()
    return c.wait_job(c.sbatch("-o /dev/null --wrap hostname"))


def test_up_is_idempotent(scratch):
    before = daemons(scratch)
    assert len(before) == 4 + 4, before  # munged, mariadbd, slurmctld, slurmdbd + 4 slurmd
    r = scratch.testcluster("up")
    assert r.returncode == 0, r.stderr
    assert daemons(scratch) == before  # nothing restarted
    assert scratch.testcluster("status").returncode == 0


def test_scratch_cluster_runs_jobs_on_its_own_nodes(scratch):
    assert run_one_job(scratch) == "COMPLETED"
    first = node_names(scratch)[0]  # tcn01
    assert any(line.split()[1] == first for line in hosts.present(scratch.state))


def test_up_recovers_after_every_daemon_is_killed(scratch):
    procs.signal_all([p.pid for p in procs.ours(scratch.state)], signal.SIGKILL)
    # SIGKILL is asynchronous: poll until the kernel has reaped them
    until(
        lambda: not daemons(scratch),
        10,
        lambda: f"still alive after SIGKILL: {daemons(scratch)}",
        step=0.02,
    )
    r = scratch.testcluster("up")
    assert r.returncode == 0, r.stderr
    assert scratch.testcluster("status").returncode == 0
    assert run_one_job(scratch) == "COMPLETED"


def test_up_recovers_when_one_slurmd_died(scratch):
    name = f"slurmd:{node_names(scratch)[1]}"  # tcn02
    victim = daemons(scratch)[name]
    os.kill(victim, signal.SIGKILL)
    r = scratch.testcluster("up")
    assert r.returncode == 0, r.stderr
    assert daemons(scratch)[name] != victim


@pytest.mark.parametrize(
    "daemon, addr, port",
    [
        ("slurmctld", CTL_ADDR, 6817),
        ("mariadbd", CTL_ADDR, 3306),
        ("slurmd", str(SCRATCH_NET[11]), 6818),  # node tcn01
    ],
)
def test_port_taken_fails_cleanly_with_the_daemons_error(scratch, daemon, addr, port):
    assert scratch.testcluster("down").returncode == 0
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind((addr, port))
    blocker.listen()
    try:
        r = scratch.testcluster("up")
        assert r.returncode != 0
        assert f"up failed: {daemon}" in r.stderr, r.stderr
        assert "Address already in use" in r.stderr, r.stderr  # the daemon's own words
        assert "Log: " + str(scratch.state / "log" / daemon) in r.stderr, r.stderr
        assert not daemons(scratch), "up left daemons running"
        assert not hosts.present(scratch.state)
    finally:
        blocker.close()
    r = scratch.testcluster("up")
    assert r.returncode == 0, r.stderr


def test_down_leaves_no_daemon_job_hosts_entry_or_device(scratch):
    jobid = scratch.client().sbatch("-o /dev/null --wrap 'sleep 300'")
    until(
        lambda: any(p.comm == "slurmstepd" for p in procs.ours(scratch.state)),
        20,
        f"job {jobid} started (a slurmstepd)",
    )
    assert list((scratch.state / "dev").iterdir())
    started = {p.pid: p.comm for p in procs.ours(scratch.state)}
    assert scratch.testcluster("down").returncode == 0
    # down returns only once every process it found has exited (pgrep right after it
    # found slurmd for about a second, when down did not wait)
    assert not {pid: comm for pid, comm in started.items() if procs.alive(pid)}
    assert not procs.ours(scratch.state)
    assert not hosts.present(scratch.state)
    assert not list((scratch.state / "dev").iterdir())
    sleepers = [  # processes may exit while this reads /proc: a vanished one reads as b""
        pid
        for pid in os.listdir("/proc")
        if pid.isdigit()
        and b"sleep\x00300" in _proc_file(pid, "cmdline")
        and f"SLURM_JOB_ID={jobid}".encode() in _proc_file(pid, "environ")
    ]
    assert not sleepers, "the job's processes survived down"
    assert scratch.testcluster("up").returncode == 0  # for the tests that follow

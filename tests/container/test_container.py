"""The containerised test cluster (Containerfile, scripts/container).

Builds the image with Podman or Docker and runs scripts/container.d/check in it:
`testcluster up` on the container's own subnet (127.0.84.0/24, beside the host's
test cluster on the shared network), one batch job, a small pytest subset and
`testcluster down`. A cold build takes many minutes (Debian packages and the
Python env of requirements/test.txt), so this runs only where asked for, with
HPCDOCS_TEST_CONTAINER=1 (`make check-container`), and where an engine works.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess

import pytest
from hpcdocs import ROOT, facts

pytestmark = pytest.mark.slow

CONTAINER = ROOT / "scripts" / "container"
SUBNET = ipaddress.ip_network("127.0.84.0/24")  # Containerfile: ENV TESTCLUSTER_SUBNET


def working_engine() -> str | None:
    """podman or docker, where its `info` answers (a docker CLI without a daemon does not)."""
    wanted = os.environ.get("CONTAINER_ENGINE")
    for engine in [wanted] if wanted else ["podman", "docker"]:
        if shutil.which(engine):
            r = subprocess.run([engine, "info"], capture_output=True, timeout=60)
            if r.returncode == 0:
                return engine
    return None


@pytest.fixture(scope="module")
def engine():
    if os.environ.get("HPCDOCS_TEST_CONTAINER") != "1":
        pytest.skip(
            "the container test builds a multi-GB image (minutes): "
            "run it with HPCDOCS_TEST_CONTAINER=1 or make check-container"
        )
    found = working_engine()
    if found is None:
        pytest.skip("no working podman or docker (`podman info` / `docker info` failed or absent)")
    return found


def hosts_lines() -> list[str]:
    with open("/etc/hosts", encoding="utf-8") as fh:
        return [line for line in fh if "# testcluster " in line]


def ours(lines: list[str]) -> list[str]:
    """Lines of the container's clusters (state under /hpcdocs, addresses 127.0.84-86)."""
    nets = [ipaddress.ip_network(f"127.0.{84 + i}.0/24") for i in range(3)]
    return [
        ln
        for ln in lines
        if "# testcluster /hpcdocs/" in ln
        or any(ipaddress.ip_address(ln.split()[0]) in n for n in nets)
    ]


def test_cluster_and_tests_run_inside_the_container(engine):
    assert not ours(hosts_lines()), "a container cluster's lines are in the host's /etc/hosts"
    env = dict(os.environ, CONTAINER_ENGINE=engine)
    r = subprocess.run(
        [str(CONTAINER), "run", "scripts/container.d/check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    assert f"check: TESTCLUSTER_SUBNET={SUBNET}" in out
    ctl = next(line for line in out.splitlines() if "slurm.conf: SlurmctldHost=" in line)
    assert f"({SUBNET[1]})" in ctl, ctl
    # The job ran on one of the cluster's nodes, named as the facts name them.
    prefix = facts.get("partitions.cpu.node_prefix")
    assert any(
        line.startswith("check: roundtrip: job ") and f" on {prefix}" in line
        for line in out.splitlines()
    ), out[-3000:]
    assert " passed" in out and "check: passed in " in out, out[-3000:]
    # The container wrote its node names into its own copy of /etc/hosts only
    # (the host's test clusters may come and go meanwhile).
    assert not ours(hosts_lines())


def test_containerfile_starts_from_bookworm_and_copies_only_what_the_context_holds():
    """Cheap checks that run everywhere: the build context (.dockerignore, read by
    Docker and Podman alike) lets in every file the Containerfile copies."""
    lines = (ROOT / "Containerfile").read_text(encoding="utf-8").splitlines()
    bases = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert bases == ["docker.io/library/python:3.11-slim-bookworm"]  # Debian bookworm
    allowed = [
        ln[1:].rstrip("/")
        for ln in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if ln.startswith("!")
    ]
    copied = [src.rstrip("/") for ln in lines if ln.startswith("COPY ") for src in ln.split()[1:-1]]
    assert copied, "no COPY in Containerfile"
    for src in copied:
        assert src in allowed, f"Containerfile copies {src}, which .dockerignore leaves out"
        assert (ROOT / src).exists(), src
    assert "ENV TESTCLUSTER_SUBNET=" + str(SUBNET) in lines

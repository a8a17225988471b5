"""A second, throw-away test cluster beside the shared one.

The lifecycle tests (crash, port taken, down) and the benchmark's cold start
must not disturb the cluster everybody else is using. A scratch cluster has its
own state directory, its own loopback subnet, and node names with a prefix
(`tcn01` for `cn01`), from a copy of cluster.yml.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from hpcdocs import command, facts

TESTCLUSTER = command("testcluster")


def make_facts(directory: Path, tag: str, subnet: str) -> Path:
    """Write a copy of cluster.yml for a scratch cluster; return its path."""
    data = dict(facts.load())
    data["name"] = f"{tag}{data['name']}"
    if data.get("login_host"):  # its own login node's name (tlogin.hpc.example.edu)
        data["login_host"] = f"{tag}{data['login_host']}"
    parts = {}
    for role, spec in data["partitions"].items():
        spec = dict(spec)
        if "node_prefix" in spec:
            spec["node_prefix"] = f"{tag}{spec['node_prefix']}"
        parts[role] = spec
    data["partitions"] = parts
    data["testcluster"] = dict(data.get("testcluster") or {}, subnet=subnet)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "cluster.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


class Scratch:
    """Runs the testcluster command for one scratch cluster."""

    def __init__(self, state: Path, tag: str = "t", subnet: str | None = None):
        from hpcdocs.testcluster.plan import neighbour_subnet

        subnet = subnet or neighbour_subnet(1)  # 127.0.78.0/24 beside 127.0.77.0/24
        self.state = Path(state)
        self.facts_file = make_facts(self.state.parent / f"{self.state.name}-facts", tag, subnet)
        # TESTCLUSTER_SUBNET, where the shell has it, names the main cluster's subnet.
        self.env = dict(
            os.environ,
            TESTCLUSTER_DIR=str(self.state),
            HPCDOCS_FACTS=str(self.facts_file),
            TESTCLUSTER_SUBNET=subnet,
        )

    def testcluster(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(TESTCLUSTER), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def shell_env(self) -> dict:
        """The environment `testcluster env` gives, for running Slurm commands."""
        return env_after_eval(self.env)

    def client(self):
        """A Cluster handle (run, sbatch, wait_job) on this scratch cluster."""
        from hpcdocs.testcluster.client import Cluster

        return Cluster(
            env=self.shell_env(), is_test_cluster=True, jobcomp=self.state / "log" / "jobcomp.log"
        )


def env_after_eval(base: dict) -> dict:
    """os.environ-like dict after `eval "$(testcluster env)"` in bash."""
    out = subprocess.run(
        ["bash", "-c", f'eval "$({TESTCLUSTER} env)" && env -0'],
        env=base,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    env = {}
    for item in out.split(b"\0"):
        if b"=" in item:
            key, _, value = item.partition(b"=")
            env[key.decode()] = value.decode(errors="replace")
    return env

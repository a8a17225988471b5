"""What the test cluster runs where: nodes, addresses, ports and paths.

Everything is derived from cluster.yml (through hpcdocs.facts) and the state
directory (TESTCLUSTER_DIR, default .cache/testcluster in the repository).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from hpcdocs import ROOT, facts

DEFAULT_STATE = ROOT / ".cache" / "testcluster"

# Ports, all bound to loopback addresses of the cluster's own subnet.
CTLD_PORT = 6817
SLURMD_PORT = 6818
DBD_PORT = 6819
MYSQL_PORT = 3306


class PlanError(ValueError):
    """cluster.yml describes something the test cluster cannot build."""


@dataclass
class Node:
    name: str
    addr: str
    partition_role: str
    cpus: int
    memory_mb: int
    gpu_type: str | None = None
    gpus: int = 0


@dataclass
class Partition:
    role: str
    name: str
    nodes: list[str]
    default: bool
    max_time: str
    default_time: str


@dataclass
class Plan:
    facts_file: Path
    facts: dict
    state: Path
    cluster_name: str
    hostname: str
    ctl_addr: str
    nodes: list[Node] = field(default_factory=list)
    partitions: list[Partition] = field(default_factory=list)

    # Paths inside the state directory.
    @property
    def etc(self) -> Path:
        return self.state / "etc"

    @property
    def slurm_conf(self) -> Path:
        return self.etc / "slurm.conf"

    @property
    def log(self) -> Path:
        return self.state / "log"

    @property
    def run(self) -> Path:
        return self.state / "run"

    @property
    def spool(self) -> Path:
        return self.state / "spool"

    @property
    def munge_dir(self) -> Path:
        return self.state / "munge"

    @property
    def munge_socket(self) -> Path:
        return self.munge_dir / "munge.socket"

    @property
    def mysql_dir(self) -> Path:
        return self.state / "mysql"

    @property
    def dev(self) -> Path:
        return self.state / "dev"

    @property
    def modulefiles(self) -> Path:
        return self.state / "modulefiles"

    @property
    def node_bin(self) -> Path:
        """Tools only GPU nodes have on PATH (the stand-in nvidia-smi)."""
        return self.state / "gpu-node-bin"

    @property
    def jobcomp_log(self) -> Path:
        return self.log / "jobcomp.log"

    def storage_dirs(self) -> dict[str, Path]:
        """Storage variables jobs see (WORK, SCRATCH), HOME excepted."""
        dirs = {}
        for key, spec in (self.facts.get("storage") or {}).items():
            var = spec.get("env") if isinstance(spec, dict) else None
            if var and var != "HOME":
                dirs[var] = self.state / "storage" / key
        return dirs

    def gpu_nodes(self) -> list[Node]:
        return [n for n in self.nodes if n.gpus]


def _need(spec: dict, key: str, where: str):
    if key not in spec:
        raise PlanError(f"{where}: missing key '{key}'")
    return spec[key]


def make_plan(state: Path | None = None, facts_file: Path | None = None) -> Plan:
    facts_file = Path(facts_file or os.environ.get("HPCDOCS_FACTS") or facts.FACTS_FILE)
    state = Path(state or os.environ.get("TESTCLUSTER_DIR") or DEFAULT_STATE).resolve()
    data = facts.load(facts_file)
    tc = data.get("testcluster") or {}
    max_nodes = int(tc.get("max_nodes_per_partition", 2))
    try:
        subnet = ipaddress.ip_network(tc.get("subnet", "127.0.77.0/24"))
    except ValueError as exc:
        raise PlanError(f"{facts_file}: testcluster.subnet: {exc}") from None
    if not subnet.is_loopback:
        raise PlanError(f"{facts_file}: testcluster.subnet {subnet} is not a loopback subnet")
    hosts = list(subnet.hosts())
    plan = Plan(
        facts_file=facts_file,
        facts=data,
        state=state,
        cluster_name=str(_need(data, "name", str(facts_file))),
        hostname=socket.gethostname().split(".")[0],
        ctl_addr=str(hosts[0]),
    )
    parts = _need(data, "partitions", str(facts_file))
    next_host = 10  # nodes on .11, .12, ...
    own_nodes: dict[str, list[str]] = {}
    for role, spec in parts.items():
        where = f"{facts_file}: partitions.{role}"
        if "shares_nodes_with" in spec:
            continue
        prefix = _need(spec, "node_prefix", where)
        count = min(int(_need(spec, "nodes", where)), max_nodes)
        gpus = int(spec.get("gpus_per_node", 0) or 0)
        if gpus and not spec.get("gpu_type"):
            raise PlanError(f"{where}: gpus_per_node without gpu_type")
        own_nodes[role] = []
        for i in range(1, count + 1):
            if next_host >= len(hosts):
                raise PlanError(f"{facts_file}: testcluster.subnet {subnet} is too small")
            node = Node(
                name=f"{prefix}{i:02d}",
                addr=str(hosts[next_host]),
                partition_role=role,
                cpus=int(_need(spec, "cpus_per_node", where)),
                memory_mb=int(_need(spec, "memory_mb_per_node", where)),
                gpu_type=spec.get("gpu_type"),
                gpus=gpus,
            )
            next_host += 1
            plan.nodes.append(node)
            own_nodes[role].append(node.name)
    for role, spec in parts.items():
        where = f"{facts_file}: partitions.{role}"
        owner = spec.get("shares_nodes_with", role)
        if owner not in own_nodes:
            raise PlanError(f"{where}: shares_nodes_with '{owner}' is not a partition with nodes")
        plan.partitions.append(
            Partition(
                role=role,
                name=str(_need(spec, "name", where)),
                nodes=own_nodes[owner],
                default=bool(spec.get("default", False)),
                max_time=str(spec.get("max_time", "UNLIMITED")),
                default_time=str(spec.get("default_time", "01:00:00")),
            )
        )
    return plan

"""What the test cluster runs where: nodes, addresses, ports and paths.

Everything is derived from cluster.yml (through hpcdocs.facts) and the state
directory (TESTCLUSTER_DIR, default .cache/testcluster in the repository).
TESTCLUSTER_SUBNET, where set, replaces the facts' testcluster.subnet: a test
cluster in a container that shares the host's network (Containerfile) runs on
127.0.84.0/24 beside the host's on 127.0.77.0/24. The tests' second clusters
(scratch, login, bench) take the /24s after it: `neighbour_subnet(1)`, `(2)`.

Another facts file (HPCDOCS_FACTS, a profile such as clusters/titan.yml) gets
a test cluster of its own beside the default one: its state directory defaults
to .cache/testcluster-<file name without .yml>, and when the file gives no
``testcluster.subnet`` its subnet is a /24 in 127.0.100.0-127.0.199.0 derived
from that name (``profile_subnet``), never the default cluster's 127.0.77.0/24.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hpcdocs import ROOT, facts

DEFAULT_FACTS = ROOT / "cluster.yml"
DEFAULT_STATE = ROOT / ".cache" / "testcluster"

# Ports, all bound to loopback addresses of the cluster's own subnet.
CTLD_PORT = 6817
SLURMD_PORT = 6818
DBD_PORT = 6819
MYSQL_PORT = 3306

SUBNET_ENV = "TESTCLUSTER_SUBNET"


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
    def run_dir(self) -> Path:
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
    def tasks(self) -> Path:
        """One record per task, written by the TaskProlog (hpcdocs.testcluster.tasks)."""
        return self.state / "tasks"

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


def _env_subnet() -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """TESTCLUSTER_SUBNET, checked as the facts' testcluster.subnet is; None when unset."""
    value = os.environ.get(SUBNET_ENV, "").strip()
    if not value:
        return None
    try:
        net = ipaddress.ip_network(value)
    except ValueError as exc:
        raise PlanError(f"{SUBNET_ENV}={value}: {exc}") from None
    if not net.is_loopback or net.num_addresses < 32:
        raise PlanError(f"{SUBNET_ENV}={value}: not a loopback subnet of at least a /27")
    return net


def neighbour_subnet(offset: int) -> str:
    """The subnet `offset` blocks after the test cluster's own (same size): the
    tests' second clusters, which run beside it, use these."""
    facts_file = Path(os.environ.get("HPCDOCS_FACTS") or facts.FACTS_FILE)
    net = _env_subnet() or ipaddress.ip_network(_subnet(facts_file, facts.load(facts_file)))
    shifted = ipaddress.ip_network(
        f"{net.network_address + offset * net.num_addresses}/{net.prefixlen}"
    )
    if not shifted.is_loopback:
        raise PlanError(f"{net} + {offset}: {shifted} is not a loopback subnet")
    return str(shifted)


def is_profile(facts_file: Path) -> bool:
    """A facts file other than the repository's cluster.yml (a profile)."""
    return Path(facts_file).resolve() != DEFAULT_FACTS.resolve()


def default_state(facts_file: Path) -> Path:
    """.cache/testcluster for cluster.yml, .cache/testcluster-NAME for a profile NAME.yml."""
    if not is_profile(facts_file):
        return DEFAULT_STATE
    return ROOT / ".cache" / f"testcluster-{Path(facts_file).stem}"


def profile_subnet(facts_file: Path) -> str:
    """A profile's own /24, 127.0.100.0 to 127.0.199.0, from its file name."""
    return f"127.0.{100 + zlib.crc32(Path(facts_file).stem.encode()) % 100}.0/24"


def _subnet(facts_file: Path, data: dict) -> str:
    if not is_profile(facts_file):
        return data["testcluster"]["subnet"]
    raw = yaml.safe_load(Path(facts_file).read_text(encoding="utf-8"))  # valid: load() passed
    given = (raw.get("testcluster") or {}).get("subnet")
    return data["testcluster"]["subnet"] if given else profile_subnet(facts_file)


def make_plan(state: Path | None = None, facts_file: Path | None = None) -> Plan:
    """The plan of the cluster a facts file describes. Without `facts_file` (the
    cluster of HPCDOCS_FACTS or cluster.yml, as `testcluster` starts it),
    TESTCLUSTER_SUBNET replaces the facts' subnet where it is set."""
    env_net = None if facts_file else _env_subnet()
    facts_file = Path(facts_file or os.environ.get("HPCDOCS_FACTS") or facts.FACTS_FILE)
    state = Path(state or os.environ.get("TESTCLUSTER_DIR") or default_state(facts_file)).resolve()
    try:  # checked against hpcdocs.facts_schema: every key below is there and well typed
        data = facts.load(facts_file)
    except facts.FactsError as exc:
        raise PlanError(str(exc)) from None
    max_nodes = data["testcluster"]["max_nodes_per_partition"]
    subnet = env_net or ipaddress.ip_network(_subnet(facts_file, data))
    hosts = list(subnet.hosts())
    plan = Plan(
        facts_file=facts_file,
        facts=data,
        state=state,
        cluster_name=data["name"],
        hostname=socket.gethostname().split(".")[0],
        ctl_addr=str(hosts[0]),
    )
    parts = data["partitions"]
    next_host = 10  # nodes on .11, .12, ...
    own_nodes: dict[str, list[str]] = {}
    for role, spec in parts.items():
        if "shares_nodes_with" in spec:
            continue
        own_nodes[role] = []
        for i in range(1, min(spec["nodes"], max_nodes) + 1):
            if next_host >= len(hosts):
                raise PlanError(f"{facts_file}: testcluster.subnet {subnet} is too small")
            node = Node(
                name=f"{spec['node_prefix']}{i:02d}",
                addr=str(hosts[next_host]),
                partition_role=role,
                cpus=spec["cpus_per_node"],
                memory_mb=spec["memory_mb_per_node"],
                gpu_type=spec.get("gpu_type"),
                gpus=spec["gpus_per_node"],
            )
            next_host += 1
            plan.nodes.append(node)
            own_nodes[role].append(node.name)
    for role, spec in parts.items():
        plan.partitions.append(
            Partition(
                role=role,
                name=spec["name"],
                nodes=own_nodes[spec.get("shares_nodes_with", role)],
                default=spec["default"],
                max_time=spec["max_time"],
                default_time=spec["default_time"],
            )
        )
    return plan

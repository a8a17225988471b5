"""The cluster facts (cluster.yml) as the checker needs them."""

from __future__ import annotations

import re
from dataclasses import dataclass

TIME = re.compile(
    r"^(?:(?P<days>\d+)-(?P<dh>\d+)(?::(?P<dm>\d+)(?::(?P<ds>\d+))?)?"  # D-H[:M[:S]]
    r"|(?P<a>\d+)(?::(?P<b>\d+)(?::(?P<c>\d+))?)?)$"  # M | M:S | H:M:S
)
UNLIMITED = {"infinite", "unlimited"}


def slurm_megabytes(value: str) -> int | None:
    """Megabytes in a Slurm memory size (4G, 512M, 4096), None when not valid."""
    m = re.fullmatch(r"(\d+)([KMGTkmgt]?)", value)
    if not m:
        return None
    scale = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024, "": 1}[m[2].lower()]
    return int(int(m[1]) * scale)


def slurm_minutes(value: str) -> float | None:
    """Minutes in a Slurm time string, inf for UNLIMITED, None when not valid."""
    if value.lower() in UNLIMITED:
        return float("inf")
    m = TIME.match(value)
    if not m:
        return None
    if m["days"] is not None:
        d, h, mi, s = (int(m[k] or 0) for k in ("days", "dh", "dm", "ds"))
        return d * 1440 + h * 60 + mi + s / 60
    a, b, c = m["a"], m["b"], m["c"]
    if c is not None:  # H:M:S
        return int(a) * 60 + int(b) + int(c) / 60
    if b is not None:  # M:S
        return int(a) + int(b) / 60
    return float(a)


@dataclass
class Partition:
    role: str
    name: str
    default: bool
    gpu_type: str | None
    gpus_per_node: int
    nodes: int
    max_time: str | None
    hosts: list[str]
    cpus_per_node: int
    memory_mb_per_node: int


class Cluster:
    """Partitions (Slurm) or queues (LSF), hosts and GPUs from cluster.yml."""

    def __init__(self, facts: dict):
        self.facts = facts
        self.partitions: dict[str, Partition] = {}
        roles = facts.get("partitions") or {}
        for role, p in roles.items():
            # A partition without nodes of its own (debug) uses another one's.
            nodes = roles.get(p.get("shares_nodes_with"), p)
            prefix, count = nodes.get("node_prefix"), int(nodes.get("nodes") or 0)
            hosts = [f"{prefix}{i:02d}" for i in range(1, count + 1)] if prefix else []
            self.partitions[str(p.get("name", role))] = Partition(
                role,
                str(p.get("name", role)),
                bool(p.get("default")),
                nodes.get("gpu_type"),
                int(nodes.get("gpus_per_node") or 0),
                count,
                p.get("max_time"),
                hosts,
                int(nodes.get("cpus_per_node") or 0),
                int(nodes.get("memory_mb_per_node") or 0),
            )
        self.hosts = {h for p in self.partitions.values() for h in p.hosts}
        self.prefixes = {p.hosts[0][:-2] for p in self.partitions.values() if p.hosts}

    @property
    def names(self) -> str:
        return ", ".join(self.partitions)

    def default(self) -> Partition | None:
        return next((p for p in self.partitions.values() if p.default), None)

    def looks_like_host(self, word: str) -> bool:
        return word in self.hosts or any(
            re.fullmatch(re.escape(prefix) + r"\d+", word) for prefix in self.prefixes
        )

    def host_range(self) -> str:
        groups = []
        for p in self.partitions.values():
            if p.hosts:
                groups.append(p.hosts[0] if len(p.hosts) == 1 else f"{p.hosts[0]}-{p.hosts[-1]}")
        return ", ".join(groups)

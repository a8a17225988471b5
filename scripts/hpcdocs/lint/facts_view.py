"""The cluster facts (cluster.yml) as the checker needs them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hpcdocs.slurmspec import slurm_megabytes, slurm_minutes

__all__ = ["Cluster", "Partition", "slurm_megabytes", "slurm_minutes"]


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

"""The facts the job-script generator (docs/assets/jobgen.js) reads.

form_facts() picks from cluster.yml only what the form needs; the build hook
scripts/hooks/jobgen.py writes it to the site as FACTS_URI. A partition that
shares its nodes with another (``shares_nodes_with``) gets that one's node
figures.
"""

from __future__ import annotations

from hpcdocs import facts as cluster_facts

FACTS_URI = "assets/jobgen-facts.json"
NODE_KEYS = ("nodes", "cpus_per_node", "memory_mb_per_node", "gpus_per_node", "gpu_type")
# The site's own environments (conda.md#site-envs) when cluster.yml lists none.
DEFAULT_ENVS = ["torch"]


class JobgenFactsError(ValueError):
    """cluster.yml lacks a figure the generator needs."""


def form_facts(facts: dict | None = None) -> dict:
    facts = cluster_facts.load() if facts is None else facts
    parts = facts["partitions"]
    out = []
    for key, part in parts.items():
        nodes_of = parts.get(part.get("shares_nodes_with"), part)
        entry = {
            "key": key,
            "name": part["name"],
            "default": bool(part.get("default", False)),
            "max_time": part["max_time"],
            "default_time": part.get("default_time", "01:00:00"),
        }
        for name in NODE_KEYS:
            if name in nodes_of:
                entry[name] = nodes_of[name]
        for name in ("nodes", "cpus_per_node", "memory_mb_per_node"):
            if name not in entry:
                raise JobgenFactsError(
                    f"{cluster_facts.FACTS_FILE.name}: partitions.{key}: no {name} "
                    "(nor shares_nodes_with a partition that has it)"
                )
        entry["gpus_per_node"] = int(entry.get("gpus_per_node", 0))
        entry["gpu_types"] = [entry.pop("gpu_type")] if "gpu_type" in entry else []
        out.append(entry)
    lsf = cluster_facts.lsf_memory(facts)
    return {
        "scheduler": facts.get("scheduler", "slurm"),
        "partitions": out,
        "modules": dict(facts.get("modules", {})),
        "conda_envs": list(facts.get("conda", {}).get("envs", DEFAULT_ENVS)),
        "lsf": {
            "unit_for_limits": lsf["unit_for_limits"] or "MB",
            "reserve_per_task": lsf["reserve_per_task"],
        },
    }

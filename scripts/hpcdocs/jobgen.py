"""The facts the job-script generator (docs/assets/jobgen.js) reads.

form_facts() picks from cluster.yml only what the form needs; the build hook
scripts/hooks/jobgen.py writes it to the site as FACTS_URI. A partition that
shares its nodes with another (``shares_nodes_with``) gets that one's node
figures. The facts are checked (and defaults filled in) by hpcdocs.facts_schema.
"""

from __future__ import annotations

from hpcdocs import facts as cluster_facts

FACTS_URI = "assets/jobgen-facts.json"
NODE_KEYS = ("nodes", "cpus_per_node", "memory_mb_per_node", "gpus_per_node", "gpu_type")


def form_facts(facts: dict | None = None) -> dict:
    facts = cluster_facts.load() if facts is None else cluster_facts.checked(facts)
    parts = facts["partitions"]
    out = []
    for key, part in parts.items():
        nodes_of = parts[part.get("shares_nodes_with", key)]
        entry = {
            "key": key,
            "name": part["name"],
            "default": part["default"],
            "max_time": part["max_time"],
            "default_time": part["default_time"],
        }
        entry.update({name: nodes_of[name] for name in NODE_KEYS if name in nodes_of})
        entry["gpu_types"] = [entry.pop("gpu_type")] if "gpu_type" in entry else []
        out.append(entry)
    lsf = cluster_facts.lsf_memory(facts)
    return {
        "scheduler": facts["scheduler"],
        "partitions": out,
        "modules": facts["modules"],
        "conda_envs": facts["conda"]["envs"],
        "lsf": {
            "unit_for_limits": lsf["unit_for_limits"] or "MB",
            "reserve_per_task": lsf["reserve_per_task"],
        },
    }

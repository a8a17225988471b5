"""build/tested.json: what the snippet tests ran, on what, with what outcome.

Written by the snippet tests (tests/snippets), read by the MkDocs hook
scripts/hooks/tested_on.py and by `snippets report`.

Format::

    {"date": "2026-11-23", "slurm": "22.05.8", "gpus": "mocked",
     "cluster": {"kind": "test", "name": "hpc"},
     "snippets": {"slurm/01-hello.sh": {"outcome": "passed", "tier": "cluster",
                                        "reason": ""}}}

"gpus": mocked (the test cluster's stand-ins), real, none (the centre's
cluster, where no job on the GPU partition saw a real GPU) or unchecked (no
GPU snippet ran there). "cluster": where
the snippets ran: kind "test" (the test cluster) or "existing" (`pytest
--cluster=existing` on the centre's cluster, with the display_name of
cluster.yml); name is the ClusterName the scheduler reported.

HPCDOCS_TESTED names another file (the test of --cluster=existing writes its
own, so that `make test`'s stays the test cluster's).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from hpcdocs import ROOT

REPORT = Path(os.environ.get("HPCDOCS_TESTED") or ROOT / "build" / "tested.json")
INCLUDE = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+["']([^"':]+)(?::[^"']*)?["']""", re.MULTILINE)


def snippets_in(markdown: str) -> list[str]:
    """Snippet paths a page includes, in order, without repeats."""
    return list(dict.fromkeys(INCLUDE.findall(markdown)))


def load(path: Path = REPORT) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def save(report: dict, path: Path = REPORT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two sessions may save at once
    tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True), "utf-8")
    tmp.replace(path)


def count(report: dict, used: list[str]) -> dict:
    """Outcomes of the snippets a page uses. A snippet skipped because a command it
    requires (requires=) is missing was not run at all: "unavailable", with its reason."""
    counts = {"passed": 0, "skipped": 0, "failed": 0, "untested": 0, "unavailable": 0,
              "reasons": set(), "unavailable_reasons": set()}  # fmt: skip
    for path in used:
        result = report.get("snippets", {}).get(path)
        outcome = result["outcome"] if result else "untested"
        reason = (result or {}).get("reason", "")
        if outcome == "skipped" and reason.startswith("requires="):
            counts["unavailable"] += 1
            counts["unavailable_reasons"].add(reason)
            continue
        counts[outcome if outcome in counts else "untested"] += 1
        if outcome == "skipped" and reason:
            counts["reasons"].add(reason)
    return counts


def describe(report: dict, lang: str) -> str:
    gpus = report.get("gpus", "mocked")
    where = report.get("cluster") or {"kind": "test"}
    if where.get("kind") == "existing":
        shown = (where.get("display_name") or {}).get(lang) or where.get("name") or "?"
        name, slurm = where.get("name") or "?", report.get("slurm", "?")
        if lang == "zh":
            gpu = {"real": "真实 GPU", "none": "未找到真实 GPU", "unchecked": "未检查 GPU"}.get(
                gpus, "模拟 GPU"
            )
            return f"中心的集群“{shown}”（ClusterName {name}，Slurm {slurm}，{gpu}）"
        gpu = {
            "real": "real GPUs",
            "none": "no real GPU found",
            "unchecked": "GPUs not checked",
        }.get(gpus, "mocked GPUs")
        return f"the centre's cluster {shown} (ClusterName {name}, Slurm {slurm}, {gpu})"
    if lang == "zh":
        gpu = "模拟 GPU" if gpus == "mocked" else "真实 GPU"
        return f"Slurm {report.get('slurm', '?')} 测试集群（{gpu}）"
    gpu = "mocked GPUs" if gpus == "mocked" else "real GPUs"
    return f"the Slurm {report.get('slurm', '?')} test cluster ({gpu})"


# -- written by the snippet tests (tests/snippets/conftest.py) -------------------------------
#
# Each snippet's entry also keeps its parts, so that a run of a subset (-k, -m)
# updates only what ran:
#
#     "parts": {"static": {"outcome": "passed", "reason": "", "duration": 0.4},
#               "run": {"outcome": "passed", "reason": "", "duration": 3.1}}
#
# and "duration" (seconds, both parts). "outcome" may also be "untested": a
# snippet whose run part has not run yet.


def combine(tier: str, parts: dict, why: str = "") -> tuple[str, str]:
    """(outcome, reason) of a snippet from its static and run parts."""
    static, run = parts.get("static"), parts.get("run")
    if static and static["outcome"] == "failed":
        return "failed", static.get("reason", "")
    if tier in ("static", "none"):  # checked at most, never run: not "passed"
        return "skipped", f"not run: {why}" if why else "not run"
    if run is None:
        return "untested", "not run yet"
    return run["outcome"], run.get("reason", "")


def same_cluster(old: dict, cluster: dict | None) -> bool:
    """Whether old's results came from this session's cluster (None: unknown, keep them)."""
    if cluster is None:
        return True
    before = old.get("cluster") or {"kind": "test"}  # files from before the key: test cluster
    return before.get("kind") == cluster.get("kind") and before.get("name") in (
        None,
        cluster.get("name"),
    )


def merge(
    old: dict, results: dict, catalog, date: str, slurm=None, gpus=None, cluster=None
) -> dict:
    """old build/tested.json updated with this session's results.

    results: {(snippet path, "static" | "run"): {"outcome", "reason", "duration"}}.
    Snippets that no longer exist are dropped; a program that other snippets
    run through with= takes its run part from theirs. Results from another
    cluster (kind or ClusterName) than this session's are dropped, not mixed in.
    """
    if not same_cluster(old, cluster):
        old = {}
    before = old.get("snippets", {})
    entries = {}
    for snip in catalog.snippets:
        parts = dict(before.get(snip.path, {}).get("parts", {}))
        for part in ("static", "run"):
            if (snip.path, part) in results:
                parts[part] = results[(snip.path, part)]
        entries[snip.path] = parts
    for snip in catalog.snippets:
        if snip.header is not None and snip.header.run is None and snip.users:
            runs = [entries[u].get("run") for u in snip.users]
            runs = [r for r in runs if r]
            if runs:
                worst = min(
                    runs,
                    key=lambda r: (
                        ["failed", "skipped", "passed"].index(r["outcome"])
                        if r["outcome"] in ("failed", "skipped", "passed")
                        else 0
                    ),
                )
                entries[snip.path]["run"] = {
                    **worst,
                    "duration": 0.0,
                    "reason": worst.get("reason") or f"run by {', '.join(snip.users)}",
                }
    snippets = {}
    for snip in catalog.snippets:
        parts = entries[snip.path]
        why = snip.header.why if snip.header and snip.header.why else ""
        outcome, reason = combine(snip.tier, parts, why)
        snippets[snip.path] = {
            "outcome": outcome,
            "tier": snip.tier,
            "reason": reason,
            "duration": round(sum(p.get("duration", 0.0) for p in parts.values()), 2),
            "parts": parts,
        }
    ran_jobs = any(part == "run" for _, part in results)
    return {
        "date": date if ran_jobs or "date" not in old else old["date"],
        "slurm": slurm or old.get("slurm", "?"),
        "gpus": gpus or old.get("gpus", "mocked"),
        "cluster": cluster or old.get("cluster", {"kind": "test"}),
        "snippets": snippets,
    }

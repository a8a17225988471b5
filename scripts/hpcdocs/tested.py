"""build/tested.json: what the snippet tests ran, on what, with what outcome.

Written by the snippet tests (tests/snippets), read by the MkDocs hook
scripts/hooks/tested_on.py and by `scripts/snippets report`.

Format::

    {"date": "2026-11-23", "slurm": "22.05.8", "gpus": "mocked",
     "snippets": {"slurm/01-hello.sh": {"outcome": "passed", "tier": "cluster",
                                        "reason": ""}}}
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hpcdocs import ROOT

REPORT = ROOT / "build" / "tested.json"
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
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True), "utf-8")
    tmp.replace(path)


def count(report: dict, used: list[str]) -> dict:
    counts = {"passed": 0, "skipped": 0, "failed": 0, "untested": 0, "reasons": set()}
    for path in used:
        result = report.get("snippets", {}).get(path)
        outcome = result["outcome"] if result else "untested"
        counts[outcome if outcome in counts else "untested"] += 1
        if outcome == "skipped" and result.get("reason"):
            counts["reasons"].add(result["reason"])
    return counts


def describe(report: dict, lang: str) -> str:
    gpus = report.get("gpus", "mocked")
    if lang == "zh":
        gpu = "模拟 GPU" if gpus == "mocked" else "真实 GPU"
        return f"Slurm {report.get('slurm', '?')} 测试集群（{gpu}）"
    gpu = "mocked GPUs" if gpus == "mocked" else "real GPUs"
    return f"the Slurm {report.get('slurm', '?')} test cluster ({gpu})"

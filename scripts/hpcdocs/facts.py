"""The cluster-facts file (cluster.yml) and the {{ cluster.KEY }} placeholders.

Pages and snippets name cluster facts as ``{{ cluster.partitions.gpu.name }}``.
``render`` replaces each with its value and refuses, naming the file and line,
a key the facts file lacks.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import yaml

from hpcdocs import ROOT

FACTS_FILE = Path(os.environ.get("HPCDOCS_FACTS", ROOT / "cluster.yml"))
PLACEHOLDER = re.compile(r"\{\{\s*cluster\.([A-Za-z0-9_.-]+)\s*\}\}")


class FactsError(ValueError):
    """A placeholder names a fact cluster.yml does not have."""


# A true/false fact as pages show it; in snippets (no language) it stays true/false.
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}

# The typed sections of cluster.yml: each key, its type, and whether it must be
# there. problems() checks them; a key not listed is refused (a typo would
# otherwise leave a page without its fact).
STORAGE_AREA = {
    "env": (str, True),
    "path": (str, True),
    "quota": (str, True),
    "backed_up": (bool, True),
    "quota_command": (str, True),
    "purge_days": (int, False),
}
LSF = {
    "unit_for_limits": (str, True),
    "reserve_per_task": (bool, True),
    "job_memlimit": (bool, True),
}
SITE = {"issues_url": (str, True)}
LSF_UNITS = ("KB", "MB", "GB", "TB", "PB", "EB", "ZB")


@cache
def _load(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise FactsError(f"{path}: the facts file must be a YAML mapping")
    return data


def load(path: Path | str = FACTS_FILE) -> dict:
    """The facts as a dict (re-read when the file changes)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)


def get(key: str, facts: dict | None = None):
    """The value at a dotted key, e.g. ``partitions.gpu.name``."""
    node = load() if facts is None else facts
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(key)
    return node


def render(
    text: str, source: str = "<text>", facts: dict | None = None, lang: str | None = None
) -> str:
    """Replace every ``{{ cluster.KEY }}`` in text by its fact.

    A key the facts file lacks raises FactsError naming ``source:line``.
    A fact given per language (``{zh: ..., en: ...}``) takes the value for
    ``lang`` (default: the first one listed).
    """
    facts = load() if facts is None else facts

    def value(match: re.Match) -> str:
        try:
            found = get(match.group(1), facts)
        except KeyError:
            line = text.count("\n", 0, match.start()) + 1
            raise FactsError(
                f"{source}:{line}: cluster.{match.group(1)} is not in {FACTS_FILE.name}"
            ) from None
        if isinstance(found, dict) and found and all(len(k) == 2 for k in found):
            found = found.get(lang, next(iter(found.values())))
        if isinstance(found, bool):
            found = YES_NO.get(lang, ("true", "false"))[0 if found else 1]
        if isinstance(found, (dict, list)):
            line = text.count("\n", 0, match.start()) + 1
            raise FactsError(
                f"{source}:{line}: cluster.{match.group(1)} is a section, not a single fact"
            )
        return str(found)

    return PLACEHOLDER.sub(value, text)


def partitions(facts: dict | None = None) -> dict:
    """Partitions by role, as in cluster.yml."""
    return (load() if facts is None else facts)["partitions"]


def _typed(section: dict, schema: dict, where: str) -> list[str]:
    found = []
    if not isinstance(section, dict):
        return [f"{where}: must be a mapping"]
    for key, (kind, required) in schema.items():
        if key not in section:
            if required:
                found.append(f"{where}.{key}: missing")
            continue
        value = section[key]
        # bool is an int in Python: purge_days: true is not a number of days.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            found.append(
                f"{where}.{key}: must be {kind.__name__}, not {type(value).__name__} ({value!r})"
            )
    for key in section:
        if key not in schema:
            found.append(f"{where}.{key}: unknown key (known: {', '.join(schema)})")
    return found


def problems(facts: dict | None = None) -> list[str]:
    """What is wrong with the typed sections (storage, lsf, site) of the facts; [] if nothing."""
    facts = load() if facts is None else facts
    found = []
    storage = facts.get("storage")
    if not isinstance(storage, dict) or not storage:
        found.append("storage: missing (one entry per storage area)")
    else:
        for name, area in storage.items():
            found += _typed(area, STORAGE_AREA, f"storage.{name}")
            command = area.get("quota_command") if isinstance(area, dict) else None
            if isinstance(command, str) and ("|" in command or not command.strip()):
                found.append(
                    f"storage.{name}.quota_command: must be one command without `|` "
                    "(it is shown in a table cell)"
                )
    if "lsf" in facts:
        found += _typed(facts["lsf"], LSF, "lsf")
        unit = facts["lsf"].get("unit_for_limits") if isinstance(facts["lsf"], dict) else None
        if isinstance(unit, str) and unit.upper() not in LSF_UNITS:
            found.append(f"lsf.unit_for_limits: {unit!r} is not one of {', '.join(LSF_UNITS)}")
    if "site" not in facts:
        found.append("site: missing (site.issues_url: where readers report a problem)")
    else:
        found += _typed(facts["site"], SITE, "site")
        url = facts["site"].get("issues_url") if isinstance(facts["site"], dict) else None
        if isinstance(url, str) and not re.fullmatch(r"https://[^\s?#]+/issues/?", url):
            found.append(
                f"site.issues_url: {url!r} must be the https address of the repository's "
                "issues, ending in /issues, without ?query or #fragment"
            )
    return found


def lsf_memory(facts: dict | None = None) -> dict:
    """The lsf: section, with LSF's own defaults for the two switches it leaves out.

    unit_for_limits stays None when not given: LSF then reads a bare -M number
    in KB but a bare rusage[mem] in MB, and a layer should not guess which the
    site changed.
    """
    facts = load() if facts is None else facts
    given = facts.get("lsf") or {}
    unit = given.get("unit_for_limits")
    return {
        "unit_for_limits": str(unit).upper() if unit else None,
        "reserve_per_task": bool(given.get("reserve_per_task", False)),
        "job_memlimit": bool(given.get("job_memlimit", False)),
    }

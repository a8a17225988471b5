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

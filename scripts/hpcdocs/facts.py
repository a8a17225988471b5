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
from pydantic import ValidationError

from hpcdocs import ROOT
from hpcdocs import facts_schema as schema

FACTS_FILE = Path(os.environ.get("HPCDOCS_FACTS", ROOT / "cluster.yml"))
# `{{ cluster.KEY }}`, or with a filter for sample output: `{{ cluster.KEY | user }}`
# writes $USER as the pages' example user (/work/$USER -> /work/alice), `| upper`
# the fact in capitals (a GPU model as the test cluster's nvidia-smi shows it).
PLACEHOLDER = re.compile(r"\{\{\s*cluster\.([A-Za-z0-9_.-]+)\s*(?:\|\s*(user|upper)\s*)?\}\}")
EXAMPLE_USER = "alice"  # the user of the pages' examples (ssh alice@...)
USER_VAR = re.compile(r"\$\{USER\}|\$USER\b")


class FactsError(ValueError):
    """cluster.yml is not valid, or a placeholder names a fact it does not have."""


# A true/false fact as pages show it; in snippets (no language) it stays true/false.
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}


@cache
def _load(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise FactsError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise FactsError(f"{path}: the facts file must be a YAML mapping")
    return checked(data, source=path, text=text)


def checked(data: dict, source: str = "facts", text: str | None = None) -> dict:
    """The facts with the schema's defaults filled in; FactsError listing every problem.

    Defaults come from the schema (hpcdocs.facts_schema), so every user of the
    facts sees the same ones.
    """
    try:
        model = schema.Facts.model_validate(data)
    except ValidationError:
        model = None
    if model is None or schema.cross_problems(data):  # then say every problem, with lines
        found = problems(data, source=source if text is not None else None, text=text)
        raise FactsError(
            f"{_shown(source)}: {len(found)} problem{'s' if len(found) > 1 else ''}:\n"
            + "\n".join(found)
        )
    return model.model_dump(exclude_none=True)


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
    ``lang`` (default: the first one listed). ``{{ cluster.KEY | user }}``
    writes ``$USER`` in the fact as the example user (EXAMPLE_USER), for
    paths in sample output; ``{{ cluster.KEY | upper }}`` writes it in capitals.
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
        if match.group(2) == "user":
            return USER_VAR.sub(EXAMPLE_USER, str(found))
        if match.group(2) == "upper":
            return str(found).upper()
        return str(found)

    return PLACEHOLDER.sub(value, text)


CONDITION = re.compile(r"^<!-- (if (not )?cluster\.([A-Za-z0-9_.-]+)|end if) -->[ \t]*$")


def conditional(text: str, source: str = "<text>", facts: dict | None = None) -> str:
    """Keep or drop the blocks a page makes depend on a fact.

    A block starts with a line ``<!-- if cluster.KEY -->`` (or ``if not``) and
    ends with ``<!-- end if -->``; it is kept when the fact is there and true
    (a non-empty text, true, a non-zero number). Blocks do not nest. A key the
    schema does not know, a block left open or an ``end if`` without an ``if``
    raise FactsError naming ``source:line``.
    """
    facts = load() if facts is None else facts
    out: list[str] = []
    keep: bool | None = None  # None: outside a block
    opened = 0
    for number, line in enumerate(text.split("\n"), 1):
        match = CONDITION.match(line)
        if not match:
            if keep is not False:
                out.append(line)
            continue
        if match.group(1) == "end if":
            if keep is None:
                raise FactsError(f"{source}:{number}: <!-- end if --> without <!-- if ... -->")
            keep = None
            continue
        if keep is not None:
            raise FactsError(
                f"{source}:{number}: <!-- if --> inside the block opened on line {opened}"
            )
        key = match.group(3)
        *section, name = key.split(".")
        model = schema.section_of(tuple(section))
        if model is None or name not in model.model_fields:
            raise FactsError(f"{source}:{number}: cluster.{key} is not a key of the facts schema")
        try:
            value = get(key, facts)
        except KeyError:
            value = None
        keep = bool(value) != bool(match.group(2))
        opened = number
    if keep is not None:
        raise FactsError(f"{source}:{opened}: <!-- if ... --> without <!-- end if -->")
    return "\n".join(out)


def partitions(facts: dict | None = None) -> dict:
    """Partitions by role, as in cluster.yml."""
    return (load() if facts is None else facts)["partitions"]


def key_lines(text: str) -> dict[tuple, int]:
    """The line of every key and list item of a YAML text, by its path."""
    found: dict[tuple, int] = {}

    def walk(node, path):
        found.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return found


def _message(error: dict) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown key"
    types = {"bool": "bool", "int": "int", "string": "str", "dict": "a mapping", "list": "a list"}
    for prefix, name in types.items():
        if kind.startswith(prefix + "_"):
            return f"must be {name}, not {type(value).__name__} ({value!r})"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not match {error['ctx']['pattern']}"
    if kind == "literal_error":
        return f"{value!r}: must be {error['ctx']['expected']}"
    if kind == "greater_than_equal":
        return f"must be at least {error['ctx']['ge']}, not {value!r}"
    if kind == "too_short":
        return f"must not be empty (at least {error['ctx']['min_length']} entry)"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{value!r}: {error['msg']}"


def _shown(path: str) -> str:
    """A path as a maintainer reads it: relative to the repository when inside it."""
    if not Path(path).is_absolute():
        return str(path)
    try:
        return Path(path).relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def problems(
    facts: dict | None = None, source: str | None = None, text: str | None = None
) -> list[str]:
    """Every problem of the facts at once, as `KEY: what is wrong`; [] if none.

    With ``source`` and ``text`` (the file's name and content) each problem is
    `FILE:LINE: KEY: what is wrong`, LINE being the line of the key at fault
    (or of the section that lacks it). The schema is hpcdocs.facts_schema.
    """
    if facts is None:
        source, text = str(FACTS_FILE), FACTS_FILE.read_text("utf-8")
        facts = yaml.safe_load(text)
    lines = key_lines(text) if text is not None else {}
    found: list[tuple[tuple, str]] = []
    if not isinstance(facts, dict):
        return [f"{source or 'facts'}: must be a YAML mapping"]
    found += schema.cross_problems(facts)
    try:
        schema.Facts.model_validate(facts)
    except ValidationError as exc:
        for error in exc.errors():
            # a model_validator's error carries no field: it is about the section
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            message = _message(error)
            if error["type"] == "extra_forbidden":
                section = schema.section_of(loc[:-1])
                if section is not None:
                    message += f" (known: {', '.join(section.model_fields)})"
            found.append((loc, message))

    def line(loc: tuple) -> int:
        while loc and loc not in lines:  # a missing key: the line of its section
            loc = loc[:-1]
        return lines.get(loc, 1)

    found.sort(key=lambda item: line(item[0]))
    shown = []
    for loc, message in found:
        key = ".".join(str(p) for p in loc) or "(top level)"
        where = f"{_shown(source)}:{line(loc)}: " if source is not None else ""
        shown.append(f"{where}{key}: {message}")
    return shown


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

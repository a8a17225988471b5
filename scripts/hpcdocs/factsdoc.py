"""The facts reference (docs/*/facts.md), generated from hpcdocs.facts_schema.

``reference(lang)`` is Markdown: one table per section of cluster.yml with
every key, its type, its default, its meaning and the pages that show it
(found from their ``{{ cluster.KEY }}`` placeholders and those of the
snippets they include). The build hook scripts/hooks/cluster_facts.py puts
it where a page has the marker line ``<!-- facts-reference -->``.
"""

from __future__ import annotations

import re
import types
import typing
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from hpcdocs import ROOT, facts
from hpcdocs import facts_schema as schema
from hpcdocs.facts import CONDITION, PLACEHOLDER

MARKER = "<!-- facts-reference -->"
EXAMPLE_MARKER = "<!-- facts-example -->"


def _broken(data: dict) -> dict:
    """A copy of the facts with the mistakes the example shows."""
    import copy

    data = copy.deepcopy(data)
    gpu = data["partitions"]["gpu"]
    gpu["max_time"] = "2 days"
    gpu.pop("cpus_per_node")
    data["partitions"]["debug"]["shares_nodes_with"] = "cpu-nodes"
    data["storage"]["work"]["backed_up"] = "no"
    data["storage"]["work"]["quota_comand"] = data["storage"]["work"].pop("quota_command")
    return data


def broken_text() -> str:
    """The facts file with the example's mistakes, as YAML."""
    data = _broken(yaml.safe_load(facts.FACTS_FILE.read_text("utf-8")))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def example() -> str:
    """What the check prints for the facts file with the mistakes of _broken() (Markdown).

    The output is the real checker's on a copy of the facts file, so the page
    cannot show a message format the code no longer writes.
    """
    text = broken_text()
    found = facts.problems(yaml.safe_load(text), source="cluster.yml", text=text)
    body = "\n".join([f"ERROR   -  cluster.yml: {len(found)} problems:", *found])
    return f'``` text title="make build"\n{body}\n```'


TOOLS = {
    "zh": {
        "testcluster": "测试集群",
        "lint": "作业脚本检查",
        "lsf": "LSF 兼容层",
        "generator": "作业脚本生成器",
        "snippets": "代码片段测试",
        "hooks": "站点构建",
    },
    "en": {
        "testcluster": "test cluster",
        "lint": "job-script lint",
        "lsf": "LSF layer",
        "generator": "job-script generator",
        "snippets": "snippet tests",
        "hooks": "site build",
    },
}
WORDS = {
    "zh": {
        "key": "键",
        "type": "类型",
        "default": "默认值",
        "meaning": "含义",
        "pages": "用到它的页面和工具",
        "required": "必填",
        "none": "（不写）",
        "mapping": "映射",
        "list": "列表",
        "text": "文本",
        "number": "整数",
        "bool": "true/false",
        "role": "角色名",
        "top": "顶层",
    },
    "en": {
        "key": "Key",
        "type": "Type",
        "default": "Default",
        "meaning": "Meaning",
        "pages": "Used by (pages, tools)",
        "required": "required",
        "none": "(left out)",
        "mapping": "mapping",
        "list": "list",
        "text": "text",
        "number": "integer",
        "bool": "true/false",
        "role": "ROLE",
        "top": "Top level",
    },
}


def _type(kind, w: dict) -> str:
    origin = typing.get_origin(kind)
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return _type(args[0], w)
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in typing.get_args(kind))
    if origin is dict:
        inner = args[1]
        return (
            w["mapping"]
            if isinstance(inner, type) and issubclass(inner, BaseModel)
            else (f"{w['mapping']} ({w['text']})")
        )
    if origin is list:
        return f"{w['list']} ({w['text']})"
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return w["mapping"]
    return {str: w["text"], int: w["number"], bool: w["bool"]}.get(kind, str(kind))


@cache
def texts() -> dict[str, dict[str, dict]]:
    """facts_texts.yml: {model name: {key: {en, zh[, used_by][, default_shown]}}}; a
    ValueError naming what is wrong if it misses a key of the schema or has one too many."""
    found = yaml.safe_load(Path(schema.__file__).with_name("facts_texts.yml").read_text("utf-8"))
    if problems := text_problems(found):
        raise ValueError("facts_texts.yml: " + "; ".join(problems))
    return found


def text_problems(found: dict) -> list[str]:
    """What facts_texts.yml (read into found) lacks or has too many: every key of every
    section model needs an entry with en and zh, and nothing else may have one."""
    models = {
        m.__name__: m
        for m in vars(schema).values()
        if isinstance(m, type) and issubclass(m, schema.Section) and m is not schema.Section
    }
    problems = []
    for name in sorted(models.keys() | found.keys()):
        keys = set(models[name].model_fields) if name in models else set()
        given = set(found.get(name) or {})
        problems += [f"{name}.{k}: no text" for k in sorted(keys - given)]
        problems += [f"{name}.{k}: not a key of the schema" for k in sorted(given - keys)]
        for key in sorted(keys & given):
            if not {"en", "zh"} <= found[name][key].keys():
                problems.append(f"{name}.{key}: needs both en and zh")
    return problems


def text(model: type[BaseModel], name: str) -> dict:
    """The reference page's entry for one key: en, zh and, where given, used_by, default_shown."""
    return texts()[model.__name__][name]


def _default(field, entry: dict, w: dict) -> str:
    if field.is_required():
        return f"**{w['required']}**"
    if entry.get("default_shown"):
        return f"= `{entry['default_shown']}`"
    value = field.default if field.default_factory is None else field.default_factory()
    if value is None or value is PydanticUndefined:
        return w["none"]
    if isinstance(value, BaseModel):
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "":
        return '`""`'
    if isinstance(value, list):
        return "`[" + ", ".join(map(str, value)) + "]`"
    return f"`{value}`"


def _model_of(kind) -> type[BaseModel] | None:
    """The section model inside a type: Partition in dict[str, Partition], Qos in str | Qos."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind
    for arg in typing.get_args(kind):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def used_by(entry: dict) -> list[str]:
    return list(entry.get("used_by", []))


def sections() -> list[tuple[str, type[BaseModel], list[str]]]:
    """(path pattern, model, tools that read it) for the top level and each section."""
    found = [("", schema.Facts, [])]
    for name, field in schema.Facts.model_fields.items():
        inner = _model_of(field.annotation)
        if inner is None or inner is schema.Text:
            continue
        is_dict = typing.get_origin(field.annotation) is dict
        found.append(
            (f"{name}.<ROLE>" if is_dict else name, inner, used_by(text(schema.Facts, name)))
        )
    return found


@cache
def _pages_by_key(lang: str) -> dict[str, set[str]]:
    """Facts placeholders (roles replaced by <ROLE>) and the pages of `lang` that show them."""
    from hpcdocs.snippettests import Catalog

    roles = {
        name
        for name, field in schema.Facts.model_fields.items()
        if typing.get_origin(field.annotation) is dict and _model_of(field.annotation)
    }
    users: dict[str, set[str]] = {}

    def note(text: str, page: str):
        keys = [m.group(1) for m in PLACEHOLDER.finditer(text)]
        keys += [m.group(3) for m in map(CONDITION.match, text.splitlines()) if m and m.group(3)]
        for key in keys:
            parts = key.split(".")
            if parts[0] in roles and len(parts) > 2:
                parts[1] = "<ROLE>"
            users.setdefault(".".join(parts), set()).add(page)

    for md in sorted((ROOT / "docs" / lang).glob("*.md")):
        note(md.read_text("utf-8"), md.stem)
    for snip in Catalog.load().snippets:
        text = (ROOT / "snippets" / snip.path).read_text("utf-8")
        for page in snip.pages:
            if page.startswith(f"docs/{lang}/"):
                note(text, page.rsplit("/", 1)[-1].removesuffix(".md"))
    return users


def reference(lang: str) -> str:
    """The reference as Markdown for one language."""
    w = WORDS[lang]
    users = _pages_by_key(lang)
    out = []
    for path, model, tools in sections():
        title = f"`{path}`" if path else w["top"]
        anchor = re.sub(r"[^a-z0-9]+", "-", (path or "top").lower()).strip("-")
        out += [f"### {title} {{ #facts-{anchor} }}", ""]
        out += [
            f"| {w['key']} | {w['type']} | {w['default']} | {w['meaning']} | {w['pages']} |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, field in model.model_fields.items():
            key = f"{path}.{name}" if path else name
            entry = text(model, name)
            meaning = entry[lang]
            shown = sorted(
                {
                    page
                    for k, pages in users.items()
                    if k == key or k.startswith(key + ".")
                    for page in pages
                }
            )
            links = [f"[{p}]({p}.md)" for p in shown]
            links += [f"*{TOOLS[lang][t]}*" for t in (used_by(entry) or tools)]
            cell = meaning.replace("|", "\\|")
            out.append(
                f"| `{name}` | {_type(field.annotation, w)} | {_default(field, entry, w)} | {cell} "
                f"| {', '.join(links) or '—'} |"
            )
        out.append("")
    return "\n".join(out)

"""The toctree order as a YAML fragment for mkdocs.yml's ``nav:``.

The root page comes first; each toctree entry follows in order, a page with its
own toctree becoming a section that starts with that page. A toctree caption
becomes a section label. Pages no toctree reaches are listed last, after a
comment, as Sphinx would warn about them.
"""

from __future__ import annotations

import re

import yaml

from hpcdocs.rstimport.sphinxrun import Project

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def build(project: Project, prefix: str = "") -> tuple[list, list]:
    """(nav entries from the root's toctrees, entries for pages outside every toctree)."""
    seen = {project.root}

    def title(doc: str) -> str:
        node = project.env.titles.get(doc)
        return " ".join(node.astext().split()) if node is not None else doc

    def page(doc: str) -> str:
        return f"{prefix}{doc}.md"

    def entry(doc: str, explicit: str | None) -> dict:
        seen.add(doc)
        sub = children(doc)
        name = explicit or title(doc)
        return {name: [page(doc), *sub]} if sub else {name: page(doc)}

    def children(doc: str) -> list:
        out: list = []
        for tree in project.toctrees.get(doc, []):
            items = []
            for explicit, ref in tree["entries"]:
                if SCHEME.match(ref):
                    items.append({explicit or ref: ref})
                elif ref in project.doctrees and ref not in seen:
                    items.append(entry(ref, explicit))
            if tree["caption"] and items:
                out.append({tree["caption"]: items})
            else:
                out += items
        return out

    nav = [{title(project.root): page(project.root)}, *children(project.root)]
    orphans = [{title(doc): page(doc)} for doc in sorted(project.doctrees) if doc not in seen]
    return nav, orphans


def to_yaml(nav: list, orphans: list) -> str:
    def dump(data: list) -> str:
        return yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
        )

    text = "# nav fragment from import-rst: paste under nav: in mkdocs.yml\n" + dump(nav)
    if orphans:
        text += "# pages that no toctree includes\n" + dump(orphans)
    return text

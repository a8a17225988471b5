"""What every page of one import shares: paths, the report, the plan, anchors."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes

from hpcdocs.rstimport.output import Plan
from hpcdocs.rstimport.report import Report
from hpcdocs.rstimport.sphinxrun import Message, Project, location

AUTO_ID = re.compile(r"^(id\d+|section-\d+|index-\d+(-\d+)?)$")
_NOT_ANCHORS = (
    nodes.system_message,
    nodes.problematic,
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.reference,
)


@dataclass
class Site:
    project: Project
    out_dir: Path
    snippets_dir: Path  # where snippet files are written
    snippets_base: Path  # pymdownx.snippets' base_path: includes are relative to it
    plan: Plan
    report: Report
    keep_going: bool = False
    anchors: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for docname, doctree in self.project.doctrees.items():
            self.anchors[docname] = collect_anchors(doctree)

    def where(self, path: str | None, line: int | None) -> str:
        return location(path, line, self.project.srcdir)

    def page_path(self, docname: str) -> Path:
        return self.out_dir / (docname + ".md")

    def anchor(self, docname: str, anchor: str) -> str | None:
        """The id a heading or anchor got in the page, for an id docutils gave it."""
        return self.anchors.get(docname, {}).get(anchor)

    def message_at(self, path: str | None, line: int | None) -> Message | None:
        """The first error Sphinx logged at that place (for nodes docutils left unattached)."""
        for msg in self.project.messages:
            same_place = msg.line == line and os.path.abspath(msg.path) == os.path.abspath(path)
            if path and same_place and msg.level in ("ERROR", "CRITICAL"):
                return msg
        return None

    def relative(self, docname: str, target: Path) -> str:
        """A link from the page of ``docname`` to a file written under the output folder."""
        page_dir = self.page_path(docname).parent
        return Path(os.path.relpath(target, page_dir)).as_posix()

    def doc_for(self, docname: str, path: str) -> str | None:
        """The document a relative link from ``docname`` names (``x.html``, ``x.rst``, ``x``)."""
        base = "" if path.startswith("/") else posixpath.dirname(docname)  # "/x": x in the import
        stem = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        for suffix in (".md", ".html", ".rst", ".txt"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        for candidate in (stem, stem + "/index"):
            if candidate in self.project.doctrees:
                return candidate
        return None


def primary_id(ids: list[str]) -> str:
    """The id an element is written with.

    An explicit label (``.. _name:``, appended after the section's own id) first,
    then the id from the title, then a generated one (``id3``).
    """
    chosen = [i for i in ids[1:] if not AUTO_ID.match(i)] + ids[:1]
    return next((i for i in chosen if not AUTO_ID.match(i)), ids[0])


def collect_anchors(doctree: nodes.document) -> dict[str, str]:
    """Every id in the page -> the one id the Markdown gives that element."""
    anchors: dict[str, str] = {}
    for node in doctree.findall(nodes.Element):
        ids = node.get("ids") or []
        if ids and not isinstance(node, _NOT_ANCHORS):
            primary = primary_id(ids)
            for i in ids:
                anchors.setdefault(i, primary)
    return anchors

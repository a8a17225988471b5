"""The Sphinx extension the importer loads: a builder that keeps resolved doctrees.

Sphinx reads every page, resolves ``:ref:``, ``:doc:`` and toctrees against the
whole project (with ``get_target_uri`` giving ``.md`` pages) and hands each
resolved doctree to ``write_doc``; the builder only keeps it. The Markdown is
written afterwards, outside Sphinx.

Two event handlers mark cross-references Sphinx could not resolve (and would
warn about), so the page can show them as not converted.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.builders import Builder

UNRESOLVED = "import_rst_unresolved"
"""Attribute set on the node left in place of a reference Sphinx could not resolve."""


class KeepDoctreesBuilder(Builder):
    """Resolves every document and keeps its doctree in ``self.doctrees``."""

    name = "import-rst"
    format = "html"  # so that ``.. only:: html`` content is kept, as on the web
    epilog = ""
    supported_image_types = ["image/svg+xml", "image/png", "image/gif", "image/jpeg"]
    supported_remote_images = True  # never download remote images
    math_renderer_name = "mathjax"  # asked for by Sphinx's checks on html builders

    def init(self) -> None:
        self.doctrees: dict[str, nodes.document] = {}
        self.toctrees: dict[str, list[dict]] = {}
        self._last_contnode: nodes.Element | None = None

    def get_outdated_docs(self):
        return self.env.found_docs

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return docname + ".md"

    def prepare_writing(self, docnames) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        self.doctrees[docname] = doctree
        # the toctrees as written (resolution replaces them), for the nav
        self.toctrees[docname] = [
            {"caption": tree.get("caption"), "entries": list(tree["entries"])}
            for tree in self.env.get_doctree(docname).findall(addnodes.toctree)
        ]

    def finish(self) -> None:
        pass


def _remember_contnode(app, env, node, contnode) -> None:
    """``missing-reference``: remember the node Sphinx will leave in the page."""
    app.builder._last_contnode = contnode
    return None


def _mark_unresolved(app, domain, node) -> bool:
    """``warn-missing-reference``: mark that node; the importer reports it."""
    contnode = getattr(app.builder, "_last_contnode", None)
    if contnode is not None:
        source, line = get_source_line(node)
        role = node["reftype"]
        if node.get("refdomain", "std") not in ("", "std"):
            role = f"{node['refdomain']}:{role}"
        contnode[UNRESOLVED] = (f":{role}:`{node['reftarget']}`", source, line)
    return True  # the importer reports it itself, with the page's file and line


def setup(app) -> dict[str, Any]:
    app.add_builder(KeepDoctreesBuilder)
    app.connect("missing-reference", _remember_contnode)
    app.connect("warn-missing-reference", _mark_unresolved)
    return {"parallel_read_safe": False, "parallel_write_safe": False}

"""Inline markup of a page: emphasis, code, links, images, footnote marks.

A mixin of ``PageWriter`` (writer.py): each ``i_<tag>`` method turns one inline
node into Markdown text. Links inside the import become relative ``.md``
links with the anchors the pages were written with; files a page links to
(images, downloads) are copied to the same relative place in the output.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line

from hpcdocs.rstimport import markdown as md
from hpcdocs.rstimport.report import WARNING

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip()


def wrap(inner: str, mark: str) -> str:
    """``*text*``, keeping spaces at the ends outside the markers."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


class InlineMixin:
    def image(self, node: nodes.image) -> str:
        """``![alt](path)``; the image file is copied beside the page. '' if not found."""
        uri = node["uri"]
        if "*" in uri:
            candidates = node.get("candidates", {})
            uri = next(
                (
                    candidates[t]
                    for t in ("image/svg+xml", "image/png", "image/gif", "image/jpeg")
                    if t in candidates
                ),
                uri,
            )
        if not SCHEME.match(uri):
            source = self.site.project.srcdir / uri
            if not source.is_file():
                self.not_converted_inline(f"image {uri} not found", node, self.source_text(node))
                return ""
            inside = not Path(uri).as_posix().startswith("../")
            dest = (
                self.site.out_dir / uri
                if inside
                else self.site.page_path(self.docname).parent / Path(uri).name
            )
            self.site.plan.copy(source, dest)
            uri = self.site.relative(self.docname, dest)
        attrs = " ".join(
            f"{key}={md.attr_value(str(node[key]))}"
            for key in ("width", "height", "align")
            if node.get(key)
        )
        if node.get("scale"):
            self.site.report.add(self.where(node), WARNING, "image :scale: ignored")
        alt = md.escape(one_line(node.get("alt", "")))
        return f"![{alt}]({md.url(uri)})" + (f"{{ {attrs} }}" if attrs else "")

    def i_emphasis(self, node: nodes.Element) -> str:
        return wrap(self.inlines(node), "*")

    def i_strong(self, node: nodes.Element) -> str:
        return wrap(self.inlines(node), "**")

    def i_literal(self, node: nodes.Element) -> str:
        return md.code_span(node.astext())

    i_title_reference = i_literal  # the default role: `text`
    i_literal_emphasis = i_literal
    i_literal_strong = i_literal
    i_desc_name = i_literal

    def i_subscript(self, node: nodes.Element) -> str:
        return f"<sub>{self.inlines(node)}</sub>"

    def i_superscript(self, node: nodes.Element) -> str:
        return f"<sup>{self.inlines(node)}</sup>"

    def i_abbreviation(self, node: nodes.Element) -> str:
        explanation = node.get("explanation", "")
        if not explanation:
            return self.inlines(node)
        return f"<abbr title={md.attr_value(explanation)}>{self.inlines(node)}</abbr>"

    def i_image(self, node: nodes.image) -> str:
        return self.image(node)

    def i_target(self, node: nodes.target) -> str:
        if node.get("refuri"):
            return self.inlines(node)  # the target of an embedded URI: nothing to show
        return self.anchors(node) + self.inlines(node)

    def i_footnote_reference(self, node: nodes.Element) -> str:
        anchor = self.site.anchor(self.docname, node.get("refid", "")) or node.get("refid", "")
        return f"<sup>[\\[{md.escape(node.astext())}\\]](#{anchor})</sup>"

    i_citation_reference = i_footnote_reference

    def i_problematic(self, node: nodes.problematic) -> str:
        if node.get("refid") in self.message_ids:
            return md.code_span(node.astext())  # its message follows the paragraph
        source, line = get_source_line(node)
        message = self.site.message_at(source or self.source, line)
        what = message.text.split("\n")[0].rstrip(".") if message else "could not resolve"
        return self.not_converted_inline(what[0].lower() + what[1:], node, node.astext())

    def i_raw(self, node: nodes.raw) -> str:
        fmt = node.get("format", "")
        return self.not_converted_inline(
            f"inline raw {fmt}", node, node.astext(), lang=fmt.split()[0] if fmt else "text"
        )

    def i_math(self, node: nodes.Element) -> str:
        return self.not_converted_inline(
            "math (the site has no math rendering)", node, node.astext(), lang="latex"
        )

    def i_substitution_reference(self, node: nodes.Element) -> str:
        return self.not_converted_inline("unresolved substitution", node, f"|{node.astext()}|")

    def i_reference(self, node: nodes.reference) -> str:
        text = self.inlines(node)
        if "refid" in node:
            anchor = self.site.anchor(self.docname, node["refid"]) or node["refid"]
            return md.link(text, "#" + anchor)
        uri = node.get("refuri")
        if uri is None:
            return text
        if SCHEME.match(uri):
            if node.astext() == uri and not node.get("name") and "<" not in uri:
                return f"<{uri}>"
            return md.link(text, uri)
        target = self.internal(uri, node)
        return md.link(text, target) if target is not None else text

    i_number_reference = i_reference

    def internal(self, uri: str, node: nodes.Element) -> str | None:
        """A link inside the imported pages (or to a file copied beside them)."""
        path, _, fragment = uri.partition("#")
        doc = self.site.doc_for(self.docname, path) if path else self.docname
        if doc is None:
            return self.copied_file(path, node, fragment)
        link = self.site.relative(self.docname, self.site.page_path(doc))
        if doc == self.docname and (fragment or not path):
            link = ""
        if fragment:
            anchor = self.site.anchor(doc, fragment)
            if anchor is None:
                self.site.report.add(
                    self.where(node),
                    WARNING,
                    f"link to a missing anchor: {uri} (links to the page)",
                )
                return link or "#"
            link += "#" + anchor
        return link or "#"

    def copied_file(self, path: str, node: nodes.Element, fragment: str = "") -> str | None:
        # "/x" is x in the source folder, as Sphinx reads it (":download:`</x>`")
        docdir = self.site.project.srcdir if path.startswith("/") else Path(self.source).parent
        source = (docdir / path.lstrip("/")).resolve()
        if source.is_file():
            try:
                rel = source.relative_to(self.site.project.srcdir)
            except ValueError:
                rel = Path(source.name)
            dest = self.site.out_dir / rel
            self.site.plan.copy(source, dest)
            return self.site.relative(self.docname, dest) + (f"#{fragment}" if fragment else "")
        self.not_converted_inline(
            f"link to {path}: no such page or file", node, self.source_text(node)
        )
        return None

    def i_download_reference(self, node: nodes.Element) -> str:
        target = self.copied_file(node["reftarget"], node)
        text = self.inlines(node)
        return md.link(text, target) if target else text

"""One resolved doctree -> one Markdown page for mkdocs-material.

``block(node)`` gives a node's Markdown blocks, ``inline(node)`` its inline
text; both dispatch on the node's tag name (``b_<tag>`` / ``i_<tag>``). A node
this file has no rule for is never dropped: a block becomes a "Not converted"
admonition showing its source, an inline keeps its text, and both are reported.
Blocks an inline node asks for (a "Not converted" note) are queued in
``deferred`` and written right after the block that holds it.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx import addnodes

from hpcdocs.rstimport import codefiles, tables
from hpcdocs.rstimport import markdown as md
from hpcdocs.rstimport.inline import InlineMixin, one_line, wrap
from hpcdocs.rstimport.report import NOT_CONVERTED, WARNING
from hpcdocs.rstimport.site import AUTO_ID, Site, primary_id
from hpcdocs.rstimport.sphinxext import UNRESOLVED
from hpcdocs.rstimport.sphinxrun import INSERTED, block_start, inserted_at, inserted_note

ADMONITIONS = {
    "note": "note",
    "warning": "warning",
    "tip": "tip",
    "danger": "danger",
    "attention": "warning",
    "caution": "warning",
    "error": "danger",
    "hint": "tip",
    "important": "tip",
}
MATERIAL_TYPES = {
    "note",
    "abstract",
    "info",
    "tip",
    "success",
    "question",
    "warning",
    "failure",
    "danger",
    "bug",
    "example",
    "quote",
}
# messages for things that cannot be converted; any other error is broken input
UNCONVERTIBLE = (
    "Unknown directive type",
    "Unknown interpreted text role",
    "Undefined substitution referenced",
    "Unknown target name",
)
# nodes that show nothing in Sphinx's HTML either
INVISIBLE = {
    "substitution_definition",
    "pending",
    "index",
    "meta",
    "tabular_col_spec",
    "highlightlang",
    "start_of_file",
    "toctree",
    "decoration",
}
LIST_START = re.compile(r"^(- |\d+\. )")


def _same_kind(before: str, block: str) -> bool:
    """Two lists, or two block quotes, that Markdown would run into one."""
    return bool(
        LIST_START.match(before)
        and LIST_START.match(block)
        or before.startswith(">")
        and block.startswith(">")
    )


def _unindent(written: str, columns: int) -> str | None:
    """``written`` without the whitespace that fills its first ``columns`` columns."""
    for k in range(len(written) + 1):
        width = len(written[:k].expandtabs())
        if width == columns and not written[:k].strip():
            return written[k:]
        if width > columns or written[:k].strip():
            return None
    return None


def _as_written(path: str, line: int | None, code: str) -> tuple[str, bool]:
    """The code as the source file has it, tabs and all, and whether tabs were lost.

    docutils expands tabs to spaces (tab stops of 8) before it removes a block's
    indentation. Where the block's lines are found in the file near ``line``,
    each is taken from the file instead, less its indentation; a tab that only
    indented the block is gone, as in Sphinx. Only where a tab straddles the
    indentation (or the lines are not found) does the expanded text stay.
    """
    if not line or "\t" in code:
        return code, False
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return code, False
    wanted = code.split("\n")
    first = next((w for w in wanted if w.strip()), "")
    for start in range(max(line - 3, 0), min(line + 20, len(lines))):
        window = lines[start : start + len(wanted)]
        if len(window) < len(wanted) or "\t" not in "".join(window):
            continue
        expanded = [w.expandtabs().rstrip() for w in window]
        head = next((e for e, w in zip(expanded, wanted, strict=True) if w.strip()), "")
        indent = len(head) - len(head.lstrip()) - (len(first) - len(first.lstrip()))
        if indent < 0 or any(e[indent:] != w for e, w in zip(expanded, wanted, strict=True)):
            continue
        original = [_unindent(w.rstrip(), indent) if w.strip() else "" for w in window]
        if any(o is None for o in original):
            return code, True
        return "\n".join(original), False
    stripped = {w.strip() for w in wanted if w.strip()}
    region = lines[max(line - 1, 0) : line + len(wanted) + 10]
    return code, any("\t" in ln and ln.expandtabs().strip() in stripped for ln in region)


def _title(node: nodes.Element) -> nodes.title | None:
    """The element's own title (its first child), not one nested deeper."""
    return node[0] if node.children and isinstance(node[0], nodes.title) else None


class PageWriter(InlineMixin):
    def __init__(self, site: Site, docname: str) -> None:
        self.site = site
        self.docname = docname
        self.doctree = site.project.doctrees[docname]
        self.source = str(site.project.env.doc2path(docname))
        self.deferred: list[str] = []
        self.depth = 0
        self.section_titles: list[str] = [""]
        self.snippet_count = 0
        self.message_ids = {i for m in self.doctree.findall(nodes.system_message) for i in m["ids"]}

    # -- entry point and dispatch -------------------------------------------------

    def page(self) -> str:
        return "\n\n".join(self.blocks(self.doctree)).rstrip() + "\n"

    def blocks(self, parent: nodes.Node) -> list[str]:
        return self.blocks_of(parent.children)

    def blocks_of(self, children: list[nodes.Node]) -> list[str]:
        out: list[str] = []
        for child in children:
            for block in [b for b in self.block(child) if b.strip()] + self.deferred:
                if out and _same_kind(out[-1], block):
                    out.append("<!-- -->")  # else Markdown joins two lists (or quotes)
                out.append(block)
            self.deferred = []
        return out

    def block(self, node: nodes.Node) -> list[str]:
        if isinstance(node, nodes.Text):
            text = md.escape_line_starts(md.escape(node.astext())).strip()
            return [text] if text else []
        method = getattr(self, "b_" + node.tagname, None)
        if method is not None:
            return method(node)
        if node.tagname in INVISIBLE or isinstance(node, nodes.Invisible):
            return []
        if node.tagname in ADMONITIONS:
            return self.admonition(ADMONITIONS[node.tagname], "", node)
        if isinstance(node, nodes.Inline):
            return self.b_paragraph(node)
        return [self.not_converted(f"{node.tagname} element", node, self.source_text(node))]

    def inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return md.escape(node.astext())
        if node.get(UNRESOLVED):
            return self.unresolved(node)
        method = getattr(self, "i_" + node.tagname, None)
        if method is not None:
            return method(node)
        if node.tagname in INVISIBLE or isinstance(node, nodes.Invisible):
            return ""
        if node.tagname not in ("inline", "generated", "manpage", "container"):
            self.site.report.add(self.where(node), WARNING, f"{node.tagname} shown as plain text")
        return self.inlines(node)

    def inlines(self, node: nodes.Node) -> str:
        return "".join(self.inline(child) for child in node.children)

    # -- helpers ------------------------------------------------------------------

    def where(self, node: nodes.Node) -> str:
        source, line = get_source_line(node)
        if isinstance(node, nodes.system_message):
            source, line = node.get("source", source), node.get("line", line)
        if source in INSERTED:  # a line of conf.py's rst_prolog: where it went in the page
            return self.site.where(self.source, inserted_at(self.source, source))
        if isinstance(node, nodes.system_message):
            quoted = node.next_node(nodes.literal_block)
            if quoted is not None and line:  # docutils names the line after the block
                line = block_start(source or self.source, line, quoted.astext())
        if line is None and isinstance(node, nodes.Element):  # e.g. a table: its first line
            inner = next((n for n in node.findall() if n.line), None)
            source, line = (inner.source, inner.line) if inner else (source, line)
        return self.site.where(source or self.source, line)

    def source_text(self, node: nodes.Node) -> str:
        raw = getattr(node, "rawsource", "") or ""
        return raw if raw.strip() else node.astext()

    def anchors(self, node: nodes.Element) -> str:
        """``<span id>`` for an element's id (a heading takes its id itself)."""
        ids = [i for i in node.get("ids", []) if not AUTO_ID.match(i)]
        if not ids:
            return ""
        return f'<span id="{primary_id(ids)}"></span>'

    def with_anchor(self, node: nodes.Element, blocks: list[str]) -> list[str]:
        anchor = self.anchors(node)
        return ([anchor] if anchor else []) + blocks

    def not_converted(self, what: str, node: nodes.Node, source: str, lang: str = "rst") -> str:
        """A visible "Not converted" admonition with the original source; reported."""
        where = self.where(node)
        what = what.replace('"', "'")
        self.site.report.add(where, NOT_CONVERTED, what)
        title = md.attr_value(f"Not converted: {one_line(what)} ({where})")
        if not source.strip():
            return f"!!! failure {title}"
        source = md.escape_snippet_lines(source.rstrip("\n"))
        fence = md.fence_for(source)
        waiver = "<!-- untested: the original reStructuredText, shown as written -->"
        return f"!!! failure {title}\n\n" + md.indent(
            f"{waiver}\n{fence} {lang}\n{source}\n{fence}"
        )

    def not_converted_inline(
        self, what: str, node: nodes.Node, source: str, lang: str = "rst"
    ) -> str:
        self.deferred.append(self.not_converted(what, node, source, lang))
        return md.code_span(source) if source.strip() else ""

    def unresolved(self, node: nodes.Element) -> str:
        role, source, line = node[UNRESOLVED]
        where = self.site.where(source or self.source, line)
        what = f"unresolved reference {role}"
        self.site.report.add(where, NOT_CONVERTED, what)
        title = md.attr_value(f"Not converted: {what} ({where})".replace('"', "'"))
        self.deferred.append(f"!!! failure {title}")
        return self.inlines(node)

    # -- structure ----------------------------------------------------------------

    def b_section(self, node: nodes.section) -> list[str]:
        self.depth += 1
        title = _title(node)
        text = one_line(self.inlines(title)) if title else ""
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        hashes = "#" * min(self.depth, 6)
        if self.depth > 6:
            self.site.report.add(self.where(node), WARNING, "section nested deeper than 6 levels")
        heading = f"{hashes} {text} {{ #{primary_id(node['ids'])} }}"
        self.section_titles.append(title.astext() if title else "")
        body = self.blocks_of([c for c in node.children if c is not title])
        self.section_titles.pop()
        self.depth -= 1
        return [heading, *body]

    def b_title(self, node: nodes.title) -> list[str]:
        return [f"**{one_line(self.inlines(node))}**"]

    def b_rubric(self, node: nodes.rubric) -> list[str]:
        return self.with_anchor(node, [wrap(one_line(self.inlines(node)), "**")])

    b_centered = b_rubric

    def b_paragraph(self, node: nodes.Element) -> list[str]:
        if any(
            isinstance(c, nodes.Element) and not isinstance(c, nodes.Inline) for c in node.children
        ):
            return self.with_anchor(node, self.blocks(node))  # e.g. a resolved toctree
        text = md.escape_line_starts(self.inlines(node)).strip()
        return [self.anchors(node) + text] if text else []

    b_compact_paragraph = b_paragraph

    def b_transition(self, node: nodes.transition) -> list[str]:
        return ["* * *"]

    def b_comment(self, node: nodes.comment) -> list[str]:
        return [md.html_comment(node.astext())] if node.astext().strip() else []

    def b_target(self, node: nodes.target) -> list[str]:
        if node.get("refuri") or node.get("refid"):
            return []
        return [self.anchors(node)]

    def b_compound(self, node: nodes.Element) -> list[str]:
        return self.with_anchor(node, self.blocks(node))

    b_glossary = b_compound
    b_versionmodified = b_compound
    b_acks = b_compound
    b_legend = b_compound

    def b_container(self, node: nodes.container) -> list[str]:
        if "literal-block-wrapper" in node["classes"]:
            caption = node.next_node(nodes.caption)
            code = node.next_node(nodes.literal_block)
            return self.with_anchor(
                node,
                self.b_literal_block(code, caption=one_line(caption.astext()) if caption else ""),
            )
        return self.with_anchor(node, self.blocks(node))

    def b_caption(self, node: nodes.caption) -> list[str]:
        return [wrap(one_line(self.inlines(node)), "*")]

    def b_system_message(self, node: nodes.system_message) -> list[str]:
        if node["level"] < 3:
            return []  # a warning: in the report, nothing to show
        text = node[0].astext() if len(node) else ""
        if not (text.startswith(UNCONVERTIBLE) or self.site.keep_going):
            return []  # broken input: the importer stops before writing anything
        source = "\n".join(
            c.astext() for c in node.children[1:] if isinstance(c, nodes.literal_block)
        )
        for backref in node.get("backrefs", []):
            problem = self.doctree.ids.get(backref)
            if problem is not None and not source:
                source = problem.astext()
        what = text[0].lower() + text[1:].rstrip(".") if text else "error"
        if node.get("source") in INSERTED:
            what += inserted_note(node["source"], node.get("line"))
        return [self.not_converted(what, node, source)]

    # -- admonitions and quotes -----------------------------------------------------

    def admonition(self, kind: str, title: str, node: nodes.Element) -> list[str]:
        body = [c for c in node.children if not isinstance(c, nodes.title | nodes.subtitle)]
        inner = "\n\n".join(self.blocks_of(body))
        head = f"!!! {kind}" + (f" {md.attr_value(title)}" if title else "")
        return self.with_anchor(node, [head + ("\n\n" + md.indent(inner) if inner else "")])

    def b_admonition(self, node: nodes.admonition) -> list[str]:
        title = _title(node)
        classes = [c.removeprefix("admonition-") for c in node["classes"]]
        kind = next(
            (ADMONITIONS.get(c, c) for c in classes if ADMONITIONS.get(c, c) in MATERIAL_TYPES),
            "note",
        )
        return self.admonition(kind, one_line(self.inlines(title)) if title else "", node)

    def b_seealso(self, node: nodes.Element) -> list[str]:
        return self.admonition("info", "See also", node)

    def b_topic(self, node: nodes.topic) -> list[str]:
        title = _title(node)
        return self.admonition("abstract", one_line(self.inlines(title)) if title else "", node)

    def b_sidebar(self, node: nodes.sidebar) -> list[str]:
        title = _title(node)
        return self.admonition("info", one_line(self.inlines(title)) if title else "", node)

    def b_block_quote(self, node: nodes.block_quote) -> list[str]:
        body = self.blocks(node)
        if any(True for _ in node.findall(nodes.literal_block)):
            # snippet includes do not work behind "> ": use an untitled quote admonition
            return self.with_anchor(node, ['!!! quote ""\n\n' + md.indent("\n\n".join(body))])
        return self.with_anchor(node, [md.quote("\n\n".join(body))])

    def b_attribution(self, node: nodes.attribution) -> list[str]:
        return ["— " + one_line(self.inlines(node))]

    # -- lists --------------------------------------------------------------------

    def list_block(self, items: list[tuple[str, list[str]]]) -> list[str]:
        """Markdown list items from (marker, blocks); tight when each item is short."""

        def short(blocks: list[str]) -> bool:  # one line, then nested lists only
            return (
                not blocks or "\n" not in blocks[0] and all(LIST_START.match(b) for b in blocks[1:])
            )

        tight = all(short(blocks) for _, blocks in items)
        rendered = [
            md.indent(("\n" if tight else "\n\n").join(blocks) or "&nbsp;", first=marker)
            for marker, blocks in items
        ]
        return ["\n".join(rendered) if tight else "\n\n".join(rendered)]

    def b_bullet_list(self, node: nodes.bullet_list) -> list[str]:
        items = [("- ", self.blocks(item)) for item in node.children]
        return self.with_anchor(node, self.list_block(items))

    def b_enumerated_list(self, node: nodes.enumerated_list) -> list[str]:
        start = node.get("start", 1)
        items = [(f"{start + i}. ", self.blocks(item)) for i, item in enumerate(node.children)]
        return self.with_anchor(node, self.list_block(items))

    def b_hlist(self, node: nodes.Element) -> list[str]:
        items = [("- ", self.blocks(item)) for item in node.findall(nodes.list_item)]
        return self.list_block(items)

    def term_item(self, head: str, body: nodes.Element | None) -> tuple[str, list[str]]:
        """A list item ``head: first paragraph``, the rest of the body below it."""
        blocks = self.blocks(body) if body is not None else []
        if (
            blocks
            and not blocks[0].startswith(("!!!", "```", "- ", ">", "|", "<span"))
            and "\n" not in blocks[0]
        ):
            return ("- ", [f"{head}: {blocks[0]}", *blocks[1:]])
        return ("- ", [head, *blocks])

    def b_definition_list(self, node: nodes.definition_list) -> list[str]:
        items = []
        for item in node.children:
            terms = [c for c in item.children if isinstance(c, nodes.term)]
            classifiers = [c for c in item.children if isinstance(c, nodes.classifier)]
            definition = item.next_node(nodes.definition)
            head = "<br>".join(
                self.anchors(t) + wrap(one_line(self.inlines(t)), "**") for t in terms
            )
            for classifier in classifiers:
                head += " *(" + one_line(self.inlines(classifier)) + ")*"
            blocks = self.blocks(definition) if definition is not None else []
            items.append(("- ", [head, *blocks]))
        return self.with_anchor(node, self.list_block(items))

    def b_field_list(self, node: nodes.field_list) -> list[str]:
        items = []
        for field in node.children:
            name = one_line(self.inlines(field[0]))
            items.append(self.term_item(f"**{name}**", field[1]))
        return self.with_anchor(node, self.list_block(items))

    b_docinfo = b_field_list

    def b_option_list(self, node: nodes.option_list) -> list[str]:
        items = []
        for item in node.children:
            group = item.next_node(nodes.option_group)
            options = ", ".join(md.code_span(opt.astext()) for opt in group.children)
            items.append(self.term_item(options, item.next_node(nodes.description)))
        return self.list_block(items)

    def b_desc(self, node: nodes.Element) -> list[str]:
        """An object description (``.. option::``, ``.. envvar::``, ``.. py:function::``)."""
        items = []
        for child in node.children:
            if isinstance(child, addnodes.desc_signature):
                sig = md.code_span(one_line(child.astext()))
                items.append(("- ", [self.anchors(child) + sig]))
            elif isinstance(child, addnodes.desc_content) and items:
                items[-1][1].extend(self.blocks(child))
        return self.list_block(items)

    def b_line_block(self, node: nodes.line_block, depth: int = 0) -> list[str]:
        lines = []
        for child in node.children:
            if isinstance(child, nodes.line_block):
                lines += self.b_line_block(child, depth + 1)[0].split("<br>\n")
            else:
                text = md.escape_line_starts(one_line(self.inlines(child)))
                lines.append("&nbsp;" * 4 * depth + text)
        return ["<br>\n".join(lines)]

    # -- code -----------------------------------------------------------------------

    def b_literal_block(self, node: nodes.literal_block, caption: str = "") -> list[str]:
        code = node.astext()
        if not code.strip():
            self.site.report.add(self.where(node), WARNING, "empty code block left out")
            return []
        language = codefiles.language_for(node.get("language", "text"), code)
        if node.get("language") is None and len(node.children) > 1:
            language = "text"  # parsed-literal: markup inside, shown as plain text
        return self.with_anchor(node, [self.snippet(node, code, language, caption)])

    def b_doctest_block(self, node: nodes.doctest_block) -> list[str]:
        return [self.snippet(node, node.astext(), "pycon", "")]

    def snippet(self, node: nodes.Element, code: str, language: str, caption: str) -> str:
        """Write the code to a snippet file; the page includes it in a fenced block."""
        self.snippet_count += 1
        step = codefiles.step_name(caption, self.section_titles[-1], code)
        name = f"{self.snippet_count:02d}-{step}{codefiles.extension(language)}"
        path = self.site.snippets_dir / self.docname / name
        source, line = get_source_line(node)
        where_file = self.site.where(source or self.source, None)
        code, expanded = _as_written(source or self.source, line, code)
        if expanded:
            self.site.report.add(
                self.where(node),
                WARNING,
                "tabs in this code block were expanded to spaces (as Sphinx does)",
            )
        if md.SNIPPET_LINE.search(code):
            self.site.report.add(
                self.where(node),
                WARNING,
                "a line that reads as a snippet include was escaped with ';'",
            )
        text = codefiles.with_header(md.escape_snippet_lines(code), language, where_file, line)
        self.site.plan.add(path, text)
        options = ""
        if caption:
            options += f" title={md.attr_value(caption)}"
        if node.get("linenos"):
            start = node.get("highlight_args", {}).get("linenostart", 1)
            options += f' linenums="{start}"'
        hl_lines = node.get("highlight_args", {}).get("hl_lines")
        if hl_lines:
            options += ' hl_lines="' + " ".join(str(n) for n in hl_lines) + '"'
        include = path.relative_to(self.site.snippets_base).as_posix()
        fence_lang = codefiles.fence_language(language)
        return f'``` {fence_lang}{options}\n--8<-- "{include}"\n```'

    def b_raw(self, node: nodes.raw) -> list[str]:
        fmt = node.get("format", "")
        return [
            self.not_converted(
                f"raw {fmt} block", node, node.astext(), lang=fmt.split()[0] if fmt else "text"
            )
        ]

    def b_math_block(self, node: nodes.Element) -> list[str]:
        return [
            self.not_converted(
                "math block (the site has no math rendering)", node, node.astext(), lang="latex"
            )
        ]

    def b_productionlist(self, node: nodes.Element) -> list[str]:
        return [self.not_converted("production list", node, node.astext(), lang="text")]

    # -- tables, images, footnotes -------------------------------------------------

    def b_table(self, node: nodes.table) -> list[str]:
        return self.with_anchor(node, tables.render(self, node))

    def b_image(self, node: nodes.image) -> list[str]:
        image = self.image(node)
        return [image] if image else [self.deferred.pop()]

    def b_figure(self, node: nodes.figure) -> list[str]:
        out = self.with_anchor(node, [])
        for child in node.children:
            out += self.block(child)
        return out

    def b_reference(self, node: nodes.reference) -> list[str]:
        """A block-level reference: an image with ``:target:``."""
        return [self.i_reference(node)]

    def b_footnote(self, node: nodes.Element) -> list[str]:
        label = node.next_node(nodes.label)
        body = [c for c in node.children if not isinstance(c, nodes.label)]
        blocks = self.blocks_of(body)
        mark = f'<span id="{primary_id(node["ids"])}"></span>\\[{label.astext()}\\]'
        if blocks and not blocks[0].startswith(("!!!", "```", "- ", ">", "|")):
            return [f"{mark} {blocks[0]}", *blocks[1:]]
        return [mark, *blocks]

    b_citation = b_footnote

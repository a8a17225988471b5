"""docutils tables (grid, simple, csv-table, list-table) -> Markdown tables.

A Markdown cell holds one line of inline text: paragraphs in a cell are joined
with ``<br>``, list items are shown as ``• item``, code lines as code spans.
Row and column spans cannot be drawn: the text stays in the first cell, the
cells it spanned stay empty, and the report says so. A table without a header
row gets an empty one (Markdown tables need one).
"""

from __future__ import annotations

from typing import Protocol

from docutils import nodes

from hpcdocs.rstimport import markdown as md
from hpcdocs.rstimport.report import WARNING
from hpcdocs.rstimport.site import Site


class PageWriter(Protocol):
    """What a table needs of the page writer (writer.PageWriter has it).

    A protocol, so that this module does not import writer.py, which imports it.
    """

    site: Site
    deferred: list[str]

    def inline(self, node: nodes.Node) -> str: ...

    def inlines(self, node: nodes.Node) -> str: ...

    def block(self, node: nodes.Node) -> list[str]: ...

    def where(self, node: nodes.Node) -> str: ...

    def image(self, node: nodes.image) -> str: ...


def cell_text(writer: PageWriter, entry: nodes.Element) -> str:
    parts = []
    for child in entry.children:
        if isinstance(child, nodes.paragraph):
            parts.append(" ".join(writer.inlines(child).split("\n")))
        elif isinstance(child, nodes.Text | nodes.Inline):
            parts.append(" ".join(writer.inline(child).split("\n")))
        elif isinstance(child, nodes.bullet_list | nodes.enumerated_list):
            for item in child.children:
                parts.append("• " + cell_text(writer, item))
        elif isinstance(child, nodes.literal_block):
            writer.site.report.add(
                writer.where(child), WARNING, "code block in a table cell shown as inline code"
            )
            parts += [md.code_span(line) for line in child.astext().splitlines() if line]
        elif isinstance(child, nodes.image):
            parts.append(writer.image(child))
        elif isinstance(child, nodes.system_message):
            writer.deferred += writer.block(child)
        else:
            parts.append(
                cell_text(writer, child)
                if isinstance(child, nodes.Element)
                else md.escape(child.astext())
            )
    return "<br>".join(p for p in parts if p)


def _grid(writer: PageWriter, rows: list[nodes.row], ncols: int) -> tuple[list[list[str]], bool]:
    """Rows of cell text; a spanning cell's text goes in its first cell."""
    grid = [[""] * ncols for _ in rows]
    taken: set[tuple[int, int]] = set()
    spans = False
    for r, row in enumerate(rows):
        c = 0
        for entry in row.children:
            while (r, c) in taken:
                c += 1
            if c >= ncols:
                break
            grid[r][c] = cell_text(writer, entry)
            down, across = entry.get("morerows", 0), entry.get("morecols", 0)
            spans = spans or bool(down or across)
            taken |= {(r + dr, c + dc) for dr in range(down + 1) for dc in range(across + 1)}
            c += across + 1
    return grid, spans


def render(writer: PageWriter, table: nodes.table) -> list[str]:
    tgroup = next(c for c in table.children if isinstance(c, nodes.tgroup))
    ncols = tgroup["cols"]
    thead = next((c for c in tgroup.children if isinstance(c, nodes.thead)), None)
    tbody = next((c for c in tgroup.children if isinstance(c, nodes.tbody)), None)
    head_rows = list(thead.children) if thead is not None else []
    body_rows = list(tbody.children) if tbody is not None else []
    grid, spans = _grid(writer, head_rows + body_rows, ncols)
    if spans:
        writer.site.report.add(
            writer.where(table), WARNING, "table cells spanning rows or columns were split"
        )
    header = grid[0] if head_rows else [""] * ncols
    rows = grid[1:] if head_rows else grid

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    blocks = ["\n".join([line(header), line(["---"] * ncols), *(line(r) for r in rows)])]
    title = table.children[0] if table.children else None
    if isinstance(title, nodes.title):
        blocks.insert(0, "**" + " ".join(writer.inlines(title).split()) + "**")
    return blocks

"""The centre's own scheduler first: Slurm/LSF content tabs in the order of cluster.yml.

Pages write every Slurm/LSF pair of content tabs (pymdownx.tabbed) Slurm
first. Where ``scheduler: lsf``, ``scheduler_first`` moves the LSF tab of each
such tab set to the front, so that it is the one a reader sees first (Material
selects the first tab, and content.tabs.link then keeps the reader's choice
across the site). Tab sets without both labels are left as they are.
"""

from __future__ import annotations

import re

TAB = re.compile(r'^(?P<indent>[ ]*)=== "(?P<label>[^"]+)"[ \t]*$')
LABELS = {"slurm": "Slurm", "lsf": "LSF"}


def _tab_sets(lines: list[str]):
    """(start, end, [(label, item lines)]) of each run of tabs at one indent."""
    i = 0
    while i < len(lines):
        first = TAB.match(lines[i])
        if not first:
            i += 1
            continue
        indent, start, items = first["indent"], i, []
        while i < len(lines) and (m := TAB.match(lines[i])) and m["indent"] == indent:
            item_start = i
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith(indent + "    ")):
                i += 1
            items.append((m["label"], lines[item_start:i]))
        yield start, i, items


def _strip_blank_end(block: list[str]) -> list[str]:
    while block and not block[-1].strip():
        block = block[:-1]
    return block


def scheduler_first(markdown: str, scheduler: str) -> str:
    """Markdown with the `scheduler` tab first in every tab set holding Slurm and LSF."""
    first = LABELS.get(scheduler)
    if first is None or first == "Slurm":  # pages are written Slurm first
        return markdown
    lines = markdown.split("\n")
    out: list[str] = []
    done = 0
    for start, end, items in _tab_sets(lines):
        labels = [label for label, _ in items]
        if not set(LABELS.values()) <= set(labels):
            continue
        ordered = sorted(items, key=lambda item: item[0] != first)  # stable: the rest keep order
        trailing = len(lines[start:end]) - len(_strip_blank_end(lines[start:end]))
        block: list[str] = []
        for n, (_, item) in enumerate(ordered):
            block += _strip_blank_end(item)
            if n < len(ordered) - 1:
                block.append("")
        out += lines[done:start] + block + [""] * trailing
        done = end
    return "\n".join(out + lines[done:])

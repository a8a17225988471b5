"""The site's terms, from glossary.yml: the glossary table and the check for variants.

glossary.yml holds one entry per concept: the chosen Chinese and English term, the
Slurm and LSF words, and regexes of the variants pages must not use.
scripts/hooks/glossary.py renders the table into docs/{zh,en}/glossary.md;
tests/site/test_glossary.py checks every page (and the notebooks' Markdown cells)
against the rejected variants.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from hpcdocs import ROOT

DATA = Path(__file__).with_name("glossary.yml")
LANGS = ("zh", "en")
MARKER = "<!-- glossary-table -->"
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")

HEADER = {
    "zh": ("中文术语", "English", "Slurm", "LSF", "说明", "别处的叫法"),
    "en": ("Term", "中文", "Slurm", "LSF", "Meaning", "Also called elsewhere"),
}


@dataclass(frozen=True)
class Hit:
    path: str  # relative to the repository root
    line: int
    text: str
    concept: str
    variant: str  # the text that matched
    pattern: str
    chosen: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.variant!r} is a variant of {self.concept!r}: "
            f"write {self.chosen!r} (pattern {self.pattern!r})\n    {self.text.strip()}"
        )


@cache
def concepts() -> tuple[dict, ...]:
    data = yaml.safe_load(DATA.read_text("utf-8"))
    items = tuple(data["concepts"])
    ids = [c["id"] for c in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{DATA}: a concept id is used twice")
    for c in items:
        for lang in LANGS:
            for pattern, _ in rejects(c, lang):
                re.compile(pattern)
    return items


def rejects(concept: dict, lang: str) -> list[tuple[str, str]]:
    """(pattern, what to write instead) of a concept's rejected variants in `lang`.

    An entry is a regex, or {pattern: ..., write: ...} where the plain term would
    read wrong as the replacement (等待时间 -> 排队时间, not 排队).
    """
    out = []
    for entry in concept["reject"][lang]:
        if isinstance(entry, dict):
            out.append((entry["pattern"], entry["write"]))
        else:
            out.append((entry, concept[lang]))
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(lang: str) -> str:
    """The glossary as a Markdown table, in `lang`."""
    other = LANGS[1 - LANGS.index(lang)]
    rows = ["| " + " | ".join(HEADER[lang]) + " |", "|" + " --- |" * len(HEADER[lang])]
    for c in concepts():
        also = "、".join(c["also"][lang]) if lang == "zh" else ", ".join(c["also"][lang])
        term = f'<span id="{c["id"]}"></span>**{_cell(c[lang])}**'
        cells = [term, c[other], c["slurm"], c["lsf"], c["note"][lang], also or "—"]
        rows.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(rows)


def render(markdown: str, lang: str, source: str = "<page>") -> str:
    """The glossary page with its marker replaced by the table."""
    if markdown.count(MARKER) != 1:
        raise ValueError(f"{source}: needs exactly one {MARKER} line where the table goes")
    return markdown.replace(MARKER, table(lang))


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of a Markdown text, without its fenced code blocks."""
    out, fence = [], None
    for number, line in enumerate(text.split("\n"), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        out.append((number, line))
    return out


def notebook_lines(path: Path) -> list[tuple[int, str]]:
    """(line in the .ipynb file, line) of a notebook's Markdown cells, fences left out."""
    raw = path.read_text("utf-8")
    raw_lines = raw.split("\n")
    out, at = [], 0
    for cell in json.loads(raw)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        for _, line in prose_lines(source):
            needle = json.dumps(line, ensure_ascii=False)[1:-1]
            found = next(
                (i for i in range(at, len(raw_lines)) if needle in raw_lines[i]),
                None,
            )
            if found is not None:
                at = found
            out.append(((found if found is not None else at) + 1, line))
    return out


def scan(lines: list[tuple[int, str]], lang: str, path: str) -> list[Hit]:
    hits = []
    for number, line in lines:
        for c in concepts():
            for pattern, write in rejects(c, lang):
                match = re.search(pattern, line)
                if match:
                    # A pattern that needs context names the variant itself (?P<v>...).
                    variant = match.group("v") if "v" in match.re.groupindex else match.group(0)
                    hits.append(Hit(path, number, line, c["id"], variant, pattern, write))
    return hits


PAGE = "glossary.md"  # names the terms side by side on purpose: not checked


def pages(lang: str) -> list[Path]:
    """The pages checked: docs/<lang>/*.md (but the glossary) and notebooks/<lang>/*.ipynb."""
    docs = [p for p in sorted((ROOT / "docs" / lang).glob("*.md")) if p.name != PAGE]
    return docs + sorted((ROOT / "notebooks" / lang).glob("*.ipynb"))


def check(path: Path, lang: str) -> list[Hit]:
    rel = path.relative_to(ROOT).as_posix()
    if path.suffix == ".ipynb":
        return scan(notebook_lines(path), lang, rel)
    return scan(prose_lines(path.read_text("utf-8")), lang, rel)

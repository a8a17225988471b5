"""The pairs of pages: docs/zh/X.md (the source) and docs/en/X.md.

A page and its twin have the same heading ids and the same snippet includes.
A twin that is not translated yet says so in its front matter
(``translation: missing``); one that lags behind its source says
``translation: outdated``. scripts/hooks/translation.py shows both on the
page, in both languages.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from hpcdocs import ROOT
from hpcdocs.tested import snippets_in

DOCS = ROOT / "docs"
SOURCE, TARGET = "zh", "en"
LANGS = (SOURCE, TARGET)
FENCE = re.compile(r"^(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
HEADING_ID = re.compile(r"\{[^}]*#([A-Za-z0-9_-]+)[^}]*\}\s*$")
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass
class Heading:
    line: int
    level: int
    text: str
    id: str | None


def pages(lang: str) -> set[str]:
    root = DOCS / lang
    return {p.relative_to(root).as_posix() for p in root.rglob("*.md")}


def pairs() -> list[str]:
    """Every page name found in either language."""
    return sorted(pages(SOURCE) | pages(TARGET))


def front_matter(text: str) -> dict:
    match = FRONT_MATTER.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def translation_state(path: Path) -> str:
    """'translated', 'missing' or 'outdated', from the page's front matter."""
    if not path.exists():
        return "absent"
    return str(front_matter(path.read_text("utf-8")).get("translation", "translated"))


def headings(text: str) -> list[Heading]:
    """Headings outside code fences, with their explicit { #id } if any."""
    found, fence = [], None
    for number, line in enumerate(text.splitlines(), 1):
        mark = FENCE.match(line)
        if mark:
            if fence is None:
                fence = mark.group(1)[0]
            elif mark.group(1)[0] == fence:
                fence = None
            continue
        if fence is None and (match := HEADING.match(line)):
            anchor = HEADING_ID.search(match.group(2))
            found.append(
                Heading(number, len(match.group(1)), match.group(2), anchor and anchor.group(1))
            )
    return found


def includes(text: str) -> list[str]:
    return snippets_in(text)


UNCOMMITTED = 2**62  # a page with local changes is newer than any commit


def last_change(path: Path) -> int:
    """Unix time of the last commit that touched path (UNCOMMITTED if it has local changes)."""
    rel = path.relative_to(ROOT).as_posix()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", rel], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    if dirty:
        return UNCOMMITTED
    out = subprocess.run(
        ["git", "log", "-1", "--format=%ct", "--", rel], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return int(out) if out else int(path.stat().st_mtime)


def outdated() -> list[tuple[str, str, int]]:
    """(older page, newer twin, seconds behind) for every pair out of step."""
    lagging = []
    for name in pairs():
        a, b = DOCS / SOURCE / name, DOCS / TARGET / name
        if not (a.exists() and b.exists()):
            continue
        ta, tb = last_change(a), last_change(b)
        if ta != tb:
            older, newer = (a, b) if ta < tb else (b, a)
            lagging.append(
                (
                    older.relative_to(ROOT).as_posix(),
                    newer.relative_to(ROOT).as_posix(),
                    abs(ta - tb),
                )
            )
    return lagging


def main(argv: list[str] | None = None) -> int:
    """i18n-outdated: list pages whose other-language twin changed after them."""
    import argparse

    argparse.ArgumentParser(
        prog="i18n-outdated",
        description="List pages whose other-language twin changed after them (by git date): "
        "one line per page older than its twin, and whether the page already says so "
        "(front matter `translation: outdated`). Exit status 1 when a lagging page does not "
        "say so; tests/site/test_i18n.py checks the same.",
    ).parse_args(argv)
    unmarked = 0
    lagging = outdated()
    for older, newer, behind in lagging:
        marked = translation_state(ROOT / older) == "outdated"
        unmarked += not marked
        age = "has uncommitted changes" if behind > 2**61 else f"is {behind / 86400:.1f} days newer"
        note = (
            "marked outdated" if marked else "NOT marked: update it or set `translation: outdated`"
        )
        print(f"{older}: older than {newer}, which {age} ({note})")
    if not lagging:
        print("every page is as new as its twin")
    return 1 if unmarked else 0

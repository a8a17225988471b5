"""What the pages in docs/ do with code: fenced blocks, snippet includes, waivers.

A fenced block is covered when its body is only `--8<--` include lines (one
snippet, or several); otherwise it needs a waiver right before it::

    !!! warning "Not tested"
        Why this block cannot be run by the tests.

    <!-- untested: REASON -->
    ``` bash
    ...
    ```

(the admonition may also sit right after the block, or the fence inside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from hpcdocs import ROOT

DOCS = ROOT / "docs"
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# pymdownx.snippets: `--8<-- "path"`, `--8<-- "path:section"`, `--8<-- "path:1:3"`;
# a leading `;` escapes the line (shown, not included).
INCLUDE = re.compile(r"""^[ \t]*-+8<-+[ \t]+(["'])(?P<target>[^"']+)\1[ \t]*$""")
BLOCK_MARK = re.compile(r"^[ \t]*-+8<-+[ \t]*$")
WAIVER = re.compile(r"^[ \t]*<!--[ \t]*untested:(?P<reason>.*?)-->[ \t]*$")
ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+\w")
ADMONITION_BEFORE = 12  # lines before the waiver comment where its admonition may start
ADMONITION_AFTER = 4  # non-blank lines after the closing fence


@dataclass
class Include:
    page: str
    line: int
    target: str  # as written: "slurm/02-job.sh:section"

    @property
    def path(self) -> str:
        """The snippet path without a section name or line range."""
        return split_target(self.target)[0]


@dataclass
class Fence:
    page: str
    line: int  # the opening fence
    end: int  # the closing fence (or the last line when unclosed)
    info: str
    includes: list[Include] = field(default_factory=list)
    typed: list[int] = field(default_factory=list)  # lines of code typed in the page
    waiver: str | None = None
    admonition: bool = False
    closed: bool = True

    @property
    def from_snippets(self) -> bool:
        return bool(self.includes) and not self.typed

    def problem(self) -> str | None:
        """Why this block breaks the coverage rule, or None."""
        where = f"{self.page}:{self.line}"
        if not self.closed:
            return f"{where}: code block never closed"
        if self.from_snippets:
            return None
        if self.includes:
            return (
                f"{where}: code block mixes snippet includes with code typed in the page "
                f"(line {self.typed[0]}); put all of it in the snippet"
            )
        if self.waiver is None:
            return (
                f"{where}: code block is not a snippet include; move the code to "
                "snippets/ or waive it with `<!-- untested: REASON -->` and an admonition"
            )
        if not self.waiver:
            return f"{where}: `<!-- untested: -->` waiver without a reason"
        if not self.admonition:
            return (
                f"{where}: waived code block (untested: {self.waiver}) has no visible "
                "admonition (!!! / ???) saying why, next to it"
            )
        return None


def split_target(target: str) -> tuple[str, str | None]:
    """("slurm/04-train.py", "model") from "slurm/04-train.py:model"."""
    path, _, rest = target.partition(":")
    return path, rest or None


class Page:
    def __init__(self, path: Path, text: str | None = None, root: Path = ROOT):
        self.file = path
        self.name = path.relative_to(root).as_posix() if path.is_absolute() else str(path)
        self.text = path.read_bytes().decode("utf-8", "replace") if text is None else text

    @property
    def lang(self) -> str:
        parts = Path(self.name).parts
        return parts[1] if len(parts) > 2 and parts[0] == "docs" else ""

    @property
    def twin_key(self) -> str:
        """docs/zh/a/b.md and docs/en/a/b.md share the key a/b.md."""
        parts = Path(self.name).parts
        return "/".join(parts[2:]) if self.lang else self.name

    @cached_property
    def _parsed(self) -> tuple[list[Include], list[Fence]]:
        includes: list[Include] = []
        fences: list[Fence] = []
        lines = self.text.splitlines()
        fence: Fence | None = None
        closing: re.Pattern | None = None
        in_block = False  # inside a multi-line `--8<--` ... `--8<--` include block
        for number, line in enumerate(lines, start=1):
            if fence is not None:
                if closing.match(line):
                    fence.end = number
                    fence = None
                    continue
                target = self._include(line, number, in_block)
                if BLOCK_MARK.match(line):
                    in_block = not in_block
                elif target:
                    inc = Include(self.name, number, target)
                    includes.append(inc)
                    fence.includes.append(inc)
                elif line.strip():
                    fence.typed.append(number)
                continue
            match = FENCE_OPEN.match(line)
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                fence = Fence(self.name, number, number, match["info"].strip())
                char, size = match["fence"][0], len(match["fence"])
                closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{size},}}[ \t]*$")
                fence.waiver = self._waiver_before(lines, number)
                fences.append(fence)
                in_block = False
                continue
            if BLOCK_MARK.match(line):
                in_block = not in_block
                continue
            target = self._include(line, number, in_block)
            if target:
                includes.append(Include(self.name, number, target))
        if fence is not None:
            fence.closed = False
            fence.end = len(lines)
        for f in fences:
            if f.waiver is not None:
                f.admonition = self._admonition_near(lines, f)
        return includes, fences

    @staticmethod
    def _include(line: str, number: int, in_block: bool) -> str | None:
        match = INCLUDE.match(line)
        if match:
            return match["target"].strip()
        if in_block and line.strip() and not line.strip().startswith(";"):
            return line.strip()
        return None

    @staticmethod
    def _waiver_before(lines: list[str], number: int) -> str | None:
        """The reason of a `<!-- untested: ... -->` on the last non-blank line before the fence."""
        for index in range(number - 2, -1, -1):
            if lines[index].strip():
                match = WAIVER.match(lines[index])
                return match["reason"].strip() if match else None
        return None

    @staticmethod
    def _admonition_near(lines: list[str], fence: Fence) -> bool:
        waiver_index = next(i for i in range(fence.line - 2, -1, -1) if lines[i].strip())
        before = lines[max(0, waiver_index - ADMONITION_BEFORE) : waiver_index]
        if any(ADMONITION.match(line) for line in before):
            return True
        after = [line for line in lines[fence.end :] if line.strip()][:ADMONITION_AFTER]
        return any(ADMONITION.match(line) for line in after)

    @property
    def includes(self) -> list[Include]:
        return self._parsed[0]

    @property
    def fences(self) -> list[Fence]:
        return self._parsed[1]

    @property
    def waivers(self) -> list[Fence]:
        return [f for f in self.fences if not f.from_snippets and f.waiver is not None]


def pages(docs: Path = DOCS, root: Path = ROOT) -> list[Page]:
    return [Page(path, root=root) for path in sorted(docs.rglob("*.md"))]

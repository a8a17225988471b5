"""Split a line of shell or Python into code, string and comment parts.

The character checks care where a character sits: a typographic quote in
code breaks the command, inside a string it is only text, in a comment it
is harmless. Shell lines are scanned one at a time (quotes spanning lines
are rare in job scripts); Python carries triple-quoted strings over lines.
"""

from __future__ import annotations

import re

CODE, STRING, COMMENT = "code", "string", "comment"
DIRECTIVE = re.compile(r"^#(SBATCH|BSUB|SLURM)")


def shell_parts(line: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) spans of one shell line."""
    if DIRECTIVE.match(line):
        return _directive_parts(line)
    parts: list[tuple[str, int, int]] = []
    i, start, quote, n = 0, 0, "", len(line)
    while i < n:
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                parts.append((STRING, start, i + 1))
                quote, start = "", i + 1
        elif ch == "\\":
            i += 2
            continue
        elif ch in "'\"":
            parts.append((CODE, start, i))
            quote, start = ch, i
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;|&("):
            parts.append((CODE, start, i))
            parts.append((COMMENT, i, n))
            return [p for p in parts if p[1] < p[2]]
        i += 1
    parts.append((STRING if quote else CODE, start, n))
    return [p for p in parts if p[1] < p[2]]


def _directive_parts(line: str) -> list[tuple[str, int, int]]:
    """#SBATCH/#BSUB lines are read by the scheduler up to an unquoted '#'."""
    quote = ""
    for i in range(1, len(line)):
        ch = line[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return [(CODE, 0, i), (COMMENT, i, len(line))]
    return [(CODE, 0, len(line))]


def python_parts(lines: list[str]) -> list[list[tuple[str, int, int]]]:
    """Spans per line for Python source; triple-quoted strings span lines."""
    out, triple = [], ""
    for line in lines:
        parts: list[tuple[str, int, int]] = []
        i, n = 0, len(line)
        start, kind, quote = 0, STRING if triple else CODE, triple
        while i < n:
            ch = line[i]
            if quote:
                if ch == "\\":
                    i += 2
                    continue
                if line.startswith(quote, i):
                    i += len(quote)
                    parts.append((STRING, start, i))
                    quote, start, kind = "", i, CODE
                    continue
            elif ch == "#":
                parts.append((CODE, start, i))
                parts.append((COMMENT, i, n))
                start = n
                break
            elif ch in "'\"":
                parts.append((CODE, start, i))
                quote = ch * 3 if line.startswith(ch * 3, i) else ch
                start, kind = i, STRING
                i += len(quote)
                continue
            i += 1
        if start < n:
            parts.append((kind, start, n))
        # A single-quoted string cannot run on; a triple-quoted one can.
        triple = quote if len(quote) == 3 else ""
        out.append([p for p in parts if p[1] < p[2]])
    return out


def code_text(line: str, parts: list[tuple[str, int, int]]) -> str:
    """The line with comments blanked out (strings kept), same length."""
    chars = list(line)
    for kind, start, end in parts:
        if kind == COMMENT:
            chars[start:end] = " " * (end - start)
    return "".join(chars)

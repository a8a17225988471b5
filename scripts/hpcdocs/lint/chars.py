"""Characters that creep in from word processors and Chinese input methods.

Typographic quotes, full-width punctuation, en and em dashes and
non-breaking spaces look right on a page and break a command: bash and
Python read them as ordinary letters. In code they are errors; inside a
string they are only text (a warning, full-width punctuation not at all);
in comments they do no harm. CRLF line ends break bash and sbatch.
"""

from __future__ import annotations

import unicodedata

from hpcdocs.lint.model import ERROR, WARNING, Finding, Script
from hpcdocs.lint.scan import CODE, COMMENT, STRING, python_parts, shell_parts

QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2032": "'",
    "\u2033": '"',
}
DASHES = {"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-"}
SPACES = {
    "\u00a0": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u3000": " ",
    "\u200b": "",
    "\ufeff": "",
}
CJK_PUNCT = {
    "\u3001": ",",
    "\u3002": ".",
    "\u300c": '"',
    "\u300d": '"',
    "\u300e": '"',
    "\u300f": '"',
    "\u3010": "[",
    "\u3011": "]",
    "\u300a": "<",
    "\u300b": ">",
    "\u3008": "<",
    "\u3009": ">",
}

CATEGORIES = (
    ("typographic quote", QUOTES, "char-quote"),
    ("dash", DASHES, "char-dash"),
    ("invisible or non-breaking space", SPACES, "char-space"),
    ("full-width punctuation", CJK_PUNCT, "char-fullwidth"),
)


def _category(ch: str):
    for label, table, code in CATEGORIES:
        if ch in table:
            return label, table[ch], code
    if 0xFF01 <= ord(ch) <= 0xFF5E:  # full-width forms of ASCII ! to ~
        return "full-width punctuation", chr(ord(ch) - 0xFEE0), "char-fullwidth"
    return None


def _describe(ch: str, ascii_: str) -> str:
    name = unicodedata.name(ch, "?").lower()
    shown = ch if ch.strip() and ch not in "\u200b\ufeff" else ""
    want = f"`{ascii_}`" if ascii_.strip() else ("a plain space" if ascii_ else "nothing")
    return f"{shown + ' ' if shown else ''}(U+{ord(ch):04X} {name}); write {want}"


def check(script: Script) -> list[Finding]:
    findings = _crlf(script)
    if script.kind == "python":
        spans = python_parts(script.lines)
    else:
        spans = [shell_parts(line) for line in script.lines]
    commands = {n for n, _ in script.command_lines()}
    for number, (line, parts) in enumerate(zip(script.lines, spans, strict=True), 1):
        if number not in commands:
            continue  # sample output in a console transcript
        seen: set[tuple[str, str]] = set()
        for kind, start, end in parts:
            if kind == COMMENT:
                continue
            for col in range(start, end):
                found = _category(line[col])
                if not found:
                    continue
                label, ascii_, code = found
                if kind == STRING and code == "char-fullwidth":
                    continue  # Chinese text in a message is fine
                if (code, kind) in seen:
                    continue
                seen.add((code, kind))
                where = "in code" if kind == CODE else "inside a string"
                findings.append(
                    Finding(
                        script.name,
                        number,
                        ERROR if kind == CODE else WARNING,
                        f"{label} {where} at column {col + 1}: {_describe(line[col], ascii_)}",
                        code,
                    )
                )
    return findings


def _crlf(script: Script) -> list[Finding]:
    raw = script.text.split("\n")
    crlf = [n for n, line in enumerate(raw, 1) if line.endswith("\r")]
    if not crlf:
        return []
    severity = WARNING if script.kind == "python" else ERROR
    why = (
        "Python reads them, but other tools may not"
        if script.kind == "python"
        else "bash reads the \\r as part of each command and sbatch refuses the script"
    )
    return [
        Finding(
            script.name,
            crlf[0],
            severity,
            f"CRLF (Windows) line ends on {len(crlf)} line(s): {why}; convert with dos2unix",
            "crlf",
        )
    ]

"""Markdown syntax helpers: escaping text, code spans, fences, links, indentation.

Escaping targets Python-Markdown as MkDocs runs it (with attr_list, tables and
pymdownx.snippets): text must never turn into markup, and code never changes.
"""

from __future__ import annotations

import html
import re

# characters that are markup anywhere in a line
_INLINE = re.compile(r"[\\`*\[\]{}|]")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LT = re.compile(r"<(?=[A-Za-z/!?$])")
# markup only at the start of a line: headings, quotes, lists, setext rules, blocks
_LINE_START = [
    (re.compile(r"^([#>+!-])"), r"\\\1"),
    (re.compile(r"^(\d+)\.(?=\s|$)"), r"\1\\."),
    (re.compile(r"^=(?==*\s*$)"), "&#61;"),
    (re.compile(r"^\?\?\?"), "&#63;??"),
    (re.compile(r"^~~~"), "&#126;~~"),
    (re.compile(r"^///"), "&#47;//"),
]
# a pymdownx.snippets include line; ``;`` in front is the extension's own escape
SNIPPET_LINE = re.compile(r"^(\s*)(-+8<-+[ \t])", re.M)


def _underscore(match: re.Match) -> str:
    text, i = match.string, match.start()
    inside_word = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    return "_" if inside_word else r"\_"


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    text = _INLINE.sub(lambda m: "\\" + m.group(), text)
    text = re.sub(r"_", _underscore, text)
    text = _ENTITY.sub("&amp;", text)
    text = _LT.sub("&lt;", text)
    return text


def escape_line_starts(text: str) -> str:
    """Escape what would be block markup at the start of each line of a paragraph."""
    lines = []
    for line in text.split("\n"):
        line = line.lstrip(" \t")
        for pattern, repl in _LINE_START:
            line = pattern.sub(repl, line, count=1)
        lines.append(line)
    return "\n".join(lines)


def code_span(code: str) -> str:
    """An inline code span showing ``code`` exactly (a newline shows as a space)."""
    code = code.replace("\n", " ")
    if not code.strip():
        return "<code>" + html.escape(code).replace(" ", "&nbsp;") + "</code>"
    ticks = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def fence_for(code: str, char: str = "`") -> str:
    """A fence longer than any run of ``char`` at a line start inside ``code``."""
    runs = re.findall(rf"^\s*({re.escape(char)}{{3,}})", code, re.M)
    return char * max([3] + [len(r) + 1 for r in runs])


def escape_snippet_lines(code: str) -> str:
    """Keep pymdownx.snippets from reading lines of shown code as includes."""
    return SNIPPET_LINE.sub(r"\1;\2", code)


def url(target: str) -> str:
    """A link destination; angle brackets where it has spaces or parentheses."""
    if re.search(r"[\s()<>]", target):
        return "<" + target.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + ">"
    return target


def link(text: str, target: str) -> str:
    return f"[{text}]({url(target)})"


def attr_value(value: str) -> str:
    """A double-quoted value for attr_list or an admonition title."""
    return '"' + value.replace("\\", "\\\\").replace('"', "&quot;") + '"'


def indent(text: str, prefix: str = "    ", first: str | None = None) -> str:
    """Indent every non-blank line; ``first`` replaces the prefix of the first line."""
    out = []
    for i, line in enumerate(text.split("\n")):
        lead = first if (i == 0 and first is not None) else prefix
        out.append(lead + line if line.strip() else (lead.rstrip() if i == 0 else ""))
    return "\n".join(out)


def quote(text: str) -> str:
    """A Markdown block quote."""
    return "\n".join("> " + line if line.strip() else ">" for line in text.split("\n"))


def html_comment(text: str) -> str:
    return "<!-- " + text.replace("--", "- -").strip() + " -->"

"""Find the commands in shell text: logical lines, simple commands, words.

Enough of the shell for finding `conda ...` commands in snippets, console
transcripts and job scripts: backslash continuations, comments, quotes,
`$(...)` substitutions (checked as commands of their own), here-documents
(skipped), `;` `&&` `||` `|` `&` separators and redirections.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

SEPARATORS = {";", "&&", "||", "|", "&", "|&", ";;", "(", ")", "((", "))"}
REDIRECTS = {">", ">>", "<", "<<<", "&>", "&>>", ">|", "<>"}
FD_REDIRECTS = {">&", "<&"}
KEYWORDS = {
    "if",
    "then",
    "else",
    "elif",
    "do",
    "while",
    "until",
    "!",
    "{",
    "}",
    "time",
    "exec",
    "command",
    "sudo",
    "nohup",
    "builtin",
    "fi",
    "done",
}
_HEREDOC_RE = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


@dataclass
class SimpleCommand:
    line: int  # line number in the file (1-based)
    words: list[str]
    bad_redirects: list[str]  # redirections that look like unquoted version specs


def logical_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join backslash continuations and drop here-document bodies."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    heredoc: str | None = None
    strip_tabs = False
    for number, text in lines:
        if heredoc is not None:
            if (text.lstrip("\t") if strip_tabs else text).rstrip() == heredoc:
                heredoc = None
            continue
        if not pending:
            start = number
        if text.endswith("\\") and not text.endswith("\\\\"):
            pending += text[:-1] + " "
            continue
        full = pending + text
        pending = ""
        out.append((start, full))
        found = _HEREDOC_RE.search(full)
        if found and "<<<" not in full[found.start() : found.start() + 3]:
            heredoc = found.group(2)
            strip_tabs = full[found.start() : found.start() + 3] == "<<-"
    if pending:
        out.append((start, pending))
    return out


def substitutions(text: str) -> tuple[str, list[str]]:
    """Replace each $(...) and `...` by a placeholder word; return the inner texts."""
    inner: list[str] = []
    out, i = [], 0
    while i < len(text):
        if text.startswith("$(", i) and not text.startswith("$((", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            inner.append(text[i + 2 : j - 1])
            out.append("__SUBST__")
            i = j
            continue
        if text[i] == "`":
            j = text.find("`", i + 1)
            if j > 0:
                inner.append(text[i + 1 : j])
                out.append("__SUBST__")
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out), inner


def split_commands(number: int, text: str) -> tuple[list[SimpleCommand], list[str]]:
    """Split one logical line into simple commands; also return its $(...) texts."""
    text, inner = substitutions(text)
    # "2>file", "2>&1": the fd number belongs to the redirection
    text = re.sub(r"(?<![\w=])\d+(?=[<>])", " ", text)
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return [], inner
    commands: list[SimpleCommand] = []
    words: list[str] = []
    bad: list[str] = []
    rest = iter(tokens)
    for token in rest:
        if token in SEPARATORS or (set(token) <= set(";&|()") and token):
            if words:
                commands.append(SimpleCommand(number, words, bad))
            words, bad = [], []
        elif token in REDIRECTS or token in FD_REDIRECTS or (set(token) <= set("<>&|") and token):
            target = next(rest, "")  # the redirection's file or fd: not a word
            if token in (">", "<", ">>") and words and re.match(r"^[=\d]", target):
                bad.append(f"{words[-1]}{token}{target}")
        else:
            words.append(token)
    if words:
        commands.append(SimpleCommand(number, words, bad))
    return commands, inner


def command_words(words: list[str]) -> list[str]:
    """Drop leading keywords and VAR=value assignments."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in KEYWORDS or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            i += 1
            continue
        if word == "env":
            i += 1
            continue
        break
    return words[i:]

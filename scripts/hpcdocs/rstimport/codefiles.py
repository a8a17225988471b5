"""Code blocks become snippet files, each with a header marking it untested.

The header follows snippets/README.md: ``# test: run=none why="..."``, first in
the file (after a shebang). Languages whose comments do not start with ``#``
get the same text in their own comment syntax: ``//`` for C, C++, CUDA, Java,
JavaScript, Go, Rust and JSON (JSON has no comments; the site hides header
lines, so readers still see valid JSON), ``--`` for SQL, Lua and Haskell,
``!`` for Fortran, ``%`` for MATLAB and TeX, ``;`` for Lisp, ``REM`` for batch
files, ``<!-- -->`` for HTML, XML and Markdown, ``/* */`` for CSS. Plain text,
console transcripts and diffs keep ``#``.
"""

from __future__ import annotations

import ast
import re

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# language (Sphinx / Pygments name) -> (file extension, comment start, comment end)
_HASH = ("#", "")
LANGUAGES: dict[str, tuple[str, tuple[str, str]]] = {}


def _lang(names: str, ext: str, comment: tuple[str, str]) -> None:
    for name in names.split():
        LANGUAGES[name] = (ext, comment)


_lang("bash sh shell zsh ksh slurm sbatch", ".sh", _HASH)
_lang("csh tcsh", ".csh", _HASH)
_lang("fish", ".fish", _HASH)
_lang("console shell-session bash-session sh-session shellsession", ".console", _HASH)
_lang("python python3 py py3 ipython ipython3 numpy", ".py", _HASH)
_lang("pycon python-console", ".pycon", _HASH)
_lang("yaml yml", ".yml", _HASH)
_lang("toml", ".toml", _HASH)
_lang("ini cfg dosini", ".ini", _HASH)
_lang("make makefile mf bsdmake", ".mk", _HASH)
_lang("cmake", ".cmake", _HASH)
_lang("docker dockerfile", ".dockerfile", _HASH)
_lang("r splus", ".R", _HASH)
_lang("perl pl", ".pl", _HASH)
_lang("ruby rb", ".rb", _HASH)
_lang("julia jl", ".jl", _HASH)
_lang("tcl", ".tcl", _HASH)
_lang("awk gawk", ".awk", _HASH)
_lang("powershell ps1 pwsh", ".ps1", _HASH)
_lang("nginx apacheconf apache", ".conf", _HASH)
_lang("text none default output log pytb", ".txt", _HASH)
_lang("c", ".c", ("//", ""))
_lang("cpp c++ cxx", ".cpp", ("//", ""))
_lang("cuda cu", ".cu", ("//", ""))
_lang("java", ".java", ("//", ""))
_lang("javascript js", ".js", ("//", ""))
_lang("typescript ts", ".ts", ("//", ""))
_lang("go golang", ".go", ("//", ""))
_lang("rust rs", ".rs", ("//", ""))
_lang("sql mysql postgresql", ".sql", ("--", ""))
_lang("lua", ".lua", ("--", ""))
_lang("haskell hs", ".hs", ("--", ""))
_lang("fortran f90 fortranfixed", ".f90", ("!", ""))
_lang("matlab octave", ".m", ("%", ""))
_lang("tex latex", ".tex", ("%", ""))
_lang("lisp scheme clojure elisp common-lisp", ".lisp", (";", ""))
_lang("bat batch cmd dosbatch", ".bat", ("REM", ""))
_lang("html xml xhtml svg", ".html", ("<!--", " -->"))
_lang("markdown md", ".md", ("<!--", " -->"))
_lang("css", ".css", ("/*", " */"))
_lang("json json5 jsonld", ".json", ("//", ""))
_lang("diff udiff patch", ".diff", _HASH)
LANGUAGES["xml"] = (".xml", ("<!--", " -->"))


def language_for(language: str, code: str) -> str:
    """The language to file and highlight a block as; Sphinx's ``default`` is guessed."""
    language = (language or "default").lower()
    if language == "python3":
        return "python"
    if language != "default":
        return language
    # Sphinx's default highlights as Python where the code lexes as Python, else as text
    first = next((ln for ln in code.splitlines() if ln.strip()), "")
    if first.startswith(">>> "):
        return "pycon"
    if first.startswith("$ "):
        return "console"
    return "python" if _is_python(code) else "text"


def fence_language(language: str) -> str:
    """The name the fenced block gives Pygments: ``text`` for names Pygments lacks."""
    if language in ("slurm", "sbatch"):
        return "bash"
    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return "text"
    return language


def _is_python(code: str) -> bool:
    """Parses as Python, does something (``hostname`` parses too) and has no ``--options``."""
    if re.search(r"(^|\s)--?[A-Za-z][\w-]*(=|\s|$)", code, re.M):
        return False  # `squeue --me` parses as a subtraction
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return any(
        not isinstance(stmt, ast.Expr) or isinstance(stmt.value, ast.Call) for stmt in tree.body
    )


def extension(language: str) -> str:
    return LANGUAGES.get(language, (".txt", _HASH))[0]


def header_line(source: str, line: int | None) -> str:
    where = f"{source}:{line}" if line else source
    why = f"imported from {where}; untested until someone writes a test"
    why = why.replace("\\", "\\\\").replace('"', '\\"')
    return f'test: run=none why="{why}"'


def with_header(code: str, language: str, source: str, line: int | None) -> str:
    """The snippet file's text: the header line first (after a shebang), then the code."""
    start, end = LANGUAGES.get(language, (".txt", _HASH))[1]
    head = f"{start} {header_line(source, line)}{end}\n"
    body = code if code.endswith("\n") else code + "\n"
    first, sep, rest = body.partition("\n")
    if first.startswith("#!"):
        return first + sep + head + rest
    return head + body


def step_name(caption: str, section_title: str, code: str) -> str:
    """A short ASCII name for the file: from the caption, the section title or the code."""
    for text in (caption, section_title, _first_command(code)):
        words = re.findall(r"[a-z0-9]+", text.lower())
        if words:
            return "-".join(words[:4])[:40].strip("-")
    return "code"


def _first_command(code: str) -> str:
    for line in code.splitlines():
        line = re.sub(r"^\s*(\$|>>>|#)\s*", "", line)
        if line.strip():
            return " ".join(line.split()[:3])
    return ""

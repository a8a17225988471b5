"""Read a folder of reStructuredText with Sphinx, as Sphinx itself reads it.

The source's own ``conf.py`` is never executed (it may import anything); a few
plain values are read from it with ``ast`` (see ``CONF_KEYS``). Smart quotes
are off, so ``--`` and quotes reach the Markdown exactly as written.
"""

from __future__ import annotations

import ast
import importlib
import io
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx import locale as sphinx_locale
from sphinx.application import Sphinx, builtin_extensions
from sphinx.errors import SphinxError
from sphinx.util.docutils import docutils_namespace, patch_docutils
from sphinx.util.logging import (
    NAMESPACE,
    WarningLogRecordTranslator,
    WarningStreamHandler,
)
from sphinx.util.matching import Matcher

SUFFIX = ".rst"
EXCLUDE = ["_build", "**/_build", ".*", "**/.*"]
CONF_KEYS = {
    "root_doc",
    "master_doc",
    "highlight_language",
    "default_role",
    "rst_prolog",
    "rst_epilog",
    "language",
    "primary_domain",
    "numfig",
    "today",
    "exclude_patterns",
}


# docutils' names for the lines Sphinx inserts into every page from conf.py
INSERTED = {"<rst_prologue>": "rst_prolog", "<rst_epilogue>": "rst_epilog"}
DOCINFO = re.compile(r":\w+:.*?")  # sphinx.util.rst.docinfo_re
INCLUDE = re.compile(r"^\s*\.\. include::\s*(?P<path>\S+)\s*$")


class InputError(Exception):
    """Bad input: the message already names the file and line."""


@dataclass
class Message:
    """One warning or error Sphinx or docutils reported."""

    path: str
    line: int | None
    level: str  # WARNING, ERROR or CRITICAL (docutils' SEVERE)
    text: str

    def where(self, srcdir: Path) -> str:
        return location(self.path, self.line, srcdir)


@dataclass
class Project:
    """What Sphinx read: resolved doctrees and its environment."""

    srcdir: Path
    root: str
    doctrees: dict[str, nodes.document]
    toctrees: dict[str, list[dict]]
    env: object
    messages: list[Message] = field(default_factory=list)


def location(path: str | None, line: int | None, srcdir: Path) -> str:
    """``file:line`` with the file relative to the source folder where it lies inside it."""
    if not path:
        return "?"
    path = str(path).removesuffix(":")
    if path.endswith(SUFFIX + SUFFIX):  # Sphinx names some pages twice over
        path = path.removesuffix(SUFFIX)
    try:
        shown = Path(path).resolve().relative_to(srcdir.resolve()).as_posix()
    except ValueError:
        shown = path
    return f"{shown}:{line}" if line else shown


def block_start(path: str, line: int, quoted: str) -> int:
    """The line where ``quoted`` starts, at or before ``line``.

    docutils quotes the source of a directive or table it rejects, but names the
    line after it; the line where it starts is more use to a reader.
    """
    first = quoted.strip().split("\n")[0].strip()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return line
    for number in range(min(line, len(lines)), 0, -1):
        if lines[number - 1].strip() == first:
            return number
    return line


class _Collector(WarningStreamHandler):
    """Keeps every warning and error Sphinx logs, with its location.

    A ``WarningStreamHandler``, so that Sphinx's postponed warnings reach it once.
    """

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.setLevel(logging.WARNING)
        self.messages: list[Message] = []

    def emit(self, record: logging.LogRecord) -> None:
        where = getattr(record, "location", None) or ""
        path, line = where, None
        head, sep, tail = where.rpartition(":")
        if sep and tail.isdigit():
            path, line = head, int(tail)
        elif sep and not tail:
            path = head
        text = logging.LogRecord.getMessage(record)  # without Sphinx's location prefix
        _, sep, quoted = text.partition("\n\n")
        if sep and line and path:
            line = block_start(path, line, quoted)
        self.messages.append(Message(path, line, record.levelname, text))


def inserted_at(page: str, source: str) -> int:
    """The page's line where Sphinx put conf.py's rst_prolog (or rst_epilog).

    The prolog goes before the first line that is not a docinfo field, as
    ``sphinx.util.rst.prepend_prolog`` puts it; the epilog after the last line.
    """
    try:
        lines = Path(page).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    if INSERTED.get(source) == "rst_epilog":
        return max(len(lines), 1)
    fields = 0
    while fields < len(lines) and DOCINFO.match(lines[fields]):
        fields += 1
    return fields + 1


def inserted_note(source: str, line: int | None) -> str:
    return f" (line {line} of conf.py's {INSERTED[source]})"


def place_inserted(messages: list[Message], doctrees: dict, env, srcdir: Path) -> None:
    """Messages about lines of conf.py's rst_prolog or rst_epilog: name the page.

    docutils names them ``<rst_prologue>:LINE``; the page they were inserted
    into is the one whose doctree holds the same message.
    """
    for msg in messages:
        if msg.path not in INSERTED:
            continue
        first = msg.text.split("\n")[0]
        page = next(
            (
                str(env.doc2path(docname))
                for docname, doctree in sorted(doctrees.items())
                for node in doctree.findall(nodes.system_message)
                if node.get("source") == msg.path and len(node) and node[0].astext() == first
            ),
            str(srcdir / "conf.py"),
        )
        msg.text = first + inserted_note(msg.path, msg.line) + msg.text[len(first) :]
        msg.path, msg.line = page, inserted_at(page, msg.path)


def include_line(page: Path, included: Path, srcdir: Path) -> int | None:
    """The line of ``page`` whose ``.. include::`` names ``included``."""
    try:
        lines = page.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if m:
            target = m["path"]  # "/x" is x in the source folder
            base = srcdir if target.startswith("/") else page.parent
            if (base / target.lstrip("/")).resolve() == included.resolve():
                return number
    return None


def name_includers(messages: list[Message], env, srcdir: Path) -> None:
    """Errors in a file that pages include: say which pages, and at which line.

    docutils names the included file; the error often comes of where it was
    included (a title level that does not fit there, say).
    """
    includers: dict[str, list[str]] = {}
    for docname, included in sorted(env.included.items()):
        page = Path(env.doc2path(docname))
        for other in sorted(included):
            target = Path(env.doc2path(other))
            line = include_line(page, target, srcdir)
            where = location(str(page), line, srcdir)
            includers.setdefault(str(target.resolve()), []).append(where)
    for msg in messages:
        if msg.level in ("ERROR", "CRITICAL") and msg.path:
            pages = includers.get(str(Path(msg.path).resolve()))
            if pages:
                first = msg.text.split("\n")[0]
                note = (
                    f" (in a file that {', '.join(pages)} include{'s' if len(pages) == 1 else ''})"
                )
                msg.text = first + note + msg.text[len(first) :]


def conf_values(srcdir: Path) -> tuple[dict, list[Message]]:
    """Plain literal assignments of ``CONF_KEYS`` in ``conf.py``, without running it.

    Also a warning for each of those keys that conf.py computes (or adds to with
    ``+=``): that part is not known without running it.
    """
    conf = srcdir / "conf.py"
    if not conf.is_file():
        return {}, []
    try:
        tree = ast.parse(conf.read_text(encoding="utf-8"), str(conf))
    except (SyntaxError, UnicodeDecodeError) as err:
        raise InputError(f"{conf}:{getattr(err, 'lineno', 1)}: cannot parse: {err}") from err
    values: dict = {}
    notes = []
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, ast.AugAssign | ast.AnnAssign):
            targets = [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name) and t.id in CONF_KEYS]
        if not names or stmt.value is None:
            continue
        try:
            if isinstance(stmt, ast.AugAssign):
                raise ValueError("added to")
            value = ast.literal_eval(stmt.value)
        except ValueError:  # computed when conf.py runs
            how = "adds to it" if isinstance(stmt, ast.AugAssign) else "computes it"
            kept = "the plain value before is kept" if names[0] in values else "not read"
            text = f"{names[0]}: conf.py {how}; import-rst does not run conf.py ({kept})"
            notes.append(Message(str(conf), stmt.lineno, "WARNING", text))
            continue
        values.update(dict.fromkeys(names, value))
    if "master_doc" in values:
        values.setdefault("root_doc", values.pop("master_doc"))
    patterns = values.get("exclude_patterns")
    if not (isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)):
        values.pop("exclude_patterns", None)
    return values, notes


def check_readable(srcdir: Path, only: str | None, exclude: list[str]) -> list[Path]:
    """Every source page, each checked to be readable UTF-8 (Sphinx would only warn)."""
    pages = [srcdir / only] if only else sorted(srcdir.rglob("*" + SUFFIX))
    matcher = Matcher(exclude)

    def excluded(page: Path) -> bool:  # the file, or a folder it is in (as Sphinx prunes them)
        parts = page.relative_to(srcdir).parts
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        return any(part.startswith((".", "_build")) for part in parts) or any(
            matcher(prefix) for prefix in prefixes
        )

    pages = [p for p in pages if not excluded(p)]
    for page in pages:
        try:
            data = page.read_bytes()
        except OSError as err:
            raise InputError(f"{page}: cannot read: {err.strerror or err}") from err
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InputError(f"{page}:{line}: not UTF-8 (byte 0x{data[err.start]:02x})") from err
    return pages


def choose_root(srcdir: Path, pages: list[Path], wanted: str | None, conf: dict) -> str:
    names = [p.relative_to(srcdir).with_suffix("").as_posix() for p in pages]
    if not names:
        raise InputError(f"{srcdir}: no {SUFFIX} files found")
    root = wanted or conf.get("root_doc") or ("index" if "index" in names else names[0])
    if root not in names:
        raise InputError(f"{srcdir}: root page {root}{SUFFIX} not found")
    return root


def _fresh_catalogues() -> None:
    """Let the guide's own conf.py language alone decide Sphinx's labels.

    Sphinx keeps its message catalogues in a module-level dict and only adds to it,
    and a module that calls ``_("Added in version %s")`` at import translates it then
    and there once a catalogue exists (it is lazy only before). Read a guide with
    ``language = "zh"`` first and every later guide in the process would say
    "在 2.0 版本加入". So Sphinx's own modules are imported while no catalogue exists
    (their labels stay lazy), and each guide starts from none, as Sphinx's tests do;
    the lazy labels are read while its catalogue is the current one.
    """
    sphinx_locale.translators.clear()
    for name in builtin_extensions:
        importlib.import_module(name)


def read_project(srcdir: Path, root: str | None = None, only: str | None = None) -> Project:
    """Run Sphinx over ``srcdir`` (or the single page ``only`` in it)."""
    srcdir = srcdir.resolve()
    conf, notes = conf_values(srcdir)
    exclude = [*EXCLUDE, *conf.pop("exclude_patterns", [])]
    pages = check_readable(srcdir, only, exclude)
    root = choose_root(srcdir, pages, root, conf)
    overrides = {
        **conf,
        "root_doc": root,
        "extensions": ["hpcdocs.rstimport.sphinxext"],
        "smartquotes": False,
        "keep_warnings": True,
        "show_warning_types": False,
        "source_suffix": {SUFFIX: "restructuredtext"},
        "exclude_patterns": exclude,
    }
    if only:
        overrides["include_patterns"] = [only]
    collector = _Collector()
    sphinx_logger = logging.getLogger(NAMESPACE)
    with (
        tempfile.TemporaryDirectory(prefix="import-rst-") as tmp,
        patch_docutils(None),
        docutils_namespace(),
    ):  # as sphinx-build: roles stay local
        _fresh_catalogues()
        try:
            app = Sphinx(
                str(srcdir),
                None,
                f"{tmp}/out",
                f"{tmp}/doctrees",
                "import-rst",
                confoverrides=overrides,
                status=io.StringIO(),
                warning=io.StringIO(),
                freshenv=True,
            )
            collector.addFilter(WarningLogRecordTranslator(app))
            sphinx_logger.addHandler(collector)
            app.build(force_all=True)
        except SphinxError as err:
            raise InputError(f"{srcdir}: Sphinx failed: {err}") from err
        finally:
            sphinx_logger.removeHandler(collector)
    builder = app.builder
    place_inserted(collector.messages, builder.doctrees, app.env, srcdir)
    name_includers(collector.messages, app.env, srcdir)
    messages = [*notes, *collector.messages]
    return Project(srcdir, root, builder.doctrees, builder.toctrees, app.env, messages)

"""import-rst: convert a folder of reStructuredText (Sphinx) pages into pages for this site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hpcdocs import command_parser
from hpcdocs.rstimport import markdown as md
from hpcdocs.rstimport import nav, output
from hpcdocs.rstimport.output import MANIFEST, Plan, RefusedError
from hpcdocs.rstimport.report import NOT_CONVERTED, WARNING, Report
from hpcdocs.rstimport.site import Site
from hpcdocs.rstimport.sphinxrun import SUFFIX, InputError, Project, read_project
from hpcdocs.rstimport.writer import UNCONVERTIBLE, PageWriter

REPORT = ".import-rst-report.txt"
EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3
# Sphinx warnings the page writer reports itself, where the page shows them
_WRITER_REPORTS = (
    "image file not readable",
    "Failed to create a cross reference",
    "undefined label",
)
_MISSING_DOC = "toctree contains reference to nonexisting document"

DESCRIPTION = """\
Convert a folder of reStructuredText pages (a Sphinx or Read the Docs project)
into Markdown pages for this MkDocs site. Sphinx reads the pages, so every
construct means what it means to Sphinx; the source's conf.py is not run (a few
plain values are read from it: root_doc, highlight_language, default_role,
rst_prolog, rst_epilog, language, numfig, exclude_patterns; where conf.py
computes one of them, the report says so at conf.py:LINE). Smart quotes are
off: quotes and "--" reach the pages and the code exactly as written; code
keeps its tabs. Directives and roles of extensions are not loaded: each one
used is shown as not converted, with its source.

Output, for SRC/a/b.rst: OUT_DIR/a/b.md, plus
  - each code block (literal block, code-block, literalinclude, doctest) as a
    snippet file SNIPPETS/a/b/NN-step.EXT, included into the page with
    pymdownx.snippets inside a fenced block; the file starts (after a
    shebang) with the header of snippets/README.md marking it untested:
      # test: run=none why="imported from a/b.rst:LINE; untested until ..."
    written in the language's own comment syntax: # (shell, Python, YAML,
    console, text, ...), // (C, C++, CUDA, Java, JS, Go, Rust, and JSON,
    which has no comments of its own: the site hides header lines), -- (SQL,
    Lua), ! (Fortran), % (MATLAB, TeX), ; (Lisp), REM (batch), <!-- -->
    (HTML, XML, Markdown), /* */ (CSS);
  - images and linked files copied to the same relative place under OUT_DIR;
  - OUT_DIR/.import-rst-report.txt listing, with file:line, what could not be
    converted (also shown in the page as a "Not converted" admonition holding
    the source, waived with <!-- untested: -->) and warnings;
  - OUT_DIR/.import-rst-manifest.json: the files this importer wrote.
The nav fragment (toctree order, YAML for mkdocs.yml's nav:) goes to stdout,
the report to stderr.

It never overwrites or removes a file it did not write (or that was changed
since it wrote it): it refuses, writing nothing, unless --force. Files an
earlier import into OUT_DIR wrote and this one no longer produces are removed.

Exit status: 0 done (even with things not converted), 1 bad input (unreadable
or broken reStructuredText; each error with file:line), 2 usage error,
3 refused to overwrite files."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("import-rst", DESCRIPTION)
    parser.add_argument(
        "src",
        metavar="SRC_DIR",
        type=Path,
        help=f"folder of {SUFFIX} pages (or a single {SUFFIX} file)",
    )
    parser.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        type=Path,
        help="folder for the Markdown pages (created if missing)",
    )
    parser.add_argument(
        "--snippets-base",
        type=Path,
        metavar="DIR",
        help="pymdownx.snippets' base_path; includes are written relative to "
        "it (default: snippets/ beside the nearest mkdocs.yml above OUT_DIR, "
        "else OUT_DIR/../snippets)",
    )
    parser.add_argument(
        "--snippets",
        type=Path,
        metavar="DIR",
        help="folder for the snippet files, inside the base (default: SNIPPETS_BASE/imported)",
    )
    parser.add_argument(
        "--root",
        metavar="NAME",
        help="root page, the top of the toctree (default: conf.py's root_doc, "
        "else index, else the first page)",
    )
    parser.add_argument(
        "--nav-prefix",
        default="",
        metavar="PATH/",
        help="put before every page path in the nav fragment (OUT_DIR as "
        "seen from the docs folder, e.g. en/imported/)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite or remove files even if import-rst did not write them",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="on broken reStructuredText, show each error in the page as "
        "not converted instead of stopping",
    )
    return parser.parse_args(argv)


def default_snippets_base(out_dir: Path) -> Path:
    for folder in [out_dir, *out_dir.parents]:
        if (folder / "mkdocs.yml").is_file():
            return folder / "snippets"
    return out_dir.parent / "snippets"


def check_messages(project: Project, report: Report) -> list[str]:
    """Sort Sphinx's messages into the report; return the errors that stop the import."""
    errors = []
    for msg in project.messages:
        where = msg.where(project.srcdir)
        first = msg.text.split("\n")[0]
        if msg.level in ("ERROR", "CRITICAL") and not first.startswith(UNCONVERTIBLE):
            errors.append(f"{where}: error: {msg.text}")
        elif first.startswith(_MISSING_DOC):
            report.add(where, NOT_CONVERTED, first)
        elif msg.level == "WARNING" and not first.startswith(_WRITER_REPORTS):
            report.add(where, WARNING, first)
    return errors


def missing_toctree_entries(site: Site, docname: str) -> list[str]:
    """Toctree entries Sphinx dropped (no such document), shown at the end of the page."""
    source = str(site.project.env.doc2path(docname))
    return [
        "!!! failure "
        + md.attr_value(
            f"Not converted: {msg.text} ({msg.where(site.project.srcdir)})".replace('"', "'")
        )
        for msg in site.project.messages
        if msg.text.startswith(_MISSING_DOC) and msg.path == source
    ]


def run(args: argparse.Namespace) -> int:
    src = args.src
    only = None
    if src.is_file() and src.suffix == SUFFIX:
        src, only = src.parent, src.name
    elif not src.is_dir():
        print(f"import-rst: {src}: not a folder or a {SUFFIX} file", file=sys.stderr)
        return EXIT_USAGE
    out_dir = args.out_dir.resolve()
    base = (args.snippets_base or default_snippets_base(out_dir)).resolve()
    snippets_dir = (args.snippets or base / "imported").resolve()
    if not snippets_dir.is_relative_to(base):
        print(f"import-rst: --snippets {snippets_dir} is not inside {base}", file=sys.stderr)
        return EXIT_USAGE

    report = Report()
    try:
        project = read_project(src, root=args.root, only=only)
    except InputError as err:
        print(f"import-rst: {err}", file=sys.stderr)
        return EXIT_INPUT
    errors = check_messages(project, report)
    if errors and not args.keep_going:
        print("\n".join(errors), file=sys.stderr)
        print(
            f"import-rst: {len(errors)} error(s) in the input; nothing written "
            "(--keep-going shows them in the pages instead)",
            file=sys.stderr,
        )
        return EXIT_INPUT

    plan = Plan(out_dir)
    site = Site(project, out_dir, snippets_dir, base, plan, report, args.keep_going)
    for docname in sorted(project.doctrees):
        page = PageWriter(site, docname).page()
        extra = missing_toctree_entries(site, docname)
        plan.add(site.page_path(docname), page + "".join("\n" + b + "\n" for b in extra))
    shown = {entry.where for entry in report.entries}
    for error in errors:  # --keep-going: errors the pages could not show
        where, _, text = error.partition(": error: ")
        if where not in shown:
            report.add(where, NOT_CONVERTED, text.split("\n")[0])
    plan.add(out_dir / REPORT, report.text())
    try:
        output.write(plan, force=args.force)
    except RefusedError as err:
        print(f"import-rst: refusing to overwrite (use --force to allow):\n{err}", file=sys.stderr)
        return EXIT_REFUSED

    entries, orphans = nav.build(project, args.nav_prefix)
    sys.stdout.write(nav.to_yaml(entries, orphans))
    sys.stderr.write(report.text())
    print(
        f"import-rst: wrote {len(plan.files)} files under {out_dir} and {snippets_dir}; "
        f"file list in {out_dir / MANIFEST}",
        file=sys.stderr,
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))

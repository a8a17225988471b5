"""Three real Sphinx HPC user guides import without a crash, report what they lose, keep code.

tests/importer/realguides/ holds them, byte for byte, with their licences and a
MANIFEST.yml naming each file's repository, path and commit:

- sjtu: Shanghai Jiao Tong University's guide, in Chinese (its conf.py sets
  language, rst_prolog and loads extensions the importer does not load);
- satori: MIT Satori's whole guide, 4,345 lines, on an IBM LSF cluster (its
  conf.py has its own ``setup()`` and an rst_prolog that breaks one page);
- aalto: Aalto's Triton tutorials, whose conf.py loads sphinx_tabs,
  sphinx_lesson and sphinx_toolbox: their directives are unknown here.

What the guides get wrong themselves (Sphinx reports the same errors) stops a
plain import with FILE:LINE; ``--keep-going`` imports them with those errors shown.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from rstimport_testlib import build_strict, import_rst, new_project

GUIDES = Path(__file__).parent / "realguides"
MANIFEST = yaml.safe_load((GUIDES / "MANIFEST.yml").read_text(encoding="utf-8"))
LICENCES = ("MIT", "BSD-3-Clause", "CC-BY-4.0")

# name -> (extra import-rst arguments, the errors in the source a plain import stops at)
IMPORTS = {
    "sjtu": ([], []),
    "satori": (
        [],
        [
            'satori-workload-manager-using-slurm.rst:1: error: Error in "replace" directive: '
            "may contain a single paragraph only. (line 2 of conf.py's rst_prolog)"
        ],
    ),
    "aalto": (
        ["--root", "triton/tut/slurm"],
        [
            "triton/examples/pytorch/pytorch_mnist.rst:1: error: Inconsistent title style: "
            "skip from level 2 to 4. (in a file that triton/apps/pytorch.rst:36 includes)",
            "triton/examples/pytorch/pytorch_singularity_mnist.rst:1: error: Inconsistent title "
            "style: skip from level 2 to 4. (in a file that triton/apps/pytorch.rst:38 includes)",
        ],
    ),
}
# directives of extensions the importer does not load, in the guides that use them
UNKNOWN = {"aalto": {"tabs", "exercise", "collapse"}}
WHERE = re.compile(r"^(?P<file>[^\s:]+\.rst):(?P<line>\d+)$")
TITLE = re.compile(r'^\s*!!! failure "Not converted: (?P<what>.*) \((?P<where>[^()]*)\)"$', re.M)


def git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_manifest_names_every_file_its_source_and_licence() -> None:
    names = []
    for guide in MANIFEST["guides"]:
        names.append(guide["name"])
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", guide["repository"])
        assert re.fullmatch(r"[0-9a-f]{40}", guide["commit"])
        assert guide["licence"].startswith(LICENCES), guide["licence"]
        folder = GUIDES / guide["name"]
        listed = {f["path"]: f for f in guide["files"]}
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert on_disk == set(listed), guide["name"]
        assert "LICENSE" in listed and "conf.py" in listed
        for rel, entry in listed.items():
            assert git_blob((folder / rel).read_bytes()) == entry["blob"], f"{guide['name']}/{rel}"
    assert names == list(IMPORTS)
    lines = sum(
        len(p.read_text(encoding="utf-8").splitlines()) for p in (GUIDES / "satori").rglob("*.rst")
    )
    assert lines > 4000  # an LSF guide of several thousand lines
    text = "".join(p.read_text(encoding="utf-8") for p in (GUIDES / "sjtu").rglob("*.rst"))
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 5000  # in Chinese


# -- code blocks, read from the reStructuredText without docutils ----------------------

CODE = re.compile(r"^(?P<indent>\s*)\.\. (code-block|code|sourcecode)::")
INCLUDE = re.compile(r"^(?P<indent>\s*)\.\. literalinclude::\s*(?P<path>\S+)\s*$")
OTHER = re.compile(r"^(?P<indent>\s*)\.\. (?P<name>[\w:-]+)::")
OPTION = re.compile(r"^\s*:[\w-]+:")
LIST_ITEM = re.compile(r"^\s*([-*+]|#\.|\d+[.)])\s+")
# directives whose body is not reStructuredText with code in it (or not converted at all)
OPAQUE = {"raw", "math", "csv-table", "parsed-literal", "productionlist", "only", "ifconfig"}


def width(line: str) -> int:
    return len(line.expandtabs()) - len(line.expandtabs().lstrip())


def body_of(lines: list[str], start: int, indent: int) -> int:
    """The index after the body that starts at ``start`` (lines indented more than ``indent``)."""
    end = start
    while end < len(lines) and (not lines[end].strip() or width(lines[end]) > indent):
        end += 1
    return end


def dedented(block: list[str]) -> str:
    """The block as Sphinx shows it: common leading whitespace and trailing spaces removed."""
    block = [ln.rstrip() for ln in block]
    while block and not block[0]:
        block.pop(0)
    while block and not block[-1]:
        block.pop()
    filled = [ln for ln in block if ln]
    prefix = filled[0][: len(filled[0]) - len(filled[0].lstrip())] if filled else ""
    for ln in filled:
        while not ln.startswith(prefix):
            prefix = prefix[:-1]
    return "\n".join(ln[len(prefix) :] for ln in block)


def code_blocks(path: Path, srcdir: Path, unknown: set[str]) -> list[tuple[int, str]]:
    """(line, code) of every code block in a page: directives, ``::`` blocks, literalinclude."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        code, include, other = CODE.match(line), INCLUDE.match(line), OTHER.match(line)
        if code or include:
            indent = width(line)
            start = i + 1
            while start < len(lines) and OPTION.match(lines[start]):
                start += 1
            end = body_of(lines, start, indent)
            options = "\n".join(lines[i + 1 : start])
            if include and not re.search(r":(lines|start-|end-|pyobject|diff|dedent)", options):
                target = include["path"]
                base = srcdir if target.startswith("/") else path.parent
                found.append((i + 1, dedented((base / target.lstrip("/")).read_text().split("\n"))))
            elif code:
                found.append((i + 1, dedented(lines[start:end])))
            i = end
        elif other:
            name = other["name"]
            if name in OPAQUE or name in unknown:
                i = body_of(lines, i + 1, width(line))
            else:
                i += 1
        elif line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            item = LIST_ITEM.match(line)  # a list item's text starts after its marker
            indent = len(item.group().expandtabs()) if item else width(line)
            start = i + 1
            while start < len(lines) and not lines[start].strip():
                start += 1
            if start < len(lines) and width(lines[start]) > indent:
                end = body_of(lines, start, indent)
                found.append((i + 1, dedented(lines[start:end])))
                i = end
            else:
                i += 1
        elif line.startswith(".. ") and not OTHER.match(line):  # a comment: skip its body
            i = body_of(lines, i + 1, 0)
        else:
            i += 1
    return [(n, c) for n, c in found if c.strip()]


def snippet_bodies(folder: Path) -> list[str]:
    """The code of every snippet file the import wrote, without its header line."""
    bodies = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        lines = path.read_text(encoding="utf-8").split("\n")
        head = 1 if lines[0].startswith("#!") else 0
        assert "test: run=none" in lines[head], path
        bodies.append("\n".join(lines[:head] + lines[head + 1 :]).rstrip("\n"))
    return bodies


def test_the_code_reader_reads_each_kind_of_block(tmp_path: Path) -> None:
    page = tmp_path / "a.rst"
    (tmp_path / "job.sh").write_text("#!/bin/bash\n#SBATCH -n 1\n")
    page.write_text(
        textwrap.dedent("""\
        Para::

            one
              two

        - item::

             three

          continued::

              five
            six
        .. code-block:: bash
           :linenos:

           four  \n\
        .. tabs::

           .. code-block:: bash

              hidden
        .. literalinclude:: /job.sh
        .. comment with std::

           not code
        """)
    )
    assert code_blocks(page, tmp_path, {"tabs"}) == [
        (1, "one\n  two"),
        (6, "three"),
        (10, "  five\nsix"),
        (14, "four"),
        (23, "#!/bin/bash\n#SBATCH -n 1"),
    ]


# -- the imports -----------------------------------------------------------------------


@pytest.fixture(scope="module", params=list(IMPORTS))
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    args, _ = IMPORTS[name]
    root = new_project(tmp_path_factory.mktemp(name) / "site")
    out = root / "docs" / name
    result = import_rst(GUIDES / name, out, "--keep-going", *args)
    return name, root, out, result


def test_plain_import_stops_only_at_the_guides_own_errors(tmp_path: Path) -> None:
    for name, (args, errors) in IMPORTS.items():
        result = import_rst(GUIDES / name, tmp_path / name, *args)
        shown = [ln for ln in result.err.splitlines() if ": error: " in ln]
        assert shown == errors, name
        assert result.rc == (1 if errors else 0), result.err
        assert (tmp_path / name).exists() == (not errors)


def test_imports_without_a_crash(imported) -> None:
    name, _, out, result = imported
    assert result.rc == 0, result.err
    assert "Traceback" not in result.err
    pages = sorted(out.rglob("*.md"))
    sources = sorted((GUIDES / name).rglob("*.rst"))
    assert len(pages) == len(sources)
    assert result.out.startswith("# nav fragment from import-rst")


def test_what_is_not_converted_is_reported_once_with_file_and_line(imported) -> None:
    name, _, out, result = imported
    report = (out / ".import-rst-report.txt").read_text(encoding="utf-8").splitlines()
    assert result.err.startswith("\n".join(report))
    lost = [ln.split(": not converted: ", 1) for ln in report if ": not converted: " in ln]
    assert lost, name
    assert len({tuple(x) for x in lost}) == len(lost)  # once each
    for where, _ in lost:
        m = WHERE.match(where)
        assert m, f"{where}: not FILE:LINE"
        source = GUIDES / name / m["file"]
        assert 0 < int(m["line"]) <= len(source.read_text(encoding="utf-8").splitlines())
    # the pages show exactly what the report lists (an included file's, in each page)
    shown = set()
    for page in out.rglob("*.md"):
        shown |= {(t["where"], t["what"]) for t in TITLE.finditer(page.read_text("utf-8"))}
    assert shown == set(map(tuple, lost))


def test_unknown_extension_directives_are_reported_at_their_line(imported) -> None:
    name, _, out, result = imported
    report = (out / ".import-rst-report.txt").read_text(encoding="utf-8")
    found = set()
    for where, directive in re.findall(
        r"^(\S+): not converted: unknown directive type '([\w:-]+)'$", report, re.M
    ):
        path, line = where.rsplit(":", 1)
        text = (GUIDES / name / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert f".. {directive}::" in text, where
        found.add(directive)
    assert found == UNKNOWN.get(name, set())


def test_code_blocks_stay_byte_for_byte(imported) -> None:
    name, root, _, _ = imported
    srcdir = GUIDES / name
    bodies = snippet_bodies(root / "snippets" / "imported")
    expected = [
        (path.relative_to(srcdir).as_posix(), line, code)
        for path in sorted(srcdir.rglob("*.rst"))
        for line, code in code_blocks(path, srcdir, UNKNOWN.get(name, set()))
    ]
    assert len(expected) > 20
    missing = [f"{path}:{line}" for path, line, code in expected if code not in bodies]
    assert missing == []
    assert len(bodies) >= len(expected)


@pytest.mark.slow
def test_imported_guide_builds_strict(imported) -> None:
    _, root, _, _ = imported
    done = build_strict(root)
    assert done.returncode == 0, done.stdout + done.stderr


# -- the benchmark (bench-import): what it times, not how fast -------------------


def test_benchmark_guide_has_5000_lines(tmp_path: Path) -> None:
    from hpcdocs.rstimport import bench

    pages, lines = bench.count(bench.default_guide(tmp_path))
    assert lines >= bench.TARGET_LINES and pages > 60


def test_benchmark_prints_its_figures(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from hpcdocs.rstimport import bench
    from rstimport_testlib import FIXTURES

    assert bench.main([str(FIXTURES / "toctree"), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^pages 7, lines \d+, code blocks 0; 0 not converted", out, re.M), out
    assert re.search(r"^import-rst: median \d+\.\d\d s, best \d+\.\d\d s for \d+ lines$", out, re.M)
    assert "fewer than 5000 lines" in out

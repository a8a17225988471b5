"""Imported pages build under ``mkdocs build --strict`` and show code exactly.

All fixtures are imported into one minimal MkDocs project with this site's
conventions (material, admonition, attr_list, tables, superfences, snippets
with check_paths, anchors validated), built once; then the seed guide
/work/shared/seeds/002_8d56fc4aad27e21d.txt is imported and built on its own.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from hpcdocs import ROOT
from rstimport_testlib import FIXTURES, SCRIPT, build_strict, import_rst, new_project

SEED = ROOT.parent / "shared" / "seeds" / "002_8d56fc4aad27e21d.txt"
CONSTRUCTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
SRUN = "srun --pty bash -i"
pytestmark = pytest.mark.slow  # each MkDocs build takes several seconds


def article(path: Path) -> str:
    """The page's content, as the reader sees its text (tags removed, entities decoded)."""
    page = path.read_text(encoding="utf-8")
    page = page[page.index("<article") : page.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("build") / "site")
    for construct in CONSTRUCTS:
        result = import_rst(
            FIXTURES / construct,
            root / "docs" / construct,
            "--snippets",
            str(root / "snippets" / "imported" / construct),
        )
        assert result.rc == 0, result.err
    done = build_strict(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def test_all_fixtures_build_strict(built: Path) -> None:
    for construct in CONSTRUCTS:
        pages = list((built / construct).rglob("index.html"))
        assert pages, f"{construct}: no page built"


def test_code_shows_byte_for_byte(built: Path) -> None:
    text = article(built / "dashes-quotes" / "index.html")
    assert text.count(SRUN) == 4  # prose, inline literal, default role, code block
    assert "echo \"it's\" -- 'done'" in text
    assert "\u2013" not in text and "\u2014" not in text and "\u2019" not in text
    assert "Prose keeps \"straight quotes\", 'single ones', -- double dashes ---" in text


def test_snippets_are_included_and_escapes_undone(built: Path) -> None:
    text = article(built / "code-blocks" / "index.html")
    assert "echo \"quotes 'stay' as they are\" -- and dashes --too" in text
    assert '--8<-- "looks/like/an/include.txt"' in text  # shown, not included
    assert "a line with ``` three backticks" in text
    assert 'test: run=none why="imported from index.rst:' in text


def test_escaped_text_reads_as_written(built: Path) -> None:
    text = article(built / "escaping" / "index.html")
    for shown in (
        "*literal stars*",
        "[brackets](parens)",
        "a pipe | in text",
        "{{ cluster.name }} and { #id }",
        "<tags> & &amp; entities",
        "a backslash \\ and",
        "# not a heading",
        "- not a list item",
        "1. not a numbered list",
        "> not a quote",
        "!!! note not an admonition",
        '--8<-- "not/an/include.txt"',
        "looks like a rule\n=====",
    ):
        assert shown in text, shown


def test_inline_literals_keep_backticks_and_pipes(built: Path) -> None:
    assert "``a `tick` here``" in article(built / "inline" / "index.html")
    assert "a|b" in article(built / "tables" / "index.html")


def test_admonition_types(built: Path) -> None:
    page = (built / "admonitions" / "index.html").read_text(encoding="utf-8")
    kinds = re.findall(r'<div class="admonition (\w+)">', page)
    assert kinds == [
        "note",
        "warning",
        "tip",
        "danger",
        "warning",
        "warning",
        "danger",
        "tip",
        "tip",
        "info",
        "note",
        "tip",
        "note",
    ]
    assert 'A custom "title"' in article(built / "admonitions" / "index.html")


def test_not_converted_blocks_are_visible(built: Path) -> None:
    page = (built / "unknown-directive" / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="admonition failure">') == 2
    text = article(built / "unknown-directive" / "index.html")
    assert "Not converted: unknown directive type 'tabs' (index.rst:6)" in text
    assert ".. tab:: Slurm" in text


def test_links_resolve_between_pages(built: Path) -> None:
    page = (built / "toctree" / "guide" / "jobs" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../install/"' in page
    assert 'href="../../#toctree-index"' in page


def test_nav_fragment_builds_as_the_nav(tmp_path: Path) -> None:
    root = new_project(tmp_path / "site")
    result = import_rst(FIXTURES / "toctree", root / "docs" / "old", "--nav-prefix", "old/")
    assert result.rc == 0, result.err
    assert "  - Install: old/install.md\n" in result.out
    nav = "nav:\n  - index.md\n" + "".join(
        "  " + line + "\n" for line in result.out.splitlines() if not line.startswith("#")
    )
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text() + nav)
    done = build_strict(root)
    assert done.returncode == 0, done.stdout + done.stderr
    home = (root / "site" / "old" / "guide" / "index.html").read_text(encoding="utf-8")
    assert "GPUs" in home and "Jobs" in home


def test_output_fits_the_sites_snippet_rules(built: Path) -> None:
    """The site's own checker: code fences are snippet includes or waived, headers parse."""
    snippets = pytest.importorskip("hpcdocs.snippettests")
    catalog = snippets.Catalog.load(built.parent / "snippets", built.parent / "docs")
    problems = [f.problem() for page in catalog.pages for f in page.fences if f.problem()]
    assert problems == []
    readable = [s for s in catalog.snippets if s.text.startswith(("# test:", "#!", "// test:"))]
    assert len(readable) > 20
    for snip in readable:
        assert snip.error is None and snip.run_mode == "none", snip.error


@pytest.mark.skipif(not SEED.is_file(), reason=f"{SEED} not present")
def test_seed_guide_builds_strict_and_keeps_srun(tmp_path: Path) -> None:
    import subprocess

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "guide.rst")
    root = new_project(tmp_path / "site")
    out = root / "docs" / "imported"
    # through the command itself, as a maintainer runs it
    done = subprocess.run(
        [str(SCRIPT), str(src), str(out)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "- 配环境（PyTorch）: guide.md"
    page = (out / "guide.md").read_text(encoding="utf-8")
    assert f"`{SRUN}`" in page
    snippet = root / "snippets" / "imported" / "guide" / "01-python-package.sh"
    assert snippet.read_text(encoding="utf-8").startswith(
        '# test: run=none why="imported from guide.rst:140; untested'
    )
    assert "guide.rst:22: not converted: image pics/N2登录到Aha服务器.png not found" in done.stderr
    built = build_strict(root)
    assert built.returncode == 0, built.stdout + built.stderr
    text = article(root / "site" / "imported" / "guide" / "index.html")
    assert text.count(SRUN) == 2
    assert "srun \u2013pty" not in text

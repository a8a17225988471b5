"""Fixes for what real guides (tests/importer/realguides) broke, each on the smallest input."""

from __future__ import annotations

from pathlib import Path

from rstimport_testlib import import_rst, new_project, write

# MIT Satori's conf.py and the start of its Slurm page: the page begins with an
# indented line, which Sphinx appends to the last directive of rst_prolog.
PROLOG_CONF = '''\
    rst_prolog = r"""
    .. |R| replace:: \\ :sup:`®`
    """
    '''
INDENTED_START = """\


       Satori

    Running jobs
    ------------

    Text.
    """


def test_error_in_rst_prolog_names_the_page_and_the_conf_line(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "conf.py", PROLOG_CONF)
    write(src / "index.rst", "Home\n====\n\n.. toctree::\n\n   slurm\n")
    write(src / "slurm.rst", INDENTED_START)
    result = import_rst(src, tmp_path / "out")
    assert result.rc == 1
    assert (
        'slurm.rst:1: error: Error in "replace" directive: may contain a single paragraph only.'
        " (line 2 of conf.py's rst_prolog)" in result.err
    )
    assert "<rst_prologue>" not in result.err
    result = import_rst(src, tmp_path / "out", "--keep-going")
    assert result.rc == 0, result.err
    assert (
        "slurm.rst:1: not converted: error in 'replace' directive: may contain a single "
        "paragraph only (line 2 of conf.py's rst_prolog)" in result.err
    )
    page = (tmp_path / "out" / "slurm.md").read_text(encoding="utf-8")
    assert page.startswith(
        "!!! failure \"Not converted: error in 'replace' directive: may contain a single "
        "paragraph only (line 2 of conf.py's rst_prolog) (slurm.rst:1)\"\n"
    )


def test_prolog_goes_after_docinfo_fields(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "conf.py", PROLOG_CONF)
    write(src / "index.rst", ":orphan:\n:author: someone\n" + INDENTED_START)
    result = import_rst(src, tmp_path / "out")
    assert 'index.rst:3: error: Error in "replace" directive' in result.err


def test_download_from_the_source_root(tmp_path: Path) -> None:
    """Aalto's ``:download:`name </triton/examples/x.sh>```: ``/`` is the source folder."""
    src = tmp_path / "src"
    write(
        src / "triton" / "examples" / "array_example.sh", "#!/bin/bash\necho $SLURM_ARRAY_TASK_ID\n"
    )
    write(
        src / "triton" / "tut" / "array.rst",
        """\
        Arrays
        ======

        Create :download:`array_example.sh </triton/examples/array_example.sh>`
        and see `the example </triton/examples/array_example.sh>`__.
        """,
    )
    root = new_project(tmp_path / "site")
    out = root / "docs" / "old"
    result = import_rst(src, out)
    assert result.rc == 0, result.err
    assert "no such page or file" not in result.err
    page = (out / "triton" / "tut" / "array.md").read_text(encoding="utf-8")
    assert "[`array_example.sh`](../examples/array_example.sh)" in page
    assert "[the example](../examples/array_example.sh)" in page
    assert (out / "triton" / "examples" / "array_example.sh").read_bytes() == (
        src / "triton" / "examples" / "array_example.sh"
    ).read_bytes()


def snippet_texts(root: Path) -> list[str]:
    files = sorted((root / "snippets" / "imported").rglob("*.*"))
    return [f.read_text(encoding="utf-8").split("\n", 1)[1] for f in files]


def test_code_keeps_its_tabs(tmp_path: Path) -> None:
    """SJTU's blocks are indented with a tab; a Makefile's recipe line starts with one."""
    src = tmp_path / "src"
    (src).mkdir()
    (src / "index.rst").write_text(
        "Tabs\n====\n\n"
        ".. code:: bash\n\n\tssh username@armlogin.hpc.sjtu.edu.cn\n\t\n"
        "A Makefile::\n\n    all:\n    \techo hi\n\n"
        ".. code-block:: text\n\n   a\tb\n",
        encoding="utf-8",
    )
    root = new_project(tmp_path / "site")
    result = import_rst(src, root / "docs" / "old")
    assert result.rc == 0, result.err
    assert snippet_texts(root) == [
        "ssh username@armlogin.hpc.sjtu.edu.cn\n",
        "all:\n\techo hi\n",
        "a\tb\n",
    ]
    assert "tabs in this code block" not in result.err


def test_a_tab_across_the_indentation_is_reported(tmp_path: Path) -> None:
    """Three spaces and a tab indent by 8 while the block is indented by 4: docutils'
    expansion cannot be undone line by line, so the spaces stay and the report says so."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.rst").write_text("Tabs\n====\n\n::\n\n    x\n   \ty\n", encoding="utf-8")
    root = new_project(tmp_path / "site")
    result = import_rst(src, root / "docs" / "old")
    assert result.rc == 0, result.err
    assert snippet_texts(root) == ["x\n    y\n"]
    assert "index.rst:6: warning: tabs in this code block were expanded to spaces" in result.err


def test_conf_exclude_patterns_are_honoured_and_computed_values_reported(tmp_path: Path) -> None:
    """Aalto's conf.py: a plain exclude_patterns list, then ``+=`` a computed one."""
    src = tmp_path / "src"
    write(
        src / "conf.py",
        """\
        import pathlib
        exclude_patterns = ['_meta', 'triton/apps/TEMPLATE.rst', 'venv*']
        exclude_patterns += [str(x) for x in pathlib.Path('triton/ref').glob('*.rst')]
        default_role = 'any' if True else None
        """,
    )
    write(src / "index.rst", "Home\n====\n")
    for excluded in ("_meta/notes.rst", "triton/apps/TEMPLATE.rst", "venv3/lib/x.rst"):
        (src / excluded).parent.mkdir(parents=True, exist_ok=True)
        (src / excluded).write_bytes(b"Not UTF-8: \xe9\n")  # not even read
    write(src / "triton" / "ref" / "slurm.rst", "Slurm\n=====\n")
    result = import_rst(src, tmp_path / "out")
    assert result.rc == 0, result.err
    pages = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")
    )
    assert pages == ["index.md", "triton/ref/slurm.md"]
    assert (
        "conf.py:3: warning: exclude_patterns: conf.py adds to it; import-rst does not run "
        "conf.py (the plain value before is kept)" in result.err
    )
    assert (
        "conf.py:4: warning: default_role: conf.py computes it; import-rst does not run "
        "conf.py (not read)" in result.err
    )


def test_error_in_an_included_file_names_the_pages_that_include_it(tmp_path: Path) -> None:
    """Aalto's examples: a title level that is fine alone but not where two pages include it."""
    src = tmp_path / "src"
    write(src / "index.rst", "Home\n====\n\n.. toctree::\n\n   apps/a\n   apps/b\n")
    example = "Example\n-------\n\nText.\n"
    write(src / "examples" / "mnist.rst", example)
    for page, how in (("a", "../examples/mnist.rst"), ("b", "/examples/mnist.rst")):
        write(
            src / "apps" / f"{page}.rst",
            f"Page\n====\n\nPart\n****\n\nSub\n~~~\n\nSubsub\n------\n\nMore\n****\n\n.. include:: {how}\n",
        )
    result = import_rst(src, tmp_path / "out")
    assert result.rc == 1
    assert (
        "examples/mnist.rst:1: error: Inconsistent title style: skip from level 2 to 4. "
        "(in a file that apps/a.rst:16, apps/b.rst:16 include)" in result.err
    )

"""Bad input stops the import with file:line and writes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from rstimport_testlib import SCRIPT, import_rst, write

INCONSISTENT_TITLES = """\
    Title
    =====

    Sub
    ---

    Subsub
    ~~~~~~

    Other
    =====

    Wrong level
    ~~~~~~~~~~~
    """


def test_inconsistent_title_levels(tmp_path: Path) -> None:
    write(tmp_path / "src" / "index.rst", INCONSISTENT_TITLES)
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert "index.rst:13: error: Inconsistent title style: skip from level 1 to 3." in result.err
    assert "nothing written" in result.err
    assert not (tmp_path / "out").exists()


def test_malformed_table_names_its_first_line(tmp_path: Path) -> None:
    write(
        tmp_path / "src" / "index.rst",
        """\
        Page
        ====

        +-----+
        | bad |
        +----
        """,
    )
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert "index.rst:4: error: Malformed table." in result.err


def test_bad_directive_option(tmp_path: Path) -> None:
    write(
        tmp_path / "src" / "index.rst",
        """\
        Page
        ====

        .. code-block:: bash
           :no-such-option: 1

           echo hi
        """,
    )
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert 'index.rst:4: error: Error in "code-block" directive:' in result.err


def test_keep_going_shows_errors_in_the_page(tmp_path: Path) -> None:
    write(tmp_path / "src" / "index.rst", INCONSISTENT_TITLES)
    result = import_rst(tmp_path / "src", tmp_path / "out", "--keep-going")
    assert result.rc == 0, result.err
    page = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert '!!! failure "Not converted: inconsistent title style' in page
    assert "    Wrong level\n    ~~~~~~~~~~~\n" in page  # the source, shown
    assert "index.rst:13: not converted: inconsistent title style" in result.err


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.rst").write_bytes(b"Title\n=====\n\nCaf\xe9\n")
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert "index.rst:4: not UTF-8 (byte 0xe9)" in result.err


def test_unreadable_file(tmp_path: Path) -> None:
    write(tmp_path / "src" / "index.rst", "Title\n=====\n")
    (tmp_path / "src" / "gone.rst").symlink_to(tmp_path / "nowhere.rst")
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert "gone.rst: cannot read: No such file or directory" in result.err


def test_missing_include(tmp_path: Path) -> None:
    write(tmp_path / "src" / "index.rst", "Title\n=====\n\n.. include:: nosuch.rst\n")
    result = import_rst(tmp_path / "src", tmp_path / "out")
    assert result.rc == 1
    assert "index.rst:4: error:" in result.err and "nosuch.rst" in result.err


def test_no_pages_and_no_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = import_rst(tmp_path / "empty", tmp_path / "out")
    assert result.rc == 1 and "no .rst files found" in result.err
    result = import_rst(tmp_path / "nosuch", tmp_path / "out")
    assert result.rc == 2 and "not a folder or a .rst file" in result.err


def test_unknown_root(tmp_path: Path) -> None:
    write(tmp_path / "src" / "index.rst", "Title\n=====\n")
    result = import_rst(tmp_path / "src", tmp_path / "out", "--root", "start")
    assert result.rc == 1 and "root page start.rst not found" in result.err


def test_help_runs_from_the_command() -> None:
    done = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    for words in ("--snippets", "--snippets-base", "--force", "run=none", "// (C", "Exit status"):
        assert words in done.stdout

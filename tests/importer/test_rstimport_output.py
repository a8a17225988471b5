"""Where files go, the nav fragment, and never overwriting what the importer did not write."""

from __future__ import annotations

import json
from pathlib import Path

from rstimport_testlib import import_rst, new_project, write

PAGE = """\
    Title
    =====

    .. code-block:: bash

       srun --pty bash -i
    """


def source(tmp_path: Path) -> Path:
    write(tmp_path / "src" / "index.rst", PAGE)
    return tmp_path / "src"


def test_default_snippets_beside_mkdocs_yml(tmp_path: Path) -> None:
    root = new_project(tmp_path / "site")
    result = import_rst(source(tmp_path), root / "docs" / "en" / "old")
    assert result.rc == 0, result.err
    snippet = root / "snippets" / "imported" / "index" / "01-title.sh"
    assert snippet.read_text(encoding="utf-8") == (
        '# test: run=none why="imported from index.rst:4; untested until someone writes a test"\n'
        "srun --pty bash -i\n"
    )
    page = (root / "docs" / "en" / "old" / "index.md").read_text(encoding="utf-8")
    assert '``` bash\n--8<-- "imported/index/01-title.sh"\n```' in page


def test_snippet_options(tmp_path: Path) -> None:
    base = tmp_path / "snips"
    result = import_rst(
        source(tmp_path),
        tmp_path / "out",
        "--snippets-base",
        str(base),
        "--snippets",
        str(base / "legacy" / "guide"),
    )
    assert result.rc == 0, result.err
    assert (base / "legacy" / "guide" / "index" / "01-title.sh").is_file()
    page = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    assert '--8<-- "legacy/guide/index/01-title.sh"' in page
    outside = import_rst(
        source(tmp_path),
        tmp_path / "out",
        "--snippets-base",
        str(base),
        "--snippets",
        str(tmp_path / "elsewhere"),
    )
    assert outside.rc == 2 and "is not inside" in outside.err


def test_single_file_and_nav_prefix(tmp_path: Path) -> None:
    src = source(tmp_path)
    write(src / "other.rst", "Other\n=====\n")
    result = import_rst(src / "other.rst", tmp_path / "out", "--nav-prefix", "en/old/")
    assert result.rc == 0, result.err
    assert result.out.splitlines()[1:] == ["- Other: en/old/other.md"]
    assert not (tmp_path / "out" / "index.md").exists()


def test_manifest_lists_every_file_and_rerun_is_allowed(tmp_path: Path) -> None:
    src = source(tmp_path)
    out = tmp_path / "out"
    assert import_rst(src, out).rc == 0
    manifest = json.loads((out / ".import-rst-manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == sorted(
        [".import-rst-report.txt", "../snippets/imported/index/01-title.sh", "index.md"]
    )
    again = import_rst(src, out)
    assert again.rc == 0, again.err


def test_refuses_to_overwrite_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    mine = write(out / "index.md", "# Written by hand\n")
    result = import_rst(source(tmp_path), out)
    assert result.rc == 3
    assert f"{mine}: exists and was not written by import-rst" in result.err
    assert mine.read_text(encoding="utf-8") == "# Written by hand\n"
    assert not (tmp_path / "snippets").exists()  # nothing at all was written
    forced = import_rst(source(tmp_path), out, "--force")
    assert forced.rc == 0, forced.err
    assert mine.read_text(encoding="utf-8").startswith("# Title { #title }")


def test_refuses_to_overwrite_a_file_edited_since_import(tmp_path: Path) -> None:
    src, out = source(tmp_path), tmp_path / "out"
    assert import_rst(src, out).rc == 0
    page = out / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA hand-made fix.\n", encoding="utf-8")
    result = import_rst(src, out)
    assert result.rc == 3 and "changed since import-rst wrote it" in result.err
    assert "A hand-made fix." in page.read_text(encoding="utf-8")


def test_removes_files_it_wrote_that_are_no_longer_produced(tmp_path: Path) -> None:
    src, out = source(tmp_path), tmp_path / "out"
    write(src / "extra.rst", "Extra\n=====\n\n::\n\n    echo extra\n")
    assert import_rst(src, out).rc == 0
    snippet = tmp_path / "snippets" / "imported" / "extra" / "01-extra.txt"
    assert (out / "extra.md").is_file() and snippet.is_file()
    (src / "extra.rst").unlink()
    assert import_rst(src, out).rc == 0
    assert not (out / "extra.md").exists() and not snippet.exists()
    assert (out / "index.md").is_file()

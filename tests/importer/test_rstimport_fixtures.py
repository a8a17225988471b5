"""Each fixture (one per construct) converts to exactly its expected output.

tests/importer/fixtures/<construct>/ holds the reStructuredText source and
expected.txt: every file the import writes (page, snippets, copied files, the
report) and the nav fragment it prints. ``IMPORT_RST_REGEN=1 pytest tests/importer``
rewrites expected.txt; review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from rstimport_testlib import FIXTURES, import_rst, new_project

CONSTRUCTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
SKIP = {"mkdocs.yml", "docs/index.md"}


def snapshot(root: Path, nav: str) -> str:
    """Every file under root the import wrote, then the nav fragment."""
    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel in SKIP or rel.endswith(".import-rst-manifest.json"):
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = f"<{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}>\n"
        parts.append(f"==> {rel} <==\n{text}")
    parts.append(f"==> nav (stdout) <==\n{nav}")
    return "\n".join(parts)


def run_fixture(construct: str, root: Path) -> str:
    src = FIXTURES / construct
    result = import_rst(
        src,
        root / "docs" / construct,
        "--snippets",
        str(root / "snippets" / "imported" / construct),
    )
    assert result.rc == 0, result.err
    return snapshot(root, result.out)


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_fixture_output(construct: str, tmp_path: Path) -> None:
    got = run_fixture(construct, new_project(tmp_path / "site"))
    expected = FIXTURES / construct / "expected.txt"
    if os.environ.get("IMPORT_RST_REGEN"):
        expected.write_text(got, encoding="utf-8")
    assert expected.is_file(), f"{expected} missing: run with IMPORT_RST_REGEN=1"
    assert got == expected.read_text(encoding="utf-8")

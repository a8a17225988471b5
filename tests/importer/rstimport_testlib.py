"""Shared pieces for the reStructuredText importer's tests (import-rst)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hpcdocs import command
from hpcdocs.rstimport import cli

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = command("import-rst")
MKDOCS = Path(sys.executable).parent / "mkdocs"

# The site's conventions, as the brief describes them, in a minimal project.
MKDOCS_YML = textwrap.dedent("""\
    site_name: import-rst test
    theme:
      name: material
    markdown_extensions:
      - admonition
      - attr_list
      - tables
      - pymdownx.details
      - pymdownx.highlight
      - pymdownx.superfences
      - pymdownx.snippets:
          base_path: [snippets]
          check_paths: true
    validation:
      omitted_files: info
      absolute_links: warn
      unrecognized_links: warn
      anchors: warn
    """)


@dataclass
class Result:
    rc: int
    out: str  # stdout: the nav fragment
    err: str  # stderr: the report and errors


def import_rst(src: Path, out_dir: Path, *args: str) -> Result:
    """Run the importer in this process (Sphinx starts once, so this is fast)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            rc = cli.main([str(src), str(out_dir), *args])
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 1
    return Result(rc, stdout.getvalue(), stderr.getvalue())


def new_project(root: Path) -> Path:
    """A minimal MkDocs project; pages go in root/docs, snippets in root/snippets."""
    (root / "docs").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    return root


def build_strict(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "-q"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return new_project(tmp_path / "site")

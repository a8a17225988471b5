"""Every conda command on the site, checked against conda's grammar (24.x/25.x).

Snippets, Markdown pages and notebooks: a finding of level error fails the
file's test. A page that shows a wrong command on purpose marks it with
'conda-check: ignore' (on the line, or on the line before a fenced block).
"""

import pytest
from hpcdocs import ROOT
from hpcdocs.condagrammar import check_file


def site_files() -> list:
    files = [p for p in (ROOT / "snippets").rglob("*") if p.is_file() and p.name != "README.md"]
    files += list((ROOT / "docs").rglob("*.md"))
    files += list((ROOT / "notebooks").rglob("*.ipynb"))
    return sorted(p for p in files if ".ipynb_checkpoints" not in p.parts)


FILES = site_files()


def test_the_site_files_are_found():
    kinds = {p.suffix for p in FILES}
    assert {".md", ".ipynb", ".sh", ".console"} <= kinds, kinds


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_conda_commands_follow_condas_grammar(path):
    errors = [str(f) for f in check_file(path).findings if f.level == "error"]
    assert not errors, "\n".join(errors)

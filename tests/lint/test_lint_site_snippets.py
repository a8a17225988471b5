"""Every job script of the site (snippets/**/*.sh) passes the checker with no error.

Placeholders ({{ cluster.KEY }}) are rendered from the repository's cluster.yml
first, as the tests run the snippets.
"""

import pytest
from hpcdocs import ROOT, facts
from hpcdocs.lint import lint

SCRIPTS = sorted((ROOT / "snippets").rglob("*.sh"))


def test_the_job_scripts_are_found():
    assert any("#SBATCH" in p.read_text("utf-8") for p in SCRIPTS), SCRIPTS[:5]
    assert any("#BSUB" in p.read_text("utf-8") for p in SCRIPTS), SCRIPTS[:5]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT / "snippets")))
def test_site_job_script_has_no_error(path):
    known = facts.load(ROOT / "cluster.yml")
    text = facts.render(path.read_text(encoding="utf-8"), str(path), known)
    errors = [str(f) for f in lint(text, known, name=str(path)) if f.severity == "error"]
    assert errors == []

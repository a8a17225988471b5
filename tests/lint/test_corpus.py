"""lint-jobscript on real job scripts (tests/lint/corpus, listed in MANIFEST.yml).

Each file is a short Slurm or LSF job script from a public HPC centre's
documentation or example repository. A valid one must give no error (a true
warning is allowed); a defect, real or introduced into a copy, must be
reported by its check at its line, with its severity (error unless the
manifest says warning), and no error of another check.
"""

import re
from pathlib import Path

import pytest
import yaml
from hpcdocs.lint import lint

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "MANIFEST.yml").read_text())["files"]
STATUS = re.compile(r"^(?:valid|defect:(?P<code>[a-z-]+)@(?P<line>\d+))$")


def test_manifest_lists_every_file_once_with_its_source():
    names = [entry["file"] for entry in MANIFEST]
    assert sorted(names) == sorted(p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.yml")
    assert len(set(names)) == len(names)
    for entry in MANIFEST:
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), entry["file"]
        assert entry["repo"].count("/") == 1 and entry["path"] and entry["licence"], entry["file"]
        assert STATUS.match(entry["status"]), entry["file"]
        assert entry.get("severity", "error") in ("error", "warning"), entry["file"]


# Open licences that let us ship copies (the source repository's LICENSE at that commit).
OPEN_LICENCES = {"MIT", "BSD-3-Clause", "BSD-3-Clause-LBNL", "Apache-2.0", "CC-BY-4.0", "GPL-3.0"}


def test_every_source_carries_an_open_licence():
    assert {e["file"]: e["licence"] for e in MANIFEST if e["licence"] not in OPEN_LICENCES} == {}


def test_corpus_is_broad():
    """Both schedulers, at least 30 real scripts from at least six repositories
    (8 LSF ones from two), short files."""
    real = [e for e in MANIFEST if "change" not in e]
    assert len(real) >= 30
    assert len({e["repo"] for e in real}) >= 6
    lsf = [e for e in real if e["file"].endswith(".lsf")]
    assert len(lsf) >= 8 and len({e["repo"] for e in lsf}) >= 2
    assert any(e["file"].endswith(".slurm") for e in real)
    assert all(len((CORPUS / e["file"]).read_text().splitlines()) <= 40 for e in MANIFEST)


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_corpus_script(entry, facts):
    findings = lint(CORPUS / entry["file"], facts if entry.get("facts") else None)
    errors = [str(f) for f in findings if f.severity == "error"]
    m = STATUS.match(entry["status"])
    if not m["code"]:
        assert errors == []
        return
    code, line = m["code"], int(m["line"])
    severity = entry.get("severity", "error")
    reported = {(f.line, f.code, f.severity) for f in findings}
    assert (line, code, severity) in reported, [str(f) for f in findings]
    assert [e for e in errors if not e.endswith(f"[{code}]")] == []

"""The job-script checker behind lint-jobscript.

``lint(path_or_text, facts=...)`` returns a list of Finding (file, line,
severity, message, code). Facts are cluster.yml as a dict (hpcdocs.facts.load());
without them, partitions, queues, hosts and GPU types are not checked.
``{{ cluster.KEY }}`` placeholders are rendered from the facts first.
"""

from __future__ import annotations

from pathlib import Path

from hpcdocs.lint import apptainer, chars, condahook, deffile, deprecated, lsf, slurm
from hpcdocs.lint.model import ERROR, WARNING, Finding, Script
from hpcdocs.lint.sbatch_options import load as sbatch_option_table

__all__ = [
    "ERROR",
    "WARNING",
    "Finding",
    "lint",
    "has_errors",
    "sbatch_option_table",
    "site_script_errors",
]


def lint(
    path_or_text: str | Path,
    facts: dict | None = None,
    *,
    name: str | None = None,
    kind: str | None = None,
) -> list[Finding]:
    """Check one job script, shell snippet, console transcript or Python file.

    path_or_text is a Path, a path string of an existing file, or the text
    itself (give ``name``, used in findings and to tell the kind by suffix).
    kind ("shell", "python", "console") overrides the guess from the name.
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and Path(path_or_text).is_file()
    ):
        path = Path(path_or_text)
        text = path.read_bytes().decode("utf-8", errors="replace")
        name = name or str(path)
    elif (
        Path(path_or_text).suffix in (".sh", ".py", ".console", ".def") and " " not in path_or_text
    ):
        raise FileNotFoundError(f"{path_or_text}: no such file")
    else:
        text, name = str(path_or_text), name or "<text>"
    if "{{" in text:
        from hpcdocs.facts import PLACEHOLDER, render

        if facts:
            text = render(text, name, facts)
        else:  # keep each placeholder one word; its value is then left unchecked
            text = PLACEHOLDER.sub(lambda m: "{{cluster." + m.group(1) + "}}", text)
    if kind is None and Path(name).suffix == ".def":  # an Apptainer definition file
        return sorted(deffile.check(text, name), key=lambda f: (f.line, f.code))
    script = Script(name, text, kind or Script.guess_kind(name))
    findings = chars.check(script) + deprecated.check(script, facts)
    if script.kind != "python":
        findings += slurm.check(script, sbatch_option_table(), facts)
        findings += lsf.check(script, facts)
        findings += condahook.check(script)
        findings += apptainer.check(script, facts)
    return sorted(set(findings), key=lambda f: (f.line, f.severity != ERROR, f.code, f.message))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def site_script_errors(facts: dict, root: Path | None = None) -> list[Finding]:
    """The errors of the site's job scripts (snippets/**/*.sh) under these facts.

    A script that is right for one cluster can be wrong for another: the
    templates ask for 2 GPUs on one node, which a profile whose GPU nodes have
    one GPU cannot give; a partition or time limit the facts lack is the same.
    The strict build stops on these (scripts/hooks/cluster_facts.py), so the
    facts and the pages cannot disagree.
    """
    from hpcdocs import ROOT

    root = root or ROOT
    found = []
    for path in sorted((root / "snippets").rglob("*.sh")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        found += [f for f in lint(text, facts, name=rel) if f.severity == ERROR]
    return found

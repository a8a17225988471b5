"""The lint-jobscript transcript on the about-testing page is what the tool prints."""

import shutil
import subprocess
from pathlib import Path

from hpcdocs import ROOT, command
from hpcdocs.snippettests import console

SNIPPET = ROOT / "snippets" / "about-testing/04-lint-jobscript.console"
JOBS = Path(__file__).parent / "fixtures" / "docs-jobs"
CLI = command("lint-jobscript")


def transcript() -> list[tuple[str, list[str]]]:
    """(command, output lines) for each command of the snippet (hpcdocs.snippettests.console)."""
    text = SNIPPET.read_text()
    lines = text.splitlines()
    found = console.commands(text)
    ends = [number for number, _ in found[1:]] + [len(lines) + 1]
    return [
        (cmd, lines[number + cmd.count("\n") : end - 1])
        for (number, cmd), end in zip(found, ends, strict=True)
    ]


def test_page_transcript_matches_the_tool(tmp_path):
    shutil.copytree(JOBS, tmp_path / "jobs")
    steps = transcript()
    assert len(steps) == 2
    for line, shown in steps:
        words = line.split()
        assert words[0] == ".venv/bin/lint-jobscript"
        out = subprocess.run(
            [str(CLI), *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        stderr = [ln for ln in out.stderr.splitlines() if "sbatch options from" not in ln]
        assert out.stdout.splitlines() + stderr == shown, line

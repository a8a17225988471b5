"""Run the conda page's snippets with a real conda (Miniforge).

usage: conda-real [--list] [SNIPPET...]

The test cluster uses a conda stand-in, because conda's channels cannot be
reached there. Where they can (the GitHub workflow's conda-real job), this
runs every run=console and run=bash snippet under snippets/conda/ with the
real conda on PATH, in file order, each in a fresh directory, and checks
its expect=/reject= patterns as the tests do. `module load` and `module purge`
lines become no-ops (the conda on PATH is the one to test). Exit status 1 if
any fails; 2 if the conda on PATH is missing or is the stand-in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hpcdocs import ROOT, command_parser
from hpcdocs.snippettests import Catalog, console
from hpcdocs.snippettests.header import working_name
from hpcdocs.snippettests.runner import SnippetError, check_patterns

STANDIN_BIN = ROOT / "scripts" / "conda" / "bin"
PREAMBLE = """\
module() { echo "(conda-real: skipped: module $*)"; }
eval "$(conda shell.bash hook)"
"""


def real_conda() -> str | None:
    """The conda on PATH, unless it is missing or the test cluster's stand-in."""
    found = shutil.which("conda")
    # The stand-in is scripts/conda/bin/conda, a link to .venv/bin/conda-standin.
    if not found or Path(found).parent.resolve() == STANDIN_BIN.resolve():
        return None
    if Path(found).resolve().name == "conda-standin":
        return None
    return found


def chosen(catalog: Catalog, names: list[str]):
    for snip in catalog.snippets:
        wanted = snip.path in names if names else snip.path.startswith("conda/")
        if wanted and snip.header and snip.header.run in ("console", "bash"):
            yield snip


def run_snippet(catalog: Catalog, snip) -> str | None:
    """None if the snippet passed, else why not."""
    with tempfile.TemporaryDirectory(prefix="conda-real.") as tmp:
        work = Path(tmp)
        text = snip.rendered()
        if snip.kind == "console":
            text = console.script(text)
        (work / snip.name).write_text(PREAMBLE + text, encoding="utf-8")
        for entry in snip.header.with_:
            path, name = working_name(entry)
            (work / name).write_text(catalog[path].rendered(), encoding="utf-8")
        argv = ["bash", "-e", snip.name] if snip.kind == "console" else ["bash", snip.name]
        try:
            proc = subprocess.run(
                argv, cwd=work, capture_output=True, text=True, timeout=snip.header.timeout * 5
            )
        except subprocess.TimeoutExpired:
            return "timed out"
        output = proc.stdout + proc.stderr
        if proc.returncode != snip.header.exit:
            return f"exit status {proc.returncode}, expected {snip.header.exit}\n{output}"
        try:
            check_patterns(snip, output)
        except SnippetError as err:
            return f"{err}\n{output}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("conda-real", __doc__.split("\n\n", 2)[2])
    parser.add_argument("--list", action="store_true", help="list the snippets it would run")
    parser.add_argument("snippets", nargs="*", metavar="SNIPPET", help="snippet paths")
    args = parser.parse_args(argv)
    os.environ.pop("CONDA_ENVS_PATH", None)
    catalog = Catalog.load()
    snippets = list(chosen(catalog, args.snippets))
    if args.list:
        print("\n".join(s.path for s in snippets))
        return 0
    conda = real_conda()
    if conda is None:
        print("conda-real: no real conda on PATH (missing, or the test cluster's stand-in)")
        return 2
    print(
        f"conda-real: {conda}: {subprocess.run([conda, '--version'], capture_output=True, text=True).stdout.strip()}"
    )
    failed = 0
    for snip in snippets:
        why = run_snippet(catalog, snip)
        failed += why is not None
        print(
            f"{'PASS' if why is None else 'FAIL'} snippets/{snip.path}"
            + (f"\n{why}" if why else "")
        )
    print(f"{len(snippets) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

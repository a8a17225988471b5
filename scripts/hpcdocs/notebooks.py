"""Run the notebook tutorials and compare fresh outputs with the stored ones.

regen-notebooks is the command; the tests import the pieces. Two tools
share one set of sanitizers (tests/notebooks/sanitize.cfg) and one set of cell
markers (`# NBVAL_IGNORE_OUTPUT`, `# NBVAL_SKIP`):

- nbval, in tests/notebooks/test_run.py, is the test: cell by cell, text only.
- pytest-notebook's diff (nbdime underneath), here, drives regeneration: it
  compares the whole notebook, pictures included, shows what changed, and a
  notebook is rewritten only when that diff is not empty, so a rerun that only
  moved job ids or timings leaves the file, and git, alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import find_comment_markers, find_metadata_tags, get_sanitize_patterns
from pytest_notebook.diffing import diff_notebooks, diff_to_string, filter_diff
from pytest_notebook.notebook import regex_replace_nb

from hpcdocs import ROOT, command, command_parser
from hpcdocs.testcluster.scratch import env_after_eval

NOTEBOOKS = ROOT / "notebooks"
SANITIZE_CFG = ROOT / "tests" / "notebooks" / "sanitize.cfg"
CELL_TIMEOUT = 300

# Where the sanitizers apply: the text a reader sees (nbval sanitizes the same).
SANITIZED_PATHS = (
    "/cells/*/outputs/*/text",
    "/cells/*/outputs/*/data/text/plain",
    "/cells/*/outputs/*/data/text/html",
)
# Never a change worth a rewrite: tracebacks (paths, addresses), the kernel's
# language_info (written by every run), and nbclient's timing metadata.
ALWAYS_IGNORED = (
    "/cells/*/outputs/*/traceback",
    "/cells/*/metadata/execution",
    "/metadata/language_info",
)

# TensorFlow 2.21 writes these to the process's stderr while it is imported,
# whatever TF_CPP_MIN_LOG_LEVEL says (absl logs before it is initialised).
# A kernel run by nbclient captures them; the kernel nbval runs in the tests
# does not, so a stored copy would fail every comparison. They are not stored.
TF_START_UP_NOTICES = (
    re.compile(
        r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    ),
    re.compile(r"I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\. .*"),
)


class SanitizerError(ValueError):
    """sanitize.cfg cannot be used: names the file and line."""


def read_sanitizers(path: Path = SANITIZE_CFG) -> list[tuple[str, str]]:
    """(regex, replacement) pairs, in order, read exactly as nbval reads them.

    A `regex:` line without a `replace:` line right after it would shift every
    later pair in nbval; it is an error here, naming the line.
    """
    text = path.read_text("utf-8")
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if line.startswith("regex:"):
            following = lines[number] if number < len(lines) else ""
            if not following.startswith("replace: "):
                raise SanitizerError(
                    f"{path}:{number}: `regex:` line with no `replace: ` line right after it"
                )
            try:
                re.compile(line.removeprefix("regex: "))
            except re.error as err:
                raise SanitizerError(
                    f"{path}:{number}: not a valid regular expression: {err}"
                ) from err
        elif line.startswith("replace:") and not (
            number > 1 and lines[number - 2].startswith("regex:")
        ):
            raise SanitizerError(
                f"{path}:{number}: `replace:` line with no `regex:` line before it"
            )
    return get_sanitize_patterns(text)


def diff_replacements(sanitizers: list[tuple[str, str]]) -> tuple[tuple[str, str, str], ...]:
    """pytest-notebook's diff_replace triples: every sanitizer on every reader-visible text."""
    return tuple((path, regex, repl) for regex, repl in sanitizers for path in SANITIZED_PATHS)


def unchecked_cells(nb) -> list[int]:
    """Indexes of the code cells whose outputs nbval does not compare."""
    indexes = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        markers = dict(find_comment_markers(cell.source))
        markers.update(find_metadata_tags(cell.metadata))
        if markers.get("check") is False or markers.get("skip"):
            indexes.append(i)
    return indexes


@dataclass
class Comparison:
    """A stored notebook against a fresh run of it."""

    diff: list  # nbdime diff entries left after sanitizing and filtering
    text: str  # the diff as a reader of a terminal sees it

    @property
    def changed(self) -> bool:
        return bool(self.diff)


def compare(
    stored, fresh, sanitizers: list[tuple[str, str]] | None = None, color: bool = False
) -> Comparison:
    """pytest-notebook's comparison of two notebooks, with this project's sanitizers."""
    if sanitizers is None:
        sanitizers = read_sanitizers()
    replace = diff_replacements(sanitizers)
    stored_s = regex_replace_nb(stored, replace)
    fresh_s = regex_replace_nb(fresh, replace)
    ignore = list(ALWAYS_IGNORED) + [f"/cells/{i}/outputs" for i in unchecked_cells(stored)]
    diff = filter_diff(diff_notebooks(stored_s, fresh_s), ignore)
    text = diff_to_string(stored_s, diff, use_color=color) if diff else ""
    return Comparison(diff, text)


def coalesce_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) pieces, as a reader sees them."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.output_type == "stream"
            and prev is not None
            and prev.output_type == "stream"
            and prev.name == out.name
        ):
            prev.text += out.text
        else:
            merged.append(out)
    return merged


def without_tf_notices(outputs: list) -> list:
    """Outputs less TensorFlow's start-up notices on stderr (and streams left empty)."""
    kept = []
    for out in outputs:
        if out.output_type == "stream" and out.name == "stderr":
            lines = out.text.splitlines(keepends=True)
            out.text = "".join(
                ln
                for ln in lines
                if not any(n.fullmatch(ln.rstrip("\n")) for n in TF_START_UP_NOTICES)
            )
            if not out.text:
                continue
        kept.append(out)
    return kept


def execute(path: Path, timeout: int = CELL_TIMEOUT):
    """A fresh run of the notebook at path, in this process's environment.

    Returns (notebook, seconds). The file is not touched; the kernel runs in the
    notebook's folder. Raises nbclient's CellExecutionError if a cell fails.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = without_tf_notices(coalesce_streams(cell.outputs))
    nbformat.validate(nb)
    return nb, seconds


def regenerate(path: Path, check_only: bool = False, color: bool = False):
    """Run, compare, and write the fresh notebook where it differs (not with check_only).

    Returns (comparison, seconds, written).
    """
    stored = nbformat.read(path, as_version=4)
    fresh, seconds = execute(path)
    result = compare(stored, fresh, color=color)
    written = result.changed and not check_only
    if written:
        nbformat.write(fresh, path)
    return result, seconds, written


SUMMARY = "Run the notebooks on the test cluster; store fresh outputs where they changed."
DETAILS = """\
With no argument, every notebooks/{zh,en}/*.ipynb. Starts the Slurm test cluster
if it is not up (testcluster up) and runs each notebook top to bottom
with the project's Python (.venv) as the kernel, in the cluster's environment.
The fresh run is compared with the stored notebook through pytest-notebook's
diff, after the sanitizers of tests/notebooks/sanitize.cfg (job ids, node names,
times, losses) and leaving out the cells marked # NBVAL_IGNORE_OUTPUT. Pictures
count. Where something is left, the diff is printed and the notebook rewritten;
where nothing is, the file stays as it was.

Prints how long each notebook took. A notebook that raises is not written and
the command exits 1. Afterwards `pytest tests/notebooks` runs nbval on them.
"""


def notebook_env() -> dict:
    """The test cluster's environment, with this Python first on PATH and one thread."""
    up = subprocess.run([command("testcluster"), "up"], capture_output=True, text=True, timeout=600)
    if up.returncode:
        sys.exit(f"testcluster up failed:\n{up.stderr}{up.stdout}")
    return kernel_env(env_after_eval(dict(os.environ)))


def kernel_env(cluster_env: dict) -> dict:
    """A kernel's environment: the cluster's, this Python first on PATH, one thread."""
    env = dict(cluster_env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["OMP_NUM_THREADS"] = "1"
    env.pop("MPLBACKEND", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("regen-notebooks", SUMMARY, DETAILS)
    parser.add_argument(
        "--check",
        action="store_true",
        help="rewrite nothing; exit 1 if any notebook differs from a fresh run",
    )
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK")
    known, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"regen-notebooks: unknown option {unknown[0]} (see --help)", file=sys.stderr)
        return 2
    check_only = known.check
    paths = [Path(a).resolve() for a in known.notebooks] or sorted(NOTEBOOKS.glob("*/*.ipynb"))
    for p in paths:
        if p.suffix != ".ipynb" or not p.is_file():
            print(f"{p}: not a notebook file", file=sys.stderr)
            return 2
    try:
        read_sanitizers()
    except SanitizerError as err:
        print(err, file=sys.stderr)
        return 2
    env = notebook_env()
    # The kernel inherits this process's environment.
    os.environ.clear()
    os.environ.update(env)
    failed = differ = 0
    color = sys.stdout.isatty()
    for p in paths:
        name = p.relative_to(ROOT) if p.is_relative_to(ROOT) else p
        try:
            result, seconds, written = regenerate(p, check_only=check_only, color=color)
        except CellExecutionError as err:
            failed += 1
            print(f"{name}: FAILED, not written\n{err}", file=sys.stderr)
            continue
        size = f"{p.stat().st_size / 1024:.0f} KiB"
        if not result.changed:
            print(f"{name}: {seconds:.1f} s, {size}, unchanged (same as stored, after sanitizers)")
            continue
        differ += 1
        state = "rewritten" if written else "differs, not written (--check)"
        print(f"{name}: {seconds:.1f} s, {size}, {state}:{result.text}")
    if check_only and differ:
        print(f"{differ} notebook(s) differ from a fresh run", file=sys.stderr)
    return 1 if failed or (check_only and differ) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

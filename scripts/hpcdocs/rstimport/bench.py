"""bench-import: how long scripts/import-rst takes on a real guide of 5,000 lines or more.

Prints figures; asserts nothing. By default the guide is made of two real
guides kept in tests/importer/realguides (MANIFEST.yml there says where they
come from): MIT Satori's whole guide (4,345 lines, its conf.py) with the pages
of Shanghai Jiao Tong University's guide in a folder sjtu/ inside it, over
7,000 lines in all. Each run is the command a maintainer types (a fresh process:
Python and Sphinx start-up are included) with --keep-going, since Satori's
conf.py breaks one of its pages, into a new temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hpcdocs import ROOT, command

GUIDES = ROOT / "tests" / "importer" / "realguides"
COMMAND = command("import-rst")
TARGET_LINES, TARGET_SECONDS = 5000, 30.0


def default_guide(into: Path) -> Path:
    """Satori's guide, SJTU's pages in sjtu/ beside them (their conf.py left out)."""
    guide = into / "guide"
    shutil.copytree(GUIDES / "satori", guide)
    shutil.copytree(GUIDES / "sjtu", guide / "sjtu", ignore=shutil.ignore_patterns("conf.py"))
    return guide


def count(src: Path) -> tuple[int, int]:
    """(pages, lines) of the .rst files under src."""
    pages = sorted(p for p in src.rglob("*.rst") if not p.name.startswith("."))
    return len(pages), sum(len(p.read_text(encoding="utf-8").splitlines()) for p in pages)


def run_once(src: Path, work: Path, extra: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    if work.exists():
        shutil.rmtree(work)
    out = work / "docs" / "imported"
    args = [str(COMMAND), str(src), str(out), "--snippets-base", str(work / "snippets")]
    start = time.perf_counter()
    done = subprocess.run([*args, "--keep-going", *extra], capture_output=True, text=True)
    return time.perf_counter() - start, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench-import", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "src",
        nargs="?",
        type=Path,
        metavar="SRC_DIR",
        help="a Sphinx guide to time instead (default: Satori's with SJTU's pages)",
    )
    parser.add_argument("--runs", type=int, default=3, help="how many imports (default 3)")
    parser.add_argument(
        "--root", metavar="NAME", help="passed to import-rst (the guide's root page)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        src = args.src.resolve() if args.src else default_guide(Path(tmp))
        pages, lines = count(src)
        extra = ["--root", args.root] if args.root else []
        times = []
        for _ in range(max(args.runs, 1)):
            seconds, done = run_once(src, Path(tmp) / "out", extra)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                print(f"bench-import: import-rst exited {done.returncode}", file=sys.stderr)
                return 1
            times.append(seconds)
        snippets = len(list((Path(tmp) / "out" / "snippets").rglob("*.*")))
        # the report's last line: "import-rst: N not converted, M warning(s)"
        summary = done.stderr.strip().splitlines()[-2]
    best, median = min(times), statistics.median(times)
    print(f"guide: {src if args.src else 'Satori + SJTU pages (tests/importer/realguides)'}")
    print(f"pages {pages}, lines {lines}, code blocks {snippets}; {summary.split(': ', 1)[1]}")
    print("runs (s): " + ", ".join(f"{t:.2f}" for t in times))
    print(f"import-rst: median {median:.2f} s, best {best:.2f} s for {lines} lines")
    if lines < TARGET_LINES:
        print(f"note: this guide has fewer than {TARGET_LINES} lines")
    else:
        met = "met" if median < TARGET_SECONDS else "NOT met"
        print(f"target: {TARGET_LINES}+ lines in under {TARGET_SECONDS:.0f} s: {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The built site that check-links and bench-site read: the one --site names,
or else a fresh strict build into build/NAME."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from hpcdocs import ROOT


def add_option(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--site", type=Path, help=f"a built site (default: build the site into build/{name})"
    )


def site(given: Path | None, name: str) -> Path:
    """given, or build/NAME after a strict, quiet mkdocs build into it."""
    if given is not None:
        return given
    built = ROOT / "build" / name
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(built)],
        cwd=ROOT,
        check=True,
    )
    return built

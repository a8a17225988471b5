"""Shared code of the site's maintainer commands, tests and MkDocs hooks.

Installed into the project's virtual environment by the Makefile (editable:
pip install --no-deps -e .); its commands are pyproject.toml's [project.scripts].
"""

import argparse
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def command(name: str) -> str:
    """The path of one of the project's commands ([project.scripts] in
    pyproject.toml), installed beside the running Python (.venv/bin)."""
    return str(Path(sysconfig.get_path("scripts")) / name)


def command_parser(prog: str, description: str, epilog: str | None = None):
    """The argument parser of one of the project's commands: its --help shows
    description and epilog as written, line breaks kept."""
    return argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

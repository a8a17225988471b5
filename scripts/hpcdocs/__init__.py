"""Shared code of the site's maintainer scripts, tests and MkDocs hooks."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

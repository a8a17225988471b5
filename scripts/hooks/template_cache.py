"""MkDocs hook: the theme's Jinja templates compiled once, not in every build of every language.

MkDocs makes a new Jinja environment for each build, and mkdocs-static-i18n
builds once per language, so Material's templates were compiled to Python
twice a build, every build. Jinja's bytecode cache keeps each compiled
template in .cache/jinja2 under its name and a checksum of its source: an
edited template (overrides/, a new Material) is compiled again, and what it
renders is the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hpcdocs import ROOT

CACHE = ROOT / ".cache" / "jinja2"


def on_env(env, config, files, **kwargs):
    CACHE.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(CACHE))
    return env

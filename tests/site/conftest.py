"""Fixtures of the site tests: one strict build per session."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hpcdocs import ROOT

BUILD_DIR = ROOT / "build" / "site-test"


@pytest.fixture(scope="session")
def built_site() -> dict:
    """Build the site once with --strict into build/site-test; return its log and time."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(BUILD_DIR)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.monotonic() - start
    return {"proc": proc, "seconds": seconds, "dir": Path(BUILD_DIR)}

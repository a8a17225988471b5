"""Fixtures of the site tests: one strict build per session, served to Debian's chromium."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hpcdocs import ROOT, sitebench

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


@pytest.fixture(scope="module")
def server(built_site):
    """The built site on http://127.0.0.1:PORT."""
    if built_site["proc"].returncode != 0:
        pytest.fail("the site did not build: see test_strict_build_has_no_warning")
    with sitebench.serve(built_site["dir"]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (never a downloaded browser)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not sitebench.CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup-system installs it)")
    with playwright_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(sitebench.CHROMIUM), args=sitebench.ARGS, headless=True
        )
        yield b
        b.close()

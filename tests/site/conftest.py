"""Fixtures of the site tests: one strict build per test run.

Under pytest-xdist the first worker that needs the site builds it (under a file
lock) and records the build's log in build/site-test.json with the run's id
(HPCDOCS_TEST_RUN, tests/conftest.py); the other workers read that record
instead of building again into the directory they are reading.
"""

import fcntl
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from hpcdocs import ROOT, sitebench

BUILD_DIR = ROOT / "build" / "site-test"
RECORD = BUILD_DIR.with_suffix(".json")


@pytest.fixture(scope="session")
def built_site(mkdocs_build) -> dict:
    """Build the site once with --strict into build/site-test; return its log and time."""
    run = os.environ.get("HPCDOCS_TEST_RUN", "")
    BUILD_DIR.parent.mkdir(parents=True, exist_ok=True)
    with open(BUILD_DIR.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            record = json.loads(RECORD.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        if not run or record.get("run") != run:
            start = time.monotonic()
            proc = mkdocs_build("--site-dir", str(BUILD_DIR))
            record = {
                "run": run,
                "seconds": time.monotonic() - start,
                "returncode": proc.returncode,
                "stdout": proc.stdout,
                "stderr": proc.stderr,
            }
            RECORD.write_text(json.dumps(record), encoding="utf-8")
    proc = subprocess.CompletedProcess(
        ["mkdocs", "build", "--strict"], record["returncode"], record["stdout"], record["stderr"]
    )
    return {"proc": proc, "seconds": record["seconds"], "dir": Path(BUILD_DIR)}


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

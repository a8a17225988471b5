"""The conda page's snippets with real conda, where real conda exists.

Here conda's channels are out of reach, so the tests use the stand-in and this
test is skipped, with the reason shown; the GitHub workflow's conda-real job
installs Miniforge and runs conda-real.
"""

import subprocess

import pytest
from hpcdocs import command

SCRIPT = command("conda-real")


def test_conda_page_snippets_with_real_conda():
    listed = subprocess.run([SCRIPT, "--list"], capture_output=True, text=True)
    assert listed.returncode == 0 and "conda/" in listed.stdout, listed.stderr
    proc = subprocess.run([SCRIPT], capture_output=True, text=True, timeout=3600)
    if proc.returncode == 2:
        pytest.skip(
            "no real conda here (conda's channels are out of reach; the tests use the "
            "stand-in): the GitHub workflow's conda-real job runs these with Miniforge"
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr

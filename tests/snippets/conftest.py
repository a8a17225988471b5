"""Fixtures of the snippet tests.

What the snippets ran on (Slurm version, GPUs, cluster) goes to
hpcdocs.snippettests.testedplugin.FACTS, for build/tested.json; that plugin (loaded by
tests/conftest.py) collects the outcomes and writes the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from hpcdocs import ROOT, existing, facts
from hpcdocs.snippettests import Catalog
from hpcdocs.snippettests.runner import Runner, gpu_status
from hpcdocs.snippettests.testedplugin import FACTS

SHARED_ROOT = ROOT / ".cache" / "snippets" / "outcomes"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="session")
def snippet_cluster(cluster):
    """The session's test cluster (tests/conftest.py), and its Slurm version noted."""
    done = cluster.bash("sinfo --version", timeout=30)
    found = re.search(r"(\d+\.\d+(?:\.\d+)?)", done.stdout or "")
    if found:
        FACTS["slurm"] = found.group(1)
    name = existing.cluster_name(lambda cmd, **kw: cluster.bash(cmd, timeout=30))
    if cluster.is_test_cluster:
        FACTS["cluster"] = {"kind": "test", "name": name}
    else:  # the centre's cluster: the stamp names it (hpcdocs.tested.describe)
        shown = facts.get("display_name")
        FACTS["cluster"] = {"kind": "existing", "name": name, "display_name": shown}
    return cluster


def _shared_outcomes() -> Path | None:
    """Where the xdist workers of this run share snippet outcomes (Runner's shared=):
    each snippet, and each conda environment that needs= asks for, runs once per run."""
    run = os.environ.get("HPCDOCS_TEST_RUN")
    if not run:
        return None
    for old in SHARED_ROOT.glob("*"):  # earlier runs' records
        with contextlib.suppress(OSError):
            if old.name != run and time.time() - old.stat().st_mtime > 86400:
                shutil.rmtree(old)
    return SHARED_ROOT / run


@pytest.fixture(scope="session")
def runner(catalog, snippet_cluster) -> Runner:
    if snippet_cluster.is_test_cluster:
        gpu = gpu_status()
        FACTS["gpus"] = "real" if gpu[0] else "mocked"
    else:  # the login node has none: a job on the GPU partition, at the first gpu snippet
        gpu = lambda: existing.gpu_probe(snippet_cluster.bash)  # noqa: E731
        FACTS["gpus"] = "unchecked"
    r = Runner(catalog, snippet_cluster, gpu=gpu, shared=_shared_outcomes())
    yield r
    if not snippet_cluster.is_test_cluster and r.gpu_checked:
        FACTS["gpus"] = "real" if r.gpu[0] else "none"
    r.close()  # the login snippets' throwaway home

"""Fixtures of the snippet tests, and the plugin that writes build/tested.json.

Every test of test_snippets.py tags its item with the snippet, the part
(static or run) and the tier (item.user_properties); pytest_runtest_logreport
collects the outcomes and pytest_sessionfinish merges them into
build/tested.json (hpcdocs.tested), which the MkDocs hook and
`snippets report` read. A run that collected but ran no snippet test
(--collect-only, or -k matching none) leaves the file alone.
"""

from __future__ import annotations

import datetime
import re

import pytest
from hpcdocs import existing, facts, tested
from hpcdocs.snippettests import Catalog
from hpcdocs.snippettests.runner import Runner, gpu_status

_results: dict[tuple[str, str], dict] = {}  # (snippet, part) -> {outcome, reason, duration}
_facts: dict = {}  # slurm version, gpus, cluster: what the snippets ran on


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="session")
def snippet_cluster(cluster):
    """The session's test cluster (tests/conftest.py), and its Slurm version noted."""
    done = cluster.run("sinfo --version", timeout=30)
    found = re.search(r"(\d+\.\d+(?:\.\d+)?)", done.stdout or "")
    if found:
        _facts["slurm"] = found.group(1)
    name = existing.cluster_name(lambda cmd, **kw: cluster.run(cmd, timeout=30))
    if cluster.is_test_cluster:
        _facts["cluster"] = {"kind": "test", "name": name}
    else:  # the centre's cluster: the stamp names it (hpcdocs.tested.describe)
        shown = facts.get("display_name")
        _facts["cluster"] = {"kind": "existing", "name": name, "display_name": shown}
    return cluster


@pytest.fixture(scope="session")
def runner(catalog, snippet_cluster) -> Runner:
    if snippet_cluster.is_test_cluster:
        gpu = gpu_status()
        _facts["gpus"] = "real" if gpu[0] else "mocked"
    else:  # the login node has none: a job on the GPU partition, at the first gpu snippet
        gpu = lambda: existing.gpu_probe(snippet_cluster.run)  # noqa: E731
        _facts["gpus"] = "unchecked"
    r = Runner(catalog, snippet_cluster, gpu=gpu)
    yield r
    if not snippet_cluster.is_test_cluster and r.gpu_checked:
        _facts["gpus"] = "real" if r.gpu[0] else "none"
    r.close()  # the login snippets' throwaway home


def pytest_runtest_logreport(report):
    props = dict(report.user_properties)
    if "snippet" not in props:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        reason = props.get("reason", "")
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
        elif report.failed and not reason:
            reason = str(report.longrepr).strip().splitlines()[-1][:300] if report.longrepr else ""
        _results[(props["snippet"], props["part"])] = {
            "outcome": report.outcome,
            "reason": reason,
            "duration": round(props.get("duration", report.duration), 2),
        }


def pytest_sessionfinish(session, exitstatus):
    if not _results or getattr(session.config.option, "collectonly", False):
        return
    catalog = Catalog.load()
    old = tested.load() or {}
    report = tested.merge(
        old,
        _results,
        catalog,
        date=datetime.datetime.now(datetime.UTC).date().isoformat(),
        slurm=_facts.get("slurm"),
        gpus=_facts.get("gpus"),
        cluster=_facts.get("cluster"),
    )
    tested.save(report)

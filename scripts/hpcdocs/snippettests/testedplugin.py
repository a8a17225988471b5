"""The pytest plugin that writes build/tested.json (hpcdocs.tested) from the snippet tests.

Every test of tests/snippets/test_snippets.py tags its item with the snippet, the
part (static or run) and the tier (item.user_properties); the snippet fixtures
note what the snippets ran on in FACTS (Slurm version, GPUs, cluster).
pytest_runtest_logreport collects the outcomes and pytest_sessionfinish merges
them into build/tested.json, which the MkDocs hook and `scripts/snippets report`
read. A run that collected but ran no snippet test (--collect-only, or -k
matching none) leaves the file alone.

Under pytest-xdist the reports reach the controller, which alone writes the file;
each worker sends its FACTS back in its workeroutput. tests/conftest.py loads this
plugin, so the controller has it whatever paths the run was given.
"""

from __future__ import annotations

import datetime

import pytest

from hpcdocs import tested

RESULTS: dict[tuple[str, str], dict] = {}  # (snippet, part) -> {outcome, reason, duration}
FACTS: dict = {}  # slurm version, gpus, cluster: what the snippets ran on
_state = {"worker": False}


def pytest_configure(config):
    _state["worker"] = hasattr(config, "workerinput")


def pytest_runtest_logreport(report):
    if _state["worker"]:  # the controller gets the same report and records it
        return
    props = dict(report.user_properties)
    if "snippet" not in props:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        reason = props.get("reason", "")
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
        elif report.failed and not reason:
            reason = str(report.longrepr).strip().splitlines()[-1][:300] if report.longrepr else ""
        RESULTS[(props["snippet"], props["part"])] = {
            "outcome": report.outcome,
            "reason": reason,
            "duration": round(props.get("duration", report.duration), 2),
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist, on the controller: a worker ended; take over what its snippets ran on."""
    for key, value in (getattr(node, "workeroutput", None) or {}).get("snippet_facts", {}).items():
        if value is not None:
            FACTS[key] = value


def pytest_sessionfinish(session, exitstatus):
    if _state["worker"]:
        session.config.workeroutput["snippet_facts"] = dict(FACTS)
        return
    if not RESULTS or getattr(session.config.option, "collectonly", False):
        return
    from hpcdocs.snippettests import Catalog

    report = tested.merge(
        tested.load() or {},
        RESULTS,
        Catalog.load(),
        date=datetime.datetime.now(datetime.UTC).date().isoformat(),
        slurm=FACTS.get("slurm"),
        gpus=FACTS.get("gpus"),
        cluster=FACTS.get("cluster"),
    )
    tested.save(report)

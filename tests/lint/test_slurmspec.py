"""hpcdocs.slurmspec: Slurm's times, memory sizes and final job states, defined once."""

from __future__ import annotations

import re

import pytest
from hpcdocs import ROOT
from hpcdocs.lsf import slurm as lsf_slurm
from hpcdocs.slurmspec import FINAL_STATES, slurm_megabytes, slurm_minutes, slurm_seconds
from hpcdocs.testcluster import jobs

PACKAGE = ROOT / "scripts" / "hpcdocs"


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("10", 600),
        ("10:30", 630),
        ("1:02:03", 3723),
        ("2-03", 2 * 86400 + 3 * 3600),
        ("1-00:00:01", 86401),
        ("UNLIMITED", float("inf")),
        ("1:2:3:4", None),
        ("", None),
    ],
)
def test_seconds(value, seconds):
    assert slurm_seconds(value) == seconds
    assert slurm_minutes(value) == (None if seconds is None else seconds / 60)


def test_cpu_times_with_milliseconds_only_where_asked():
    assert slurm_seconds("01:02.250", fraction=True) == 62.25
    assert slurm_seconds("01:02.250") is None  # not a --time
    assert lsf_slurm.duration_seconds("00:00:05.5") == 5.5
    assert lsf_slurm.limit_minutes("UNLIMITED") is None


def test_memory():
    assert [slurm_megabytes(v) for v in ("4G", "512M", "4096", "1T", "4GB")] == [
        4096,
        512,
        4096,
        1024 * 1024,
        None,
    ]


def test_lsf_layer_and_job_helpers_take_final_states_from_here():
    assert set(FINAL_STATES) == jobs.FINAL
    assert jobs.SIGNALLED <= jobs.FINAL
    for state in FINAL_STATES:
        assert lsf_slurm.lsf_state(state) in lsf_slurm.FINISHED, state
    for state in ("PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED", "RESV_DEL_HOLD"):
        assert lsf_slurm.lsf_state(state) not in lsf_slurm.FINISHED, state


# A Slurm [D-]HH:MM:SS parser of its own: a regex with a day part before a clock.
OWN_TIME_PARSER = re.compile(r"""\(\\d\+\)-\)?|\\d\+\)-\(\\d\+""")
# A list of final job states of its own: three or more of them in one literal.
OWN_STATES = re.compile(
    r"""(?:["'](?:COMPLETED|FAILED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)["'].{0,40}){3}"""
)


def test_no_module_parses_slurm_time_or_lists_final_states_itself():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "slurmspec.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((OWN_TIME_PARSER, "time parser"), (OWN_STATES, "final states")):
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: a {what} of its own")
    assert not found, "use hpcdocs.slurmspec:\n" + "\n".join(found)


def test_the_checks_find_what_they_look_for():
    assert OWN_TIME_PARSER.search(r're.fullmatch(r"(?:(\d+)-)?(\d+(?::\d+){0,2})", text)')
    assert OWN_STATES.search('FINAL = {"COMPLETED", "FAILED", "TIMEOUT"}')
    assert not OWN_STATES.search('assert state == "COMPLETED"')

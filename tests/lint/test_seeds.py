"""Every known error in the old guides' code (tests/lint/fixtures/seeds) is reported.

Fixture names carry the seed file and the line the extract starts at
(000-L78-job.sh: /work/shared/seeds/000_*.txt from line 78). They are stored
with an extra .txt so that the repository's own linters (ruff, shellcheck)
leave these deliberately broken extracts alone.
"""

from pathlib import Path

import pytest
from hpcdocs.lint import has_errors, lint
from hpcdocs.lint.model import Script

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def check(fixture: str, facts: dict) -> list:
    """Findings for a seed extract, read as the kind its name (without .txt) says."""
    return lint(SEEDS / f"{fixture}.txt", facts, kind=Script.guess_kind(fixture))


# The known errors of an extract, each (line in the fixture, severity, check). Guide 001 is
# guide 000 written again for PyTorch: its extracts of the same kind carry the same errors.
ACTIVATE = [(1, "warning", "conda-source-activate")]
INSTALL_TORCH = [
    (1, "warning", "cuda-outdated"),  # cudatoolkit=10.1
    (1, "warning", "pytorch-conda-channel"),
]
JOB = [
    (10, "error", "slurm-ntasks-python"),  # --ntasks=16, one python
    (13, "error", "slurm-partition"),  # titan: not a partition here
    (24, "warning", "conda-source-activate"),
]
LIGHTNING = [(1, "error", "char-quote"), (1, "error", "lightning-removed-arg")]  # ’ddp’
INSTALL_TF = [(1, "error", "tensorflow-gpu")]
LSF_JOB = [(3, "error", "lsf-queue-host"), (4, "error", "lsf-gpu")]
KNOWN_BY_FIXTURE = {
    "000-L60-activate.console": ACTIVATE,
    "000-L66-install-tf.console": INSTALL_TF,
    "000-L78-job.sh": JOB,
    "000-L128-install-torch.console": INSTALL_TORCH,
    "000-L143-lightning.py": LIGHTNING,
    "000-L157-install-tf.console": INSTALL_TF,
    "001-L55-activate.console": ACTIVATE,
    "001-L61-install-torch.console": INSTALL_TORCH,
    "001-L81-job.sh": JOB,
    "001-L120-lightning.py": LIGHTNING,
    "002-L59-install.sh": [(1, "warning", "pytorch-conda-channel")],
    "002-L63-install.sh": [(1, "warning", "pytorch-conda-channel")],
    "003-L108-activate.console": ACTIVATE,
    "003-L136-bsub.console": [
        (1, "error", "lsf-queue-host"),  # -m given a queue
        (1, "error", "lsf-gpu"),  # GPUs from the CPU queue
    ],
    "003-L145-job.lsf.sh": LSF_JOB,
    "003-L156-job.lsf.sh": [*LSF_JOB, (7, "warning", "conda-source-activate")],
    "004-L27-install.sh": [
        (1, "warning", "cuda-outdated"),  # cudatoolkit=11.3
        (1, "warning", "pytorch-conda-channel"),
    ],
    # GPUs, no partition: the CPU default; and 8 GPUs per node, more than any partition
    # has (same check, same line).
    "004-L53-job.sh": [(6, "error", "slurm-gpu")],
    "004-L93-kill.sh": [(1, "error", "skill-job")],
}
# (fixture, line in the fixture, severity, check); each one a known error.
KNOWN = [(fixture, *error) for fixture, errors in KNOWN_BY_FIXTURE.items() for error in errors]

# Extracts with nothing wrong in them: they must stay quiet.
CLEAN = ["000-L165-tf-resolver.py", "002-L90-srun-gpu.sh"]


@pytest.mark.parametrize(
    "fixture,line,severity,code", KNOWN, ids=[f"{k[0]}:{k[1]}:{k[3]}" for k in KNOWN]
)
def test_known_error_reported(fixture, line, severity, code, facts):
    findings = check(fixture, facts)
    hits = [(f.line, f.severity, f.code) for f in findings]
    assert (line, severity, code) in hits, "\n".join(map(str, findings))


def test_every_seed_fixture_is_listed():
    listed = {k[0] for k in KNOWN} | set(CLEAN)
    assert {p.name.removesuffix(".txt") for p in SEEDS.iterdir()} == listed


@pytest.mark.parametrize("fixture", CLEAN)
def test_clean_extracts_stay_clean(fixture, facts):
    assert check(fixture, facts) == []


def test_no_unexpected_findings(facts):
    """Nothing is reported beyond the known list (no noise on the seeds)."""
    expected = {(k[0], k[1], k[3]) for k in KNOWN}
    names = sorted(p.name.removesuffix(".txt") for p in SEEDS.iterdir())
    extra = [
        f for name in names for f in check(name, facts) if (name, f.line, f.code) not in expected
    ]
    assert [str(f) for f in extra] == []


def test_seed_job_scripts_fail_the_command_line(facts):
    """Each seed job script makes the checker exit non-zero (an error, not only warnings)."""
    jobs = sorted(p.name.removesuffix(".txt") for p in SEEDS.glob("*job*.sh.txt"))
    assert len(jobs) == 5
    for name in jobs:
        assert has_errors(check(name, facts)), name

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


# (fixture, line in the fixture, severity, check); each one a known error.
KNOWN = [
    ("000-L60-activate.console", 1, "warning", "conda-source-activate"),
    ("000-L66-install-tf.console", 1, "error", "tensorflow-gpu"),
    ("000-L78-job.sh", 10, "error", "slurm-ntasks-python"),  # --ntasks=16, one python
    ("000-L78-job.sh", 13, "error", "slurm-partition"),  # titan: not a partition here
    ("000-L78-job.sh", 24, "warning", "conda-source-activate"),
    ("000-L128-install-torch.console", 1, "warning", "cuda-outdated"),  # cudatoolkit=10.1
    ("000-L128-install-torch.console", 1, "warning", "pytorch-conda-channel"),
    ("000-L143-lightning.py", 1, "error", "char-quote"),  # ’ddp’
    ("000-L143-lightning.py", 1, "error", "lightning-removed-arg"),
    ("000-L157-install-tf.console", 1, "error", "tensorflow-gpu"),
    ("001-L55-activate.console", 1, "warning", "conda-source-activate"),
    ("001-L61-install-torch.console", 1, "warning", "cuda-outdated"),
    ("001-L61-install-torch.console", 1, "warning", "pytorch-conda-channel"),
    ("001-L81-job.sh", 10, "error", "slurm-ntasks-python"),
    ("001-L81-job.sh", 13, "error", "slurm-partition"),
    ("001-L81-job.sh", 24, "warning", "conda-source-activate"),
    ("001-L120-lightning.py", 1, "error", "char-quote"),
    ("001-L120-lightning.py", 1, "error", "lightning-removed-arg"),
    ("002-L59-install.sh", 1, "warning", "pytorch-conda-channel"),
    ("002-L63-install.sh", 1, "warning", "pytorch-conda-channel"),
    ("003-L108-activate.console", 1, "warning", "conda-source-activate"),
    ("003-L136-bsub.console", 1, "error", "lsf-queue-host"),  # -m given a queue
    ("003-L136-bsub.console", 1, "error", "lsf-gpu"),  # GPUs from the CPU queue
    ("003-L145-job.lsf.sh", 3, "error", "lsf-queue-host"),
    ("003-L145-job.lsf.sh", 4, "error", "lsf-gpu"),
    ("003-L156-job.lsf.sh", 3, "error", "lsf-queue-host"),
    ("003-L156-job.lsf.sh", 4, "error", "lsf-gpu"),
    ("003-L156-job.lsf.sh", 7, "warning", "conda-source-activate"),
    ("004-L27-install.sh", 1, "warning", "cuda-outdated"),  # cudatoolkit=11.3
    ("004-L27-install.sh", 1, "warning", "pytorch-conda-channel"),
    ("004-L53-job.sh", 6, "error", "slurm-gpu"),  # GPUs, no partition: the CPU default;
    # and 8 GPUs per node, more than any partition has (same check, same line).
    ("004-L93-kill.sh", 1, "error", "skill-job"),
]

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

"""The sbatch option table comes from the installed sbatch, and agrees with it."""

import json
import os
import shutil
import subprocess

import pytest
from hpcdocs.lint import sbatch_options as so
from hpcdocs.lint.facts_view import slurm_minutes
from hpcdocs.lint.slurm_values import check as check_value

# make setup installs Slurm's clients (scripts/setup-system): no sbatch is a broken set-up,
# not a reason to skip.
SBATCH = shutil.which("sbatch")


def test_sbatch_is_installed():
    assert SBATCH, "no sbatch on PATH: run make setup (scripts/setup-system installs slurm-client)"


@pytest.fixture(scope="module")
def derived():
    return so.derive(SBATCH)


def ask_sbatch(*args, tmp_path):
    conf = tmp_path / "slurm.conf"
    conf.write_text(so.FAKE_CONF)
    return subprocess.run(
        [SBATCH, *args, "--help"],
        env=dict(os.environ, SLURM_CONF=str(conf)),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


def test_derived_from_installed_sbatch(derived):
    assert derived.version.startswith("slurm")
    assert derived.long["partition"] == so.REQUIRED and derived.short["p"] == "partition"
    assert derived.long["test-only"] == so.FLAG  # only in the man page, not --help
    assert derived.long["hint"] == so.REQUIRED
    assert derived.long["exclusive"] == so.OPTIONAL
    assert derived.long["get-user-env"] == so.OPTIONAL  # --help shows no "=" for it
    assert "help" not in derived.long and len(derived.long) > 80


def test_bundled_copy_matches_installed_sbatch(derived):
    """Regenerate with: .venv/bin/sbatch-options --write."""
    bundled = json.loads(so.BUNDLED.read_text())
    assert (bundled["long"], bundled["short"]) == (derived.long, derived.short)


def test_bundled_copy_used_without_sbatch(monkeypatch):
    monkeypatch.setattr(so.shutil, "which", lambda name: None)
    so.load.cache_clear()
    try:
        opts = so.load()
        assert "no sbatch installed" in opts.source and opts.long["time"] == so.REQUIRED
    finally:
        so.load.cache_clear()


@pytest.mark.parametrize(
    "value",
    [
        "10",
        "10:30",
        "1:00:00",
        "1-0",
        "1-2:30",
        "1-2:30:40",
        "UNLIMITED",
        "infinite",
        "90:00",
        "00:90:00",
        "1:2:3:4",
        "abc",
        "1.5",
        "1-2-3",
        "10m",
        "1h",
    ],
)
def test_time_syntax_agrees_with_sbatch(value, tmp_path):
    rejected = "Invalid --time" in ask_sbatch(f"--time={value}", tmp_path=tmp_path).stderr
    assert (slurm_minutes(value) is None) == rejected


@pytest.mark.parametrize("value", ["4G", "0", "4096", "512M", "1T", "4X", "4.5G", "-5", "G"])
def test_memory_syntax_agrees_with_sbatch(value, tmp_path):
    rejected = "Invalid --mem" in ask_sbatch(f"--mem={value}", tmp_path=tmp_path).stderr
    assert bool(check_value("mem", value, "--mem")) == rejected


@pytest.mark.parametrize("word", ["--partiton=x", "--gpu=1", "-y"])
def test_unknown_options_unknown_to_sbatch_too(word, tmp_path):
    err = ask_sbatch(word, tmp_path=tmp_path).stderr
    assert "unrecognized option" in err or "ambiguous" in err or "invalid option" in err


def test_bundled_copy_used_when_sbatch_fails(monkeypatch, tmp_path):
    broken = tmp_path / "sbatch"
    broken.write_text("#!/bin/sh\necho 'sbatch: fatal: broken' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(so, "CACHE_DIR", tmp_path / "cache")
    opts = so.load.__wrapped__(str(broken))
    assert "failed" in opts.source and "partition" in opts.long


def test_cache_is_reused(monkeypatch, tmp_path):
    monkeypatch.setattr(so, "CACHE_DIR", tmp_path)
    first = so.load.__wrapped__(SBATCH)
    assert len(list(tmp_path.glob("sbatch-options-*.json"))) == 1
    monkeypatch.setattr(so, "derive", lambda path: pytest.fail("cache not used"))
    assert so.load.__wrapped__(SBATCH).long == first.long

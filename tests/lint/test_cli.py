"""lint-jobscript as readers and the snippet tests run it."""

import json
import subprocess
from pathlib import Path

from hpcdocs import command

CLI = command("lint-jobscript")
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args):
    return subprocess.run(
        [str(CLI), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def test_help():
    out = run("--help")
    assert out.returncode == 0 and "--format" in out.stdout and "--facts" in out.stdout


def test_clean_files_exit_zero():
    out = run(*sorted((FIXTURES / "good").iterdir()))
    assert (out.returncode, out.stdout) == (0, "")


def test_error_exits_one_with_file_and_line():
    job = FIXTURES / "seeds" / "000-L78-job.sh.txt"
    out = run("--facts", FIXTURES / "cluster.yml", job)
    assert out.returncode == 1
    assert f"{job}:10: error: --ntasks=16" in out.stdout
    assert f"{job}:13: error: no partition 'titan'" in out.stdout


def test_warnings_alone_exit_zero(tmp_path):
    script = tmp_path / "job.sh"
    script.write_text("#!/bin/bash\n#SBATCH --time=5\nsource activate env\n")
    out = run("--no-facts", script)
    assert out.returncode == 0 and ":3: warning: " in out.stdout


def test_json_output():
    job = FIXTURES / "seeds" / "004-L93-kill.sh.txt"
    out = run("--format", "json", "--no-facts", job)
    assert out.returncode == 1
    assert json.loads(out.stdout) == [
        {
            "file": str(job),
            "line": 1,
            "severity": "error",
            "code": "skill-job",
            "message": json.loads(out.stdout)[0]["message"],
        }
    ]


def test_facts_option_changes_the_verdict():
    job = FIXTURES / "seeds" / "003-L145-job.lsf.sh.txt"
    assert run("--no-facts", job).returncode == 0
    assert run("--facts", FIXTURES / "cluster.yml", job).returncode == 1


def test_missing_file_is_a_usage_error(tmp_path):
    out = run(tmp_path / "nope.sh")
    assert out.returncode == 2 and "nope.sh" in out.stderr


def test_directory_mode_finds_job_scripts_and_prints_a_summary(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "good.slurm").write_text("#!/bin/bash\n#SBATCH --time=5\nhostname\n")
    (tmp_path / "sub" / "bad.lsf").write_text("#!/bin/bash\n#BSUB -W 1:2:3\nhostname\n")
    (tmp_path / "sub" / "warn.sh").write_text("#!/bin/bash\n#SBATCH --mem=1GB\nhostname\n")
    (tmp_path / "notes.txt").write_text("#SBATCH --bogus\n")  # not a job script name
    out = run("--no-facts", tmp_path)
    assert out.returncode == 1
    assert f"{tmp_path / 'sub' / 'bad.lsf'}:2: error: " in out.stdout
    assert f"{tmp_path / 'sub' / 'warn.sh'}:2: warning: " in out.stdout
    assert "notes.txt" not in out.stdout
    assert out.stderr.strip().splitlines()[-1] == "3 files, 1 error, 1 warning"


def test_summary_of_clean_files(tmp_path):
    (tmp_path / "a.sbatch").write_text("#!/bin/bash\n#SBATCH --time=5\nhostname\n")
    out = run("--no-facts", tmp_path)
    assert (out.returncode, out.stdout, out.stderr.splitlines()[-1]) == (
        0,
        "",
        "1 file, 0 errors, 0 warnings",
    )


def test_json_output_format_is_documented_in_help():
    help_text = run("--help").stdout
    for field in ('"file"', '"line"', '"severity"', '"message"', '"code"'):
        assert field in help_text

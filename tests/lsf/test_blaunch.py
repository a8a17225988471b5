"""blaunch's srun command lines and bsub -Is's refusals: pure functions, no cluster."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hpcdocs.lsf import LsfError, blaunch, bsub, jobenv

ROOT = Path(__file__).resolve().parents[2]

# A job of 4 slots, 2 on each of two hosts (bsub -n 4 -R "span[ptile=2]").
JOB = {
    "LSB_JOBID": "42",
    "SLURM_JOB_ID": "42",
    "LSB_HOSTS": "cn01 cn01 cn02 cn02",
    "LSB_MCPU_HOSTS": "cn01 2 cn02 2",
    "SLURM_JOB_NODELIST": "cn[01-02]",
    "SLURM_JOB_CPUS_PER_NODE": "2(x2)",
}


def launch(*argv, env=JOB, files=None):
    return blaunch.plan(list(argv), env, read=(files or {}).__getitem__)


def test_without_a_host_one_task_per_slot():
    got = launch("hostname")
    assert got.hosts == ["cn01", "cn01", "cn02", "cn02"]
    assert got.argv == [
        "srun",
        "--overlap",
        "--nodes=2",
        "--ntasks=4",
        "--cpus-per-task=1",
        "--nodelist=cn01,cn02",
        "--ntasks-per-node=2",
        "/bin/sh",
        "-c",
        "hostname",
    ]


def test_z_one_task_on_each_host_named_with_its_cpus():
    got = launch("-z", "cn01 cn02", "torchrun", "--nnodes=2", "train.py")
    assert got.hosts == ["cn01", "cn02"]
    assert "--ntasks=2" in got.argv and "--ntasks-per-node=1" in got.argv
    assert "--cpus-per-task=2" in got.argv  # the host's 2 slots go to its one task
    assert got.argv[-3:] == ["/bin/sh", "-c", "torchrun --nnodes=2 train.py"]


def test_one_host_the_first_word_when_it_is_a_host_of_the_job():
    got = launch("cn02", "hostname")
    assert got.hosts == ["cn02"] and "--nodelist=cn02" in got.argv and "--nodes=1" in got.argv
    # not a host of the job: the first word is the command, run on every slot
    assert launch("echo", "cn02").hosts == ["cn01", "cn01", "cn02", "cn02"]


def test_host_file_and_repeated_hosts_keep_their_order():
    got = launch("-u", "hosts.txt", "hostname", files={"hosts.txt": ["cn02", "cn01", "cn02"]})
    assert got.hosts == ["cn02", "cn01", "cn02"]
    assert "--distribution=arbitrary" in got.argv and "--nodelist=cn02,cn01,cn02" in got.argv
    assert "--ntasks=3" in got.argv and "--nodes=2" in got.argv


def test_host_file_on_disk(tmp_path):
    (tmp_path / "hosts").write_text("cn01\n\ncn02\n")
    assert blaunch.read_host_file(str(tmp_path / "hosts")) == ["cn01", "cn02"]
    (tmp_path / "bad").write_text("cn01\ncn01 cn02\n")
    with pytest.raises(LsfError, match=r"bad, line 2: one host name a line"):
        blaunch.read_host_file(str(tmp_path / "bad"))
    with pytest.raises(LsfError, match="cannot read the host file"):
        blaunch.read_host_file(str(tmp_path / "missing"))


def test_shell_options():
    assert launch("-no-shell", "cn01", "echo", "$HOME").argv[-2:] == ["echo", "$HOME"]
    login = launch("-use-login-shell", "cn01", "echo", "hi", env={**JOB, "SHELL": "/bin/zsh"})
    assert login.argv[-4:] == ["/bin/zsh", "-l", "-c", "echo hi"]
    quiet = launch("-n", "hostname")
    assert quiet.stdin_null and "--input=none" in quiet.argv
    assert not launch("hostname").stdin_null


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["-z", "cn01 cn03", "hostname"],
            r"cn03: not a host of job <42>'s allocation \(its hosts: cn01 cn02\)",
        ),
        (["-z", " ", "hostname"], "-z: no host name given"),
        (["-u", "f", "-z", "cn01", "ls"], "-u and -z cannot be used together"),
        (["-z"], "option -z requires an argument"),
        (["-z", "cn01"], "no command given"),
        (["-R", "span[hosts=1]", "ls"], "-R: option not supported"),
        (["-no-shell", "-use-login-shell", "ls"], "cannot be used together"),
    ],
)
def test_bad_input_is_refused_by_name(argv, message):
    with pytest.raises(LsfError, match=message):
        launch(*argv)


def test_outside_a_job_blaunch_refuses():
    with pytest.raises(LsfError, match="not inside an LSF job: LSB_JOBID is not set"):
        launch("hostname", env={})
    with pytest.raises(LsfError, match="SLURM_JOB_ID is not"):
        launch("hostname", env={"LSB_JOBID": "42", "LSB_MCPU_HOSTS": "cn01 1"})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LSB_", "SLURM_"))}
    done = subprocess.run(
        [ROOT / "scripts" / "lsf" / "bin" / "blaunch", "hostname"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 255 and done.stdout == ""
    assert done.stderr.startswith("blaunch: not inside an LSF job"), done.stderr


def test_help_names_the_layer(capsys):
    assert blaunch.main(["-h"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("LSF compatibility layer over Slurm") and "usage: blaunch" in out


def test_host_file_variable_has_one_line_per_slot(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    variables = jobenv.lsf_variables(
        {"SLURM_JOB_ID": "7", "SLURM_JOB_NODELIST": "cn[01-02]", "SLURM_TASKS_PER_NODE": "2,1"},
        "j",
    )
    path = Path(jobenv.write_host_file(variables))
    assert path.parent == tmp_path and path.name.startswith("lsf-7-")
    assert path.read_text() == "cn01\ncn01\ncn02\n"


def test_interactive_without_a_command_is_refused_before_reading_stdin(monkeypatch, capsys):
    def no_stdin():
        raise AssertionError("stdin was read")

    monkeypatch.setattr(bsub, "read_script", no_stdin)
    for flag in ("-Is", "-I"):
        assert bsub.main([flag, "-q", "debug"]) == 255
        err = capsys.readouterr().err
        assert f"{flag}: give the command to run (bsub {flag} bash). Job not submitted." in err


def test_interactive_runs_srun_pty_with_the_jobs_variables(monkeypatch):
    seen = {}

    class FakeSalloc:  # a mock for salloc: records the command line, runs nothing
        stderr = iter(())

        def __init__(self, cmd, **kwargs):
            seen["cmd"] = cmd

        def wait(self):
            return 0

    monkeypatch.setattr(bsub.subprocess, "Popen", FakeSalloc)
    monkeypatch.setattr(bsub.facts, "load", lambda: {"partitions": {"d": {"name": "debug"}}})
    assert bsub.main(["-Is", "-q", "debug", "-n", "2", "bash"]) == 0
    cmd = seen["cmd"]
    assert cmd[:4] == ["salloc", "--partition=debug", "--job-name=bash", "--ntasks=2"]
    inner = cmd[-1]
    assert "exec srun --ntasks=1 --nodes=1 --pty bash -c" in inner
    assert "hpcdocs.lsf.jobenv" in inner and "LSB_DJOB_HOSTFILE" in inner
    assert sys.executable in inner

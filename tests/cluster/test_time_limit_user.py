"""What an ordinary user (not root, not a Slurm operator) may do to a job's time
limit, as docs/*/slurm.md#scontrol says: raise it while the job is pending, up to
the partition's MaxTime; once it runs, only shorten it.

The test cluster runs everything as root, who may change any limit, so these
tests make a throwaway user and run the page's own commands as that user.
Slurm 22.05's scontrol man page says "Only the Slurm administrator or root can
increase job's TimeLimit"; slurmctld (job_mgr.c, _update_job) lets the owner of
a pending job raise it up to the partition's MaxTime, and these tests show which
is true.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from hpcdocs import ROOT, facts
from hpcdocs.snippettests import Catalog, console

CATALOG = Catalog.load()
DEBUG = facts.get("partitions.debug")


class User:
    def __init__(self, name: str, home: Path, env: dict):
        self.name, self.home, self.env = name, home, env

    def bash(self, cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """bash -c CMD as this user, in its home, with the cluster's environment."""
        return subprocess.run(
            ["runuser", "-u", self.name, "--", "bash", "-c", cmd],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _root(cluster, cmd: str) -> subprocess.CompletedProcess:
    return cluster.bash(cmd, timeout=60)


@pytest.fixture(scope="module")
def user(cluster):
    cluster.require_test_cluster("creates a Linux user and a Slurm association")
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("needs root, useradd and runuser to create a throwaway user")
    name = f"hcu{uuid.uuid4().hex[:8]}"
    home = Path(tempfile.mkdtemp(prefix=f"{name}.", dir="/tmp"))
    r = subprocess.run(
        ["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/bin/bash", name],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    shutil.chown(home, name, name)
    # The test cluster's munge socket sits in a root-only directory: let the user
    # reach the socket (the key file itself stays readable by root only).
    munge_dir = Path(cluster.env["TESTCLUSTER_DIR"]) / "munge"
    old_mode = munge_dir.stat().st_mode & 0o777
    munge_dir.chmod(old_mode | 0o011)
    enforce = _root(cluster, "scontrol show config | grep -E '^AccountingStorageEnforce'").stdout
    associated = False
    if "associations" in enforce or "limits" in enforce or "qos" in enforce:
        account = facts.get("default_account")
        r = _root(cluster, f"sacctmgr -i add user {name} account={account}")
        assert r.returncode == 0, r.stdout + r.stderr
        associated = True
    env = dict(cluster.env, HOME=str(home), USER=name, LOGNAME=name)
    try:
        yield User(name, home, env)
    finally:
        _root(cluster, f"scancel --user={name}")
        if associated:
            _root(cluster, f"sacctmgr -i delete user {name}")
        munge_dir.chmod(old_mode)
        subprocess.run(["userdel", name], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def _transcript(path: str) -> tuple[str, str]:
    """(rendered transcript, its commands as a script) of a console snippet."""
    snip = CATALOG[path]
    text = snip.rendered()
    return text, console.script(text)


def _workdir(user: User, path: str) -> Path:
    """A fresh directory of the user's, holding the snippet's with= files."""
    work = Path(tempfile.mkdtemp(prefix="run.", dir=user.home))
    snip = CATALOG[path]
    for entry in snip.header.with_:
        other, _, name = entry.partition(":")
        name = name or re.sub(r"^[0-9]+-", "", other.rsplit("/", 1)[-1])
        (work / name).write_text(CATALOG[other].rendered(), encoding="utf-8")
    shutil.chown(work, user.name, user.name)
    for f in work.iterdir():
        shutil.chown(f, user.name, user.name)
    return work


def _matches(pattern: str, snip_path: str, output: str) -> bool:
    def value(match: re.Match) -> str:
        return re.escape(facts.render(match.group(0), source=snip_path))

    return re.search(facts.PLACEHOLDER.sub(value, pattern), output, re.MULTILINE) is not None


def test_user_is_not_a_slurm_operator(user):
    r = user.bash('id -u; sacctmgr -n -P show user "$USER" format=AdminLevel')
    assert r.stdout.split()[0] != "0", r.stdout
    assert "Administrator" not in r.stdout and "Operator" not in r.stdout, r.stdout


def test_pending_job_snippet_works_for_an_ordinary_user(user):
    """snippets/slurm/10-scontrol.console, run as the user: its expect= lines
    (the raise of a pending job to the partition's MaxTime) hold."""
    path = "slurm/10-scontrol.console"
    snip = CATALOG[path]
    _, script = _transcript(path)
    work = _workdir(user, path)
    (work / "transcript.sh").write_text(script, encoding="utf-8")
    r = user.bash(
        f"cd {shlex.quote(str(work))} && bash -e transcript.sh", timeout=snip.header.timeout
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert snip.header.expect, "the snippet has no expect= to check"
    for pattern in snip.header.expect:
        assert _matches(pattern, path, out), f"expect={pattern!r} not in:\n{out}"
    # The raise it shows is to the partition's MaxTime, the most a user may ask for.
    assert f"TimeLimit={DEBUG['max_time']}" in out, out


def test_pending_job_cannot_go_past_the_partition_maximum(user):
    r = user.bash(
        f"sbatch --parsable --hold --partition={DEBUG['name']} --time=00:05:00 --wrap='sleep 60'"
    )
    assert r.returncode == 0, r.stderr
    jobid = r.stdout.strip()
    try:
        r = user.bash(f"scontrol update JobId={jobid} TimeLimit={DEBUG['max_time']}")
        assert r.returncode == 0, r.stderr
        over = user.bash(f"scontrol update JobId={jobid} TimeLimit+=1")
        assert over.returncode == 1
        assert over.stderr.strip() == f"Access/permission denied for job {jobid}", over.stderr
        shorter = user.bash(f"scontrol update JobId={jobid} TimeLimit=00:03:00")
        assert shorter.returncode == 0, shorter.stderr
        shown = user.bash(f"scontrol show job {jobid}").stdout
        assert "JobState=PENDING" in shown and " TimeLimit=00:03:00 " in shown, shown
    finally:
        user.bash(f"scancel {jobid}")


def test_running_job_snippet_as_an_ordinary_user(user):
    """snippets/slurm/10-scontrol-running.console, run as the user: shortening a
    running job works, lengthening it is refused with the line the page shows."""
    path = "slurm/10-scontrol-running.console"
    text, script = _transcript(path)
    work = _workdir(user, path)
    # Each command's status, as the reader sees it (no -e: the refusal exits 1).
    (work / "transcript.sh").write_text(script, encoding="utf-8")
    r = user.bash(f"cd {shlex.quote(str(work))} && bash transcript.sh 2>&1", timeout=120)
    out = r.stdout
    shown_refusal = next(line for line in text.splitlines() if "denied" in line)
    pattern = re.escape(shown_refusal).replace(re.escape("4316"), "[0-9]+")
    assert re.search(f"^{pattern}$", out, re.MULTILINE), f"{shown_refusal!r} not in:\n{out}"
    shown_limit = re.search(r"TimeLimit=(\S+)", text.split("scontrol show job", 1)[1]).group(1)
    assert re.search(rf"^ +RunTime=\S+ TimeLimit={shown_limit} ", out, re.MULTILINE), out


def test_pages_show_both_cases():
    """The scontrol section shows the running-job refusal next to the pending-job
    raise, and names the refusal users get past the partition's maximum."""
    for lang in ("zh", "en"):
        page = ROOT / "docs" / lang / "slurm.md"
        section = page.read_text(encoding="utf-8").split("{ #scontrol }", 1)[1].split("\n## ", 1)[0]
        assert '--8<-- "slurm/10-scontrol.console"' in section, page
        assert '--8<-- "slurm/10-scontrol-running.console"' in section, page
        assert "Access/permission denied" in section, page
        assert "{{ cluster.partitions.debug.max_time }}" in section, page

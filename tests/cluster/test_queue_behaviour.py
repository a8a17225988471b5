"""Queue behaviour that docs/*/slurm.md describes and that its console snippets
cannot show on their own: requeueing (batch jobs only, the job ID kept, a wait
with reason BeginTime), a maintenance reservation's ReqNodeNotAvail, and a shell
inside a running job with `srun --jobid --overlap --pty`."""

from __future__ import annotations

import re
import uuid

import pytest
from hpcdocs import ROOT, facts
from hpcdocs.poll import until
from ptyshell import run_on_pty

CPU = facts.get("partitions.cpu")
DEBUG = facts.get("partitions.debug")
GPU = facts.get("partitions.gpu")
PAGES = [ROOT / "docs" / lang / "slurm.md" for lang in ("zh", "en")]


def _page_says(text: str) -> None:
    for page in PAGES:
        assert text in page.read_text(encoding="utf-8"), f"{page.relative_to(ROOT)} lacks {text!r}"


def _show(cluster, jobid: str) -> str:
    return cluster.bash(f"scontrol show job {jobid}").stdout


def test_requeue_is_for_batch_jobs_only(cluster):
    r = cluster.bash(f"salloc --no-shell --partition={DEBUG['name']} --time=00:01:00")
    jobid = re.search(r"Granted job allocation (\d+)", r.stderr)
    assert jobid, r.stderr
    jobid = jobid.group(1)
    try:
        r = cluster.bash(f"scontrol requeue {jobid}")
        assert r.returncode == 1
        message = f"Only batch jobs are accepted or processed for job {jobid}"
        assert r.stderr.strip() == message, r.stderr
    finally:
        cluster.bash(f"scancel {jobid}")
    _page_says("Only batch jobs are accepted or processed")


def test_requeued_job_keeps_its_id_and_waits_for_begin_time(cluster, tmp_path):
    jobid = cluster.sbatch(
        f"--partition={DEBUG['name']} --time=00:02:00 --wrap='sleep 120'", cwd=tmp_path
    )
    try:
        assert until(lambda: "JobState=RUNNING" in _show(cluster, jobid)), _show(cluster, jobid)
        r = cluster.bash(f"scontrol requeue {jobid}")
        assert r.returncode == 0, r.stderr
        shown = until(lambda: (s := _show(cluster, jobid)) and "Reason=BeginTime" in s and s)
        assert shown, _show(cluster, jobid)
        assert f"JobId={jobid} " in shown and "JobState=PENDING" in shown, shown
        assert "Restarts=1" in shown, shown
        hist = until(
            lambda: (
                "REQUEUED"
                in (out := cluster.bash(f"sacct -X -D -n -j {jobid} -o JobID,State").stdout)
                and out
            )
        )
        assert hist and all(line.split()[0] == jobid for line in hist.splitlines()), hist
    finally:
        cluster.bash(f"scancel {jobid}")
    _page_says("BeginTime")


@pytest.fixture
def maintenance(cluster):
    """A maintenance reservation of the cpu partition's nodes, two days from now:
    it holds back only jobs whose time limit would reach into it (no other test
    asks for more than two days)."""
    cluster.require_test_cluster("creates a reservation (an administrator's command)")
    nodes = cluster.bash(f"sinfo -h -p {CPU['name']} -o %N").stdout.strip()
    name = f"maint-{uuid.uuid4().hex[:6]}"
    r = cluster.bash(
        f"scontrol create reservation ReservationName={name} StartTime=now+2days "
        f"Duration=60 Nodes={nodes} Users=root Flags=maint,ignore_jobs"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        yield name
    finally:
        cluster.bash(f"scontrol delete ReservationName={name}")


def test_maintenance_reservation_holds_jobs_that_would_cross_it(cluster, maintenance, tmp_path):
    jobid = cluster.sbatch(
        f"--partition={CPU['name']} --time=3-00:00:00 --wrap='sleep 5'", cwd=tmp_path
    )
    try:
        reason = "ReqNodeNotAvail, Reserved for maintenance"
        # squeue shows the reason as the page writes it (scontrol puts _ for the spaces).
        squeue = f"squeue -h -j {jobid} -o %r"
        assert until(lambda: cluster.bash(squeue).stdout.strip() == reason), _show(cluster, jobid)
        r = cluster.bash(f"scontrol show reservation {maintenance}")
        assert "Flags=MAINT" in r.stdout, r.stdout
        # Shortened to end before the maintenance, it starts at once.
        r = cluster.bash(f"scontrol update JobId={jobid} TimeLimit=1-00:00:00")
        assert r.returncode == 0, r.stderr
        assert until(
            lambda: re.search(r"JobState=(RUNNING|COMPLETED|COMPLETING)", _show(cluster, jobid))
        ), _show(cluster, jobid)
    finally:
        cluster.bash(f"scancel {jobid}")
    _page_says(reason)
    _page_says("scontrol show reservation")


def test_shell_inside_a_running_job(cluster, tmp_path):
    """`srun --jobid=JOBID --overlap --pty bash -i`, as the page shows, through a
    pseudo-terminal: the shell runs in that job, beside its running step, and
    sees only its GPU."""
    cluster.require_partition(GPU["name"])
    jobid = cluster.sbatch(
        f"--partition={GPU['name']} --gres=gpu:{GPU['gpu_type']}:1 --time=00:05:00 "
        "--wrap='sleep 300'",
        cwd=tmp_path,
    )
    try:
        assert until(lambda: "JobState=RUNNING" in _show(cluster, jobid)), _show(cluster, jobid)
        rc, text = run_on_pty(
            f"srun --jobid={jobid} --overlap --pty bash --norc -i",
            cluster.env,
            b"echo job=$SLURM_JOB_ID gpus=$CUDA_VISIBLE_DEVICES tty=$(tty); exit\n",
        )
        assert rc == 0, text
        line = next(ln for ln in text.splitlines() if "job=" in ln and "$" not in ln)
        assert f"job={jobid} gpus=0 tty=/dev/" in line, text
        # The job itself is still running: exit ended only the shell.
        assert "JobState=RUNNING" in _show(cluster, jobid)
    finally:
        cluster.bash(f"scancel {jobid}")
    _page_says("--overlap --pty bash -i")
    _page_says("pam_slurm_adopt")

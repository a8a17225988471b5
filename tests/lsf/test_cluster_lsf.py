"""The LSF layer on the test cluster: real jobs submitted with bsub, watched with bjobs."""

import re

import pytest
from hpcdocs import facts
from hpcdocs.poll import until

CPU = facts.get("partitions.cpu.name")
GPU = facts.get("partitions.gpu.name")
DEBUG = facts.get("partitions.debug.name")


@pytest.fixture
def lsf(cluster, tmp_path):
    """Run a command line in a fresh working directory with the LSF layer on PATH."""
    cluster.require_test_cluster("the LSF layer drives the test cluster's Slurm")

    def run(cmd, timeout=60, input=None):
        return cluster.bash(cmd, timeout=timeout, input=input, cwd=tmp_path)

    run.dir = tmp_path
    run.cluster = cluster
    return run


def job_id(stdout):
    match = re.search(r"Job <(\d+)> is submitted to (default )?queue <(\w+)>\.", stdout)
    assert match, f"no submission message in: {stdout!r}"
    return match.group(1)


def wait_for_stat(lsf, jid, stat, timeout=30):
    def reached():
        r = lsf(f"bjobs -a {jid}")
        return re.search(rf"^{jid}\s+\S+\s+{stat}\b", r.stdout, re.M) and r.stdout

    return until(reached, timeout, f"job {jid} in {stat}", step=0.5)


SCRIPT = f"""#!/bin/bash
#BSUB -J from_script
#BSUB -q {DEBUG}
#BSUB -n 2
#BSUB -R "span[hosts=1]"
#BSUB -W 5
#BSUB -o job.%J.out
echo "name=$LSB_JOBNAME id=$LSB_JOBID queue=$LSB_QUEUE index=$LSB_JOBINDEX"
echo "hosts=$LSB_HOSTS mcpu=$LSB_MCPU_HOSTS n=$LSB_DJOB_NUMPROC"
#BSUB -J not_read
"""


def test_script_on_stdin(lsf):
    (lsf.dir / "job.sh").write_text(SCRIPT)
    r = lsf(f"bsub -K -q {CPU} < job.sh")
    assert r.returncode == 0, r.stderr
    jid = job_id(r.stdout)
    assert f"is submitted to queue <{CPU}>" in r.stdout  # the command line's -q wins
    assert "<<Job is finished>>" in r.stdout
    out = (lsf.dir / f"job.{jid}.out").read_text()
    assert f"name=from_script id={jid} queue={CPU} index=0" in out
    host = re.search(r"mcpu=(\S+) 2 n=2", out).group(1)
    assert f"hosts={host} {host} " in out
    limit = lsf(f"scontrol show job {jid}").stdout
    assert "TimeLimit=00:05:00" in limit


def test_script_as_command_ignores_its_bsub_lines(lsf):
    (lsf.dir / "job.sh").write_text(SCRIPT)
    (lsf.dir / "job.sh").chmod(0o755)
    r = lsf("bsub -K -o cmd.out ./job.sh")
    jid = job_id(r.stdout)
    assert "is submitted to default queue" in r.stdout
    out = (lsf.dir / "cmd.out").read_text()
    assert f"name=./job.sh id={jid} queue={CPU}" in out
    assert "n=1" in out and not list(lsf.dir.glob("job.*.out"))


def test_slots_per_host(lsf):
    r = lsf(f"bsub -K -q {CPU} -n 2 -R 'span[ptile=1]' -o ptile.out 'echo $LSB_MCPU_HOSTS'")
    job_id(r.stdout)
    hosts = (lsf.dir / "ptile.out").read_text().split()
    assert len(hosts) == 4 and hosts[1] == hosts[3] == "1" and hosts[0] != hosts[2]


def test_append_and_overwrite(lsf):
    for word in ("one", "two"):
        lsf(f"bsub -K -o app.log 'echo {word}'")
        lsf(f"bsub -K -oo over.log -eo over.err 'echo {word}; echo {word}-err >&2'")
    assert (lsf.dir / "app.log").read_text().split() == ["one", "two"]
    assert (lsf.dir / "over.log").read_text().split() == ["two"]
    assert (lsf.dir / "over.err").read_text().split() == ["two-err"]


def test_job_array(lsf):
    r = lsf("bsub -K -J 'sweep[1-3]' -o 'sw.%J.%I.out' 'echo $LSB_JOBINDEX $LSB_JOBNAME'")
    jid = job_id(r.stdout)
    for index in (1, 2, 3):
        out = (lsf.dir / f"sw.{jid}.{index}.out").read_text()
        assert out.split() == [str(index), f"sweep[{index}]"]
    shown = lsf(f"bjobs -a {jid}").stdout
    assert len(re.findall(rf"^{jid}\s+\S+\s+DONE .*sweep\[\d\]", shown, re.M)) == 3


@pytest.mark.slow
def test_watch_peek_and_kill_a_running_job(lsf):
    r = lsf("bsub -J sleeper -o run.out 'echo started; sleep 120'")
    jid = job_id(r.stdout)
    table = wait_for_stat(lsf, jid, "RUN")
    assert re.search(
        rf"^{jid}\s+\S+\s+RUN\s+{CPU}\s+\S+\s+\S+\s+sleeper\s+\w{{3}} +\d+ \d\d:\d\d$", table, re.M
    ), table
    assert table.splitlines()[0].split() == [
        "JOBID",
        "USER",
        "STAT",
        "QUEUE",
        "FROM_HOST",
        "EXEC_HOST",
        "JOB_NAME",
        "SUBMIT_TIME",
    ]

    def peeked() -> str:
        out = lsf(f"bpeek {jid}").stdout
        return out if "started" in out else ""

    peek = until(peeked, 10, f"'started' in bpeek {jid}", step=0.5)
    assert peek.startswith("<< output from stdout >>\nstarted")
    assert f"Job <{jid}>, Job Name <sleeper>" in lsf(f"bjobs -l {jid}").stdout
    killed = lsf(f"bkill {jid}")
    assert killed.stdout.strip() == f"Job <{jid}> is being terminated"
    assert lsf.cluster.wait_job(jid, 30) == "CANCELLED"
    wait_for_stat(lsf, jid, "EXIT")
    again = lsf(f"bkill {jid}")
    assert again.returncode != 0 and f"Job <{jid}>: Job has already finished" in again.stderr
    hist = lsf(f"bhist -a {jid}").stdout
    assert re.search(rf"^{jid}\s+\S+\s+sleeper\s+\d+\s+0\s+\d+", hist, re.M), hist


@pytest.mark.slow
def test_dependency(lsf):
    # The first job runs until the test lets it end: the second is seen pending however
    # slowly this machine runs bjobs (a `sleep 3` could be over before the first look).
    gate = lsf.dir / "go"
    first = job_id(
        lsf(f"bsub -o dep.out 'until [ -e {gate} ]; do sleep 0.1; done; echo first'").stdout
    )
    second = job_id(lsf(f"bsub -w 'done({first})' -o dep.out 'echo second'").stdout)
    wait_for_stat(lsf, second, "PEND")
    gate.touch()
    assert lsf.cluster.wait_job(second, 60) == "COMPLETED"
    assert (lsf.dir / "dep.out").read_text().split() == ["first", "second"]


def test_wait_returns_the_exit_code(lsf):
    r = lsf("bsub -K -o /dev/null 'exit 3'")
    assert r.returncode == 3
    jid = job_id(r.stdout)
    assert re.search(rf"^{jid}\s+\S+\s+EXIT", lsf(f"bjobs -a {jid}").stdout, re.M)


def test_gpu_job_sees_its_gpus(lsf):
    lsf.cluster.require_partition(GPU)
    r = lsf(
        f"bsub -K -q {GPU} -gpu 'num=2:mode=exclusive_process:mps=no' -o gpu.out "
        "'echo $CUDA_VISIBLE_DEVICES'"
    )
    assert r.returncode == 0, r.stderr
    assert len((lsf.dir / "gpu.out").read_text().strip().split(",")) == 2


@pytest.mark.parametrize(
    "options, named",
    [
        ("-app big", "-app: option not supported"),
        ("-R 'select[mem>100]'", "select[] section is not supported"),
        ("-gpu 'num=1:gmem=10G'", "gmem= is not supported"),
        ("-q nosuch", "nosuch: No such queue"),
        ("-w 'done(myjob)'", "job names are not supported"),
    ],
)
def test_refused_options_submit_nothing(lsf, options, named):
    r = lsf(f"bsub {options} hostname")
    assert r.returncode != 0
    assert named in r.stderr and "Job not submitted." in r.stderr
    assert "is submitted" not in r.stdout


def test_interactive(lsf):
    r = lsf(f"bsub -I -q {DEBUG} 'echo inside $LSB_JOBID; exit 4'")
    assert r.returncode == 4
    jid = job_id(r.stdout)
    assert "<<Waiting for dispatch ...>>" in r.stdout and "<<Starting on " in r.stdout
    assert f"inside {jid}" in r.stdout
    r = lsf(f"script -qec \"bsub -Is -q {DEBUG} 'tty; echo $LSB_DJOB_NUMPROC'\" /dev/null")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"/dev/pts/\d+", r.stdout)


def test_queues_and_hosts(lsf):
    queues = lsf("bqueues").stdout.splitlines()
    assert queues[0].split()[:4] == ["QUEUE_NAME", "PRIO", "STATUS", "MAX"]
    assert [line.split()[0] for line in queues[1:]] == [
        part["name"] for part in facts.partitions().values()
    ]
    assert all("Open:Active" in line for line in queues[1:])
    hosts = lsf("bhosts").stdout.splitlines()
    assert " ".join(hosts[0].split()) == "HOST_NAME STATUS JL/U MAX NJOBS RUN SSUSP USUSP RSV"
    names = [line.split()[0] for line in hosts[1:]]
    prefix = facts.get("partitions.cpu.node_prefix")
    assert f"{prefix}01" in names
    assert lsf(f"bqueues -l {CPU}").stdout.startswith(f"QUEUE: {CPU}\n")


def test_unknown_job(lsf):
    r = lsf("bjobs 99999999")
    assert r.returncode == 255 and "Job <99999999> is not found" in r.stderr
    r = lsf("bkill 99999999")
    assert r.returncode == 255 and "Job <99999999>: No matching job found" in r.stderr


def test_help_says_what_it_is(lsf):
    for command in ("bsub", "bjobs", "bkill", "bqueues", "bhosts", "bpeek", "bhist", "blaunch"):
        r = lsf(f"{command} -h")
        assert r.returncode == 0
        assert r.stdout.startswith("LSF compatibility layer over Slurm"), command
        assert "not IBM Spectrum LSF" in lsf(f"{command} -V").stderr


SIGNALLED = """#!/bin/bash
trap 'echo got USR1' USR1
echo ready
for i in $(seq 20); do sleep 0.2; done
echo end
"""


@pytest.mark.slow
def test_bkill_sends_a_signal_the_script_can_trap(lsf):
    (lsf.dir / "sig.sh").write_text(SIGNALLED)
    jid = job_id(lsf("bsub -o sig.out < sig.sh").stdout)
    until(lambda: "ready" in lsf(f"bpeek {jid}").stdout, 10, f"'ready' in bpeek {jid}", step=0.25)
    r = lsf(f"bkill -s USR1 {jid}")
    assert r.stdout.strip() == f"Job <{jid}> is being signaled"
    assert lsf.cluster.wait_job(jid, 30) == "COMPLETED"
    out = (lsf.dir / "sig.out").read_text()
    assert "got USR1" in out and out.rstrip().endswith("end")


BLAUNCH = r"""#!/bin/bash
#BSUB -n 4
#BSUB -R "span[ptile=2]"
#BSUB -o bl.out
read -r -a hosts <<< "$(echo "$LSB_HOSTS" | tr ' ' '\n' | uniq | tr '\n' ' ')"
echo "hosts ${hosts[*]}"
echo "slurm $(scontrol show hostnames "$SLURM_JOB_NODELIST" | tr '\n' ' ')"
blaunch -n 'echo slot $(hostname) $LSB_JOBID'
blaunch -n -z "${hosts[*]}" 'echo host $(hostname)'
blaunch -n "${hosts[1]}" 'echo one $(hostname)'
blaunch -n -u "$LSB_DJOB_HOSTFILE" 'echo file $(hostname)'
blaunch -n -z "${hosts[1]} ${hosts[1]} ${hosts[0]}" 'echo twice $(hostname)'
blaunch -n -z "${hosts[0]}" 'exit 3'
echo "failed task: $?"
blaunch -z nosuch hostname 2>&1
echo "bad host: $?"
"""


def test_blaunch_starts_one_task_per_host_or_slot_on_the_jobs_hosts(lsf):
    (lsf.dir / "bl.sh").write_text(BLAUNCH)
    r = lsf(f"bsub -K -q {CPU} < bl.sh", timeout=90)
    assert r.returncode == 0, r.stdout + r.stderr
    jid = job_id(r.stdout)
    out = (lsf.dir / "bl.out").read_text()
    lines = out.splitlines()
    hosts = next(line for line in lines if line.startswith("hosts ")).split()[1:]
    prefix = facts.get("partitions.cpu.node_prefix")
    assert len(hosts) == 2 and all(re.fullmatch(rf"{prefix}\d+", h) for h in hosts), out
    # the job's own nodes, as Slurm has them in the job
    slurm_nodes = next(line for line in lines if line.startswith("slurm ")).split()[1:]
    assert slurm_nodes == hosts, out

    def tasks(kind):
        return sorted(line.split()[1] for line in lines if line.split()[:1] == [kind])

    first, second = hosts
    assert tasks("slot") == [first, first, second, second], out  # one per slot
    assert all(line.endswith(f" {jid}") for line in lines if line.startswith("slot ")), out
    assert tasks("host") == [first, second], out  # -z: one per host named
    assert tasks("one") == [second], out
    assert tasks("file") == [first, first, second, second], out  # LSB_DJOB_HOSTFILE
    assert tasks("twice") == sorted([second, second, first]), out
    assert "failed task: 3" in out, out
    assert re.search(rf"blaunch: nosuch: not a host of job <{jid}>'s allocation", out), out
    assert "bad host: 255" in out, out


def test_blaunch_outside_a_job_is_refused(lsf):
    r = lsf("blaunch hostname")
    assert r.returncode == 255 and "not inside an LSF job" in r.stderr

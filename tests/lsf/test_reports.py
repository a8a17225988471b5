"""Slurm's answers read into LSF's tables (bjobs, bkill, bqueues, bhosts, bhist): no cluster."""

from datetime import datetime

import pytest
from hpcdocs.lsf import bhist, bhosts, bjobs, bkill, bpeek, bqueues, slurm

RUNNING = (
    "JobId=12 JobName=train UserId=alice(1000) GroupId=alice(1000) MCS_label=N/A Priority=1 "
    "Nice=0 Account=hpc-users QOS=normal JobState=RUNNING Reason=None Dependency=(null) "
    "ExitCode=0:0 RunTime=00:00:05 TimeLimit=01:00:00 SubmitTime=2026-11-03T18:00:00 "
    "StartTime=2026-11-03T18:00:10 EndTime=2026-11-03T19:00:10 Partition=cpu "
    "AllocNode:Sid=login1:1234 ReqNodeList=(null) NodeList=cn[01-02] BatchHost=cn01 "
    "NumNodes=2 NumCPUs=8 NumTasks=8 CPUs/Task=1 ReqB:S:C:T=0:0:*:* "
    "TRES=cpu=8,mem=1000M,node=2 Socks/Node=* JOB_GRES=(null) "
    "Nodes=cn01 CPU_IDs=0-3 Mem=500 GRES= Nodes=cn02 CPU_IDs=0-2,5 Mem=500 GRES= "
    "MinCPUsNode=1 Command=/home/alice/run.sh WorkDir=/home/alice Comment=bsub:login1:cnVuLnNo "
    "StdErr=/home/alice/o.12 StdIn=/dev/null StdOut=/home/alice/o.12 Power="
)
PENDING_ARRAY = (
    "JobId=20 ArrayJobId=20 ArrayTaskId=1-3 ArrayTaskThrottle=0 JobName=sweep "
    "UserId=alice(1000) JobState=PENDING Reason=Resources ExitCode=0:0 "
    "SubmitTime=2026-11-03T18:05:00 StartTime=Unknown EndTime=Unknown Partition=gpu "
    "AllocNode:Sid=login1:99 NodeList=(null) NumNodes=1 NumCPUs=1 NumTasks=1 "
    "Command=(null) WorkDir=/home/alice StdOut=/home/alice/s_%A_%a.out"
)
HELD = (
    RUNNING.replace("JobId=12", "JobId=13")
    .replace("JobState=RUNNING", "JobState=PENDING")
    .replace("Reason=None", "Reason=JobHeldUser")
    .replace("UserId=alice", "UserId=bob")
)
FAILED = (
    RUNNING.replace("JobId=12", "JobId=11")
    .replace("JobState=RUNNING", "JobState=FAILED")
    .replace("ExitCode=0:0", "ExitCode=3:0")
)
SACCT = (
    "9|alice|COMPLETED|cpu|2026-11-03T17:00:00|2026-11-03T17:00:02|2026-11-03T17:01:02|cn01|"
    "2|0:0|/home/alice|bsub:login1:aGVsbG8=|hello\n"
    "10_4|alice|CANCELLED by 1000|gpu|2026-11-03T17:00:00|2026-11-03T17:00:05|"
    "2026-11-03T17:00:09|gn02|1|0:15|/home/alice||job|with|bars\n"
)


def jobs():
    return slurm.parse_scontrol_jobs("\n".join([RUNNING, PENDING_ARRAY, HELD, FAILED]))


def test_scontrol_records():
    running, *array = jobs()[:4]
    assert running.hosts == [("cn01", 4), ("cn02", 4)]
    assert running.from_host == "login1" and running.stat == "RUN"
    assert running.stdout == "/home/alice/o.12" and running.slots == 8
    assert [j.lsf_id for j in array] == ["20[1]", "20[2]", "20[3]"]
    assert [j.name for j in array] == ["sweep[1]", "sweep[2]", "sweep[3]"]
    assert {j.stat for j in array} == {"PEND"}
    assert array[0].start is None


# Slurm's job state and reason: LSF's job state.
LSF_STATES = {
    ("PENDING", "Priority"): "PEND",
    ("PENDING", "JobHeldUser"): "PSUSP",
    ("RUNNING", ""): "RUN",
    ("COMPLETING", ""): "RUN",
    ("SUSPENDED", ""): "USUSP",
    ("COMPLETED", ""): "DONE",
    ("FAILED", ""): "EXIT",
    ("CANCELLED by 0", ""): "EXIT",
    ("TIMEOUT", ""): "EXIT",
    ("OUT_OF_MEMORY", ""): "EXIT",
    ("NODE_FAIL", ""): "EXIT",
}


@pytest.mark.parametrize(
    "state, reason, stat", [(state, reason, stat) for (state, reason), stat in LSF_STATES.items()]
)
def test_states(state, reason, stat):
    assert slurm.lsf_state(state, reason) == stat


def test_sacct_records():
    done, cancelled = slurm.parse_sacct(SACCT)
    assert done.stat == "DONE" and done.from_host == "login1" and done.hosts == [("cn01", 2)]
    assert cancelled.lsf_id == "10[4]" and cancelled.name == "job|with|bars[4]"
    assert cancelled.stat == "EXIT" and cancelled.signal == 15 and cancelled.from_host == "-"


def test_bjobs_default_table():
    shown = bjobs.select(jobs(), {}, [], "alice")
    text = bjobs.render(shown, {})
    lines = text.splitlines()
    assert lines[0] == bjobs.HEADER
    assert lines[1] == (
        "12      alice   RUN   cpu        login1      4*cn01      train      Nov  3 18:00"
    )
    assert lines[2] == " " * 45 + "4*cn02"
    assert lines[3].startswith("20      alice   PEND  gpu        login1                  sweep[1]")
    assert "FAILED" not in text and len(lines) == 6  # finished and bob's jobs are left out


def test_bjobs_filters():
    all_jobs = jobs()
    assert [j.lsf_id for j in bjobs.select(all_jobs, {"a": True}, [], "alice")][-1] == "11"
    assert [j.lsf_id for j in bjobs.select(all_jobs, {"d": True}, [], "alice")] == ["11"]
    assert [j.lsf_id for j in bjobs.select(all_jobs, {"u": "all", "p": True}, [], "x")] == [
        "13",
        "20[1]",
        "20[2]",
        "20[3]",
    ]
    assert bjobs.select(all_jobs, {"u": "bob"}, [], "alice")[0].stat == "PSUSP"
    assert [j.lsf_id for j in bjobs.select(all_jobs, {"J": "sw*"}, [], "alice")] == [
        "20[1]",
        "20[2]",
        "20[3]",
    ]
    assert [j.lsf_id for j in bjobs.select(all_jobs, {}, ["20[2]", "11"], "alice")] == [
        "20[2]",
        "11",
    ]
    assert [j.lsf_id for j in bjobs.select(all_jobs, {"m": "cn02"}, [], "alice")] == ["12"]


def test_bjobs_names_truncated_unless_wide():
    assert bjobs.short_name("a_rather_long_name", False) == "*long_name"
    assert bjobs.short_name("a_rather_long_name", True) == "a_rather_long_name"


def test_bjobs_long_format():
    text = bjobs.render([jobs()[0], jobs()[-1]], {"l": True})
    assert "Job <12>, Job Name <train>, User <alice>," in text
    assert "Submitted from host <login1>" in text
    assert "Started 8 Task(s) on Host(s) <4*cn01> <4*cn02>" in text.replace("\n" + " " * 21, " ")
    assert "Exited with exit code 3." in text
    assert all(len(line) <= 79 for line in text.splitlines())


def test_bkill_targets():
    all_jobs = jobs() + slurm.parse_sacct(SACCT)
    chosen, problems = bkill.targets(all_jobs, {}, ["12", "20[2]", "11", "999"], "alice")
    assert [j.lsf_id for j in chosen] == ["12", "20[2]"]
    assert problems == [
        ("11", "Job <11>: Job has already finished"),
        ("999", "Job <999>: No matching job found"),
    ]
    chosen, _ = bkill.targets(all_jobs, {}, ["0"], "alice")
    assert bkill.scancel_ids(chosen, {j.job_id for j in chosen}) == ["12", "20"]
    chosen, _ = bkill.targets(all_jobs, {}, ["20"], "alice")
    assert bkill.scancel_ids(chosen, {"20"}) == ["20"]
    chosen, _ = bkill.targets(all_jobs, {}, ["20[3]"], "alice")
    assert bkill.scancel_ids(chosen, set()) == ["20_3"]
    assert bkill.signal_name("sigusr1") == "USR1"


PARTITIONS = (
    "PartitionName=cpu AllowGroups=ALL Default=YES PriorityJobFactor=1 PriorityTier=1 "
    "MaxTime=7-00:00:00 DefaultTime=01:00:00 Nodes=cn[01-02] State=UP TotalCPUs=64\n"
    "PartitionName=gpu PriorityTier=1 MaxTime=2-00:00:00 DefaultTime=01:00:00 "
    "Nodes=gn[01-02] State=DOWN TotalCPUs=32\n"
)


def test_bqueues_rows():
    parts = bqueues.parse_partitions(PARTITIONS)
    lines = bqueues.rows(["cpu", "gpu", "debug"], parts, jobs())
    assert " ".join(lines[0].split()) == (
        "QUEUE_NAME PRIO STATUS MAX JL/U JL/P JL/H NJOBS PEND RUN SUSP"
    )
    assert lines[1].split() == ["cpu", "1", "Open:Active", "-", "-", "-", "-", "16", "8", "8", "0"]
    assert lines[2].split()[:3] == ["gpu", "1", "Open:Inact"]
    assert lines[3].split()[:3] == ["debug", "-", "Closed:Inact"]
    text = bqueues.long_format("cpu", parts["cpu"], jobs(), True)
    assert " 10080.0 min" in text and "HOSTS:  cn01 cn02" in text and "default queue" in text


# A node's state in sinfo: [its STATUS in bhosts, in bhosts -w].
BHOSTS_STATUS = {
    "idle": ["ok", "ok"],
    "mixed": ["ok", "ok"],
    "allocated": ["closed", "closed_Full"],
    "drained": ["closed", "closed_Adm"],
    "down*": ["unavail", "unavail"],
    "idle*+not_responding": ["ok", "ok"],
}


@pytest.mark.parametrize("state, short, wide", [(s, *shown) for s, shown in BHOSTS_STATUS.items()])
def test_bhosts_status(state, short, wide):
    assert bhosts.status(state, False) == short
    assert bhosts.status(state, True) == wide


def test_bhosts_rows():
    hosts = bhosts.parse_sinfo("cn01|mixed|32\ncn01|mixed|32\ncn02|idle|32\ngn01|down|16\n")
    lines = bhosts.rows(hosts, jobs(), False)
    assert " ".join(lines[0].split()) == "HOST_NAME STATUS JL/U MAX NJOBS RUN SSUSP USUSP RSV"
    assert lines[1].split() == ["cn01", "ok", "-", "32", "4", "4", "0", "0", "0"]
    assert [line.split()[0] for line in lines[1:]] == ["cn01", "cn02", "gn01"]
    assert lines[3].split()[1] == "unavail"


def test_bhist_seconds():
    now = datetime(2026, 11, 3, 18, 0, 40)
    running = jobs()[0]
    assert bhist.seconds(running, now) == {
        "PEND": 10,
        "PSUSP": 0,
        "RUN": 30,
        "USUSP": 0,
        "SSUSP": 0,
        "UNKWN": 0,
        "TOTAL": 40,
    }
    done = slurm.parse_sacct(SACCT)[0]
    assert bhist.seconds(done, now)["RUN"] == 60
    text = bhist.history(done, now)
    assert "Done successfully." in text and "Submitted from host <login1>" in text


def test_bsub_comment_round_trip():
    comment = slurm.make_comment("login1.example.edu", "python train.py --lr=0.1 x=y")
    assert slurm.read_comment(comment) == ("login1", "python train.py --lr=0.1 x=y")
    assert slurm.read_comment("something else") == ("-", "")
    assert jobs()[0].command == "run.sh"
    assert slurm.parse_sacct(SACCT)[0].command == "hello"


def test_bjobs_p_shows_each_pending_job_with_its_reason():
    shown = bjobs.select(jobs(), {"u": "all", "p": True}, [], "x")
    lines = bjobs.render(shown, {"p": True}).splitlines()
    assert lines[0] == bjobs.PENDING_HEADER and "EXEC_HOST" not in lines[0]
    assert lines[1].startswith("13      bob     PSUSP cpu        login1      train")
    assert lines[2] == " The job was suspended by the user while pending [Slurm: JobHeldUser];"
    assert lines[3].startswith("20      alice   PEND  gpu        login1      sweep[1]")
    assert lines[4] == " Job's resource requirements not satisfied [Slurm: Resources];"
    assert len(lines) == 1 + 2 * 4
    # -p1 (a pending-reason level) reads as -p
    assert bjobs.render(shown, {"p1": True}) == bjobs.render(shown, {"p": True})


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("None", "New job is waiting for scheduling [Slurm: None]"),
        ("Dependency", "Job dependency condition not satisfied [Slurm: Dependency]"),
        ("DependencyNeverSatisfied", "Dependency condition invalid or never satisfied"),
        ("Priority", "higher priority"),
        ("QOSMaxJobsPerUserLimit", "The user has reached his/her job slot limit"),
        ("JobArrayTaskLimit", "The job array has reached its job slot limit"),
        ("SomethingNew", "Pending in Slurm [Slurm: SomethingNew]"),
    ],
)
def test_pending_reasons_map_slurms_reason(reason, message):
    job = slurm.Job(job_id="1", slurm_state="PENDING", reason=reason)
    assert message in bjobs.pending_reason(job)


def test_bjobs_long_format_gives_the_pending_reason_in_lsfs_words():
    text = bjobs.render([jobs()[1]], {"l": True})
    assert (
        " PENDING REASONS:\n Job's resource requirements not satisfied [Slurm: Resources];" in text
    )


SSTAT = (
    "12.batch|cpu=00:00:03,energy=0,fs/disk=1723775,mem=75400K,pages=2,vmem=287044K|75400K\n"
    "12.0|cpu=00:01:02.500,energy=0,mem=1.5G,pages=0|1.6G\n"
)
SSTAT_PIDS = "12.batch|cn01|20139,20128\n12.0|cn01|20161\n"


def test_sstat_read_into_usage():
    usage = slurm.parse_sstat(SSTAT, SSTAT_PIDS)
    assert usage.cpu_seconds == 65.5
    assert usage.mem_kb == 75400 + int(1.5 * 1024**2)
    assert usage.max_mem_kb == int(1.6 * 1024**2)
    assert usage.pids == ["20139", "20128", "20161"]
    assert slurm.parse_sstat("", "") is None


def test_time_limits_and_sizes():
    assert slurm.limit_minutes("01:00:00") == 60
    assert slurm.limit_minutes("1-00:00:00") == 1440
    assert slurm.limit_minutes("10:00") == 10  # scontrol's MM:SS
    assert slurm.limit_minutes("UNLIMITED") is None
    assert slurm.duration_seconds("2-03") == 2 * 86400 + 3 * 3600
    assert slurm.size_kb("75400K") == 75400 and slurm.size_kb("2M") == 2048
    assert jobs()[0].time_limit == 60


def test_bjobs_long_format_of_a_running_job_shows_its_usage():
    running = jobs()[0]
    usage = slurm.parse_sstat(SSTAT, SSTAT_PIDS)
    text = bjobs.long_format(running, usage, datetime(2026, 11, 3, 18, 5, 0))
    assert "</home/alice>;\nTue Nov  3 18:05:00: Resource usage collected.\n" in text
    assert "\n" + " " * 21 + "The CPU time used is 65 seconds.\n" in text
    assert "\n" + " " * 21 + "MEM: 1.6 Gbytes;\n" + " " * 21 + "PIDs: 20139 20128 20161" in text
    assert "\n\n RUNLIMIT\n 60.0 min\n\n MEMORY USAGE:\n MAX MEM: 1.6 Gbytes" in text
    assert all(len(line) <= 79 for line in text.splitlines())
    # LSF leaves out a CPU time of 0; small figures are whole Mbytes
    idle = slurm.parse_sstat("12.batch|cpu=00:00:00,mem=15024K|15024K\n", "")
    text = bjobs.long_format(running, idle, datetime(2026, 11, 3, 18, 5, 0))
    assert "CPU time" not in text and "MEM: 15 Mbytes;" in text and "PIDs" not in text
    # no usage paragraphs without sstat's reading, nor for a pending job
    assert "Resource usage" not in bjobs.long_format(running)
    pending = bjobs.long_format(jobs()[1], usage)
    assert "Resource usage" not in pending and "MEMORY USAGE" not in pending


def test_bpeek_follow_prints_what_the_job_wrote_as_it_ended(tmp_path, monkeypatch, capsys):
    out = tmp_path / "o.12"
    out.write_text("step 1\n")
    running = slurm.parse_scontrol_jobs(RUNNING.replace("/home/alice/o.12", str(out)))
    monkeypatch.setattr(slurm, "live_jobs", lambda: running)
    monkeypatch.setattr(bpeek, "user", lambda: "alice")
    monkeypatch.setattr(bpeek.time, "sleep", lambda seconds: None)

    def ends(job):  # the job prints its last line and ends after bpeek's read
        with out.open("a") as fh:
            fh.write("done\n")
        return True

    monkeypatch.setattr(bpeek, "finished", ends)
    assert bpeek.body(["-f", "12"]) == 0
    assert capsys.readouterr().out == "<< output from stdout >>\nstep 1\ndone\n"

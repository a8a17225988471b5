"""bsub's options and #BSUB lines translated to Slurm: pure functions, no cluster."""

import pytest
from hpcdocs.lsf import LsfError, bsub_args, jobenv, resources, translate

FACTS = {
    "partitions": {
        "cpu": {"name": "cpu", "default": True},
        "gpu": {"name": "gpu", "gpu_type": "a100", "gpus_per_node": 4},
        "debug": {"name": "debug"},
    },
    # -M is the job's total (LSB_JOB_MEMLIMIT=Y); no unit_for_limits: a bare -M is refused.
    "lsf": {"reserve_per_task": False, "job_memlimit": True},
}
NODES = {"cpu": ["cn01", "cn02"], "gpu": ["gn01", "gn02"], "debug": ["cn01", "cn02"]}


def slurm_options(argv, script=None, nodes=NODES):
    options, command = bsub_args.parse_command_line(argv)
    if script is not None:
        options = bsub_args.merge(bsub_args.parse_script(script), options)
    return translate.plan(options, command, script, FACTS, queue_nodes=nodes).slurm


def test_plain_command_goes_to_the_default_queue():
    plan = translate.plan(*bsub_args.parse_command_line(["python", "train.py"]), None, FACTS)
    assert plan.slurm == ["--partition=cpu", "--job-name=python train.py", "--ntasks=1"]
    assert not plan.queue_given
    assert translate.default_name(["python", "train.py"], None) == "python train.py"


def test_common_options():
    got = slurm_options(
        [
            "-J",
            "train",
            "-q",
            "gpu",
            "-n",
            "4",
            "-R",
            "span[hosts=1]",
            "-R",
            "rusage[mem=4GB]",
            "-W",
            "2:30",
            "-o",
            "out.%J",
            "-e",
            "err.%J",
            "python",
            "train.py",
        ]
    )
    assert got == [
        "--partition=gpu",
        "--job-name=train",
        "--ntasks=4",
        "--nodes=1",
        "--mem=4096M",
        "--time=02:30:00",
        "--output=out.%j",
        "--error=err.%j",
        "--open-mode=append",
    ]


def test_options_stop_at_the_command():
    options, command = bsub_args.parse_command_line(["-n", "2", "python", "-n", "3"])
    assert command == ["python", "-n", "3"]
    assert options["n"] == ("n", "2")


def test_bsub_lines_are_read_and_the_command_line_wins():
    script = (
        "#!/bin/bash\n#BSUB -J fromscript\n#BSUB -n 2 -q gpu\n# plain comment\n"
        "#BSUB -o a.out\necho hi\n#BSUB -n 99\n"
    )
    got = slurm_options(["-n", "8"], script)
    assert "--job-name=fromscript" in got
    assert "--ntasks=8" in got
    assert "--partition=gpu" in got
    assert "--ntasks=99" not in got  # #BSUB after the first command is not read


def test_oo_on_the_command_line_overrides_o_in_the_script():
    got = slurm_options(["-oo", "new.log"], "#BSUB -o old.log\nhostname\n")
    assert got[-2:] == ["--output=new.log", "--open-mode=truncate"]


def test_script_errors_name_the_line():
    with pytest.raises(LsfError, match=r"line 3: -app: option not supported"):
        bsub_args.parse_script("#!/bin/bash\n#BSUB -J x\n#BSUB -app big\n")
    with pytest.raises(LsfError, match=r"line 1: .*not an option"):
        bsub_args.parse_script("#BSUB -J x extra\n")


@pytest.mark.parametrize(
    "argv, named",
    [
        (["-G", "grp", "ls"], "-G"),
        (["-L", "/bin/sh", "ls"], "-L"),
        (["-P", "proj", "ls"], "-P"),
        (["-app", "x", "ls"], "-app"),
        (["-bogus", "ls"], "-bogus: Illegal option"),
    ],
)
def test_unsupported_options_are_refused_by_name(argv, named):
    with pytest.raises(LsfError, match=named):
        bsub_args.parse_command_line(argv)


def resource_string(value: str) -> list[str]:
    """The Slurm options of `bsub -R VALUE ls`."""
    return slurm_options(["-R", value, "ls"])


def gpu_string(value: str) -> resources.GpuReq:
    """-gpu VALUE for a queue of A100s."""
    return resources.gpu(value, "a100")


# What the reader of an option's value makes of each value: {reader: {value: for Slurm}}.
TRANSLATED = {
    resources.time_limit: {  # -W
        "10": "00:10:00",
        "90": "01:30:00",
        "1:00": "01:00:00",
        "48:00": "48:00:00",
    },
    resources.dependency: {  # -w
        "done(12)": "afterok:12",
        "12": "afterok:12",
        "ended(12) && exit(13)": "afterany:12,afternotok:13",
        "started(5)||done(6)": "after:5?afterok:6",
        "done(7[3])": "afterok:7_3",
    },
}
# Values refused, with the words the refusal names them by: {reader: {value: words}}.
REFUSED = {
    resources.time_limit: {"1:75": "-W", "abc": "-W", "0": "-W", "10/hostA": "-W"},
    resource_string: {  # what Slurm cannot be asked for
        "select[mem>100]": "select",
        "rusage[mem=100:duration=10]": "rusage",
        "span[hosts=2]": "span",
        "order[r15s]": "order",
        "mem>100": "syntax",
        "rusage[mem=1/job]": "job",
    },
    gpu_string: {
        "num=1:gmodel=V100": "gmodel=V100",
        "num=0": "num=0",
        "num=1:mode=exclusive": "mode",
        "num=1:mps=per_socket": "mps=per_socket",
        "num=1:gmem=10G": "gmem",
        "num=1:gvendor=amd": "gvendor=amd",
        "num": "not key=value",
    },
    resources.dependency: {
        "done(a) && ended(b) || exit(c)": "mixing",
        "numdone(12, *)": "numdone",
        "done(myjob)": "job names",
        "!done(3)": "not supported",
    },
}


def each_value(table: dict):
    """Parametrize over (reader, value, expected) of a table, with ids such as time_limit:10."""
    return pytest.mark.parametrize(
        "read, value, expected",
        [
            pytest.param(read, value, expected, id=f"{read.__name__}:{value}")
            for read, values in table.items()
            for value, expected in values.items()
        ],
    )


@each_value(TRANSLATED)
def test_values_translated(read, value, expected):
    assert read(value) == expected


@each_value(REFUSED)
def test_values_refused_by_name(read, value, expected):
    with pytest.raises(LsfError, match=expected):
        read(value)


def test_ptile_spreads_slots_over_nodes():
    got = slurm_options(["-n", "6", "-R", "span[ptile=4]", "ls"])
    assert "--nodes=2" in got and "--ntasks-per-node=4" in got


def test_memory_units_and_per_task():
    assert "--mem=500M" in slurm_options(["-R", "rusage[mem=500]", "ls"])
    assert "--mem-per-cpu=2048M" in slurm_options(["-R", "rusage[mem=2G/task]", "ls"])
    assert "--mem=1M" in slurm_options(["-R", "rusage[mem=512KB]", "ls"])


def test_gpu_options():
    assert "--gres=gpu:2" in slurm_options(
        ["-q", "gpu", "-gpu", "num=2:mode=exclusive_process:mps=no", "ls"]
    )
    assert "--gres=gpu:1" in slurm_options(["-q", "gpu", "-gpu", "-", "ls"])
    assert "--gres=gpu:a100:1" in slurm_options(
        ["-q", "gpu", "-gpu", "num=1:gmodel=NVIDIAA100", "ls"]
    )
    assert "--gpus-per-task=2" in slurm_options(["-q", "gpu", "-gpu", "num=2/task", "ls"])
    req = resources.gpu("num=1:mode=shared:mps=yes:j_exclusive=yes", "a100")
    assert req.mps and req.j_exclusive and req.mode == "shared"


def test_job_arrays_and_index_in_file_names():
    got = slurm_options(["-J", "sweep[1-10:2]%3", "-o", "logs/%J_%I.out", "ls"])
    assert "--job-name=sweep" in got and "--array=1-10:2%3" in got
    assert "--output=logs/%A_%a.out" in got
    assert resources.job_name("a[1,3,5-7]") == ("a", "1,3,5-7")
    with pytest.raises(LsfError, match="array"):
        resources.job_name("a[1-x]")


def test_output_names():
    assert resources.output_pattern("o.%J.%I", "out", False, False) == "o.%j.0"
    assert resources.output_pattern("100%_%J", "out", False, False) == "100%%_%j"
    assert resources.output_pattern("logs/", "err", True, True) == "logs/%A_%a.err"


def test_mixed_append_and_overwrite_is_refused():
    with pytest.raises(LsfError, match="both appended or both overwritten"):
        slurm_options(["-oo", "a", "-e", "b", "ls"])


def test_hosts():
    assert "--nodelist=cn02" in slurm_options(["-m", "cn02", "ls"])
    got = slurm_options(["-q", "gpu", "-m", "gn01 gn02", "ls"])
    assert not any(opt.startswith(("--nodelist", "--exclude")) for opt in got)
    got = slurm_options(["-m", "cn01 cn02", "ls"], nodes={"cpu": ["cn01", "cn02", "cn03"]})
    assert "--exclude=cn03" in got
    with pytest.raises(LsfError, match="gn01: Bad host name"):
        slurm_options(["-m", "gn01", "ls"])  # a GPU node, but the queue is cpu


def test_unknown_queue():
    with pytest.raises(LsfError, match="nosuch: No such queue. Job not submitted."):
        slurm_options(["-q", "nosuch", "ls"])


def test_interactive_and_wait_conflicts():
    plan = translate.plan(*bsub_args.parse_command_line(["-Is", "bash"]), None, FACTS)
    assert plan.interactive == "Is"
    with pytest.raises(LsfError, match="-K cannot be used"):
        translate.plan(*bsub_args.parse_command_line(["-Is", "-K", "bash"]), None, FACTS)
    with pytest.raises(LsfError, match="array"):
        translate.plan(*bsub_args.parse_command_line(["-I", "-J", "a[1-2]", "ls"]), None, FACTS)


def test_batch_script_runs_the_stdin_script_whole(tmp_path):
    script = '#!/bin/bash\n#BSUB -J t\necho "$LSB_JOBNAME"\n'
    plan = translate.plan({}, [], script, FACTS)
    text = translate.batch_script(plan, [], script, "jobenv")
    assert text.startswith("#!/bin/bash\n")
    assert "eval \"$(jobenv --name '#!/bin/bash')\"" in text
    assert script.strip() in text
    plan = translate.plan({}, ["echo", "hi"], None, FACTS)
    assert translate.batch_script(plan, ["echo", "hi"], None, "jobenv").endswith("\necho hi\n")


def test_job_environment_variables():
    env = {
        "SLURM_JOB_ID": "42",
        "SLURM_JOB_NODELIST": "cn[01-02]",
        "SLURM_TASKS_PER_NODE": "2(x2)",
        "SLURM_JOB_PARTITION": "cpu",
        "SLURM_SUBMIT_DIR": "/w",
    }
    got = jobenv.lsf_variables(env, "train")
    assert got["LSB_JOBID"] == "42" and got["LSB_JOBNAME"] == "train"
    assert got["LSB_HOSTS"] == "cn01 cn01 cn02 cn02"
    assert got["LSB_MCPU_HOSTS"] == "cn01 2 cn02 2"
    assert got["LSB_DJOB_NUMPROC"] == "4" and got["LSB_JOBINDEX"] == "0"
    array = jobenv.lsf_variables(
        {**env, "SLURM_JOB_ID": "50", "SLURM_ARRAY_JOB_ID": "45", "SLURM_ARRAY_TASK_ID": "3"},
        "sweep",
    )
    assert array["LSB_JOBID"] == "45" and array["LSB_JOBINDEX"] == "3"
    assert array["LSB_JOBNAME"] == "sweep[3]"


def test_hostlists():
    assert jobenv.expand_hostlist("cn[01-03,07],gn1") == ["cn01", "cn02", "cn03", "cn07", "gn1"]
    assert jobenv.expand_hostlist("cn01") == ["cn01"]
    assert jobenv.tasks_per_node("2(x3),1") == [2, 2, 2, 1]


def test_memory_limit_and_mail():
    assert "--mem=4096M" in slurm_options(["-M", "4GB", "ls"])
    assert "--mem=8192M" in slurm_options(["-M", "8G!", "-R", "rusage[mem=4000]", "ls"])
    with pytest.raises(LsfError, match="give a unit"):
        slurm_options(["-M", "4000", "ls"])
    with pytest.raises(LsfError, match="below rusage"):
        slurm_options(["-M", "1GB", "-R", "rusage[mem=2GB]", "ls"])
    got = slurm_options(["-B", "-N", "-u", "me@example.edu", "ls"])
    assert got[-2:] == ["--mail-type=BEGIN,END,FAIL", "--mail-user=me@example.edu"]


def test_mps_yes_starts_the_mps_daemon_in_the_job():
    options, command = bsub_args.parse_command_line(["-q", "gpu", "-gpu", "num=1:mps=yes", "ls"])
    plan = translate.plan(options, command, None, FACTS)
    text = translate.batch_script(plan, command, None, "jobenv")
    assert "nvidia-cuda-mps-control -d" in text and text.endswith("\nls\n")
    plan = translate.plan(*bsub_args.parse_command_line(["-gpu", "num=1", "ls"]), None, FACTS)
    assert "mps" not in translate.batch_script(plan, ["ls"], None, "jobenv")


def test_several_sections_in_one_resource_string():
    got = slurm_options(["-n", "4", "-R", "span[hosts=1] rusage[mem=1000]", "ls"])
    assert "--nodes=1" in got and "--mem=1000M" in got


def test_other_commands_refuse_unknown_options_by_name():
    from hpcdocs.lsf.cli import split_flags

    options, operands = split_flags(["-a", "-u", "all", "12", "13[2]"], {"a"}, {"u"}, "bjobs")
    assert options == {"a": True, "u": "all"} and operands == ["12", "13[2]"]
    with pytest.raises(LsfError, match=r"bjobs: -o: option not supported"):
        split_flags(["-o", "jobid"], {"a"}, {"u"}, "bjobs")


def site(**lsf):
    """FACTS with other lsf: settings (how another site's LSF counts memory)."""
    return {**FACTS, "lsf": {**FACTS["lsf"], **lsf}}


def options_for(argv, facts):
    options, command = bsub_args.parse_command_line(argv)
    return translate.plan(options, command, None, facts, queue_nodes=NODES).slurm


def test_bare_numbers_are_in_the_sites_unit_for_limits():
    assert "--mem=4000M" in options_for(["-M", "4000", "ls"], site(unit_for_limits="MB"))
    assert "--mem=4M" in options_for(["-M", "4000", "ls"], site(unit_for_limits="KB"))
    assert "--mem=2048M" in options_for(["-M", "2", "ls"], site(unit_for_limits="GB"))
    # rusage[mem]: MB when the site sets no unit, else the site's unit
    assert "--mem=2048M" in options_for(["-R", "rusage[mem=2048]", "ls"], FACTS)
    assert "--mem=2048M" in options_for(["-R", "rusage[mem=2]", "ls"], site(unit_for_limits="GB"))
    # an explicit unit wins
    assert "--mem=4096M" in options_for(["-M", "4GB", "ls"], site(unit_for_limits="KB"))


def test_rusage_is_per_host_unless_the_site_reserves_per_task():
    argv = ["-n", "4", "-R", "span[hosts=1] rusage[mem=500]", "ls"]
    assert "--mem=500M" in options_for(argv, FACTS)
    assert "--mem-per-cpu=500M" in options_for(argv, site(reserve_per_task=True))
    # /host and /task in the string win over the site's default
    host = ["-n", "4", "-R", "span[hosts=1] rusage[mem=500/host]", "ls"]
    assert "--mem=500M" in options_for(host, site(reserve_per_task=True))


def test_job_memory_limit_is_shared_over_the_jobs_hosts():
    four_hosts = ["-n", "8", "-R", "span[ptile=2]", "-M", "8GB", "ls"]
    assert "--mem=2048M" in options_for(four_hosts, FACTS)
    assert "--mem=8192M" in options_for(
        ["-n", "8", "-R", "span[hosts=1]", "-M", "8GB", "ls"], FACTS
    )
    with pytest.raises(LsfError, match=r"needs the number of hosts fixed"):
        options_for(["-n", "8", "-M", "8GB", "ls"], FACTS)
    with pytest.raises(LsfError, match=r"below rusage\[mem=4096MB\] per host"):
        options_for(["-n", "8", "-R", "span[ptile=2] rusage[mem=4GB]", "-M", "8GB", "ls"], FACTS)


def test_per_process_memory_limit_is_per_task():
    per_process = site(job_memlimit=False)
    got = options_for(["-n", "4", "-M", "2GB", "ls"], per_process)
    assert "--mem-per-cpu=2048M" in got and not any(o.startswith("--mem=") for o in got)
    with pytest.raises(LsfError, match=r"not both"):
        options_for(["-M", "2GB", "-R", "rusage[mem=1GB]", "ls"], per_process)


def test_facts_without_an_lsf_section_take_lsfs_defaults():
    bare = {"partitions": FACTS["partitions"]}
    # LSF's defaults: rusage per host, -M each process's limit, no unit known
    assert "--mem=100M" in options_for(["-n", "2", "-R", "rusage[mem=100]", "ls"], bare)
    assert "--mem-per-cpu=1024M" in options_for(["-M", "1GB", "ls"], bare)
    with pytest.raises(LsfError, match=r"lsf\.unit_for_limits"):
        options_for(["-M", "1000", "ls"], bare)

"""bsub: submit a job, LSF-style, through Slurm's sbatch (or salloc/srun for -I/-Is)."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time

from hpcdocs import facts
from hpcdocs.lsf import LsfError, bsub_args, slurm, translate
from hpcdocs.lsf.cli import main_wrapper
from hpcdocs.lsf.resources import NOT_SUBMITTED

HELP = """
usage: bsub [options] command [arguments]
       bsub [options] < job_script        (#BSUB lines in the script are read)
       bsub -h | -V

Submits a job to the test cluster's Slurm and answers, as LSF does,
"Job <ID> is submitted to queue <QUEUE>." ("default queue" when no -q was
given); the job ID is Slurm's. Options given on the command line
win over the same options in the script's #BSUB lines. `bsub job.sh` runs
job.sh as a command and does not read its #BSUB lines, as in LSF.

Supported options and what they become in Slurm:
  -J name | -J "name[1-10:2]%N"   --job-name; a job array (--array), %I = index
  -q queue                        --partition (queues are the partitions)
  -m "host ..."                   one host: --nodelist; several: the others excluded
  -n slots                        --ntasks
  -R "span[hosts=1]"              --nodes=1 (span[hosts=-1]: no limit)
  -R "span[ptile=N]"              --ntasks-per-node=N
  -R "rusage[mem=N[/task|/host]]" --mem (per host, LSF's default) or --mem-per-cpu
                                  (/task, or cluster.yml lsf.reserve_per_task: true);
                                  N with KB/MB/GB/TB, or in lsf.unit_for_limits (MB)
  -W [hour:]minute                --time
  -o file / -oo file              --output, appended / overwritten; %J and %I
  -e file / -eo file              --error, appended / overwritten
  -gpu "num=N[/task|host]:mode=shared|exclusive_process:mps=yes|no:
        j_exclusive=yes|no:gmodel=MODEL:gvendor=nvidia"  or -gpu -
                                  --gres=gpu[:type]:N (--gpus-per-task for /task);
                                  gmodel must name the cluster's GPU type; mps=yes
                                  starts NVIDIA MPS in the job; Slurm already gives
                                  a job its GPUs alone, and exclusive_process cannot
                                  set the GPUs' compute mode (that needs root)
  -w "done(ID) && ended(ID)"      --dependency (done=afterok, exit=afternotok,
                                  ended=afterany, started=after; && or ||)
  -K                              wait for the job; exit with its exit code
  -I / -Is command                interactive (salloc + srun, -Is: srun --pty, a
                                  terminal); a command is required
  -M amount[!]                    lsf.job_memlimit: true (LSB_JOB_MEMLIMIT=Y): the
                                  job's total, --mem shared evenly over its hosts
                                  (their number must be fixed by span[]); false:
                                  each process's limit, --mem-per-cpu. A bare
                                  number is in lsf.unit_for_limits (refused if unset)
  -B / -N / -u address            --mail-type=BEGIN / END,FAIL, --mail-user
  -x                              --exclusive
  -cwd dir                        --chdir

Any other bsub option, or a value outside this list, is refused with a
message naming it: nothing is dropped silently. Without -o, LSF would mail
the output; here it goes to Slurm's default file, slurm-<jobid>.out.
Inside the job: LSB_JOBID, LSB_JOBNAME, LSB_QUEUE, LSB_HOSTS, LSB_MCPU_HOSTS,
LSB_DJOB_HOSTFILE (one host a line, a line per slot), LSB_DJOB_NUMPROC,
LSB_JOBINDEX (0 outside arrays), LSB_SUBCWD, and for -gpu CUDA_VISIBLE_DEVICES
(set by Slurm); blaunch starts tasks on the job's hosts (see blaunch -h).
"""


def env_command() -> str:
    """The command a job runs to get LSF's variables (see jobenv.py): this
    Python, which has the package installed (no PYTHONPATH)."""
    return f"{shlex.quote(sys.executable)} -m hpcdocs.lsf.jobenv"


def read_script() -> str:
    """The job script from stdin; at a terminal, LSF's bsub> prompt."""
    if not sys.stdin.isatty():
        return sys.stdin.read()
    lines = []
    while True:
        try:
            lines.append(input("bsub> "))
        except EOFError:
            sys.stdout.write("\n")
            return "\n".join(lines) + "\n"


def submit_message(plan: translate.Plan, job_id: str) -> str:
    where = "queue" if plan.queue_given else "default queue"
    return f"Job <{job_id}> is submitted to {where} <{plan.queue}>."


def body(argv: list[str]) -> int:
    cmd_options, command = bsub_args.parse_command_line(argv)
    script = None
    options = cmd_options
    if not command and "interactive" in cmd_options:
        # Refused before stdin is read: at a terminal, the bsub> prompt would wait.
        raise translate.no_command(cmd_options["interactive"][0])
    if not command:
        script = read_script()
        if not script.strip():
            raise LsfError(f"No command is specified. {NOT_SUBMITTED}")
        options = bsub_args.merge(bsub_args.parse_script(script, "job script (stdin)"), cmd_options)
    cluster = facts.load()
    needs_nodes = "m" in options
    plan = translate.plan(
        options,
        command,
        script,
        cluster,
        queue_nodes=slurm.partition_nodes() if needs_nodes else None,
        cwd_is_dir=os.path.isdir,
    )
    if plan.interactive:
        return interactive(plan, command)
    job_script = translate.batch_script(plan, command, script, env_command())
    shown = translate.default_name(command, script)  # bjobs -l's Command
    try:
        # --ignore-pbs: sbatch would read the script's #BSUB lines itself.
        out = slurm.call(
            [
                "sbatch",
                "--parsable",
                "--ignore-pbs",
                f"--comment={slurm.make_comment(socket.gethostname(), shown)}",
                *plan.slurm,
            ],
            input_text=job_script,
        )
    except LsfError as err:
        raise LsfError(f"{err}. {NOT_SUBMITTED}") from None
    job_id = out.strip().split(";")[0]
    print(submit_message(plan, job_id), flush=True)
    if plan.wait:
        return wait_for(job_id)
    return 0


def job_record(job_id: str) -> slurm.Job | None:
    out = slurm.call(["scontrol", "show", "job", "-d", "-o", job_id], check=False)
    jobs = slurm.parse_scontrol_jobs(out)
    return jobs[0] if jobs else None


def wait_for(job_id: str) -> int:
    """-K: wait until the job (every element of an array) ends; its exit code,
    126 if it was killed while pending, as LSF's bsub -K."""
    print("<<Waiting for dispatch ...>>", flush=True)
    started = False
    while True:
        jobs = slurm.parse_scontrol_jobs(
            slurm.call(["scontrol", "show", "job", "-d", "-o", job_id], check=False)
        )
        if not jobs:
            raise LsfError(f"Job <{job_id}> is not found")
        started = started or any(job.start is not None for job in jobs)
        if all(job.stat in slurm.FINISHED for job in jobs):
            print("<<Job is finished>>", flush=True)
            if not started and any(job.stat == "EXIT" for job in jobs):
                return 126
            codes = [128 + job.signal if job.signal else job.exit_code for job in jobs]
            return next((code for code in codes if code), 0)
        time.sleep(0.5)


SALLOC_LINE = re.compile(r"salloc: (Pending|Granted) job allocation (\d+)")
SRUN_EXIT = re.compile(r"srun: error: \S+: task \d+: Exited with exit code \d+")


def interactive(plan: translate.Plan, command: list[str]) -> int:
    """-I/-Is: salloc the job's resources, srun one copy of the command in them."""
    # The command line runs in a shell, as in LSF (and as in batch jobs here).
    inner = "\n".join([*translate.job_env_lines(env_command(), plan.name), " ".join(command)])
    pty = "--pty " if plan.interactive == "Is" else ""
    env = (
        'export LSF_JOB_TASKS_PER_NODE="$SLURM_TASKS_PER_NODE"; '
        f"exec srun --ntasks=1 --nodes=1 {pty}bash -c {shlex.quote(inner)}"
    )
    cmd = ["salloc", *plan.slurm, "bash", "-c", env]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    relay = threading.Thread(target=relay_salloc, args=(proc, plan), daemon=True)
    relay.start()
    status = proc.wait()
    relay.join(timeout=5)
    return status


def relay_salloc(proc: subprocess.Popen, plan: translate.Plan) -> None:
    """salloc's messages as LSF's; everything else passes through to stderr."""
    announced = False
    for line in proc.stderr:
        match = SALLOC_LINE.match(line)
        if match:
            job_id = match.group(2)
            if not announced:
                print(submit_message(plan, job_id), flush=True)
                print("<<Waiting for dispatch ...>>", flush=True)
                announced = True
            if match.group(1) == "Granted":
                job = job_record(job_id)
                host = job.hosts[0][0] if job and job.hosts else "?"
                print(f"<<Starting on {host}>>", flush=True)
        elif SRUN_EXIT.match(line):
            continue  # the exit status is bsub's own
        elif line.startswith("salloc: "):
            if "error" in line:
                sys.stderr.write(
                    line.replace("salloc: error: ", "").rstrip() + f". {NOT_SUBMITTED}\n"
                )
            continue
        else:
            sys.stderr.write(line)
            sys.stderr.flush()


main = main_wrapper("bsub", body, HELP)

if __name__ == "__main__":
    sys.exit(main())

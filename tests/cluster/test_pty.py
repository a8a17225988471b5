"""The pages' interactive shells (`srun --pty bash -i`, `bsub -Is bash`) on a
pseudo-terminal, as a person at a keyboard: each test takes the command line from
the snippet file, as the page shows it with this cluster's facts, and types into
the shell it opens. The static snippets name these tests with tested-by=."""

from __future__ import annotations

import re

from hpcdocs import facts
from hpcdocs.snippettests import Catalog, console
from ptyshell import run_on_pty

CATALOG = Catalog.load()
# What a test types first: where the shell runs, and what the job gave it.
WHERE = (
    b"echo node=$(hostname) job=$SLURM_JOB_ID cpus=$SLURM_CPUS_PER_TASK"
    b" gpus=${CUDA_VISIBLE_DEVICES:-none} tty=$(tty)\n"
)


def page_command(path: str) -> tuple[str, list[str]]:
    """(the transcript's first command, the lines typed at its shell's prompt).

    A typed line is sample output of the form `[alice@NODE ~]$ TEXT` (or with a
    `(env) ` prefix); the transcript's own `$ ` lines are the reader's login shell."""
    text = CATALOG[path].rendered()
    (_, first), *_ = console.commands(text)
    typed = [m.group(1) for m in re.finditer(r"^(?:\(\S+\) )?\[\w+@\S+ ~\]\$ (.*)$", text, re.M)]
    return first.replace("\\\n", " "), typed


# What the terminal shows that is not text: colour, bracketed-paste mode, carriage returns.
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def lines(text: str) -> list[str]:
    return CONTROL.sub("", text).splitlines()


def shell_line(text: str) -> str:
    """The WHERE line as the shell printed it (not as the terminal echoed it)."""
    return next(ln for ln in lines(text) if "node=" in ln and "$(" not in ln)


def field(line: str, name: str) -> str:
    return line.split(f"{name}=")[1].split()[0]


def test_interactive_shell_on_a_compute_node(cluster):
    """slurm/06-srun-pty.console: the page's srun line, then what the page types
    (`hostname`, `exit`)."""
    command, typed = page_command("slurm/06-srun-pty.console")
    assert "--pty bash -i" in command and typed[-1] == "exit", (command, typed)
    part = facts.get("partitions.debug.name")
    cluster.require_partition(part)
    rc, text = run_on_pty(command, cluster.env, WHERE + "".join(f"{t}\n" for t in typed).encode())
    assert rc == 0, text
    line = shell_line(text)
    node = field(line, "node")
    assert re.fullmatch(rf"{facts.get('partitions.cpu.node_prefix')}\d+", node), text
    assert field(line, "job").isdigit(), text
    assert field(line, "cpus") == "2", text  # the page's --cpus-per-task=2
    assert re.search(r"tty=/dev/pts/\d+", line), text
    # `hostname` as typed prints the node, as the page's sample output shows
    assert node in lines(text), text
    assert cluster.wait_job(field(line, "job"), 30) == "COMPLETED"


def test_gpu_shell_from_the_templates_page(cluster):
    """templates/07-interactive.slurm.console: the page's srun line for one GPU; then
    `module load` as the page types it. `conda activate torch` and `python report.py`
    are the reader's own environment and script, left out here."""
    command, typed = page_command("templates/07-interactive.slurm.console")
    assert typed[0].startswith("module load "), typed
    cluster.require_test_cluster("the test cluster's GPU nodes are mock GPUs with known indexes")
    cluster.require_partition(facts.get("partitions.gpu.name"))
    keys = WHERE + f"{typed[0]} && echo module=loaded\nexit\n".encode()
    rc, text = run_on_pty(command, cluster.env, keys)
    assert rc == 0, text
    line = shell_line(text)
    assert re.fullmatch(rf"{facts.get('partitions.gpu.node_prefix')}\d+", field(line, "node")), text
    assert field(line, "cpus") == "4" and field(line, "gpus") == "0", text
    assert "module=loaded" in lines(text), text
    assert cluster.wait_job(field(line, "job"), 30) == "COMPLETED"


def test_bsub_is_shell_on_a_compute_node(cluster, tmp_path):
    """templates/07-interactive.lsf.console: the page's bsub -Is line (the LSF layer:
    salloc + srun --pty), typed at a terminal; then `module load` as the page types it
    and blaunch, one task per slot."""
    command, typed = page_command("templates/07-interactive.lsf.console")
    assert command.startswith("bsub -Is ") and typed[0].startswith("module load "), command
    cluster.require_test_cluster("the LSF layer drives the test cluster's Slurm")
    gpu = facts.get("partitions.gpu.name")
    cluster.require_partition(gpu)
    rc, text = run_on_pty(
        f"cd {tmp_path} && {command}",
        cluster.env,
        b"echo node=$(hostname) job=$LSB_JOBID slurm=$SLURM_JOB_ID n=$LSB_DJOB_NUMPROC"
        b" gpus=$CUDA_VISIBLE_DEVICES tty=$(tty)\n"
        + f"{typed[0]} && echo module=loaded\n".encode()
        + b"blaunch -n 'echo task on $(hostname)'\n"
        b"exit\n",
    )
    assert rc == 0, text
    job = re.search(rf"Job <(\d+)> is submitted to queue <{gpu}>\.", text)
    assert job and "<<Starting on " in text, text
    line = shell_line(text)
    node = field(line, "node")
    assert re.fullmatch(rf"{facts.get('partitions.gpu.node_prefix')}\d+", node), text
    assert f"job={job.group(1)} slurm={job.group(1)} n=4 gpus=0 " in line, text
    assert re.search(r"tty=/dev/pts/\d+", line), text
    assert "module=loaded" in lines(text), text
    # blaunch in the interactive job: one task per slot, all on the job's one host
    tasks = [ln.strip() for ln in lines(text) if ln.startswith("task on ")]
    assert tasks == [f"task on {node}"] * 4, text
    assert cluster.wait_job(job.group(1), 30) == "COMPLETED"

"""python-jobs/13-oom-result.console is the page's sample of what the reader sees after
python-jobs/12-too-much-memory.sh: this test runs 12 (through the snippet runner, which
checks its OUT_OF_MEMORY state), then types 13's commands with the real job id and holds
the output to the sample, line by line, in shape: the same messages, the same sacct
columns, states and exit codes, and the line of the reader's copy of the script that
bash names when the kernel kills python."""

from __future__ import annotations

import re
import subprocess

import pytest
from hpcdocs.poll import until
from hpcdocs.snippettests import console
from hpcdocs.snippettests.header import header_lines

JOB = "python-jobs/12-too-much-memory.sh"
SAMPLE = "python-jobs/13-oom-result.console"
SAMPLE_ID = "5230"


def reader_lines(catalog) -> list[str]:
    """The job script as the page shows it (its `# test:` lines hidden)."""
    text = catalog[JOB].text
    hidden = {n for n, _ in header_lines(text, JOB)}
    return [ln for n, ln in enumerate(text.splitlines(), start=1) if n not in hidden]


# slurmdbd's stand-in row: when a job's end reaches slurmdbd before the job's own start
# record (Slurm's accounting under load: a 2-core machine running four test workers, or a
# job as short as this one), slurmdbd writes the job's row itself, named "allocation"
# (as_mysql_job.c) and with no requested memory ("16?"), and fills it in when the start
# record arrives, a few seconds later. sacct shows whichever is there when it asks.
PLACEHOLDER = "allocation"


@pytest.mark.cluster
def test_sample_output_is_what_the_job_gives(catalog, runner):
    outcome = runner.outcome(catalog[JOB])
    if outcome.outcome == "skipped":
        pytest.skip(outcome.reason)
    assert outcome.passed, outcome.reason
    jobid = next(d.split(": ")[1] for d in outcome.details if d.startswith("job id: "))
    workdir = re.match(r"cd (\S+) && ", outcome.command).group(1)

    sample = catalog[SAMPLE].rendered()
    assert SAMPLE_ID in sample
    until(
        lambda: (row := sacct_row(runner, workdir, jobid)) and row[0] != PLACEHOLDER,
        timeout=120,
        what=lambda: f"job {jobid}'s own row in sacct: {sacct_row(runner, workdir, jobid)}",
        step=1,
    )
    check_transcript(catalog, runner, sample, workdir, jobid)


def sacct_row(runner, workdir: str, jobid: str) -> list[str]:
    """JobName, ReqMem and State of the job's row (not its steps')."""
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-j", jobid, "--format=JobName,ReqMem,State"],
        cwd=workdir, env=runner.cluster.env, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return out.strip().split("|") if out.strip() else []


def check_transcript(catalog, runner, sample: str, workdir: str, jobid: str) -> None:
    steps = console.commands(sample)
    lines = sample.splitlines()
    ends = [n for n, _ in steps[1:]] + [len(lines) + 1]
    for (number, command), end in zip(steps, ends, strict=True):
        shown = lines[number : end - 1]
        real = subprocess.run(
            ["bash", "-c", command.replace(SAMPLE_ID, jobid)],
            cwd=workdir,
            env=runner.cluster.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.splitlines()
        if command.startswith("cat "):
            check_job_output(catalog, shown, real)
        else:
            check_sacct(shown, real, jobid)


def check_job_output(catalog, shown: list[str], real: list[str]) -> None:
    """bash names the line where the killed command ends and prints the whole command."""
    killed = re.compile(r'/slurm_script: line (\d+): +\d+ Killed +(python -u -c ")$')
    at = next((i for i, ln in enumerate(real) if killed.search(ln)), None)
    page = killed.search(shown[0])
    assert page and at is not None, (shown, real)
    script = reader_lines(catalog)
    start = next(n for n, ln in enumerate(script, start=1) if ln.startswith("python -u -c"))
    end = next(n for n, ln in enumerate(script, start=1) if n > start and ln == '"')
    # The page names the line of the reader's copy; the test ran the file with its
    # `# test:` lines, so bash's number there is larger by as many.
    hidden = len(header_lines(catalog[JOB].text, JOB))
    got = int(killed.search(real[at]).group(1))
    assert (int(page.group(1)), got - hidden) == (end, end), (shown, real)
    body = script[start:end]  # the command's lines after its first, as bash prints them
    assert shown[1 : 1 + len(body)] == body == real[at + 1 : at + 1 + len(body)], (shown, real)
    oom = "error: Detected 1 oom-kill event(s) in StepId="
    assert oom in shown[1 + len(body)] and any(oom in ln for ln in real), (shown, real)


def check_sacct(shown: list[str], real: list[str], jobid: str) -> None:
    real = [ln.rstrip() for ln in real]  # sacct pads its last column
    assert real[:2] == shown[:2], (shown, real)  # the column heads and rules
    widths = [len(rule) for rule in shown[1].split()]

    def cells(line: str) -> list[str]:
        out, at = [], 0
        for width in widths:
            out.append(line[at : at + width].strip())
            at += width + 1
        return out

    page = [cells(ln) for ln in shown[2:]]
    got = [cells(ln) for ln in real[2:]]
    # JobID, JobName, ReqMem, State, ExitCode as shown, row by row
    assert [[c for i, c in enumerate(row) if i != 3] for row in got] == [
        [c.replace(SAMPLE_ID, jobid) for i, c in enumerate(row) if i != 3] for row in page
    ], (shown, real)
    # MaxRSS: empty in the sample (the page says why); here a sample may have been taken
    # before python started (JobAcctGatherFrequency=5 on the test cluster), never one at
    # the 4 GiB python asked for
    assert [row[3] for row in page] == ["", ""], shown
    for row in got:
        assert row[3] == "" or int(row[3].rstrip("K")) < 2**20, (shown, real)

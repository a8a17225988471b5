"""The coverage gate: every code block on the site is a tested snippet, or says why not.

- every fenced block in docs/ (zh and en) is a snippet include or carries a
  visible waiver (`<!-- untested: REASON -->` right before it, and an admonition);
- every `--8<--` include points at an existing snippet;
- twin pages (docs/zh/X.md, docs/en/X.md) include the same snippets in the same order;
- every snippet is included by at least one page;
- every snippet is executed by a test (its own run=, or another's with=), unless
  its header says why not (run=static / run=none with why=).
"""

from __future__ import annotations

import ast
import re

import pytest
from hpcdocs import ROOT
from hpcdocs.snippettests import Catalog

CATALOG = Catalog.load()
PAGES = [pytest.param(page.name, id=page.name) for page in CATALOG.pages]
TWINS = sorted({page.twin_key for page in CATALOG.pages if page.lang})


def _page(name):
    return next(page for page in CATALOG.pages if page.name == name)


@pytest.mark.parametrize("name", PAGES)
def test_code_blocks_are_snippets_or_waived(name):
    problems = [p for fence in _page(name).fences if (p := fence.problem())]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_includes_exist(name):
    missing = [
        f"{inc.page}:{inc.line}: --8<-- {inc.target!r}: no such snippet (snippets/{inc.path})"
        for inc in _page(name).includes
        if inc.path not in CATALOG.by_path
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("key", TWINS)
def test_twin_pages_include_the_same_snippets(key):
    zh = next((p for p in CATALOG.pages if p.name == f"docs/zh/{key}"), None)
    en = next((p for p in CATALOG.pages if p.name == f"docs/en/{key}"), None)
    zh_targets = [inc.target for inc in zh.includes] if zh else []
    en_targets = [inc.target for inc in en.includes] if en else []
    if zh_targets == en_targets:
        return
    lines = [f"docs/zh/{key} and docs/en/{key} include different snippets:"]
    for index in range(max(len(zh_targets), len(en_targets))):
        a = zh_targets[index] if index < len(zh_targets) else "(none)"
        b = en_targets[index] if index < len(en_targets) else "(none)"
        where = []
        if zh and index < len(zh.includes):
            where.append(f"zh line {zh.includes[index].line}")
        if en and index < len(en.includes):
            where.append(f"en line {en.includes[index].line}")
        mark = "  " if a == b else "!="
        lines.append(f"{mark} #{index + 1}: zh {a}  en {b}  ({', '.join(where)})")
    pytest.fail("\n".join(lines), pytrace=False)


def test_every_snippet_is_included_by_a_page():
    orphans = [f"{s.source}: included by no page in docs/" for s in CATALOG.snippets if not s.pages]
    assert not orphans, f"{len(orphans)} snippet(s) no page shows:\n" + "\n".join(orphans)


def test_every_snippet_is_executed_or_says_why_not():
    problems = []
    for snip in CATALOG.snippets:
        if snip.error:
            problems.append(snip.error)
        elif not snip.executed and not snip.header.why and not (snip.requires and snip.users):
            # (a with= program run only by requires= snippets: their why= says it)
            problems.append(f"{snip.source}: never run by a test and its header gives no why=")
    assert not problems, "\n".join(problems)


def named_test_problem(snip) -> str | None:
    """A static snippet's tested-by=tests/FILE.py::test_NAME must name a test function that
    exists, in a module that reads this snippet by its path (a string constant such as
    "jupyter/02-jupyter-job.sh"), so that editing the snippet changes what the test runs."""
    if snip.error or not snip.tested_by:
        return None
    file, _, function = snip.tested_by.partition("::")
    where = f"{snip.source}:{snip.header.lines['tested-by']}: tested-by={snip.tested_by}"
    if not (ROOT / file).is_file():
        return f"{where}: no such file"
    tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    if function not in functions:
        return f"{where}: {file} defines no {function}()"
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    if snip.path not in strings:
        return f"{where}: {file} never names {snip.path!r}, so it does not read this snippet"
    return None


def test_every_tested_by_names_a_test_that_reads_the_snippet():
    problems = [p for s in CATALOG.snippets if (p := named_test_problem(s))]
    assert not problems, "\n".join(problems)


def test_named_test_problems_are_found():
    """The check above fails on a missing function and on a test that never reads the file."""
    snip = CATALOG["jupyter/02-jupyter-job.sh"]
    good = snip.header.tested_by
    try:
        snip.header.tested_by = good.split("::")[0] + "::test_no_such_function"
        assert "defines no test_no_such_function()" in named_test_problem(snip)
        snip.header.tested_by = (
            "tests/cluster/test_time_limit_user.py::test_user_is_not_a_slurm_operator"
        )
        assert "never names 'jupyter/02-jupyter-job.sh'" in named_test_problem(snip)
    finally:
        snip.header.tested_by = good


CPUS_PER_TASK = re.compile(r"^#SBATCH\s+(?:--cpus-per-task[= ]|-c\s*)(\d+)\b", re.M)
SRUN = re.compile(r"^[^#\n]*(?<![\w-])srun\s", re.M)


def srun_cpus_problem(snip) -> str | None:
    """A job script that asks for N > 1 CPUs per task and starts srun steps must have its
    steps checked (step-cpus-per-task=N): Slurm 22.05 and 23.02 srun does not take
    --cpus-per-task from the job, and the test cluster binds no CPUs that a task could see."""
    if snip.error or snip.header.run != "sbatch":
        return None
    text = snip.text
    asked, srun = CPUS_PER_TASK.search(text), SRUN.search(text)
    if not asked or not srun or int(asked.group(1)) < 2:
        return None
    if snip.header.step_cpus_per_task == int(asked.group(1)):
        return None
    line = text.count("\n", 0, srun.start()) + 1
    return (
        f"{snip.source}:{line}: starts srun in a job with --cpus-per-task={asked.group(1)}, "
        f"but its header lacks step-cpus-per-task={asked.group(1)} (snippets/README.md)"
    )


def test_srun_cpus_problem_names_the_script_and_line(tmp_path):
    text = (
        "#!/bin/bash\n# test: run=sbatch\n#SBATCH --cpus-per-task=4\n# srun in a comment\nsrun x\n"
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "01-job.sh").write_text(text, encoding="utf-8")
    snip = Catalog.load(tmp_path, tmp_path / "docs").by_path["a/01-job.sh"]
    assert srun_cpus_problem(snip) == (
        "snippets/a/01-job.sh:5: starts srun in a job with --cpus-per-task=4, "
        "but its header lacks step-cpus-per-task=4 (snippets/README.md)"
    )
    (tmp_path / "a" / "01-job.sh").write_text(
        text.replace("run=sbatch", "run=sbatch step-cpus-per-task=4"), encoding="utf-8"
    )
    assert (
        srun_cpus_problem(Catalog.load(tmp_path, tmp_path / "docs").by_path["a/01-job.sh"]) is None
    )


def test_every_multithreaded_srun_job_checks_its_steps_cpus():
    problems = [p for snip in CATALOG.snippets if (p := srun_cpus_problem(snip))]
    assert not problems, "\n".join(problems)


NODES = re.compile(r"^#SBATCH\s+(?:--nodes[= ]|-N\s*)(\d+)", re.M)
SLURM_GPUS = re.compile(r"^#SBATCH\s+(?:--gres[= ]\S*gpu|--gpus|-G\s)", re.M)
LSF_SLOTS = re.compile(r"^#BSUB\s+-n\s+(\d+)", re.M)
LSF_GPUS = re.compile(r"^#BSUB\s+-gpu\s", re.M)
BLAUNCH = re.compile(r"^[^#\n]*(?<![\w-])blaunch\s", re.M)


def task_problem(snip) -> str | None:
    """A job script that starts tasks (srun, or blaunch under LSF) on several nodes, with
    several CPUs per task or with GPUs must have each task checked from the test cluster's
    task records: OMP_NUM_THREADS (task-omp=) always, GPUs (task-gpus=) where it asks for
    GPUs. (CPUs per task: step-cpus-per-task=, above.)"""
    if snip.error or snip.header.run not in ("sbatch", "bsub"):
        return None
    text = snip.text
    starts = (SRUN if snip.header.run == "sbatch" else BLAUNCH).search(text)
    if not starts:
        return None
    if snip.header.run == "sbatch":
        cpus, nodes = CPUS_PER_TASK.search(text), NODES.search(text)
        gpus = SLURM_GPUS.search(text)
        wide = (cpus and int(cpus.group(1)) > 1) or (nodes and int(nodes.group(1)) > 1)
    else:
        slots, gpus = LSF_SLOTS.search(text), LSF_GPUS.search(text)
        wide = slots and int(slots.group(1)) > 1
    if not (wide or gpus):
        return None
    missing = [key for key, given in (("task-omp=", snip.header.task_omp),
               ("task-gpus=", snip.header.task_gpus is not None or not gpus)) if not given]  # fmt: skip
    if not missing:
        return None
    line = text.count("\n", 0, starts.start()) + 1
    return (
        f"{snip.source}:{line}: starts tasks on several nodes, CPUs or GPUs, but its header "
        f"lacks {' and '.join(missing)} (each task's OMP_NUM_THREADS and GPUs, from the test "
        "cluster's task records: snippets/README.md)"
    )


def _one_job(tmp_path, text: str):
    """The snippet a/01-job.sh with this text, as the catalog reads it."""
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "a" / "01-job.sh").write_text(text, encoding="utf-8")
    return Catalog.load(tmp_path, tmp_path / "docs").by_path["a/01-job.sh"]


def test_task_problem_names_the_script_and_line(tmp_path):
    text = "#!/bin/bash\n# test: run=sbatch\n#SBATCH --nodes=2\n#SBATCH --gres=gpu:2\nsrun x\n"
    assert task_problem(_one_job(tmp_path, text)) == (
        "snippets/a/01-job.sh:5: starts tasks on several nodes, CPUs or GPUs, but its header "
        "lacks task-omp= and task-gpus= (each task's OMP_NUM_THREADS and GPUs, from the test "
        "cluster's task records: snippets/README.md)"
    )
    for keys, left in (("task-omp=1", "lacks task-gpus= ("), ("task-omp=1 task-gpus=2", None)):
        got = task_problem(_one_job(tmp_path, text.replace("run=sbatch", f"run=sbatch {keys}")))
        assert (got is None) if left is None else (left in got), got
    lsf = "#!/bin/bash\n# test: run=bsub\n#BSUB -n 4\nblaunch hostname\n"
    got = task_problem(_one_job(tmp_path, lsf))
    assert got and "01-job.sh:4:" in got and "lacks task-omp= (" in got
    one = "#!/bin/bash\n# test: run=sbatch\n#SBATCH --ntasks=1\nsrun x\n"  # one CPU, no GPU
    assert task_problem(_one_job(tmp_path, one)) is None


def test_every_task_starting_job_checks_each_task():
    problems = [p for snip in CATALOG.snippets if (p := task_problem(snip))]
    assert not problems, "\n".join(problems)

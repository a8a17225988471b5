"""Unit tests of the snippet machinery (hpcdocs.snippettests, hpcdocs.tested), on the
fixture site under tests/snippets/fixtures/site and on files made in tmp_path."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from hpcdocs import facts, tested
from hpcdocs.snippettests import Catalog, console, header, static
from hpcdocs.snippettests import runner as runner_module
from hpcdocs.snippettests.__main__ import report as figures
from hpcdocs.snippettests.pages import Page
from hpcdocs.snippettests.runner import Runner, report

SITE = Path(__file__).parent / "fixtures" / "site"


def make_site(tmp_path: Path, snippets: dict[str, str], pages: dict[str, str]) -> Catalog:
    for rel, text in snippets.items():
        path = tmp_path / "snippets" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for rel, text in pages.items():
        path = tmp_path / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    return Catalog.load(tmp_path / "snippets", tmp_path / "docs")


class LocalCluster:
    """Enough of the `cluster` fixture for login-side runs: this machine's environment."""

    env = dict(os.environ)

    def wait_job(self, jobid, timeout):
        raise AssertionError("no jobs here")


# -- the header ------------------------------------------------------------------------------


def test_header_parses_the_readme_example():
    text = '#!/bin/bash\n# test: run=sbatch expect="^Hello from cn0[12]" timeout=60\n#SBATCH -n 1\necho hi\n'
    got = header.parse(text, "x.sh")
    assert (got.run, got.expect, got.timeout, got.state) == (
        "sbatch",
        ["^Hello from cn0[12]"],
        60,
        "COMPLETED",
    )


def test_header_lines_are_joined_and_repeatable_keys_add_up():
    text = (
        "# test: run=python env=torch gpu\n# test: expect=a expect=b args='--epochs 2'\nprint(1)\n"
    )
    got = header.parse(text, "x.py")
    assert got.gpu and got.env == "torch" and got.expect == ["a", "b"]
    assert got.args == ["--epochs", "2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# test: run=bash colour=red\n", "x:1: unknown key 'colour'"),
        ("#!/bin/bash\n# test: run=bash\n# test: fast\n", "x:3: unknown flag 'fast'"),
        ("# test: run=bash\n# test: run=console\n", "x:2: run= given twice (first on line 1)"),
        ("# test: run=static\n", "x:1: run=static needs why="),
        ("# test: run=nothing why=x\n", "x:1: run='nothing' is not one of"),
        ("# test: run=sbatch state=DONE\n", "x:1: state='DONE' is not one of"),
        ("# test: run=bash expect='('\n", "x:1: expect='(' is not a regular expression"),
        ("# test: run=bash timeout=soon\n", "x:1: timeout='soon' must be a whole number"),
        ("# test: run=bash state=FAILED\n", "x:1: state= has no effect with run=bash"),
        ('# test: run=bash expect="oops\n', "x:1: cannot split"),
        ("echo hi\n# test: run=bash\n", "x:2: `# test:` line after the first line of code"),
        ("# test: expect=x\n", "x:1: expect= needs a run="),
        ("# test: run=bash needs=a.sh:b\n", "only with= takes :NAME"),
        (
            "# test: run=sbatch step-cpus-per-task=0\n",
            "x:1: step-cpus-per-task='0' must be a whole",
        ),
        ("# test: run=sbatch step-cpus-per-task=four\n", "step-cpus-per-task='four' must be"),
        ("# test: run=sbatch task-omp=0\n", "x:1: task-omp='0' must be a whole number above 0"),
        ("# test: run=bsub task-omp=all\n", "task-omp='all' must be a whole number above 0, or"),
        ("# test: run=sbatch task-gpus=-1\n", "x:1: task-gpus='-1' must be a whole number"),
        ("# test: run=bash task-gpus=1\n", "task-gpus= has no effect with run=bash"),
        ("# test: run=console home=a.conf:.ssh/config\n", "x:1: home= needs the login flag"),
        ("# test: run=console login home=a.conf\n", "x:1: home='a.conf': give SNIPPET:PATH"),
        ("# test: run=console login home=a.conf:../x\n", "give SNIPPET:PATH"),
        ("# test: run=python login\n", "x:1: login works with run=bash or run=console only"),
        ("# test: run=sbatch fresh-home\n", "x:1: fresh-home works with run=bash or run=console"),
        ("# test: run=console login fresh-home\n", "login snippets have a throwaway home already"),
        ("# test: run=bash env=sci\n", "env= has no effect with run=bash"),
        ("# test: run=sbatch prepare=true\n", "prepare= has no effect with run=sbatch"),
        (
            "# test: run=bash step-cpus-per-task=4\n",
            "step-cpus-per-task= has no effect with run=bash",
        ),
        ("# test: run=console signal-early=x\n", "signal-early= has no effect with run=console"),
        ("# test: run=sbatch signal-early=(\n", "x:1: signal-early='(' is not a regular"),
    ],
)
def test_header_errors_name_file_and_line(text, message):
    with pytest.raises(header.HeaderError) as caught:
        header.parse(text, "x")
    assert message in str(caught.value)


def test_login_home_input_and_prepare_are_read():
    text = (
        '# test: run=console login input="\\n\\ny\\n" prepare="mkdir data"\n'
        "# test: home=g/04-ssh-config.conf:.ssh/config home=g/k.pub:.ssh/id.pub\n"
    )
    got = header.parse(text, "x")
    assert got.login and got.input == "\n\ny\n" and got.prepare == "mkdir data"
    assert got.home == [("g/04-ssh-config.conf", ".ssh/config"), ("g/k.pub", ".ssh/id.pub")]
    assert not header.parse("# test: run=console\n", "x").login
    got = header.parse("# test: run=console fresh-home env=sci\n", "x")
    assert got.fresh_home and got.env == "sci" and not got.login


def test_a_snippet_named_in_home_counts_as_run_through_its_user(tmp_path):
    catalog = make_site(
        tmp_path,
        {
            "g/04-config.conf": "Host hpc\n",
            "g/05-use.console": "# test: run=console login home=g/04-config.conf:.ssh/config\n"
            "$ ssh hpc true\n",
            "g/06-bad.console": "# test: run=console login home=g/nope.conf:.ssh/config\n$ true\n",
        },
        {},
    )
    assert catalog["g/04-config.conf"].users == ["g/05-use.console"]
    assert catalog["g/04-config.conf"].error is None
    assert catalog["g/04-config.conf"].tier == "login"
    assert "home=g/nope.conf does not exist" in catalog["g/06-bad.console"].error


def test_a_login_snippet_is_skipped_off_the_test_cluster(tmp_path):
    catalog = make_site(tmp_path, {"g/05-use.console": "# test: run=console login\n$ true\n"}, {})

    class Existing(LocalCluster):
        is_test_cluster = False

    got = Runner(catalog, Existing(), workroot=tmp_path / "runs", gpu=(False, "")).outcome(
        catalog["g/05-use.console"]
    )
    assert got.outcome == "skipped" and "login node" in got.reason

    class TestClusterWithoutSshd(LocalCluster):
        is_test_cluster = True
        env = dict(os.environ, TESTCLUSTER_DIR=str(tmp_path / "state"))

    got = Runner(
        catalog, TestClusterWithoutSshd(), workroot=tmp_path / "r2", gpu=(False, "")
    ).outcome(catalog["g/05-use.console"])
    assert got.outcome == "failed", got.reason
    assert "the test cluster's login node (sshd" in got.reason and "is not running" in got.reason


def test_signal_early_is_read():
    got = header.parse('# test: run=sbatch signal-early="^epoch 1000 "\nsrun true\n', "x")
    assert got.signal_early == "^epoch 1000 "
    assert header.parse("# test: run=sbatch\n", "x").signal_early is None


def test_step_cpus_per_task_is_read():
    got = header.parse("# test: run=sbatch step-cpus-per-task=4\n#SBATCH -c 4\nsrun true\n", "x")
    assert got.step_cpus_per_task == 4
    got = header.parse("# test: run=bsub task-omp=unset task-gpus=0\n", "x")
    assert (got.task_omp, got.task_gpus) == ("unset", 0)
    assert header.parse("# test: run=sbatch\n", "x").step_cpus_per_task is None


# sacct -n -P -o JobID,JobName,NTasks,AllocCPUS of a 2 x 2-task job with --cpus-per-task=4 on the
# test cluster (Slurm 22.05), submitted with SLURM_EXACT=1: step 0 is a plain `srun`, step 1
# `srun --cpus-per-task="$SLURM_CPUS_PER_TASK"`.
SACCT_STEPS = (
    "15|e.sh||16\n15.batch|batch|1|8\n15.extern|extern|4|16\n15.0|bash|4|4\n15.1|bash|4|16\n"
)


def test_srun_steps_are_read_from_sacct():
    assert runner_module.srun_steps(SACCT_STEPS) == [
        ("15.0", "bash", 4, 4),
        ("15.1", "bash", 4, 16),
    ]
    assert runner_module.srun_steps("7_2.0|python|2|16\n7_2.1|python||\n") == [
        ("7_2.0", "python", 2, 16)
    ]


def test_step_cpus_per_task_fails_a_step_with_one_cpu_per_task(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01-job.sh": "#!/bin/bash\n# test: run=sbatch step-cpus-per-task=4\nsrun true\n"},
        {},
    )
    snip = catalog["a/01-job.sh"]
    steps = runner_module.srun_steps(SACCT_STEPS)
    runner_module.check_step_cpus(snip, "15", steps[1:])  # 16 CPUs for 4 tasks: passes
    with pytest.raises(runner_module.SnippetError) as caught:
        runner_module.check_step_cpus(snip, "15", steps)
    assert (
        "step 15.0 (bash) had 4 CPUs for 4 task(s), 1 per task; expected step-cpus-per-task=4"
        in (str(caught.value))
    )
    with pytest.raises(runner_module.SnippetError, match="sacct shows no srun step"):
        runner_module.check_step_cpus(snip, "15", [])


def test_with_entries_drop_the_step_prefix_or_take_a_name():
    assert header.working_name("python-jobs/03-sweep.py") == ("python-jobs/03-sweep.py", "sweep.py")
    assert header.working_name("p/04-sweep-job.sh:sweep.sh") == ("p/04-sweep-job.sh", "sweep.sh")


# -- console transcripts -----------------------------------------------------------------------


def test_console_commands_keep_their_lines():
    text = "# test: run=console\n$ echo a \\\n   b\na b\n$ false\n"
    assert console.commands(text) == [(2, "echo a \\\n   b"), (5, "false")]
    assert console.script(text).splitlines() == ["", "echo a \\", "   b", "", "false"]


# -- pages ---------------------------------------------------------------------------------


def test_fixture_pages_are_covered():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    page = next(p for p in catalog.pages if p.name == "docs/zh/demo.md")
    assert [f.problem() for f in page.fences] == [None] * 5
    assert [inc.path for inc in page.includes] == [
        "demo/01-hello.sh", "demo/02-count.py", "demo/03-run-count.console",
        "demo/04-laptop.console", "demo/05-sample.txt",
    ]  # fmt: skip
    assert len(page.waivers) == 1
    assert catalog["demo/01-hello.sh"].pages == ["docs/en/demo.md", "docs/zh/demo.md"]


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("``` bash\nls\n```\n", "docs/zh/p.md:1: code block is not a snippet include"),
        (
            '``` bash\n--8<-- "a.sh"\nls\n```\n',
            "mixes snippet includes with code typed in the page (line 3)",
        ),
        ("<!-- untested: laptop -->\n``` bash\nls\n```\n", "has no visible admonition"),
        ("!!! note\n    x\n\n<!-- untested:  -->\n``` bash\nls\n```\n", "waiver without a reason"),
        ('``` bash\n--8<-- "a.sh"\n', "code block never closed"),
    ],
)
def test_fence_problems(markdown, message):
    page = Page(Path("docs/zh/p.md"), text=markdown)
    problems = [p for f in page.fences if (p := f.problem())]
    assert len(problems) == 1 and message in problems[0]


def test_admonition_after_the_block_counts_and_sections_are_stripped():
    markdown = '<!-- untested: laptop -->\n~~~~ bash\nls\n~~~~\n\n??? question "Why"\n    x\n\n'
    markdown += '``` py\n--8<-- "pytorch/04-train.py:model"\n```\n'
    page = Page(Path("docs/en/p.md"), text=markdown)
    assert [f.problem() for f in page.fences] == [None, None]
    assert page.includes[0].path == "pytorch/04-train.py" and page.twin_key == "p.md"


# -- the catalog -------------------------------------------------------------------------------


def test_a_broken_header_breaks_only_its_own_snippet(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01-ok.sh": "# test: run=bash\necho ok\n", "a/02-bad.sh": "# test: run=bash speed=fast\n",
         "a/03-none.sh": "echo no header\n", "a/04-with.sh": "# test: run=bash with=a/99-gone.py\n"},
        {},
    )  # fmt: skip
    assert catalog["a/01-ok.sh"].error is None
    assert catalog["a/02-bad.sh"].error.startswith("snippets/a/02-bad.sh:1: unknown key 'speed'")
    assert "snippets/a/03-none.sh:1: no `# test:` header" in catalog["a/03-none.sh"].error
    assert "with=a/99-gone.py does not exist" in catalog["a/04-with.sh"].error


def test_tiers():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    tiers = {s.path: s.tier for s in catalog.snippets}
    assert tiers == {
        "demo/01-hello.sh": "cluster", "demo/02-count.py": "login",
        "demo/03-run-count.console": "login", "demo/04-laptop.console": "static",
        "demo/05-sample.txt": "none",
    }  # fmt: skip


def test_srun_in_a_transcript_is_the_cluster_tier_and_needs_cycles_are_found(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01.console": "# test: run=console\n$ srun -n1 hostname\n",
         "a/02.console": "# test: run=console needs=a/03.console\n$ echo # srun\n",
         "a/03.console": "# test: run=console needs=a/02.console\n$ true\n"},
        {},
    )  # fmt: skip
    assert catalog["a/01.console"].tier == "cluster"
    assert catalog["a/02.console"].tier == "login"
    assert (
        "needs= cycle: a/02.console -> a/03.console -> a/02.console"
        in catalog["a/02.console"].error
    )


# -- static checks -------------------------------------------------------------------------


def test_static_checks_report_snippet_lines(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01-sh.sh": "#!/bin/bash\n# test: run=bash\necho $1\nif true; then\n",
         "a/02-py.py": "# test: run=python\nimport os\n",
         "a/03-con.console": "# test: run=console\nsample\n$ echo “quoted”\n",
         "a/04-facts.sh": "# test: run=bash\necho {{ cluster.no_such_key }}\n"},
        {},
    )  # fmt: skip
    sh = "\n".join(static.check(catalog["a/01-sh.sh"]))
    assert "snippets/a/01-sh.sh: line 5: syntax error" in sh
    py = "\n".join(static.check(catalog["a/02-py.py"]))
    assert "snippets/a/02-py.py:2:8: F401" in py
    con = "\n".join(static.check(catalog["a/03-con.console"]))
    assert "snippets/a/03-con.console:3:" in con
    with pytest.raises(facts.FactsError, match="snippets/a/04-facts.sh:2: cluster.no_such_key"):
        static.check(catalog["a/04-facts.sh"])


def test_fixture_snippets_pass_the_static_checks():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    for snip in catalog.snippets:
        assert static.check(snip) == [], snip.path


# -- running on the login side (no cluster needed) --------------------------------------------


def test_console_with_a_program_runs_in_a_fresh_directory(tmp_path):
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    runner = Runner(catalog, LocalCluster(), workroot=tmp_path, gpu=(False, "no GPU"))
    got = runner.outcome(catalog["demo/03-run-count.console"])
    assert got.outcome == "passed", report(catalog["demo/03-run-count.console"], got)
    assert list(tmp_path.glob("demo__03-run-count.console.*/count.py"))
    assert runner.outcome(catalog["demo/02-count.py"]).outcome == "passed"  # through its user
    assert (
        runner.outcome(catalog["demo/04-laptop.console"]).reason
        == "run=static: runs on the reader's laptop"
    )


def test_failures_say_what_ran_and_what_came_out(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01-exit.sh": "# test: run=bash\necho before; exit 3\n",
         "a/02-expect.console": "# test: run=console expect='^never$'\n$ echo once\n",
         "a/03-reject.sh": "# test: run=bash reject='Traceback'\necho Traceback\n",
         "a/04-slow.sh": "# test: run=bash timeout=1\nsleep 30\n",
         "a/05-gpu.sh": "# test: run=bash gpu\nnvidia-smi\n"},
        {"zh/p.md": '``` bash\n--8<-- "a/01-exit.sh"\n```\n'},
    )  # fmt: skip
    runner = Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, "no real GPU"))
    exit_ = runner.outcome(catalog["a/01-exit.sh"])
    text = report(catalog["a/01-exit.sh"], exit_)
    assert exit_.outcome == "failed" and "exit status 3, expected 0" in text
    assert "included by: docs/zh/p.md" in text and "bash exit.sh" in text and "before" in text
    assert "expect='^never$' not found" in runner.outcome(catalog["a/02-expect.console"]).reason
    assert "reject='Traceback' found" in runner.outcome(catalog["a/03-reject.sh"]).reason
    slow = runner.outcome(catalog["a/04-slow.sh"])
    assert "after timeout=1s" in slow.reason and slow.duration < 10
    assert runner.outcome(catalog["a/05-gpu.sh"]).outcome == "skipped"


def test_needs_run_once_per_session(tmp_path):
    counter = tmp_path / "count"
    catalog = make_site(
        tmp_path,
        {"a/01-setup.sh": f"# test: run=bash\necho x >> {counter}\n",
         "a/02-use.sh": "# test: run=bash needs=a/01-setup.sh\ntrue\n",
         "a/03-use.sh": "# test: run=bash needs=a/01-setup.sh\ntrue\n",
         "a/04-bad.sh": "# test: run=bash\nexit 1\n",
         "a/05-after-bad.sh": "# test: run=bash needs=a/04-bad.sh\ntrue\n"},
        {},
    )  # fmt: skip
    runner = Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, ""))
    for path in ("a/02-use.sh", "a/03-use.sh", "a/01-setup.sh"):
        assert runner.outcome(catalog[path]).outcome == "passed"
    assert counter.read_text() == "x\n"
    assert runner.outcome(catalog["a/05-after-bad.sh"]).reason.startswith(
        "needs=a/04-bad.sh failed"
    )


# -- results: build/tested.json and the report -----------------------------------------------


def test_merge_keeps_what_did_not_run_and_never_calls_static_passed():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    ok = {"outcome": "passed", "reason": "", "duration": 1.0}
    first = tested.merge({}, {("demo/01-hello.sh", "run"): ok, ("demo/01-hello.sh", "static"): ok,
                              ("demo/04-laptop.console", "static"): ok}, catalog,
                         date="2026-11-23", slurm="22.05.8", gpus="mocked")  # fmt: skip
    assert first["snippets"]["demo/01-hello.sh"]["outcome"] == "passed"
    assert first["snippets"]["demo/04-laptop.console"]["outcome"] == "skipped"
    assert first["snippets"]["demo/03-run-count.console"]["outcome"] == "untested"
    bad = {"outcome": "failed", "reason": "boom", "duration": 2.0}
    second = tested.merge({**first, "snippets": {**first["snippets"], "gone/01.sh": {}}},
                          {("demo/03-run-count.console", "run"): bad}, catalog,
                          date="2026-11-24")  # fmt: skip
    assert second["snippets"]["demo/01-hello.sh"]["outcome"] == "passed"  # kept
    assert second["snippets"]["demo/02-count.py"]["outcome"] == "failed"  # through its user
    assert "gone/01.sh" not in second["snippets"] and second["slurm"] == "22.05.8"
    assert second["date"] == "2026-11-24"


def test_results_from_another_cluster_are_not_mixed_in_and_the_stamp_names_it():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    ok = {"outcome": "passed", "reason": "", "duration": 1.0}
    test = tested.merge({}, {("demo/01-hello.sh", "run"): ok}, catalog, date="2026-11-23",
                        slurm="22.05.8", gpus="mocked", cluster={"kind": "test", "name": "hpc"})  # fmt: skip
    assert tested.describe(test, "en") == "the Slurm 22.05.8 test cluster (mocked GPUs)"
    assert tested.describe({"slurm": "22.05.8"}, "zh") == "Slurm 22.05.8 测试集群（模拟 GPU）"
    where = {"kind": "existing", "name": "taiyi", "display_name": {"zh": "太乙", "en": "Taiyi"}}
    real = tested.merge(test, {("demo/03-run-count.console", "run"): ok}, catalog,
                        date="2026-11-24", slurm="23.11.10", gpus="real", cluster=where)  # fmt: skip
    assert real["snippets"]["demo/01-hello.sh"]["outcome"] == "untested"  # the test cluster's
    assert real["snippets"]["demo/03-run-count.console"]["outcome"] == "passed"
    assert tested.describe(real, "en") == (
        "the centre's cluster Taiyi (ClusterName taiyi, Slurm 23.11.10, real GPUs)"
    )
    assert (
        tested.describe(real, "zh")
        == "中心的集群“太乙”（ClusterName taiyi，Slurm 23.11.10，真实 GPU）"
    )
    again = tested.merge(real, {("demo/01-hello.sh", "static"): ok}, catalog, date="2026-11-25")
    assert again["cluster"] == where and again["date"] == "2026-11-24"  # a static-only run


def test_ci_partition_goes_only_to_job_scripts_that_name_none():
    from hpcdocs import existing

    known = facts.load()
    assert existing.partition_env("#!/bin/bash\n#SBATCH -t 1\necho\n", known) == {
        "SBATCH_PARTITION": known["ci"]["partition"]
    }
    for line in ("#SBATCH -p gpu", "#SBATCH --partition=gpu", "#SBATCH   --partition gpu"):
        assert existing.partition_env(f"#!/bin/bash\n{line}\necho\n", known) == {}
    assert existing.ci_env(known) == dict.fromkeys(existing.ACCOUNT_VARS, known["ci"]["account"])


def test_report_counts_per_page_and_tier():
    catalog = Catalog.load(SITE / "snippets", SITE / "docs")
    results = {"snippets": {"demo/01-hello.sh": {"outcome": "passed", "duration": 4.5}}}
    got = figures(catalog, results)
    page = next(row for row in got["pages"] if row["page"] == "docs/en/demo.md")
    assert (page["cluster"], page["login"], page["static"], page["none"], page["waivers"]) == (
        1,
        2,
        1,
        1,
        1,
    )
    assert got["tiers"]["cluster"] == {"snippets": 1, "passed": 1, "failed": 0, "skipped": 0,
                                       "untested": 0, "seconds": 4.5}  # fmt: skip
    assert got["coverage"]["from_snippets"] == 8 and got["coverage"]["waived"] == 2


# -- on the test cluster -----------------------------------------------------------------------


@pytest.mark.cluster
def test_a_job_that_fails_explains_itself(tmp_path, snippet_cluster):
    catalog = make_site(
        tmp_path,
        {"a/01-fails.sh": "#!/bin/bash\n# test: run=sbatch timeout=60\n#SBATCH --time=00:01:00\n"
                          "echo about to fail\nexit 7\n",
         "a/02-expected.sh": "#!/bin/bash\n# test: run=sbatch state=FAILED expect='^about'\n"
                             "#SBATCH --time=00:01:00\necho about to fail\nexit 7\n"},
        {},
    )  # fmt: skip
    runner = Runner(catalog, snippet_cluster, workroot=tmp_path / "runs", gpu=(False, ""))
    got = runner.outcome(catalog["a/01-fails.sh"])
    text = report(catalog["a/01-fails.sh"], got)
    assert got.outcome == "failed" and "ended" in got.reason and "FAILED (exit 7:0)" in got.reason
    for part in (
        "job id: ",
        "about to fail",
        "--- sacct -j",
        "--- scontrol show job",
        "sbatch fails.sh",
    ):
        assert part in text
    assert runner.outcome(catalog["a/02-expected.sh"]).outcome == "passed"


@pytest.mark.cluster
def test_step_cpus_per_task_on_the_cluster(tmp_path, snippet_cluster):
    """A plain `srun` in a job with --cpus-per-task=2 fails step-cpus-per-task=2 on Slurm 22.05
    and 23.02 (srun there does not read SLURM_CPUS_PER_TASK); the explicit form passes."""
    job = (
        "#!/bin/bash\n# test: run=sbatch step-cpus-per-task=2 timeout=60\n"
        "#SBATCH --ntasks=2\n#SBATCH --cpus-per-task=2\n#SBATCH --time=00:01:00\n"
    )
    catalog = make_site(
        tmp_path,
        {"a/01-plain.sh": job + "srun true\n",
         "a/02-explicit.sh": job + 'srun --cpus-per-task="$SLURM_CPUS_PER_TASK" true\n'},
        {},
    )  # fmt: skip
    runner = Runner(catalog, snippet_cluster, workroot=tmp_path / "runs", gpu=(False, ""))
    version = snippet_cluster.bash("sinfo --version", timeout=30).stdout
    found = re.search(r"(\d+)\.(\d+)", version)
    plain = runner.outcome(catalog["a/01-plain.sh"])
    if found and (int(found.group(1)), int(found.group(2))) in ((22, 5), (23, 2)):
        assert plain.outcome == "failed", plain.reason
        assert "had 2 CPUs for 2 task(s), 1 per task; expected step-cpus-per-task=2" in plain.reason
    explicit = runner.outcome(catalog["a/02-explicit.sh"])
    assert explicit.outcome == "passed", report(catalog["a/02-explicit.sh"], explicit)


# Records the test cluster's TaskProlog wrote (files/task_prolog.sh) for a 2-node job with
# --ntasks-per-node=2 --cpus-per-task=4, OMP_NUM_THREADS exported, submitted with SLURM_EXACT=1:
# step 0 a plain `srun`, step 1 `srun --cpus-per-task="$SLURM_CPUS_PER_TASK"` (Slurm 22.05).
# Both steps' tasks see SLURM_CPUS_PER_TASK=4 (inherited from the job); only
# SLURM_CPUS_ON_NODE tells that step 0 has 2 CPUs for its 2 tasks on each node.
TASK_RECORD = (
    "SLURM_JOB_ID=15\nSLURM_STEP_ID={step}\nSLURM_PROCID={task}\nSLURM_LOCALID={local}\n"
    "SLURM_NODEID={node}\nSLURMD_NODENAME=cn0{name}\nSLURM_CPUS_ON_NODE={on_node}\n"
    "SLURM_CPUS_PER_TASK=4\nSLURM_STEP_NUM_TASKS=4\nSLURM_STEP_TASKS_PER_NODE=2(x2)\n"
    "OMP_NUM_THREADS=4\nCpus_allowed_list=0-1\n"
)


def _task_records(directory: Path) -> list:
    from hpcdocs.testcluster import tasks

    directory.mkdir(exist_ok=True)
    for step, on_node in ((0, 2), (1, 8)):
        for task in range(4):
            text = TASK_RECORD.format(step=step, task=task, local=task % 2, node=task // 2,
                                      name=task // 2 + 1, on_node=on_node)  # fmt: skip
            (directory / f"15.15.{step}.{task}").write_text(text, encoding="utf-8")
    (directory / "15.15..0").write_text("SLURM_JOB_ID=15\nSLURM_CPUS_ON_NODE=8\n", encoding="utf-8")
    (directory / "152.152.0.0").write_text("SLURM_JOB_ID=152\nSLURM_STEP_ID=0\n", encoding="utf-8")
    return tasks.of_job(directory, "15")


def test_task_records_are_read(tmp_path):
    records = _task_records(tmp_path / "tasks")
    assert [(t.job, t.step, t.task, t.node) for t in records][:2] == [
        ("15", "0", 0, "cn01"), ("15", "0", 1, "cn01")]  # fmt: skip
    assert records[-1].step == "batch" and len(records) == 9  # job 152's record is not job 15's
    assert [t.cpus() for t in records if t.step == "0"] == [1.0] * 4
    assert [t.cpus() for t in records if t.step == "1"] == [4.0] * 4
    assert records[0].gpus() is None  # unset: every GPU the task may open
    from hpcdocs.testcluster import tasks

    spread = tasks.Task("9", "0", 3, "x", {"SLURM_STEP_TASKS_PER_NODE": "3,1(x2)",
                                           "SLURM_NODEID": "2", "SLURM_CPUS_ON_NODE": "4"})  # fmt: skip
    assert (spread.tasks_on_node(), spread.cpus()) == (1, 4.0)
    tasks.forget(tmp_path / "tasks", "15")
    assert sorted(p.name for p in (tmp_path / "tasks").iterdir()) == ["152.152.0.0"]


def test_each_task_is_checked_from_its_record(tmp_path):
    records = _task_records(tmp_path / "tasks")
    steps = runner_module.srun_steps(SACCT_STEPS)
    job = "#!/bin/bash\n# test: run=sbatch {keys}\nsrun true\n"
    catalog = make_site(
        tmp_path,
        {"a/01-cpus.sh": job.format(keys="step-cpus-per-task=4"),
         "a/02-omp.sh": job.format(keys="task-omp=2"),
         "a/03-gpus.sh": job.format(keys="task-gpus=1"),
         "a/04-fine.sh": job.format(keys="step-cpus-per-task=4 task-omp=4 task-gpus=0")},
        {},
    )  # fmt: skip
    second = [t for t in records if t.step == "1"]

    def fails(path, steps_, records_) -> str:
        with pytest.raises(runner_module.SnippetError) as caught:
            runner_module.check_tasks(catalog[path], "15", steps_, records_)
        return str(caught.value)

    assert fails("a/01-cpus.sh", steps, records) == (
        "snippets/a/01-cpus.sh: 15.0 task 0 on cn01 had 1 CPU(s) (SLURM_CPUS_ON_NODE=2 for 2 "
        "task(s) on the node, although SLURM_CPUS_PER_TASK=4); expected step-cpus-per-task=4 "
        "(docs/en/slurm.md#srun-cpus-per-task)"
    )
    runner_module.check_tasks(catalog["a/01-cpus.sh"], "15", steps[1:], records)
    assert "started with OMP_NUM_THREADS=4; expected task-omp=2" in fails(
        "a/02-omp.sh", steps[1:], records)  # fmt: skip
    assert "15.1 task 0 on cn01 started with CUDA_VISIBLE_DEVICES=(unset); expected task-gpus=1" in (
        fails("a/03-gpus.sh", steps[1:], records))  # fmt: skip
    runner_module.check_tasks(catalog["a/04-fine.sh"], "15", steps[1:], records)
    # A task without its record (the TaskProlog missed it): never a pass on fewer tasks.
    assert "step 15.1 (bash) ran 4 task(s), the test cluster's TaskProlog recorded 3" in fails(
        "a/04-fine.sh", [("15.1", "bash", 4, 16)], second[:3])  # fmt: skip
    assert "sacct shows no srun step" in fails("a/04-fine.sh", [], records)
    gpu = {"SLURM_STEP_TASKS_PER_NODE": "2", "SLURM_NODEID": "0", "SLURM_CPUS_ON_NODE": "8",
           "OMP_NUM_THREADS": "4", "CUDA_VISIBLE_DEVICES": "0", "GPU_DEVICES": "nvidia0,nvidia1"}  # fmt: skip
    from hpcdocs.testcluster import tasks

    shared = [tasks.Task("1", "1", n, "gn01", gpu) for n in range(2)]
    assert "1.1 task 0 on gn01 may open 2 GPU device(s) (nvidia0,nvidia1, by the device cgroup); " \
        "expected task-gpus=1" in fails("a/03-gpus.sh", [("1.1", "x", 2, 8)], shared)  # fmt: skip


@pytest.mark.cluster
def test_each_task_is_checked_on_the_cluster(tmp_path, snippet_cluster):
    """The TaskProlog's records catch a task with the wrong OMP_NUM_THREADS or GPUs, on the
    test cluster's real Slurm: two tasks on one GPU node sharing --gres=gpu:2 each see both
    GPUs; --gpu-bind=per_task:1 gives each its own (CUDA_VISIBLE_DEVICES=0, its own device)."""
    snippet_cluster.require_test_cluster("reads the test cluster's TaskProlog records")
    job = (
        "#!/bin/bash\n# test: run=sbatch step-cpus-per-task=2 task-omp=2 task-gpus=1 timeout=60\n"
        "#SBATCH --partition={{ cluster.partitions.gpu.name }}\n#SBATCH --nodes=1\n"
        "#SBATCH --ntasks=2\n#SBATCH --gres=gpu:2\n#SBATCH --cpus-per-task=2\n"
        "#SBATCH --time=00:01:00\n"
    )
    srun = 'srun --cpus-per-task="$SLURM_CPUS_PER_TASK"'
    catalog = make_site(
        tmp_path,
        {"a/01-no-omp.sh": job + f"{srun} --gpu-bind=per_task:1 true\n",
         "a/02-shared.sh": job + f"export OMP_NUM_THREADS=2\n{srun} true\n",
         "a/03-right.sh": job + f"export OMP_NUM_THREADS=2\n{srun} --gpu-bind=per_task:1 true\n"},
        {},
    )  # fmt: skip
    runner = Runner(catalog, snippet_cluster, workroot=tmp_path / "runs", gpu=(False, ""))
    no_omp = runner.outcome(catalog["a/01-no-omp.sh"])
    assert no_omp.outcome == "failed", report(catalog["a/01-no-omp.sh"], no_omp)
    assert "started with OMP_NUM_THREADS=(unset); expected task-omp=2" in no_omp.reason
    shared = runner.outcome(catalog["a/02-shared.sh"])
    assert shared.outcome == "failed", report(catalog["a/02-shared.sh"], shared)
    assert "started with CUDA_VISIBLE_DEVICES=0,1; expected task-gpus=1" in shared.reason
    right = runner.outcome(catalog["a/03-right.sh"])
    assert right.outcome == "passed", report(catalog["a/03-right.sh"], right)
    shown = "\n".join(right.details)
    for n in (0, 1):
        assert re.search(rf"\.0 task {n} on \S+: 2 CPU\(s\) .*OMP_NUM_THREADS=2, "
                         rf"CUDA_VISIBLE_DEVICES=0 \(may open: nvidia\d\)", shown), shown  # fmt: skip
    opened = set(re.findall(r"may open: (nvidia\d)", shown))
    assert len(opened) == 2, shown  # each task its own GPU


def test_a_snippet_is_timed_without_the_snippets_it_needs(tmp_path):
    catalog = make_site(
        tmp_path,
        {"a/01-slow.sh": "# test: run=bash\nsleep 1\n",
         "a/02-quick.sh": "# test: run=bash needs=a/01-slow.sh\ntrue\n"},
        {},
    )  # fmt: skip
    runner = Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, ""))
    quick = runner.outcome(catalog["a/02-quick.sh"])
    assert quick.duration < 0.8 <= runner.outcome(catalog["a/01-slow.sh"]).duration


def test_fresh_home_is_a_throwaway_home(tmp_path):
    catalog = make_site(
        tmp_path,
        {
            "c/01-rc.console": '# test: run=console fresh-home expect="^~/\\.condarc$"\n'
            "$ echo 'envs_dirs: [/x]' > ~/.condarc\n$ echo \"home: $HOME\"\n"
        },
        {},
    )
    got = Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, "")).outcome(
        catalog["c/01-rc.console"]
    )
    assert got.outcome == "passed", got.reason
    home = re.search(r"^home: (\S+)$", "\n".join(got.details), re.M).group(1)
    assert home != os.environ["HOME"] and "hpcdocs-home." in home
    assert not Path(home).exists()  # removed after the run


def test_cleanup_runs_after_the_snippet_pass_or_fail(tmp_path):
    made = tmp_path / "made"
    catalog = make_site(
        tmp_path,
        {"a/01-ok.console": f"# test: run=console prepare='touch {made}' cleanup='rm {made}'\n"
                            f"$ test -e {made}\n",
         "a/02-bad.console": f"# test: run=console prepare='touch {made}' cleanup='rm {made}'\n"
                             "$ false\n",
         "a/03-undo-fails.console": "# test: run=console cleanup='exit 4'\n$ true\n"},
        {},
    )  # fmt: skip
    runner = Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, ""))
    assert runner.outcome(catalog["a/01-ok.console"]).outcome == "passed" and not made.exists()
    bad = runner.outcome(catalog["a/02-bad.console"])
    assert bad.outcome == "failed" and "exit status 1" in bad.reason and not made.exists()
    undo = runner.outcome(catalog["a/03-undo-fails.console"])
    assert undo.outcome == "failed" and "cleanup= failed (exit 4)" in undo.reason
    assert header.parse("# test: run=console cleanup='x'\n", "x").cleanup == "x"
    with pytest.raises(header.HeaderError, match="cleanup= has no effect with run=sbatch"):
        header.parse("# test: run=sbatch cleanup=true\n", "x")


def test_one_transcript_parser_for_runner_lint_and_conda_grammar():
    """snippets.console.command_lines is what the lint and conda's grammar check read
    (the copy button's rule: `$ ` lines, then lines continued by a trailing backslash)."""
    from hpcdocs.condagrammar import checker
    from hpcdocs.lint.model import Script
    from hpcdocs.snippettests import console

    text = "$ conda create -n a \\\n    python=3.11\nsample output \\\n$\n$ echo done\n"
    numbered = list(enumerate(text.splitlines(), 1))
    assert console.command_lines(numbered) == [
        (1, "conda create -n a \\"),
        (2, "    python=3.11"),
        (5, "echo done"),
    ]
    assert checker._console_lines(numbered) == console.command_lines(numbered)
    script = Script(name="t.console", text=text, kind="console")
    assert script.command_lines() == [
        (1, "  conda create -n a \\"),
        (2, "    python=3.11"),
        (5, "  echo done"),
    ]
    assert console.commands(text) == [
        (1, "conda create -n a \\\n    python=3.11"),
        (5, "echo done"),
    ]


def test_a_shared_outcome_runs_a_snippet_once_for_all_runners(tmp_path):
    """Runner(shared=DIR), as the xdist workers of one test run have it: what one runner
    ran (here as another's needs=), the next takes from DIR instead of running it again."""
    counter = tmp_path / "count"
    catalog = make_site(
        tmp_path,
        {"a/01-make.sh": f"# test: run=bash\necho x >> {counter}\n",
         "a/02-use.sh": "# test: run=bash needs=a/01-make.sh\ntrue\n",
         "a/03-fail.sh": "# test: run=bash\nexit 3\n"},
        {},
    )  # fmt: skip
    shared = tmp_path / "shared"

    def runner():
        return Runner(catalog, LocalCluster(), workroot=tmp_path / "runs", gpu=(False, ""),
                      shared=shared)  # fmt: skip

    first, second = runner(), runner()
    assert first.outcome(catalog["a/02-use.sh"]).outcome == "passed"
    assert second.outcome(catalog["a/01-make.sh"]).outcome == "passed"
    assert second.outcome(catalog["a/02-use.sh"]).outcome == "passed"
    assert counter.read_text() == "x\n"  # made once
    failed = first.outcome(catalog["a/03-fail.sh"])
    again = second.outcome(catalog["a/03-fail.sh"])
    assert again.outcome == failed.outcome == "failed" and again.reason == failed.reason

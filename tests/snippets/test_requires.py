"""requires=CMD (a snippet runs only where the command is on PATH) and the static
check of Apptainer definition files (.def), on small sites made in tmp_path."""

from __future__ import annotations

import os

import pytest
from hpcdocs.snippettests import header, static
from hpcdocs.snippettests.__main__ import report as figures
from hpcdocs.snippettests.runner import Runner
from test_machinery import make_site as make_site_with_pages

WHY = 'why="not on the test cluster"'


def make_site(tmp_path, snippets):
    return make_site_with_pages(tmp_path, snippets, {})


class LocalCluster:
    """Enough of the `cluster` fixture for login-side runs, with PATH of our choosing."""

    def __init__(self, path: str):
        self.env = dict(os.environ, PATH=path)

    def wait_job(self, jobid, timeout):
        raise AssertionError("no jobs here")


def test_requires_is_read_comma_separated_and_repeatable():
    got = header.parse(
        f"# test: run=console requires=apptainer,nvidia-smi {WHY}\n# test: requires=apptainer\n",
        "s.console",
    )
    assert got.requires == ["apptainer", "nvidia-smi"]


@pytest.mark.parametrize(
    "text,message",
    [
        (f"# test: run=console requires=apt/bin {WHY}\n", "requires='apt/bin' is not a command name"),
        (f"# test: run=console requires= {WHY}\n", "requires= has no value"),
        ("# test: run=console requires=apptainer\n", "requires= needs why="),
        (f"# test: run=static requires=apptainer {WHY}\n", "requires= has no effect with run=static"),
    ],
)  # fmt: skip
def test_requires_errors_name_file_and_line(text, message):
    with pytest.raises(header.HeaderError, match=r"^s\.console:1: ") as got:
        header.parse(text, "s.console")
    assert message in str(got.value)


def test_a_snippet_whose_command_is_missing_is_skipped_with_the_reason(tmp_path):
    catalog = make_site(
        tmp_path,
        {"c/01-pull.console": f"# test: run=console requires=no-such-cmd-here {WHY}\n$ true\n"},
    )
    snip = catalog["c/01-pull.console"]
    assert snip.tier == "login" and snip.requires == ["no-such-cmd-here"]
    assert not snip.executed  # counted as not executed: its header says why=
    got = Runner(catalog, LocalCluster(os.environ["PATH"]), workroot=tmp_path / "runs",
                 gpu=(False, "")).outcome(snip)  # fmt: skip
    assert got.outcome == "skipped"
    assert got.reason == (
        "requires=no-such-cmd-here: no `no-such-cmd-here` on PATH here; not on the test cluster"
    )
    assert not (tmp_path / "runs").exists()  # nothing ran


def test_a_snippet_whose_command_is_on_path_runs(tmp_path):
    # A real program, on the PATH the cluster's environment gives: no stand-in.
    catalog = make_site(
        tmp_path,
        {"c/01-ok.console": f"# test: run=console requires=bash expect=^hi$ {WHY}\n$ echo hi\n",
         "c/02-fail.console": f"# test: run=console requires=bash {WHY}\n$ false\n"},
    )  # fmt: skip
    runner = Runner(catalog, LocalCluster(os.environ["PATH"]), workroot=tmp_path / "runs",
                    gpu=(False, ""))  # fmt: skip
    assert runner.outcome(catalog["c/01-ok.console"]).outcome == "passed"
    assert runner.outcome(catalog["c/02-fail.console"]).outcome == "failed"
    # The same snippet where bash is not on the cluster's PATH: skipped, not run.
    other = Runner(catalog, LocalCluster("/nonexistent"), workroot=tmp_path / "r2",
                   gpu=(False, "")).outcome(catalog["c/02-fail.console"])  # fmt: skip
    assert other.outcome == "skipped" and other.reason.startswith("requires=bash: no `bash`")


def test_a_program_run_only_by_requires_snippets_inherits_their_commands(tmp_path):
    catalog = make_site(
        tmp_path,
        {"c/01-t.def": "Bootstrap: docker\nFrom: python:3.11-slim\n%post\n    true\n",
         "c/02-build.console": f"# test: run=console requires=apptainer with=c/01-t.def {WHY}\n"
                               "$ apptainer build t.sif t.def\n",
         "c/03-x.py": "print(1)\n",
         "c/04-a.console": f"# test: run=console requires=apptainer with=c/03-x.py {WHY}\n$ true\n",
         "c/05-b.console": "# test: run=console with=c/03-x.py\n$ true\n"},
    )  # fmt: skip
    assert catalog["c/01-t.def"].requires == ["apptainer"]
    assert not catalog["c/01-t.def"].executed
    assert catalog["c/03-x.py"].requires == [] and catalog["c/03-x.py"].executed


def test_report_counts_a_snippet_skipped_for_its_command_as_not_run(tmp_path):
    catalog = make_site(
        tmp_path,
        {"c/01-a.console": f"# test: run=console requires=apptainer {WHY}\n$ true\n",
         "c/02-b.console": "# test: run=console gpu\n$ true\n"},
    )  # fmt: skip
    results = {"snippets": {
        "c/01-a.console": {"outcome": "skipped", "reason": "requires=apptainer: no `apptainer`"},
        "c/02-b.console": {"outcome": "skipped", "reason": "no real GPU here"},
    }}  # fmt: skip
    got = figures(catalog, results)
    assert (got["tiers"]["login"]["untested"], got["tiers"]["login"]["skipped"]) == (1, 0)
    assert got["tiers"]["gpu"]["skipped"] == 1
    assert got["coverage"]["requires_command"] == 1 and got["coverage"]["executed"] == 1
    # Where the command was there and it ran, it counts as what it did.
    results["snippets"]["c/01-a.console"] = {"outcome": "passed", "reason": ""}
    assert figures(catalog, results)["tiers"]["login"]["passed"] == 1


GOOD_DEF = """\
Bootstrap: docker
From: python:3.11-slim

%post
    python -m pip install --no-cache-dir numpy==2.3.4

%runscript
    exec python "$@"
"""


@pytest.mark.parametrize(
    "old,new,message",
    [
        (None, None, None),
        ("%post", "%pots", "t/01-i.def:5: error: %pots is not a section"),
        ("From: python:3.11-slim\n", "", "t/01-i.def:2: error: Bootstrap: docker needs a From:"),
        ('exec python "$@"', 'exec python "$@', "t/01-i.def: line 9: unexpected EOF"),
        ('exec python "$@"', "exec python $@", "t/01-i.def:9:17: error: Double quote array"),
    ],
)
def test_definition_files_are_checked_statically(tmp_path, old, new, message):
    text = GOOD_DEF if old is None else GOOD_DEF.replace(old, new)
    catalog = make_site(tmp_path, {"t/01-i.def": "# test: run=static why=example\n" + text})
    snip = catalog["t/01-i.def"]
    assert snip.kind == "apptainer-def"
    problems = static.check(snip)
    if message is None:
        assert problems == []
    else:
        assert any(message.replace("t/", "snippets/t/", 1) in p for p in problems), problems


def test_the_page_note_counts_a_snippet_skipped_for_its_command_as_not_run():
    from hpcdocs import tested

    report = {"snippets": {
        "c/01.console": {"outcome": "skipped", "reason": "requires=apptainer: no `apptainer`"},
        "c/02.sh": {"outcome": "skipped", "reason": "no real GPU here"},
        "c/03.sh": {"outcome": "passed", "reason": ""},
    }}  # fmt: skip
    got = tested.count(report, ["c/01.console", "c/02.sh", "c/03.sh"])
    assert (got["passed"], got["skipped"], got["unavailable"]) == (1, 1, 1)
    assert got["unavailable_reasons"] == {"requires=apptainer: no `apptainer`"}
    assert got["reasons"] == {"no real GPU here"}

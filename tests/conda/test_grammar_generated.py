"""The conda grammar is generated from real conda's parser; the overlay adds only what it cannot say.

scripts/hpcdocs/condagrammar/grammar.json is written by `conda-grammar`
(hpcdocs.condagrammar.generate) from the parser of the conda the cluster's
module provides (cluster.yml: modules.conda). Here the file's format and
version are checked, and that grammar.py's hand-made overlay names only
commands and options the file has, or options the file rightly lacks (newer or
removed ones). Where a Python can import conda (this one, or the one
CONDA_GRAMMAR_PYTHON names: the GitHub workflow's conda-real job installs that
conda version with Miniforge), the file is regenerated and must be the same.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from importlib.util import find_spec

import pytest
from hpcdocs import ROOT, facts
from hpcdocs.condagrammar import generate, grammar

FILE = generate.DEFAULT_FILE
DATA = json.loads(FILE.read_text(encoding="utf-8"))


def cluster_conda_version() -> str:
    """The conda version of the project's own cluster (cluster.yml; the other profiles'
    Anaconda module names do not give one), e.g. miniforge3/24.11.3 -> 24.11.3."""
    module = str(facts.get("modules.conda", facts.load(ROOT / "cluster.yml")))
    found = re.search(r"miniforge3?/(\d+\.\d+\.\d+)", module)
    assert found, f"cluster.yml modules.conda {module!r} names no Miniforge version"
    return found.group(1)


def generated(path: tuple[str, ...]) -> dict | None:
    """The file's entry for a command path (aliases followed), or None."""
    commands, entry = DATA["commands"], None
    for name in path:
        entry = commands.get(name) or next(
            (e for e in commands.values() if name in e.get("aliases", ())), None
        )
        if entry is None:
            return None
        commands = entry.get("subcommands", {})
    return entry


def flags(entry: dict) -> set[str]:
    return {f for option in entry["options"] for f in option["flags"]}


def test_file_format_and_conda_version():
    assert DATA["format"] == generate.FORMAT
    assert DATA["conda_version"] == cluster_conda_version(), (
        f"{FILE.name} is conda {DATA['conda_version']}'s grammar, the cluster has conda "
        f"{cluster_conda_version()}: regenerate it with that conda (CONTRIBUTING.md part 4)"
    )
    assert grammar.load(FILE) == DATA
    assert set(generate.COMPARED) <= set(DATA)
    assert {"generator", "source"} <= set(DATA["provenance"])


def test_a_file_of_another_format_is_refused(tmp_path):
    other = tmp_path / "grammar.json"
    other.write_text(json.dumps({**DATA, "format": generate.FORMAT + 1}))
    with pytest.raises(ValueError, match="regenerate it"):
        grammar.load(other)


def test_newer_and_removed_options_are_not_in_the_generated_grammar():
    for paths, opt, reason in grammar.NEWER + grammar.REMOVED:
        assert reason and (opt.since or opt.removed), opt
        if opt.since:
            cluster = tuple(int(x) for x in DATA["conda_version"].split(".")[:2])
            assert opt.since > cluster, f"{opt.flags} since {opt.since}: the cluster's conda has it"
        for path in paths:
            entry = generated(path)
            assert entry is not None, f"overlay names conda {' '.join(path)}, not in {FILE.name}"
            stale = set(opt.flags) & flags(entry)
            assert not stale, f"conda {' '.join(path)} {stale}: in {FILE.name}; drop the overlay"


def test_newer_spellings_are_new_names_of_options_in_the_file():
    cluster = tuple(int(x) for x in DATA["conda_version"].split(".")[:2])
    for paths, spelling, existing, since, reason in grammar.NEWER_SPELLINGS:
        assert reason and since > cluster, spelling
        for path in paths:
            entry = generated(path)
            assert entry is not None, path
            assert existing in flags(entry) and spelling not in flags(entry), (path, spelling)


def test_newer_meanings_are_of_spellings_the_file_gives_another_option():
    cluster = tuple(int(x) for x in DATA["conda_version"].split(".")[:2])
    for paths, spelling, meaning, since, reason in grammar.NEWER_MEANINGS:
        assert reason and since > cluster, spelling
        for path in paths:
            options = generated(path)["options"]
            holder = [o["flags"] for o in options if spelling in o["flags"]]
            assert holder and meaning not in holder[0], (path, spelling, holder)
            assert any(meaning in o["flags"] for o in options), (path, meaning)


def test_the_other_overlay_entries_name_what_the_file_has():
    for path, opts in grammar.SHELL_FUNCTION_OPTIONS.items():
        assert generated(path) is not None, path
        assert not {f for o in opts for f in o.flags} & flags(generated(path)), path
    for path in grammar.POSITIONAL_BY_COMMAND:
        assert generated(path) is not None, path
    for path, why in grammar.REMOVED_COMMANDS.items():
        assert why and generated(path) is None, f"conda {' '.join(path)} is in {FILE.name}"
        assert len(path) == 1 or generated(path[:-1]) is not None, path
    for name, package in grammar.PLUGIN_COMMANDS.items():
        assert package and generated((name,)) is None, f"conda {name} is conda's own"
    used = {(p["dest"], p["nargs"]) for p in _all_positionals(DATA["commands"])}
    assert set(grammar.POSITIONAL_MEANING) <= used, set(grammar.POSITIONAL_MEANING) - used
    for dest, extra in grammar.PLUGIN_CHOICES.items():
        choices = {
            c for o in _all_options(DATA["commands"]) if dest in o["flags"] for c in o["choices"]
        }
        assert choices and not set(extra) & choices, (dest, choices)
    for key, why in grammar.NEWER_CONFIG_KEYS.items():
        assert why and key not in DATA["config_keys"], key


def _all_entries(commands: dict):
    for entry in commands.values():
        yield entry
        yield from _all_entries(entry.get("subcommands", {}))


def _all_options(commands: dict):
    return [o for e in _all_entries(commands) for o in e["options"]]


def _all_positionals(commands: dict):
    return [p for e in _all_entries(commands) for p in e["positionals"]]


def test_the_check_names_each_difference():
    edited = json.loads(json.dumps(DATA))
    edited["conda_version"] = "0.0.1"
    create = edited["commands"]["create"]
    create["options"] = [o for o in create["options"] if "--clone" not in o["flags"]]
    lines = generate.differences(edited, DATA)
    assert lines[0] == f"conda_version: the file has '0.0.1', conda gives {DATA['conda_version']!r}"
    assert "conda create options: --clone: in conda, not in the file" in lines
    assert generate.differences(DATA, DATA) == []
    edited["format"] = 0
    assert generate.differences(edited, DATA)[0].startswith("format: the file has 0")


def conda_python() -> str | None:
    """A Python that imports conda: CONDA_GRAMMAR_PYTHON, else this one if it can."""
    if os.environ.get("CONDA_GRAMMAR_PYTHON"):
        return os.environ["CONDA_GRAMMAR_PYTHON"]
    try:  # conda itself, not the namespace package scripts/conda (the stand-in's link)
        found = find_spec("conda.cli.conda_argparse") is not None
    except ImportError:
        found = False
    return sys.executable if found else None


def test_file_is_what_real_conda_generates():
    python = conda_python()
    if python is None:
        pytest.skip(
            "no Python here imports conda (conda is not on PyPI and its channels are out of "
            "reach): the GitHub workflow's conda-real job regenerates the grammar with conda "
            f"{DATA['conda_version']} (CONDA_GRAMMAR_PYTHON)"
        )
    # By its path: generate.py needs only the standard library and conda.
    done = subprocess.run(
        [python, generate.__file__, "--check", str(FILE)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_walk_reads_what_conda_argparse_says():
    """generate.py's walk on a parser built as conda builds its own (here: no conda needed)."""

    class Deprecated(argparse._StoreTrueAction):  # what conda's deprecated.action() makes
        category = FutureWarning

    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("-V", "--version", action="version", version="x")
    sub = top.add_subparsers(dest="cmd")
    remove = sub.add_parser("remove", aliases=["uninstall"])
    remove.add_argument("package_names", nargs="*")
    remove.add_argument("-c", "--channel", action="append")
    remove.add_argument("--zst", action=argparse.BooleanOptionalAction)
    remove.add_argument("--solver", choices=["classic"])
    remove.add_argument("--old", action=Deprecated, help="`--old` is deprecated")
    remove.add_argument("--secret", action="store_true", help=argparse.SUPPRESS)
    env = sub.add_parser("env")
    env.add_subparsers(dest="env_cmd", required=True).add_parser("list")
    sub.add_parser("standin").set_defaults(_executable="standin")  # a conda-NAME program

    walked = generate._walk(generate._subparsers(top), {})
    assert list(walked) == ["remove", "env"]
    removal = walked["remove"]
    assert removal["aliases"] == ["uninstall"]
    assert removal["positionals"] == [{"dest": "package_names", "action": "store", "nargs": "*"}]
    by_flag = {o["flags"][-1]: o for o in removal["options"]}
    assert by_flag["--channel"] == {
        "flags": ["-c", "--channel"],
        "dest": "channel",
        "action": "append",
        "nargs": 1,
    }
    assert by_flag["--no-zst"]["action"] == "boolean_optional"
    assert by_flag["--solver"]["choices"] == ["classic"]
    assert by_flag["--old"]["deprecated"] == "`--old` is deprecated"
    assert by_flag["--secret"]["hidden"] is True
    assert walked["env"]["subcommands"]["list"]["options"][0]["flags"] == ["-h", "--help"]
    assert walked["env"]["subcommand_required"] is True
    assert generate._command(top)["options"][0]["action"] == "version"

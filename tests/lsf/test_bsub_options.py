"""One bsub option table (hpcdocs/lsf/bsub_options.json) and one LSF value grammar
(hpcdocs.lint.lsf_values) for the job-script checker and the LSF layer alike;
neither may keep a list of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hpcdocs import ROOT
from hpcdocs.lint import lint, lsf_values
from hpcdocs.lint import lsf as lint_lsf
from hpcdocs.lsf import LsfError, bsub_args, resources

PACKAGE = ROOT / "scripts" / "hpcdocs"
USERS = sorted([*(PACKAGE / "lint").glob("*.py"), *(PACKAGE / "lsf").glob("*.py")])


def test_checker_and_layer_use_the_same_table():
    assert lint_lsf.FLAGS is bsub_args.FLAGS
    assert lint_lsf.WITH_VALUE is bsub_args.WITH_VALUE
    assert not bsub_args.FLAGS & bsub_args.WITH_VALUE
    assert bsub_args.SUPPORTED <= bsub_args.ALL


def _literal_words(node: ast.AST) -> list[str]:
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return [
            e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split()
    return []


def own_lists(path: Path, root: Path = ROOT) -> list[str]:
    """Literals in path that name eight or more bsub options (other than the
    layer's SUPPORTED, which says what it maps, not what bsub has)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["SUPPORTED"]
    }
    found = []
    for node in ast.walk(tree):
        words = _literal_words(node)
        named = {w for w in words if w in bsub_args.ALL}
        if len(named) >= 8 and id(node) not in allowed:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {len(named)} bsub options")
    return found


def test_no_module_keeps_its_own_list_of_bsub_options():
    found = [hit for path in USERS for hit in own_lists(path)]
    assert not found, "use hpcdocs/lsf/bsub_options.json:\n" + "\n".join(found)


def test_the_check_finds_a_list_of_its_own(tmp_path):
    copy = tmp_path / "scripts" / "hpcdocs" / "lint" / "mine.py"
    copy.parent.mkdir(parents=True)
    copy.write_text('MINE = "a app b B C c cwd D e E eo F"\nSUPPORTED = {"J"}\n')
    hits = own_lists(copy, tmp_path)
    assert hits == ["scripts/hpcdocs/lint/mine.py:1: 12 bsub options"]


# Where the two lists disagreed before they were one, as IBM's LSF 10.1 command
# reference settles it (bsub.<option>.1.html for each).
FLAG = ["XF", "Zs", "datachk", "ar", "hl", "ul", "Ne"]
VALUE = ["rnc", "notify", "jobaff", "json", "yaml", "extsched", "ext", "datagrp", "jsm"]


@pytest.mark.parametrize("name", FLAG)
def test_settled_flags(name):
    assert name in bsub_args.FLAGS


@pytest.mark.parametrize("name", VALUE)
def test_settled_options_with_a_value(name):
    assert name in bsub_args.WITH_VALUE


def test_io_is_not_a_bsub_option():
    """`io` is a category of bsub -json/-yaml files, not an option."""
    assert "io" not in bsub_args.ALL
    with pytest.raises(LsfError, match="-io: Illegal option"):
        bsub_args.parse_command_line(["-io", "x", "hostname"])
    findings = lint("#!/bin/bash\n#BSUB -io x\nhostname\n", name="job.sh")
    assert any(f.code == "lsf-unknown-option" for f in findings), findings


def test_a_flag_the_layer_does_not_map_is_refused_by_name_not_taken_as_the_command():
    with pytest.raises(LsfError, match="-XF: option not supported"):
        bsub_args.parse_command_line(["-XF", "hostname"])
    with pytest.raises(LsfError, match="-rnc: option not supported"):
        bsub_args.parse_command_line(["-rnc", "notify.sh", "hostname"])


# One LSF value grammar (hpcdocs.lint.lsf_values): what the checker calls wrong,
# the layer refuses with the same words, before any "not supported" of its own.
LAYER = {
    "W": resources.time_limit,
    "n": resources.slots,
    "M": lambda v: resources.memory_limit(v, "MB"),
    "gpu": lambda v: resources.gpu(v, "a100"),
    "R": lambda v: resources.resource_requirements([v]),
}
BAD_IN_LSF = [
    ("W", "1:75"),
    ("W", "12:00:00"),
    ("W", "abc"),
    ("n", "0"),
    ("n", "4,2"),
    ("M", "4XB"),
    ("gpu", "num=0"),
    ("gpu", "num=1:mode=exclusive"),
    ("gpu", "num=1:num=2"),
    ("gpu", "count=1"),
    ("R", "span[hosts=1"),
    ("R", "foo[1]"),
    ("R", "span[hosts=2:ptile=x]"),
    ("R", "rusage[mem]"),
]


@pytest.mark.parametrize("opt, value", BAD_IN_LSF)
def test_layer_refuses_what_the_grammar_rejects_in_its_words(opt, value):
    bad = lsf_values.problem(opt, value)
    assert bad, f"-{opt} {value} is valid LSF: pick a value the grammar rejects"
    with pytest.raises(LsfError) as err:
        LAYER[opt](value)
    assert bad in str(err.value)


@pytest.mark.parametrize(
    "opt, value",
    [("W", "10/hostA"), ("n", "2,4"), ("gpu", "num=1:mps=per_socket"), ("R", "select[mem>1]")],
)
def test_valid_lsf_the_layer_cannot_map_is_refused_as_not_supported(opt, value):
    assert lsf_values.problem(opt, value) is None
    with pytest.raises(LsfError, match="not supported"):
        LAYER[opt](value)

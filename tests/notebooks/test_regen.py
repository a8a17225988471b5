"""regen-notebooks: pytest-notebook's diff decides what is rewritten.

The comparison tests build notebooks in memory (no kernel, no cluster); the last
test runs the command on copies of a tutorial on the test cluster.
"""

import base64
import copy
import re
import shutil
import subprocess

import nbformat
import pytest
from hpcdocs import ROOT, command
from hpcdocs.notebooks import (
    SANITIZE_CFG,
    SanitizerError,
    compare,
    read_sanitizers,
    unchecked_cells,
)
from nbval.plugin import get_sanitize_patterns

REGEN = command("regen-notebooks")
PNG_A = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"A" * 40).decode()
PNG_B = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"B" * 40).decode()


def notebook(*cells):
    """A notebook of code cells, each given as (source, [outputs])."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    for n, (source, outputs) in enumerate(cells, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=n)
        cell.outputs = outputs
        nb.cells.append(cell)
    return nb


def stdout(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def figure(png):
    return nbformat.v4.new_output(
        "display_data", data={"image/png": png, "text/plain": "<Figure size 288x180 with 1 Axes>"}
    )


def stored_and_fresh(**changes):
    """A three-cell notebook and a copy whose outputs got the given changes."""
    stored = notebook(
        ("submit()", [stdout("submitted job 1456 running on cn01\n")]),
        ("# NBVAL_IGNORE_OUTPUT\nprint(time.time())", [stdout("1764669600.12\n")]),
        ("plot()", [figure(PNG_A)]),
    )
    fresh = copy.deepcopy(stored)
    for where, value in changes.items():
        if where == "text0":
            fresh.cells[0].outputs[0].text = value
        elif where == "text1":
            fresh.cells[1].outputs[0].text = value
        elif where == "png2":
            fresh.cells[2].outputs[0].data["image/png"] = value
        elif where == "extra0":
            fresh.cells[0].outputs.append(stdout(value))
        elif where == "python":
            fresh.metadata.language_info.version = value
    return stored, fresh


def test_the_real_sanitizers_read_as_nbval_reads_them():
    pairs = read_sanitizers()
    assert pairs == get_sanitize_patterns(SANITIZE_CFG.read_text("utf-8"))
    assert len(pairs) >= 10, pairs


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("regex: a\nreplace: b\nregex: c\n", 3, "no `replace: ` line right after it"),
        ("[x]\nregex: a\n\nreplace: b\n", 2, "no `replace: ` line right after it"),
        ("replace: b\n", 1, "no `regex:` line before it"),
        ("regex: (unclosed\nreplace: b\n", 1, "not a valid regular expression"),
    ],
)
def test_a_broken_sanitizer_file_is_named_with_its_line(tmp_path, text, line, message):
    cfg = tmp_path / "sanitize.cfg"
    cfg.write_text(text)
    with pytest.raises(SanitizerError) as err:
        read_sanitizers(cfg)
    assert str(err.value).startswith(f"{cfg}:{line}: "), err.value
    assert message in str(err.value), err.value


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"text0": "submitted job 98765 running on gn02\n"},  # job ids, nodes: sanitized
        {"text1": "1764670000.99\n"},  # a cell marked NBVAL_IGNORE_OUTPUT
        {"python": "3.11.9"},  # the kernel's language_info
    ],
    ids=["same", "job-id-and-node", "ignored-cell", "kernel-version"],
)
def test_what_varies_between_runs_is_not_a_change(changes):
    stored, fresh = stored_and_fresh(**changes)
    result = compare(stored, fresh)
    assert not result.changed, result.text
    assert result.text == ""


@pytest.mark.parametrize(
    "changes, path",
    [
        ({"text0": "submitted job 1456 running on cn01 twice\n"}, "/cells/0/outputs/0/text"),
        ({"png2": PNG_B}, "/cells/2/outputs/0/data/image/png"),
        ({"extra0": "a warning\n"}, "/cells/0/outputs"),
    ],
    ids=["text", "picture", "new-output"],
)
def test_any_other_difference_is_a_change_shown_by_its_path(changes, path):
    stored, fresh = stored_and_fresh(**changes)
    result = compare(stored, fresh)
    assert result.changed
    assert path in result.text, result.text
    assert "--- expected" in result.text and "+++ obtained" in result.text


def test_cells_left_unchecked_are_the_ones_nbval_leaves():
    nb = notebook(
        ("print(1)", []),
        ("# NBVAL_IGNORE_OUTPUT\nprint(2)", []),
        ("# NBVAL_SKIP\nprint(3)", []),
        ("x = 1  # NBVAL_IGNORE_OUTPUT is only a marker alone on its line", []),
    )
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("# NBVAL_IGNORE_OUTPUT"))
    assert unchecked_cells(nb) == [2, 3]


def test_regen_script_explains_itself():
    r = subprocess.run([str(REGEN), "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "usage: regen-notebooks" in r.stdout, r.stderr
    assert "--check" in r.stdout
    r = subprocess.run([str(REGEN), "README.md"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "README.md: not a notebook file" in r.stderr, r.stderr
    r = subprocess.run([str(REGEN), "--frobnicate"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "unknown option --frobnicate" in r.stderr, r.stderr


@pytest.mark.slow
def test_regen_rewrites_a_stale_notebook_and_leaves_a_current_one(tmp_path, cluster):
    """On the test cluster: --check reports, plain regen rewrites only what changed."""
    if not cluster.is_test_cluster:
        pytest.skip("regen-notebooks runs the notebooks on the test cluster only")
    source = ROOT / "notebooks" / "en" / "03-submit-jobs.ipynb"
    current = tmp_path / "current.ipynb"
    stale = tmp_path / "stale.ipynb"
    shutil.copy(source, current)
    nb = nbformat.read(source, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "learning rate 0.003" in str(c)]
    where = nb.cells.index(cell)
    cell.outputs[0].text = cell.outputs[0].text.replace("learning rate 0.003", "learning rate 0.3")
    nbformat.write(nb, stale)
    stale_bytes, current_bytes = stale.read_bytes(), current.read_bytes()

    r = subprocess.run(
        [str(REGEN), "--check", str(current), str(stale)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert re.search(r"current\.ipynb: [\d.]+ s, \d+ KiB, unchanged", r.stdout), r.stdout
    assert "stale.ipynb: " in r.stdout and "differs, not written (--check)" in r.stdout
    assert f"/cells/{where}/outputs/0/text" in r.stdout, r.stdout
    changed_paths = re.findall(r"^## \w+ (/\S+):", r.stdout, re.M)
    assert changed_paths == [f"/cells/{where}/outputs/0/text"], r.stdout
    assert "1 notebook(s) differ from a fresh run" in r.stderr
    assert stale.read_bytes() == stale_bytes and current.read_bytes() == current_bytes

    r = subprocess.run([str(REGEN), str(stale)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "stale.ipynb: " in r.stdout and ", rewritten:" in r.stdout, r.stdout
    fixed = nbformat.read(stale, as_version=4).cells[where].outputs[0].text
    assert "learning rate 0.003" in fixed and "learning rate 0.3\n" not in fixed, fixed

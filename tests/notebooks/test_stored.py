"""The stored notebooks: twins with the same code, run top to bottom, small outputs.

These read the .ipynb files only (fast, no cluster). test_run.py executes them.
"""

import json
import struct

import pytest
from hpcdocs import ROOT

NOTEBOOKS = ROOT / "notebooks"
LANGS = ("zh", "en")
NAMES = sorted({p.name for lang in LANGS for p in (NOTEBOOKS / lang).glob("*.ipynb")})
FILES = [NOTEBOOKS / lang / name for name in NAMES for lang in LANGS]

MAX_NOTEBOOK_BYTES = 300 * 1024
MAX_PNG_BYTES = 60 * 1024
MAX_PNG_SIZE = (800, 600)  # width, height in pixels
MAX_TEXT_LINES = 40  # per output: no long dumps on the page
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
LOCAL_PATHS = (str(ROOT), "/root/", "/home/", "/tmp/")


def _load(path):
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as err:
        pytest.fail(f"{path.relative_to(ROOT)}:{err.lineno}: not valid JSON: {err.msg}")


def _rel(path):
    return path.relative_to(ROOT).as_posix()


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _outputs(nb):
    """(cell number, output) for every output of every code cell, numbered from 1."""
    for number, cell in enumerate(nb["cells"], 1):
        for out in cell.get("outputs", []):
            yield number, out


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; ValueError if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def test_there_are_notebooks():
    assert NAMES, "notebooks/zh and notebooks/en hold no .ipynb"


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_exists_in_both_languages(name):
    missing = [
        f"notebooks/{lang}/{name}" for lang in LANGS if not (NOTEBOOKS / lang / name).exists()
    ]
    assert not missing, f"missing twin: {', '.join(missing)}"


@pytest.mark.parametrize("name", NAMES)
def test_twins_have_the_same_code_cells(name):
    if not all((NOTEBOOKS / lang / name).exists() for lang in LANGS):
        pytest.skip("one language is missing (reported by the test above)")
    code = {
        lang: [_text(c["source"]) for c in _code_cells(_load(NOTEBOOKS / lang / name))]
        for lang in LANGS
    }
    zh, en = code["zh"], code["en"]
    for i, (a, b) in enumerate(zip(zh, en, strict=False), 1):
        assert a == b, f"{name}: code cell {i} differs between zh and en:\nzh:\n{a}\nen:\n{b}"
    assert len(zh) == len(en), f"{name}: {len(zh)} code cells in zh, {len(en)} in en"


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_notebook_is_small(path):
    size = path.stat().st_size
    assert size <= MAX_NOTEBOOK_BYTES, (
        f"{_rel(path)} is {size // 1024} KiB, over {MAX_NOTEBOOK_BYTES // 1024} KiB: "
        "smaller figures (figsize, dpi) or shorter outputs"
    )


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_images_are_modest_pngs(path):
    import base64

    for number, out in _outputs(_load(path)):
        data = out.get("data", {})
        others = sorted(set(data) & IMAGE_TYPES - {"image/png"})
        assert not others, f"{_rel(path)}: cell {number} stores {others}: store PNG only"
        if "image/png" not in data:
            continue
        png = base64.b64decode(_text(data["image/png"]))
        try:
            width, height = png_size(png)
        except ValueError:
            pytest.fail(f"{_rel(path)}: cell {number}: image/png is not a PNG")
        assert width <= MAX_PNG_SIZE[0] and height <= MAX_PNG_SIZE[1], (
            f"{_rel(path)}: cell {number}: image is {width}x{height} px, over "
            f"{MAX_PNG_SIZE[0]}x{MAX_PNG_SIZE[1]}: lower figure.dpi or figsize"
        )
        assert len(png) <= MAX_PNG_BYTES, (
            f"{_rel(path)}: cell {number}: PNG of {len(png) // 1024} KiB, over "
            f"{MAX_PNG_BYTES // 1024} KiB"
        )


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_text_outputs_are_short(path):
    for number, out in _outputs(_load(path)):
        texts = [out.get("text", "")] + [out.get("data", {}).get("text/plain", "")]
        for text in texts:
            lines = _text(text).count("\n")
            assert lines <= MAX_TEXT_LINES, (
                f"{_rel(path)}: cell {number} prints {lines} lines, over {MAX_TEXT_LINES}"
            )


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_outputs_are_from_one_clean_run(path):
    """Executed top to bottom in one kernel (regen-notebooks), no errors or warnings."""
    nb = _load(path)
    counts = [c["execution_count"] for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{_rel(path)}: execution counts {counts}: not one top-to-bottom run; run regen-notebooks"
    )
    for number, out in _outputs(nb):
        assert out["output_type"] != "error", (
            f"{_rel(path)}: cell {number} stored an error: {out.get('ename')}: {out.get('evalue')}"
        )
        assert out.get("name") != "stderr", (
            f"{_rel(path)}: cell {number} stored stderr output:\n{_text(out['text'])[:500]}"
        )
        blob = json.dumps(out.get("text", "")) + json.dumps(
            out.get("data", {}).get("text/plain", "")
        )
        for local in LOCAL_PATHS:
            assert local not in blob, f"{_rel(path)}: cell {number} shows a local path ({local})"


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_kernel_is_python3(path):
    spec = _load(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3", f"{_rel(path)}: kernelspec {spec}: use python3"


@pytest.mark.parametrize("lang", LANGS)
def test_site_shows_the_notebooks(lang):
    link = ROOT / "docs" / lang / "notebooks"
    assert link.is_symlink(), f"docs/{lang}/notebooks should be a symlink to ../../notebooks/{lang}"
    assert link.resolve() == (NOTEBOOKS / lang).resolve(), (
        f"docs/{lang}/notebooks points at {link.resolve()}, not notebooks/{lang}"
    )


def test_png_size_reads_the_header():
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 432, 72)
    assert png_size(header + b"\x08\x06\x00\x00\x00") == (432, 72)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + b"\x00" * 30)

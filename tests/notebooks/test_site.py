"""The site shows every notebook as a page, with its plots, in both languages."""

import json

import pytest
from hpcdocs import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _site_path(notebook):
    """Where the page of notebooks/LANG/NAME.ipynb lands: zh (default) at the root."""
    lang = notebook.parent.name
    prefix = "" if lang == "zh" else f"{lang}/"
    return f"{prefix}notebooks/{notebook.stem}/index.html"


def _png_outputs(notebook):
    cells = json.loads(notebook.read_text("utf-8"))["cells"]
    return sum("image/png" in out.get("data", {}) for c in cells for out in c.get("outputs", []))


@pytest.fixture(scope="module")
def site(tmp_path_factory, mkdocs_build):
    out = tmp_path_factory.mktemp("site")
    r = mkdocs_build("--site-dir", str(out))
    assert r.returncode == 0, f"mkdocs build --strict failed:\n{r.stderr[-6000:]}"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_a_page_with_its_plots(site, notebook):
    page = site / _site_path(notebook)
    assert page.is_file(), f"{notebook.relative_to(ROOT)}: no page at {_site_path(notebook)}"
    html = page.read_text("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html"), (
        f"{_site_path(notebook)} is not HTML (the raw notebook was copied): mkdocs-jupyter did "
        "not render it; with mkdocs-static-i18n a hook must hand notebooks back to "
        "mkdocs-jupyter after the i18n plugin's on_files"
    )
    images = html.count('src="data:image/png;base64,')
    assert images == _png_outputs(notebook), (
        f"{_site_path(notebook)} shows {images} PNG images, the notebook stores "
        f"{_png_outputs(notebook)}"
    )
    assert (page.parent / notebook.name).is_file(), f"no download of {notebook.name} beside it"

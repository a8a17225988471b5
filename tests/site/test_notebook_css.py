"""The notebook pages' shared, pruned stylesheet (scripts/hooks/notebook_css.py).

The pruning rules on small stylesheets of our own, then the real thing: each
notebook page in Debian's chromium, once with the pruned stylesheet it links
and once with mkdocs-jupyter's full styles served in its place, in light and in
dark mode; the two screenshots must be the same, pixel for pixel (all but the
header, which the notebook styles do not reach). Both are
kept in build/screenshots/ to look at.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from hpcdocs import ROOT, notebookcss, sitebench

SHOTS = ROOT / "build" / "screenshots"
URL = "assets/stylesheets/notebook.css"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
NOTEBOOK_PAGES = ["/notebooks/01-environment/", "/notebooks/02-digits-cnn/"] + [
    "/en/notebooks/03-submit-jobs/",
    "/en/notebooks/04-job-history/",
]


def _prune(css, classes=(), html_vars=()):
    return notebookcss.prune(css, set(classes), html_vars)


def test_a_rule_stays_only_if_its_classes_are_used():
    css = ".w .used{color:red}.w .unused{color:blue}.w .used,.w .gone{margin:0}p{padding:0}"
    out = _prune(css, {"w", "used"})
    assert out.splitlines() == [".w .used{color:red}", ".w .used{margin:0}", "p{padding:0}"]


def test_classes_under_not_and_alternatives_do_not_count():
    css = ".a:not(.absent){color:red}:is(.absent,.a) b{color:blue}"
    assert _prune(css, {"a"}).count("{") == 2


def test_root_inside_an_element_can_never_match():
    css = ".jupyter-wrapper :root{--x:1}:root{--y:2}.w{color:var(--y)}"
    out = _prune(css, {"jupyter-wrapper", "w"})
    assert ":root{--y:2}" in out and "--x" not in out


def test_custom_properties_stay_only_if_used_directly_or_through_another():
    css = ".w{--used:var(--base);--base:1px;--alone:2px;--for-html:3px}.w b{margin:var(--used)}"
    out = _prune(css, {"w"}, html_vars={"--for-html"})
    assert "--used:" in out and "--base:" in out and "--for-html:" in out
    assert "--alone" not in out


def test_media_blocks_are_pruned_inside_and_dropped_when_empty():
    css = "@media print{.used{color:red}.unused{color:blue}}@media screen{.unused{top:0}}"
    assert _prune(css, {"used"}) == "@media print{.used{color:red}}"


def test_an_exact_repeat_is_kept_where_it_last_appears():
    css = ".a{color:red}.b{color:blue}.a{color:red}"
    assert _prune(css, {"a", "b"}).splitlines() == [".b{color:blue}", ".a{color:red}"]


def test_important_and_keyframes_survive():
    css = "@keyframes spin{to{transform:rotate(1turn)}}.a{color:red!important}"
    out = _prune(css, {"a"})
    assert "@keyframes spin" in out and "color:red !important" in out


def test_mkdocs_jupyters_list_repr_block_is_recognised():
    assert notebookcss.is_python_list_repr("\n        ['pre { line-height: 125%; }\\n']")
    assert not notebookcss.is_python_list_repr(".a{color:red}")


def test_built_notebook_pages_link_the_shared_stylesheet(built_site):
    site = built_site["dir"]
    css = site / URL
    assert css.is_file(), "the notebook stylesheet was not written"
    size = css.stat().st_size
    print(f"{URL}: {size} bytes")
    for page in sorted(site.glob("**/notebooks/*/index.html")):
        html = page.read_text("utf-8")
        assert not re.search(r"<style\b", html), f"{page}: inline styles are back"
        assert html.count(f'{URL}">') == 1, f"{page}: does not link {URL}"
        # after the theme's stylesheets, where the inline blocks were: the same cascade
        sheets = STYLESHEET.findall(html[: html.index("</head>")])
        assert sheets[-1].endswith(URL), f"{page}: {URL} is not the head's last stylesheet"


@functools.cache
def _full_styles(page_path: str) -> str:
    """mkdocs-jupyter's styles for this notebook, as it inlines them (converted afresh)."""
    from mkdocs_jupyter import convert

    parts = page_path.strip("/").split("/")
    lang = parts[0] if parts[0] == "en" else "zh"
    name = parts[-1]
    html = convert.nb2html(str(ROOT / "notebooks" / lang / f"{name}.ipynb"))
    return notebookcss.full(notebookcss.extract(html)[1])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", NOTEBOOK_PAGES)
def test_pruned_stylesheet_looks_the_same_as_the_full_one(built_site, path, scheme):
    playwright_api = pytest.importorskip("playwright.sync_api")
    image = pytest.importorskip("PIL.Image")
    chops = pytest.importorskip("PIL.ImageChops")
    if not sitebench.CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup-system installs it)")
    full = _full_styles(path)
    assert len(full) > 500_000  # JupyterLab's whole stylesheet: the real thing was converted
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-")
    shots = {}
    with sitebench.serve(built_site["dir"]) as base, playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(sitebench.CHROMIUM), args=sitebench.ARGS, headless=True
        )
        for kind in ("pruned", "full"):
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            if kind == "full":
                page.route(
                    f"**/{URL}",
                    lambda route: route.fulfill(body=full, content_type="text/css"),
                )
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(300)
            assert page.locator(".jupyter-wrapper").count() == 1
            shot = SHOTS / f"notebook-{name}-{scheme}-{kind}.png"
            # the header is masked: in dark mode its search box is still fading in
            # (Material's transitions), a few pixels apart from one load to the next
            page.screenshot(
                path=str(shot),
                full_page=True,
                animations="disabled",
                mask=[page.locator(".md-header")],
            )
            shots[kind] = shot
            context.close()
        browser.close()
    a, b = (image.open(shots[k]).convert("RGB") for k in ("pruned", "full"))
    assert a.size == b.size, f"{path} ({scheme}): page sizes differ, {a.size} and {b.size}"
    box = chops.difference(a, b).getbbox()
    assert box is None, (
        f"{path} ({scheme}): the pruned stylesheet changes the page within {box}; "
        f"see {shots['pruned']} and {shots['full']}"
    )


def test_notebook_pages_weigh_less(built_site):
    """Not a budget (that is the home pages'): the figures, as bench-site has them,
    without a browser: the page and its stylesheets."""
    site: Path = built_site["dir"]
    for path in NOTEBOOK_PAGES:
        html = (site / path.strip("/") / "index.html").read_text("utf-8")
        urls = [path] + [urljoin(path, s) for s in STYLESHEET.findall(html)]
        row = sitebench.weigh(site, urls)
        print(f"{path}: {row['raw']} bytes raw, {row['gzip']} gzipped (page and stylesheets)")
        assert row["raw"] < 600_000, row["files"]

"""Accessibility of the built site (issue 19): axe-core on every page, and the keyboard alone.

axe-core is pinned in package.json (npm ci puts it in node_modules/) and injected
into each page of both languages in Debian's chromium through Playwright: every
rule in the light scheme (the default), and in the dark scheme the rules that
depend on the colours. A serious or critical violation fails the test; the minor
and moderate ones are counted in the output. No rule is turned off.

The keyboard tests use nothing but keys: Tab to the content tabs and the arrow
keys between them; the search shortcut, typing, the arrow keys to a result and
Enter to open it, Escape to close the search.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hpcdocs import ROOT

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api")

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
# What the dark scheme changes: the colours, nothing in the page's structure.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def site_pages(site: Path, lang: str) -> list[str]:
    """Every page of one language as a URL path (the 404 page with the default language)."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        path = "/" if rel == "." else f"/{rel}/"
        if (lang == "en") == path.startswith("/en/"):
            paths.append(path)
    if lang == "zh" and (site / "404.html").is_file():
        paths.append("/404.html")
    return paths


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make setup-test does)")
    return AXE.read_text("utf-8")


def axe_run(page, axe_source: str, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (all rules, or only these)."""
    page.add_script_tag(content=axe_source)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return page.evaluate("o => axe.run(document, o)", options)["violations"]


def describe(path: str, violation: dict) -> str:
    nodes = violation["nodes"]
    first = nodes[0]
    summary = " ".join(first["failureSummary"].split())
    return (
        f"{path}: {violation['id']} ({violation['impact']}, {len(nodes)} element(s)): "
        f"{violation['help']}; first: {first['target']} {first['html'][:120]} - {summary[:300]}"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_has_no_serious_accessibility_violation(
    browser, server, built_site, axe_source, lang, scheme
):
    paths = site_pages(built_site["dir"], lang)
    # the nav's pages, both languages: a build that lost pages would check too few
    assert len(paths) >= 25, paths
    context = browser.new_context(
        locale="zh-CN" if lang == "zh" else "en-US",
        viewport={"width": 1280, "height": 900},
        color_scheme=scheme,
    )
    page = context.new_page()
    rules = COLOUR_RULES if scheme == "dark" else None
    failing, other = [], Counter()
    try:
        for path in paths:
            page.goto(server + path, wait_until="networkidle")
            body_scheme = page.locator("body").get_attribute("data-md-color-scheme")
            assert body_scheme == ("default" if scheme == "light" else "slate"), (path, body_scheme)
            for violation in axe_run(page, axe_source, rules):
                if violation["impact"] in FAILING:
                    failing.append(describe(path, violation))
                else:
                    other[f"{violation['id']} ({violation['impact']})"] += 1
    finally:
        context.close()
    print(f"{lang}/{scheme}: {len(paths)} pages; minor or moderate, pages with each: {dict(other)}")
    assert not failing, "\n".join(failing)


def test_axe_finds_what_it_is_asked_to(browser, server, axe_source):
    """The check can fail: a link without a name and grey-on-grey text on a real page are caught."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + "/slurm/", wait_until="networkidle")
        page.evaluate(
            """() => {
              const p = document.querySelector('.md-content .md-typeset p');
              const a = document.createElement('a');
              a.href = '#';
              p.appendChild(a);
              const s = document.createElement('span');
              s.textContent = 'faint text';
              s.style.color = '#bbb';
              p.appendChild(s);
            }"""
        )
        found = {v["id"]: v["impact"] for v in axe_run(page, axe_source)}
    finally:
        context.close()
    assert found.get("link-name") in FAILING, found
    assert found.get("color-contrast") in FAILING, found


def active(page) -> dict:
    """What has the keyboard focus."""
    return page.evaluate(
        """() => { const e = document.activeElement;
          return {tag: e.tagName, id: e.id, cls: e.className || '', href: e.href || '',
                  tabset: !!e.closest('.tabbed-set'), checked: !!e.checked}; }"""
    )


def visible_tab_text(page, index: int) -> str:
    """The text of the tab content shown in the index-th tab set of the page."""
    return (
        page.locator(".tabbed-set")
        .nth(index)
        .locator(".tabbed-content > .tabbed-block")
        .evaluate_all("els => els.filter(e => e.offsetParent !== null).map(e => e.innerText)")
    )


@pytest.mark.parametrize("path", ["/templates/", "/en/templates/"])
def test_content_tabs_work_with_the_keyboard_alone(browser, server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + path, wait_until="networkidle")
        labels = page.locator(".tabbed-set").first.locator(".tabbed-labels > label")
        assert labels.all_inner_texts()[:2] == ["Slurm", "LSF"], labels.all_inner_texts()
        assert page.locator(".tabbed-set").count() >= 2
        for _ in range(400):  # Tab through the header, the navigation and the text
            page.keyboard.press("Tab")
            if active(page)["tabset"]:
                break
        focus = active(page)
        assert focus["tabset"] and focus["tag"] == "INPUT" and focus["checked"], focus
        first = page.locator(".tabbed-set").first.locator("> input")
        assert first.nth(0).evaluate("e => e === document.activeElement")
        assert "#SBATCH" in visible_tab_text(page, 0)[0]
        # the focus shows: Material marks the focused tab's input for its focus style
        assert first.nth(0).evaluate("e => e.matches(':focus-visible')")

        page.keyboard.press("ArrowRight")
        assert first.nth(1).evaluate("e => e === document.activeElement && e.checked")
        shown = visible_tab_text(page, 0)
        assert len(shown) == 1 and "#BSUB" in shown[0], shown
        # content.tabs.link: the other Slurm/LSF tab sets of the page follow
        assert "#BSUB" in visible_tab_text(page, 1)[0]

        page.keyboard.press("ArrowLeft")
        assert first.nth(0).evaluate("e => e === document.activeElement && e.checked")
        assert "#SBATCH" in visible_tab_text(page, 0)[0]
        assert "#SBATCH" in visible_tab_text(page, 1)[0]
    finally:
        context.close()


@pytest.mark.parametrize(("start", "words"), [("/", "作业数组"), ("/en/", "job array")])
def test_search_works_with_the_keyboard_alone(browser, server, start, words):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + start, wait_until="networkidle")
        page.keyboard.press("/")  # Material's shortcut (also s and f)
        assert "md-search__input" in active(page)["cls"], active(page)
        if words.isascii():
            page.keyboard.type(words, delay=20)
        else:
            # what an input method does: it commits the characters, then a key goes up
            page.keyboard.insert_text(words)
            page.keyboard.press("End")
        results = page.locator(".md-search-result__item > a")
        results.first.wait_for(timeout=15_000)
        first_href = results.first.get_attribute("href")

        page.keyboard.press("ArrowDown")
        assert active(page)["href"] == first_href, active(page)
        page.keyboard.press("ArrowDown")
        assert active(page)["href"] == results.nth(1).get_attribute("href"), active(page)
        page.keyboard.press("ArrowUp")
        assert active(page)["href"] == first_href, active(page)

        page.keyboard.press("Enter")  # opens the result that has the focus
        page.wait_for_url(lambda url: urlparse(url).path == urlparse(first_href).path)
        assert urlparse(page.url).path.startswith(start), page.url

        page.wait_for_load_state("networkidle")
        page.keyboard.press("/")
        assert page.locator("#__search").is_checked()
        page.keyboard.press("Escape")
        assert not page.locator("#__search").is_checked()
        assert "md-search__input" not in active(page)["cls"], active(page)
    finally:
        context.close()

"""The strict build: no warning, both languages, no external asset."""

import json
import re

import pytest
from hpcdocs import i18n

EXTERNAL_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|link(?![^>]*rel=["'](?:canonical|alternate)["']))"""
    r"""\b[^>]*?\b(?:src|href)=["'](?:https?:)?//""",
    re.I,
)


def test_strict_build_has_no_warning(built_site):
    proc = built_site["proc"]
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    print(f"strict build: {built_site['seconds']:.1f} s")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_is_built_in_each_language(built_site, lang):
    out = built_site["dir"] if lang == i18n.SOURCE else built_site["dir"] / lang
    for name in i18n.pages(lang):
        html = "index.html" if name == "index.md" else name.removesuffix(".md") + "/index.html"
        html = html.replace("/index/index.html", "/index.html")
        assert (out / html).is_file(), f"docs/{lang}/{name} was not built to {out / html}"


def test_no_page_loads_anything_from_another_host(built_site):
    offenders = []
    for page in built_site["dir"].rglob("*.html"):
        for match in EXTERNAL_ASSET.finditer(page.read_text("utf-8")):
            offenders.append(f"{page.relative_to(built_site['dir'])}: {match.group(0)}")
    assert not offenders, "\n".join(offenders[:20])


def test_google_fonts_are_off(built_site):
    index = (built_site["dir"] / "index.html").read_text("utf-8")
    assert "fonts.googleapis.com" not in index
    assert "fonts.gstatic.com" not in index


def test_job_templates_are_downloadable_as_shown(built_site):
    from hpcdocs import ROOT, facts

    templates = sorted((ROOT / "snippets" / "templates").glob("*"))
    if not templates:
        pytest.skip("no job templates yet (snippets/templates/)")
    from hpcdocs.snippettests.header import HEADER_LINES

    for path in templates:
        for lang, folder in (("zh", "zh"), ("en", "en")):
            got = built_site["dir"] / folder / "downloads" / "templates" / path.name
            assert got.is_file(), f"{path.name} is not downloadable in {lang}"
            want = facts.render(HEADER_LINES.sub("", path.read_text("utf-8")), lang=lang)
            assert got.read_text("utf-8") == want
            assert "{{" not in want and "test:" not in want.split("\n", 3)[1]


def test_no_page_makes_material_fetch_sitemaps(built_site):
    """Material fetches sitemap.xml beside each <link rel=alternate> (404s): none are left.

    The hreflang alternates are in sitemap.xml instead, for every page.
    """
    site = built_site["dir"]
    with_links = [
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if '<link rel="alternate"' in p.read_text("utf-8")
    ]
    assert not with_links, with_links[:10]
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    for lang in i18n.LANGS:
        for name in i18n.pages(lang):
            if name.endswith(".md"):
                stem = name.removesuffix(".md").removesuffix("index").rstrip("/")
                url = ("" if lang == i18n.SOURCE else f"{lang}/") + (stem + "/" if stem else "")
                assert f'hreflang="{lang}" href="https://' in sitemap
                assert f'/{url}"/>' in sitemap, f"sitemap.xml lacks the {lang} alternate {url}"


def test_404_page_language_menu_goes_to_the_language_roots(built_site):
    html = (built_site["dir"] / "404.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]*)" hreflang="([^"]+)" class="md-select__link">', html)
    assert sorted(links) == sorted(
        ("/" if lang == i18n.SOURCE else f"/{lang}/", lang) for lang in i18n.LANGS
    ), links


def _language_pages(site, lang):
    """The language's folder and its built pages (the default language's: not under en/)."""
    folder = site if lang == i18n.SOURCE else site / lang
    others = {o for o in i18n.LANGS if o != i18n.SOURCE}
    pages = {
        p
        for p in folder.rglob("index.html")
        if not (lang == i18n.SOURCE and p.relative_to(site).parts[0] in others)
        and "search" not in p.relative_to(folder).parts
    }
    return folder, pages


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_each_language_searches_its_own_pages_only(built_site, lang):
    """One index per language, each entry a page of that language, every page in it."""
    site = built_site["dir"]
    folder, built = _language_pages(site, lang)
    index = json.loads((folder / "search" / "search_index.json").read_text("utf-8"))
    others = tuple(f"{o}/" for o in i18n.LANGS if o != i18n.SOURCE)
    pages = set()
    for doc in index["docs"]:
        path = doc["location"].split("#")[0]
        html = folder / path / "index.html" if path.endswith("/") or not path else folder / path
        assert html.is_file(), f"{lang} search entry {doc['location']!r}: no page {html}"
        if lang == i18n.SOURCE:
            assert not path.startswith(others), f"zh index holds {doc['location']!r}"
        pages.add(html)
    assert built - pages == set(), f"{lang} pages missing from its search index"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_fetches_its_languages_index(built_site, lang):
    """Material fetches `{base}/search/search_index.json`: base is the language's root."""
    site = built_site["dir"]
    folder, pages = _language_pages(site, lang)
    assert len(pages) > 10
    for page in pages:
        config = json.loads(
            re.search(
                r'<script id="__config" type="application/json">(.*?)</script>',
                page.read_text("utf-8"),
                re.S,
            ).group(1)
        )
        target = (page.parent / config["base"] / "search" / "search_index.json").resolve()
        assert target == (folder / "search" / "search_index.json").resolve(), (
            f"{page.relative_to(site)}: base {config['base']!r} leads to {target}"
        )

"""The strict build: no warning, both languages, no external asset."""

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
    from hpcdocs.snippets.header import HEADER_LINES

    for path in templates:
        for lang, folder in (("zh", "zh"), ("en", "en")):
            got = built_site["dir"] / folder / "downloads" / "templates" / path.name
            assert got.is_file(), f"{path.name} is not downloadable in {lang}"
            want = facts.render(HEADER_LINES.sub("", path.read_text("utf-8")), lang=lang)
            assert got.read_text("utf-8") == want
            assert "{{" not in want and "test:" not in want.split("\n", 3)[1]


ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]+)">')


def test_head_alternates_lead_to_a_sitemap(built_site):
    """Material fetches sitemap.xml beside each <link rel=alternate>: none may 404."""
    from urllib.parse import urljoin, urlsplit

    site = built_site["dir"]
    wrong = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("downloads/") or "/downloads/" in rel:
            continue
        here = "/" + (rel if page.name != "index.html" else rel.removesuffix("index.html"))
        links = ALTERNATE.findall(page.read_text("utf-8"))
        for href, lang in links:
            target = urlsplit(urljoin("http://site" + here, href)).path
            if not (site / target.lstrip("/") / "sitemap.xml").is_file():
                wrong.append(f"{rel}: {lang} -> {href} (no {target}sitemap.xml)")
    assert not wrong, "\n".join(wrong[:20])

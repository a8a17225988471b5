"""MkDocs hook: a visible notice on pages whose translation is missing or behind.

A page says so in its front matter: ``translation: missing`` (the twin is not
translated yet: the page holds only a pointer to the other language) or
``translation: outdated`` (the twin changed after this page). Checked by
tests/site/test_i18n.py; listed by scripts/i18n-outdated.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

NOTICE = {
    "missing": (
        "warning",
        "尚未翻译 / Not yet translated",
        "本页尚未翻译，请先阅读另一种语言的版本。"
        " This page has not been translated yet: please read it in the other language.",
    ),
    "outdated": (
        "warning",
        "翻译待更新 / Translation outdated",
        "本页的另一种语言版本已经更新，本页可能已经过时。"
        " The other language's version of this page has changed since this page was last updated.",
    ),
}


def on_page_markdown(markdown, page, config, **kwargs):
    state = page.meta.get("translation")
    if state is None:
        return markdown
    if state not in NOTICE:
        raise ValueError(
            f"docs/{page.file.src_uri}: front matter `translation: {state}` is not one of "
            f"{', '.join(NOTICE)}"
        )
    kind, title, body = NOTICE[state]
    notice = f'!!! {kind} "{title}"\n\n    {body}\n'
    # Right under the page title, so the title stays the page's first heading.
    lines = markdown.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join([*lines[:at], "", notice, *lines[at:]])


ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">')


def on_post_page(output, page, config, **kwargs):
    """Point the <head>'s alternate links at the language roots.

    mkdocs-static-i18n sets Material's `extra.alternate` per page, so the
    language menu stays on the same page. Material also renders those links in
    <head>, and its script fetches `sitemap.xml` relative to each of them:
    /about-testing/sitemap.xml, a 404 on every page. Material expects the
    language roots there (`/` and `/en/`), where the sitemaps are. The menu keeps
    the per-page links; only the <head> links change.
    """
    roots = _roots(config, "../" * page.url.count("/"))
    return ALTERNATE.sub(
        lambda m: _link(m, roots, '<link rel="alternate" href="{}" hreflang="{}">'), output
    )


MENU = re.compile(r'<a href="[^"]*" hreflang="([^"]+)" class="md-select__link">')


def on_post_template(output, template_name, config, **kwargs):
    """The 404 page: its language menu and alternates go to the language roots.

    It is served at any missing address, so its links are absolute, from
    site_url's path (mkdocs-static-i18n leaves the last page built there).
    """
    if template_name != "404.html":
        return output
    roots = _roots(config, urlsplit(config.get("site_url") or "/").path.rstrip("/") + "/")
    output = ALTERNATE.sub(
        lambda m: _link(m, roots, '<link rel="alternate" href="{}" hreflang="{}">'), output
    )
    return MENU.sub(
        lambda m: _link(m, roots, '<a href="{}" hreflang="{}" class="md-select__link">'), output
    )


def _roots(config, prefix: str) -> dict[str, str]:
    """Language -> address of its root, as seen from a page `prefix` away from the site root."""
    i18n = config.plugins.get("i18n")
    languages = i18n.config.languages if i18n else ()
    return {
        lang.locale: (prefix + ("" if lang.default else f"{lang.locale}/")) or "./"
        for lang in languages
    }


def _link(match, roots: dict[str, str], form: str) -> str:
    lang = match.group(1)
    return form.format(roots[lang], lang) if lang in roots else match.group(0)


def on_post_build(config, **kwargs):
    """Give each language's folder the site-wide sitemap.

    mkdocs-static-i18n writes one sitemap (every page in both languages) at the
    site root. Material's language switcher reads <language root>/sitemap.xml
    to find the current page's twin, so the English pages asked for
    /en/sitemap.xml and got a 404.
    """
    site = Path(config["site_dir"])
    root_map = site / "sitemap.xml"
    i18n = config.plugins.get("i18n")
    for lang in i18n.config.languages if i18n else ():
        folder = site / lang.locale
        if not lang.default and folder.is_dir() and root_map.exists():
            shutil.copyfile(root_map, folder / "sitemap.xml")

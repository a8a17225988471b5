"""MkDocs hook: a visible notice on pages whose translation is missing or behind.

A page says so in its front matter: ``translation: missing`` (the twin is not
translated yet: the page holds only a pointer to the other language) or
``translation: outdated`` (the twin changed after this page). Checked by
tests/site/test_i18n.py; listed by i18n-outdated.
"""

import re
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


ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]+">\n?')


def on_post_page(output, page, config, **kwargs):
    """Drop the <head>'s alternate links; the language menu keeps its own.

    mkdocs-static-i18n sets Material's `extra.alternate` per page, so that the
    language menu stays on the same page. Material also writes those links into
    <head>, and its script fetches `sitemap.xml` beside each one: on a page it
    asked for /about-testing/sitemap.xml and /en/about-testing/sitemap.xml, two
    404s on every page load. Pointed at the language roots instead, the script
    finds the sitemaps, but then reroutes a click on the menu through them, and
    their addresses hold site_url's host: a build previewed anywhere else (the
    browser tests, `python -m http.server`) switched language to the home page.
    Without the links the script does nothing and the menu's links are followed
    as they are. Search engines still get every page's hreflang alternates from
    sitemap.xml, which mkdocs-static-i18n writes with them.
    """
    return ALTERNATE.sub("", output)


MENU = re.compile(r'<a href="[^"]*" hreflang="([^"]+)" class="md-select__link">')


def on_post_template(output, template_name, config, **kwargs):
    """The 404 page: no alternate links, and its language menu goes to the language roots.

    It is served at any missing address, so its links are absolute, from
    site_url's path (mkdocs-static-i18n leaves the last page built there).
    """
    if template_name != "404.html":
        return output
    prefix = urlsplit(config.get("site_url") or "/").path.rstrip("/") + "/"
    i18n = config.plugins.get("i18n")
    roots = {
        lang.locale: prefix + ("" if lang.default else f"{lang.locale}/")
        for lang in (i18n.config.languages if i18n else ())
    }

    def root(match):
        lang = match.group(1)
        if lang not in roots:
            return match.group(0)
        return f'<a href="{roots[lang]}" hreflang="{lang}" class="md-select__link">'

    return MENU.sub(root, ALTERNATE.sub("", output))

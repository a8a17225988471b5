"""MkDocs hook: the whole guide as one PDF per language, linked from every page.

While MkDocs renders the pages this keeps each one's content and the
navigation, and adds a plain link to the language's PDF at the end of every
page. After the last language is built it writes each language's print page
(``print.html`` beside its home page: every page in navigation order, see
scripts/hpcdocs/printpdf.py).

Printing them is a step of its own, ``build-pdf`` (``make build`` runs
it after the strict build; ``make serve`` and the tests' builds do not): chromium
takes 40-50 s per language here, the strict build about 6 s in all (warm
caches). Until then the link checker (scripts/hpcdocs/links.py) counts a PDF whose
print page is there as present.
"""

from __future__ import annotations

import datetime
import html
import os
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Section as NavSection
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hpcdocs import printpdf

CLASS = "hpc-pdf"
PRINT_CSS = "assets/print.css"
NOTEBOOK_CSS = "assets/stylesheets/notebook.css"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')

_nav: dict[str, list] = {}
_roots: dict[str, str] = {}
_pages: dict[str, dict[str, printpdf.Page]] = {}
_names: dict[str, tuple[str, str]] = {}


def _lang(page) -> str:
    return page.file.src_uri.split("/", 1)[0]


def _building_one_of_several(config) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is not None and getattr(i18n, "building", False)


def on_pre_build(config, **kwargs):
    if not _building_one_of_several(config):
        _nav.clear()
        _roots.clear()
        _pages.clear()
        _names.clear()


def _items(items) -> list:
    out = []
    for item in items:
        if isinstance(item, NavSection):
            out.append(printpdf.Section(item.title, _items(item.children)))
        elif getattr(item, "file", None) is not None:
            out.append(item.url)
    return out


def on_nav(nav, config, files, **kwargs):
    if not nav.pages:
        return nav
    lang = _lang(nav.pages[0])
    _nav[lang] = _items(nav.items)
    # the i18n plugin gives each language's build its own site_name and description
    _names[lang] = (config.site_name, config.site_description or "")
    for page in nav.pages:
        if page.file.src_uri == f"{lang}/index.md":
            _roots[lang] = page.url
    return nav


def pdf_url(lang: str) -> str:
    return _roots.get(lang, "") + printpdf.PDF_NAME


def on_page_content(content, page, config, files, **kwargs):
    lang = _lang(page)
    words = printpdf.TEXT.get(lang, printpdf.TEXT["en"])
    href = get_relative_url(pdf_url(lang), page.url)
    return (
        f'{content}\n<p class="{CLASS}">{html.escape(words["hint"])} '
        f'<a href="{html.escape(href, quote=True)}" type="application/pdf">'
        f"{html.escape(words['link'])}</a></p>\n"
    )


def on_page_context(context, page, config, nav, **kwargs):
    _pages.setdefault(_lang(page), {})[page.url] = printpdf.Page(
        page.url, page.title or page.url, page.content or ""
    )
    return context


def _stylesheets(site: Path, root: str) -> list[str]:
    """The site paths of the stylesheets the language's home page links, then ours."""
    home = site / root / "index.html"
    found = []
    for href in STYLESHEET.findall(home.read_text("utf-8")):
        found.append(os.path.normpath(os.path.join(root, href)).replace(os.sep, "/"))
    return found + [s for s in (NOTEBOOK_CSS, PRINT_CSS) if (site / s).is_file()]


@event_priority(-260)  # after notebook_css.py (-250) wrote its stylesheet, before links.py
def on_post_build(config, **kwargs):
    if _building_one_of_several(config):
        return
    site = Path(config.site_dir)
    date = datetime.datetime.now(datetime.UTC).date().isoformat()
    for lang, pages in _pages.items():
        root = _roots.get(lang, "")
        name, description = _names.get(lang, (config.site_name, config.site_description or ""))
        print_url = root + printpdf.PRINT_NAME
        text = printpdf.assemble(
            lang,
            _nav.get(lang, []),
            pages,
            _stylesheets(site, root),
            print_url,
            name,
            description,
            config.site_url or "/",
            date,
        )
        (site / print_url).write_text(text, encoding="utf-8")

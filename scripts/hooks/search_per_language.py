"""MkDocs hook: one search index per language.

mkdocs-static-i18n builds the languages one after the other and writes a single
search index, at the site's root, holding the pages of every language; every
page of every language loads it. A Chinese reader downloaded the English pages
too (a third of the index) and got every hit twice, once per language.

After the build (below mkdocs-static-i18n's on_post_build, priority -100), the
root index keeps the default language's pages and each other language gets its
own, in its folder (`en/search/search_index.json`, locations relative to `en/`).
That language's pages take their folder as Material's `base` (the `__config`
script), which is where Material's search worker fetches the index from and
what it resolves result links against. Material uses `base` for nothing else
this site enables (the version menu, instant navigation: neither is on).
Checked by tests/site/test_build.py and, in a browser, tests/site/test_browser.py.
"""

import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

BASE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')


def _other_languages(config) -> list[str]:
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return []
    return [lang.locale for lang in i18n.config.languages if not lang.default and lang.build]


def _page_language(page, config) -> str | None:
    for locale in _other_languages(config):
        if page.file.dest_uri.startswith(f"{locale}/"):
            return locale
    return None


def on_post_page(output, page, config, **kwargs):
    """A page of a non-default language: `base` one folder down, at its language's root."""
    if _page_language(page, config) is None:
        return output

    def down(match):
        base = match.group(2)
        if base == "..":
            new = "."
        elif base.startswith("../"):
            new = base[3:]
        else:
            raise ValueError(
                f"docs/{page.file.src_uri}: Material's base {base!r} does not climb to the "
                "site root; search_per_language.py cannot point it at the language's folder"
            )
        return f"{match.group(1)}{new}{match.group(3)}"

    new, count = BASE.subn(down, output, count=1)
    if count != 1:
        raise ValueError(
            f"docs/{page.file.src_uri}: no Material `__config` script with a base "
            "(has the theme's template changed?)"
        )
    return new


@event_priority(-200)  # after mkdocs-static-i18n has written the whole index (-100)
def on_post_build(config, **kwargs):
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return
    data = json.loads(index.read_text("utf-8"))
    docs = data.get("docs", [])
    for locale in _other_languages(config):
        prefix = f"{locale}/"
        mine = [d for d in docs if d["location"].startswith(prefix)]
        if not mine:
            continue  # already split, or this language is not built yet
        docs = [d for d in docs if not d["location"].startswith(prefix)]
        own = dict(data, docs=[dict(d, location=d["location"][len(prefix) :]) for d in mine])
        own["config"] = dict(data["config"], lang=[locale])
        target = site / locale / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(own, ensure_ascii=False, separators=(",", ":")), "utf-8")
    if len(docs) != len(data.get("docs", [])):
        data["docs"] = docs
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")

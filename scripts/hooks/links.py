"""MkDocs hook: every internal link and anchor of the built site must resolve.

MkDocs' `validation:` (mkdocs.yml) checks Markdown links while pages render;
this reads the whole built site after the last language is built, so links
in notebooks, raw HTML, the theme and other hooks are checked too. Each broken
one is a warning: `mkdocs build --strict` (make build, the tests) fails on it.
External links are only listed, by `check-links` (no network here).
"""

import logging
from pathlib import Path

from hpcdocs import links
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.links")


@event_priority(-300)  # after mkdocs-static-i18n (-100) and search_per_language.py (-200)
def on_post_build(config, **kwargs):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # one language of several: the others are not built yet
    for problem in links.problems(Path(config.site_dir)):
        log.warning("broken link: %s", problem)

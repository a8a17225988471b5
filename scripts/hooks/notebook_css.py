"""MkDocs hook: the notebook pages share one small stylesheet instead of inlining ~590 KB each.

mkdocs-jupyter inlines JupyterLab's stylesheet into every notebook page. This
takes the <style> blocks out of each notebook page's content, links the page
to ``assets/stylesheets/notebook.css`` instead (after the theme's stylesheets,
where the blocks were, so the cascade is the same), and after the last
language is built writes that file once: the blocks' rules that can apply to
the notebook pages (scripts/hpcdocs/notebookcss.py says what is dropped).
It also drops the inline Mermaid loader from pages without a diagram.

Pruning parses ~600 KB of CSS (tinycss2, half a second): the result is kept in
.cache/notebook-css under a hash of all it is made from (the blocks, the classes,
the custom properties, notebookcss.py itself and tinycss2's version), so a build
whose notebooks did not change writes the same file without parsing again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from pathlib import Path

import tinycss2
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from mkdocs_jupyter.plugin import NotebookFile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hpcdocs import ROOT, notebookcss

CACHE = ROOT / ".cache" / "notebook-css"
CACHE_DAYS = 7  # entries unused this long are removed (another facts file's builds keep theirs)

URL = "assets/stylesheets/notebook.css"
# nbconvert's lab template loads Mermaid from a CDN when the page has a diagram;
# without one the module only looks for diagrams and finds none.
MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded".*?</script>',
    re.DOTALL,
)
EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')

_blocks: list[str] = []
_html: list[str] = []


def _building_one_of_several(config) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is not None and getattr(i18n, "building", False)


def on_pre_build(config, **kwargs):
    if not _building_one_of_several(config):  # a new build (mkdocs serve rebuilds)
        _blocks.clear()
        _html.clear()


def on_page_content(content, page, config, files, **kwargs):
    if not isinstance(page.file, NotebookFile):
        return content
    content, blocks = notebookcss.extract(content)
    _blocks.extend(blocks)
    if "jp-Mermaid" not in notebookcss.used_classes(content):
        content = MERMAID.sub("", content)
    content = EMPTY_SCRIPT.sub("", content)  # include_requirejs: false leaves src=""
    _html.append(content)
    return content


def on_post_page(output, page, config, **kwargs):
    if not isinstance(page.file, NotebookFile):
        return output
    href = get_relative_url(URL, page.url)
    link = f'<link rel="stylesheet" href="{href}">\n'
    return output.replace("</head>", link + "</head>", 1)


def _stylesheet(blocks: list[str], classes: set[str], wanted: set[str]) -> str:
    """notebookcss.stylesheet(blocks, classes, wanted), from the cache when it has it."""
    key = hashlib.sha256()
    for part in (
        Path(notebookcss.__file__).read_bytes(),
        tinycss2.__version__.encode(),
        notebookcss.full(blocks).encode(),
        "\n".join(sorted(classes)).encode(),
        "\n".join(sorted(wanted)).encode(),
    ):
        key.update(hashlib.sha256(part).digest())
    cached = CACHE / f"{key.hexdigest()}.css"
    try:
        css = cached.read_text("utf-8")
        cached.touch()
        return css
    except OSError:
        pass
    css = notebookcss.stylesheet(blocks, classes, wanted)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(css, encoding="utf-8")
    partial.replace(cached)  # whole or not at all, for a build that reads it at once
    for old in CACHE.iterdir():
        with contextlib.suppress(OSError):  # another build may have removed it already
            if old != cached and time.time() - old.stat().st_mtime > CACHE_DAYS * 86400:
                old.unlink()
    return css


def theme_vars(site: Path) -> set[str]:
    """The custom properties the site's other stylesheets use (Material's styles apply inside
    notebooks too, and see the notebook stylesheet's variables)."""
    found: set[str] = set()
    for css in (site / "assets").rglob("*.css"):
        if css.as_posix().endswith(URL):
            continue
        found |= set(notebookcss.VAR.findall(css.read_text("utf-8", errors="replace")))
    return found


@event_priority(-250)  # after mkdocs-static-i18n built the other languages (-100)
def on_post_build(config, **kwargs):
    if _building_one_of_several(config) or not _html:
        return
    site = Path(config.site_dir)
    html = "\n".join(_html)
    wanted = notebookcss.style_vars(html) | theme_vars(site)
    css = _stylesheet(_blocks, notebookcss.used_classes(html), wanted)
    out = site / URL
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(css, encoding="utf-8")

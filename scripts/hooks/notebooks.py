"""Make the i18n plugin's copies of notebooks pages again, so mkdocs-jupyter renders them.

mkdocs-static-i18n rebuilds the file list after every other plugin (priority -100) as
plain File objects, and a plain File that ends in .ipynb is an asset: the page would be
the raw JSON (ultrabug/mkdocs-static-i18n#198). This hook runs after it and wraps the
notebooks the way mkdocs-jupyter does.

It also gives a notebook's headings the ids its table of contents links to.
mkdocs-jupyter makes the contents with Markdown's toc extension (a Chinese
heading becomes `_1`, a second "GPU" heading `gpu_1`) but the headings with
nbconvert's ids (empty for a Chinese heading, "gpu" twice), so those contents
links went nowhere (found by scripts/hooks/links.py).

And it lets the keyboard reach a code cell that is wider than the page: a cell
scrolls sideways (mkdocs-jupyter's `overflow: auto`), and a region that scrolls
must take the focus, or a reader without a mouse cannot scroll it (axe-core's
scrollable-region-focusable; Material does the same for its own code blocks).

And it keeps mkdocs-jupyter's cache of converted notebooks one folder per
language. The plugin evicts, after each build, the entries that build did not
use, and mkdocs-static-i18n builds the languages one after the other: with one
folder, the Chinese build evicted the English entries and the English build
the Chinese ones, so every build converted every notebook again (nbconvert,
about a second each here).
"""

import html
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs_jupyter.plugin import NotebookFile


def on_pre_build(config):
    """Each language's build its own cache folder, in the one cluster_facts.py chose (its
    on_config runs again before each language's build, so this never nests)."""
    jupyter, i18n = config.plugins.get("mkdocs-jupyter"), config.plugins.get("i18n")
    if jupyter is not None:
        lang = getattr(i18n, "current_language", None) or "all"
        jupyter.config["cache_dir"] = str(Path(jupyter.config["cache_dir"]) / lang)


@event_priority(-110)  # after mkdocs-static-i18n's on_files (-100)
def on_files(files: Files, config) -> Files:
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        return files
    for file in list(files):
        if not isinstance(file, NotebookFile) and jupyter.should_include(file):
            page = NotebookFile(file, **config)
            # keep where the i18n plugin put it (zh, the default language, at the root)
            page.dest_path, page.abs_dest_path, page.url = (
                file.dest_path,
                file.abs_dest_path,
                file.url,
            )
            files.remove(file)
            files.append(page)
    return files


HEADING = re.compile(r'<h([1-6]) id="([^"]*)"(.*?)</h\1>', re.DOTALL)
CODE_CELL = re.compile(r'<div class="highlight-ipynb(?: [^"]*)?"(?![^>]*\btabindex=)')


def _anchors(items) -> list[str]:
    found = []
    for item in items:
        found.append(item.id)
        found += _anchors(item.children)
    return found


def on_page_content(content, page, config, files, **kwargs):
    if not isinstance(page.file, NotebookFile):
        return content
    headings = HEADING.findall(content)
    wanted = _anchors(page.toc)
    anchors = iter(wanted)
    if len(headings) != len(wanted):
        raise ValueError(
            f"docs/{page.file.src_uri}: {len(headings)} headings in the notebook's HTML but "
            f"{len(wanted)} in its table of contents; notebooks.py cannot match their ids"
        )

    def renamed(match):
        new = html.escape(next(anchors), quote=True)
        old = html.escape(match.group(2), quote=True)
        inner = match.group(3).replace(
            f'class="anchor-link" href="#{old}"', f'class="anchor-link" href="#{new}"'
        )
        return f'<h{match.group(1)} id="{new}"{inner}</h{match.group(1)}>'

    content = HEADING.sub(renamed, content)
    return CODE_CELL.sub(lambda m: m.group(0) + ' tabindex="0"', content)

"""Make the i18n plugin's copies of notebooks pages again, so mkdocs-jupyter renders them.

mkdocs-static-i18n rebuilds the file list after every other plugin (priority -100) as
plain File objects, and a plain File that ends in .ipynb is an asset: the page would be
the raw JSON (ultrabug/mkdocs-static-i18n#198). This hook runs after it and wraps the
notebooks the way mkdocs-jupyter does.
"""

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs_jupyter.plugin import NotebookFile


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

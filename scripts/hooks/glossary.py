"""MkDocs hook: the glossary table, from scripts/hpcdocs/glossary.yml.

docs/zh/glossary.md and docs/en/glossary.md hold the prose around the table and
one ``<!-- glossary-table -->`` line; this hook puts the table there, in the
page's language. The same file lists the variants tests/site/test_glossary.py
rejects on every page, so the page and the check cannot drift apart.
"""

from hpcdocs import glossary

PAGE = glossary.PAGE


def on_page_markdown(markdown, page, config, **kwargs):
    lang, _, name = page.file.src_uri.partition("/")
    if name != PAGE or lang not in glossary.LANGS:
        return markdown
    return glossary.render(markdown, lang, source=f"docs/{page.file.src_uri}")

"""MkDocs hook: show cluster facts and hide snippet test headers.

Adds a Markdown preprocessor that runs right after pymdownx.snippets has
inlined the snippet files, so ``{{ cluster.KEY }}`` is replaced by its value
from cluster.yml in prose and in included code alike, and the ``# test:``
header lines of snippets (see snippets/README.md) never reach the reader.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hpcdocs import facts

TEST_HEADER = re.compile(r"^[ \t]*(?:#|//)[ \t]*test:.*(?:\n|$)", re.MULTILINE)
# pymdownx.snippets runs at priority 32; fenced code is parsed at 25.
PRIORITY = 31
_page = {"src": "<page>", "lang": None}


class FactsPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = TEST_HEADER.sub("", "\n".join(lines))
        text = facts.render(text, source=_page["src"], lang=_page["lang"])
        return text.split("\n")


class FactsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.register(FactsPreprocessor(md), "cluster_facts", PRIORITY)


def on_config(config, **kwargs):
    config.markdown_extensions.append(FactsExtension())
    return config


def on_page_markdown(markdown, page, config, **kwargs):
    _page["src"] = f"docs/{page.file.src_uri}"
    _page["lang"] = page.file.src_uri.split("/", 1)[0]
    return markdown

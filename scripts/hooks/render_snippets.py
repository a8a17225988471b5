"""MkDocs hook: snippets as readers see them.

- A Markdown preprocessor that runs right after pymdownx.snippets has inlined
  the snippet files, so ``{{ cluster.KEY }}`` is replaced by its value from
  cluster.yml in prose and in included code alike, and the ``# test:`` header
  lines of snippets (snippets/README.md) never reach the reader.
- Job templates as files to download: every snippet under snippets/templates/
  becomes <lang>/downloads/templates/<name> in the site, rendered the same way.
  Pages link to it relatively: ``[job.sh](downloads/templates/01-cpu-serial.slurm.sh)``.
  They are written under build/generated/<key>/, one folder per facts file and
  site directory, so that builds for several cluster profiles can run at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hpcdocs import ROOT, facts
from hpcdocs.snippettests.header import HEADER_LINES as TEST_HEADER
from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.structure.files import File

# pymdownx.snippets runs at priority 32; fenced code is parsed at 25.
PRIORITY = 31
TEMPLATES = ROOT / "snippets" / "templates"
LANGS = ("zh", "en")
GENERATED = ROOT / "build" / "generated"
_page = {"src": "<page>", "lang": None}


def for_readers(text: str, source: str, lang: str | None) -> str:
    """Text with its test headers removed and its cluster facts filled in."""
    return facts.render(TEST_HEADER.sub("", text), source=source, lang=lang)


class FactsPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return for_readers("\n".join(lines), _page["src"], _page["lang"]).split("\n")


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


def generated_dir(site_dir: str) -> Path:
    """build/generated/<key>: this facts file's and site directory's own rendered templates."""
    key = f"{facts.FACTS_FILE.resolve()}|{Path(site_dir).resolve()}"
    return GENERATED / hashlib.sha256(key.encode()).hexdigest()[:12]


def on_files(files, config, **kwargs):
    # Runs before mkdocs-static-i18n sorts files by language (its priority is -100).
    generated = generated_dir(config["site_dir"])
    for path in sorted(TEMPLATES.glob("*")) if TEMPLATES.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            source = path.relative_to(ROOT).as_posix()
            for lang in LANGS:
                uri = f"{lang}/downloads/templates/{path.name}"
                # A real file (not File.generated): mkdocs-static-i18n needs a source path.
                out = generated / uri
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(for_readers(path.read_text("utf-8"), source, lang), "utf-8")
                files.append(
                    File(uri, str(generated), config["site_dir"], config["use_directory_urls"])
                )
    return files

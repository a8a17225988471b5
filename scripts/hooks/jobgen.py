"""MkDocs hook: the job-script generator page (docs/*/generator.md).

- Writes assets/jobgen-facts.json into the site: only the cluster facts the
  form needs (scheduler, partitions with their limits, modules, conda envs,
  how LSF counts memory), from cluster.yml through hpcdocs.jobgen.form_facts.
- Loads docs/assets/jobgen.js (an ES module) on the generator pages only, and
  puts jobgen.css (1 KB) inline there, so no other page pays for them and the
  page keeps the site's budget of 10 requests.
"""

from __future__ import annotations

import json
from pathlib import Path

from hpcdocs import jobgen

PAGE = "generator.md"
STYLE = Path(__file__).resolve().parents[2] / "docs" / "assets" / "jobgen.css"


def on_page_content(html, page, config, files, **kwargs):
    lang, _, name = page.file.src_uri.partition("/")
    if name != PAGE:
        return html
    # page.url is "generator/" or "en/generator/": the way back to the site root.
    up = "../" * page.url.count("/")
    return html + (
        f"\n<style>\n{STYLE.read_text(encoding='utf-8')}</style>"
        f'\n<script type="module" src="{up}assets/jobgen.js"></script>\n'
    )


def on_post_build(config, **kwargs):
    out = Path(config["site_dir"]) / jobgen.FACTS_URI
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(jobgen.form_facts(), ensure_ascii=False, indent=1), "utf-8")

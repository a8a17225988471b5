"""The coverage gate: every code block on the site is a tested snippet, or says why not.

- every fenced block in docs/ (zh and en) is a snippet include or carries a
  visible waiver (`<!-- untested: REASON -->` right before it, and an admonition);
- every `--8<--` include points at an existing snippet;
- twin pages (docs/zh/X.md, docs/en/X.md) include the same snippets in the same order;
- every snippet is included by at least one page;
- every snippet is executed by a test (its own run=, or another's with=), unless
  its header says why not (run=static / run=none with why=).
"""

from __future__ import annotations

import pytest
from hpcdocs.snippets import Catalog

CATALOG = Catalog.load()
PAGES = [pytest.param(page.name, id=page.name) for page in CATALOG.pages]
TWINS = sorted({page.twin_key for page in CATALOG.pages if page.lang})


def _page(name):
    return next(page for page in CATALOG.pages if page.name == name)


@pytest.mark.parametrize("name", PAGES)
def test_code_blocks_are_snippets_or_waived(name):
    problems = [p for fence in _page(name).fences if (p := fence.problem())]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_includes_exist(name):
    missing = [
        f"{inc.page}:{inc.line}: --8<-- {inc.target!r}: no such snippet (snippets/{inc.path})"
        for inc in _page(name).includes
        if inc.path not in CATALOG.by_path
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("key", TWINS)
def test_twin_pages_include_the_same_snippets(key):
    zh = next((p for p in CATALOG.pages if p.name == f"docs/zh/{key}"), None)
    en = next((p for p in CATALOG.pages if p.name == f"docs/en/{key}"), None)
    zh_targets = [inc.target for inc in zh.includes] if zh else []
    en_targets = [inc.target for inc in en.includes] if en else []
    if zh_targets == en_targets:
        return
    lines = [f"docs/zh/{key} and docs/en/{key} include different snippets:"]
    for index in range(max(len(zh_targets), len(en_targets))):
        a = zh_targets[index] if index < len(zh_targets) else "(none)"
        b = en_targets[index] if index < len(en_targets) else "(none)"
        where = []
        if zh and index < len(zh.includes):
            where.append(f"zh line {zh.includes[index].line}")
        if en and index < len(en.includes):
            where.append(f"en line {en.includes[index].line}")
        mark = "  " if a == b else "!="
        lines.append(f"{mark} #{index + 1}: zh {a}  en {b}  ({', '.join(where)})")
    pytest.fail("\n".join(lines), pytrace=False)


def test_every_snippet_is_included_by_a_page():
    orphans = [f"{s.source}: included by no page in docs/" for s in CATALOG.snippets if not s.pages]
    assert not orphans, f"{len(orphans)} snippet(s) no page shows:\n" + "\n".join(orphans)


def test_every_snippet_is_executed_or_says_why_not():
    problems = []
    for snip in CATALOG.snippets:
        if snip.error:
            problems.append(snip.error)
        elif not snip.executed and not snip.header.why:
            problems.append(f"{snip.source}: never run by a test and its header gives no why=")
    assert not problems, "\n".join(problems)

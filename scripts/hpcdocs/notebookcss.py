"""The notebook pages' styles: one shared, pruned stylesheet instead of ~590 KB inlined per page.

mkdocs-jupyter puts JupyterLab's whole stylesheet (575 KB), its light theme and
Pygments' styles into every notebook page as <style> blocks, so each notebook
page weighed about 1 MB (issue 19). ``extract`` takes those blocks out of a
page's HTML; ``prune`` keeps of them only the rules that can match something
in the notebook pages (every class a selector names is used in some notebook),
and scripts/hooks/notebook_css.py writes the result once, as
``assets/stylesheets/notebook.css``, linked from each notebook page.

A selector is dropped only when it cannot match: one of its classes appears
nowhere in the notebooks' HTML (classes inside :not() do not count), or it
asks for :root inside another element (mkdocs-jupyter scopes JupyterLab's
``:root`` variables as ``.jupyter-wrapper :root``: 80 KB that never applied).
A custom property (``--jp-...``) is dropped when no kept rule, and no style
attribute in the notebooks, uses it through var(). An exact repeat of a rule
is kept once, where it last appears. Rules without classes and @keyframes stay. The notebooks carry no script
that adds classes later (no widgets), so what the HTML shows is all there is;
tests/notebooks/test_notebook_css.py compares screenshots of each notebook
page with the full stylesheet and with the pruned one, pixel for pixel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import tinycss2

STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# .name in a selector (CSS escapes such as .sm\:block are kept whole)
SELECTOR_CLASS = re.compile(r"\.((?:[\w-]|\\.)+)")
NOT = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
# selectors that list alternatives: they are kept whole (they may match anyway)
ALTERNATIVES = re.compile(r":(?:is|where|has|matches|-webkit-any|-moz-any)\(")
# :root after a combinator: the document's root element is nobody's descendant
NESTED_ROOT = re.compile(r"[\s>+~]\s*:root\b")
VAR = re.compile(r"var\(\s*(--[\w-]+)")


def is_python_list_repr(css: str) -> bool:
    """mkdocs-jupyter 0.26.3 also appends ``<style>['pre { ...', ...]</style>``: the repr of a
    Python list (nbconvert2.py formats resources["inlining"]["css"], a list, into the page).
    No rule in it can apply (its newlines are the two characters \\n), so it is dropped."""
    return css.lstrip().startswith(("['", '["'))


def extract(html: str) -> tuple[str, list[str]]:
    """The HTML without its <style> blocks, and their contents in order."""
    found: list[str] = []

    def take(match):
        found.append(match.group(1))
        return ""

    return STYLE.sub(take, html), found


def used_classes(html: str) -> set[str]:
    """Every class name in the class attributes of html."""
    names: set[str] = set()
    for match in CLASS_ATTR.finditer(html):
        names.update((match.group(1) or match.group(2) or "").split())
    return names


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def _selector_can_match(selector: str, classes: set[str]) -> bool:
    if ALTERNATIVES.search(selector):
        return True
    if NESTED_ROOT.search(NOT.sub("", selector)):
        return False
    needed = SELECTOR_CLASS.findall(NOT.sub("", selector))
    return all(_unescape(name) in classes for name in needed)


def _split_selectors(prelude) -> list[str]:
    """The selectors of a rule's prelude, split at top-level commas."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    parts.append(tinycss2.serialize(current).strip())
    return [p for p in parts if p]


def _declarations(content) -> list:
    return [
        d
        for d in tinycss2.parse_blocks_contents(content, skip_whitespace=True, skip_comments=True)
        if d.type == "declaration"
    ]


def _prune_rules(rules, classes: set[str]) -> list:
    """[(selectors, declarations) or (at-rule text head, [inner...]) or str], in order."""
    kept: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                s for s in _split_selectors(rule.prelude) if _selector_can_match(s, classes)
            ]
            if selectors:
                kept.append((",".join(selectors), _declarations(rule.content)))
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword == "charset":
                continue
            if keyword in ("media", "supports") and rule.content is not None:
                inner = _prune_rules(
                    tinycss2.parse_blocks_contents(
                        rule.content, skip_whitespace=True, skip_comments=True
                    ),
                    classes,
                )
                if inner:
                    kept.append(
                        (f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}".strip(), inner)
                    )
            else:  # @keyframes, @font-face, @import, @page...: kept as they are
                kept.append(tinycss2.serialize([rule]))
    return kept


def _walk(kept):
    for item in kept:
        if isinstance(item, str):
            yield item, None
        elif item[1] and not hasattr(item[1][0], "type"):
            yield from _walk(item[1])
        else:
            yield None, item[1]


def _used_vars(kept, html_vars: set[str]) -> set[str]:
    """The custom properties that something kept uses, directly or through another one."""
    uses: dict[str, set[str]] = {}
    wanted = set(html_vars)
    for text, declarations in _walk(kept):
        if text is not None:
            wanted.update(VAR.findall(text))
            continue
        for d in declarations:
            refs = set(VAR.findall(tinycss2.serialize(d.value)))
            if d.name.startswith("--"):
                uses.setdefault(d.name, set()).update(refs)
            else:
                wanted.update(refs)
    todo = list(wanted)
    while todo:
        for ref in uses.get(todo.pop(), ()):
            if ref not in wanted:
                wanted.add(ref)
                todo.append(ref)
    return wanted


def _declaration(d) -> str:
    value = tinycss2.serialize(d.value).strip()
    return f"{d.name}:{value}{' !important' if d.important else ''}"


def _serialize(kept, wanted: set[str]) -> list[str]:
    out = []
    for item in kept:
        if isinstance(item, str):
            out.append(item)
            continue
        head, body = item
        if body and not hasattr(body[0], "type"):
            inner = _serialize(body, wanted)
            if inner:
                out.append(head + "{" + "".join(inner) + "}")
            continue
        declarations = [
            _declaration(d) for d in body if not d.name.startswith("--") or d.name in wanted
        ]
        if declarations:
            out.append(head + "{" + ";".join(declarations) + "}")
    return _last_of_repeats(out)


def _last_of_repeats(rules: list[str]) -> list[str]:
    last = {rule: i for i, rule in enumerate(rules)}
    return [rule for i, rule in enumerate(rules) if last[rule] == i]


def prune(css: str, classes: set[str], html_vars: Iterable[str] = ()) -> str:
    """css without what cannot apply to pages that use only these classes (and whose style
    attributes use only the custom properties html_vars)."""
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    kept = _prune_rules(rules, classes)
    return "\n".join(_serialize(kept, _used_vars(kept, set(html_vars))))


def full(blocks: Iterable[str]) -> str:
    """The notebook pages' <style> blocks as one stylesheet, unpruned: each distinct block
    once, in the order first seen, without the one that is a Python list's repr."""
    seen: dict[str, None] = {}
    for css in blocks:
        if not is_python_list_repr(css) and css.strip():
            seen.setdefault(css, None)
    return "\n".join(seen)


def stylesheet(blocks: Iterable[str], classes: set[str], html_vars: Iterable[str] = ()) -> str:
    """full(blocks), pruned to what pages using only these classes can show."""
    header = (
        "/* The notebook pages' styles: mkdocs-jupyter's, without what cannot apply to them "
        "(scripts/hpcdocs/notebookcss.py). Written by scripts/hooks/notebook_css.py. */\n"
    )
    return header + prune(full(blocks), classes, html_vars) + "\n"


def style_vars(html: str) -> set[str]:
    """The custom properties that style attributes in html use."""
    found: set[str] = set()
    for match in re.finditer(r"""\bstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", html, re.I):
        found.update(VAR.findall(match.group(1) or match.group(2) or ""))
    return found

"""Every page ends with a plain link that opens an issue about it, page and test stamp filled in."""

from __future__ import annotations

import html
import importlib.util
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from hpcdocs import ROOT, facts, i18n

spec = importlib.util.spec_from_file_location(
    "report_problem", ROOT / "scripts/hooks/report_problem.py"
)
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)

LINK = re.compile(rf'<p class="{hook.CLASS}">[^<]*<a href="([^"]+)">([^<]+)</a></p>')
NOTE = re.compile(
    r'<div class="admonition info">\s*<p class="admonition-title">([^<]*)</p>\s*<p>(.*?)</p>', re.S
)


def _built_pages(site):
    """(language, source page, built file) for every page of both languages."""
    for lang in i18n.LANGS:
        out = site if lang == i18n.SOURCE else site / lang
        for name in i18n.pages(lang):
            stem = name.removesuffix(".md").removesuffix(".ipynb")
            built = out / ("index.html" if stem == "index" else f"{stem}/index.html")
            yield lang, name, built


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_has_a_report_link_with_its_page_and_stamp(built_site, lang):
    site = built_site["dir"]
    base = facts.get("site.issues_url").rstrip("/")
    site_url = "https://hpc-python-guide.example.edu/"
    checked = 0
    for page_lang, name, built in _built_pages(site):
        if page_lang != lang:
            continue
        text = built.read_text("utf-8")
        links = LINK.findall(text)
        assert len(links) == 1, f"{built.relative_to(site)}: {len(links)} report links"
        href, label = html.unescape(links[0][0]), links[0][1]
        assert label == hook.TEXT[lang]["link"]
        parts = urlsplit(href)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == base + "/new"
        query = parse_qs(parts.query, strict_parsing=True)
        body, title = query["body"][0], query["title"][0]
        words = hook.TEXT[lang]
        address = site_url + built.relative_to(site).parent.as_posix() + "/"
        address = address.replace("/./", "/")
        assert f"{words['page']}{words['sep']}{address}\n" in body, body
        assert f"{words['source']}{words['sep']}docs/{lang}/{name}\n" in body, body
        # the stamp is the page's own "tested" note, word for word (code marks aside)
        note = [n for n in NOTE.findall(text) if n[0] == _tested_title(lang)]
        stamp = re.search(rf"{re.escape(words['stamp'] + words['sep'])}(.*)\n", body).group(1)
        if note:
            assert stamp.replace("`", "") == _text(note[0][1]), (built, stamp, note)
        else:
            assert stamp == words["no_stamp"], built
        prefix = words["title"].format(title="")
        assert title.startswith(prefix) and len(title) > len(prefix), title
        shown = re.search(r"<title>(.*?)</title>", text).group(1) + re.search(
            r"<h1[^>]*>(.*?)</h1>", text, re.S
        ).group(1)
        assert title[len(prefix) :] in _text(shown), title
        checked += 1
    assert checked == len(i18n.pages(lang))


def _tested_title(lang):
    spec = importlib.util.spec_from_file_location("tested_on", ROOT / "scripts/hooks/tested_on.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TEXT[lang]["title"]


def test_pages_with_code_carry_their_stamp(built_site):
    """At least the pages with snippets do not fall back to the no-stamp words."""
    text = (built_site["dir"] / "slurm" / "index.html").read_text("utf-8")
    body = parse_qs(urlsplit(html.unescape(LINK.search(text).group(1))).query)["body"][0]
    assert hook.TEXT["zh"]["no_stamp"] not in body
    assert "Slurm" in body or "make test" in body


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/u/guide/issues", True),
        ("https://git.example.edu/hpc/guide/issues/", True),
        ("http://github.com/u/guide/issues", False),
        ("https://github.com/u/guide", False),
        ("https://github.com/u/guide/issues?q=1", False),
    ],
)
def test_issues_url_fact_is_checked(url, ok):
    import copy

    data = copy.deepcopy(facts.load())
    data["site"]["issues_url"] = url
    found = [p for p in facts.problems(data) if p.startswith("site")]
    assert (found == []) == ok, found
    data.pop("site")
    assert "site: missing" in "\n".join(facts.problems(data))

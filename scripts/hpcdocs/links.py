"""The links of the built site: internal ones checked, external ones listed.

MkDocs' own ``validation:`` (mkdocs.yml) checks the Markdown links of pages as
they are rendered. This reads the built HTML instead, so it also sees what
MkDocs does not: links in notebooks (mkdocs-jupyter renders them itself), in
raw HTML, in the theme and in what the hooks add. ``problems`` is what the
hook scripts/hooks/links.py reports as build warnings (a broken one fails
the strict build); ``external`` is what ``check-links`` lists, and
checks with ``--online``.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from hpcdocs import ROOT, builtsite, printpdf

# The attributes that point somewhere, per tag.
POINTING = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
}
NOT_CHECKED = ("mailto:", "tel:", "javascript:", "data:")
EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)


@dataclass(frozen=True)
class Link:
    page: str  # the built page, relative to the site: "slurm/index.html"
    tag: str
    url: str  # as written in the page


# What of a page the checks read, as html.parser reads MkDocs' pages (tests/site/test_links.py
# compares the two on every built page) but without a Python call per tag and per text:
# html.parser was a tenth of the strict build. A tag's attributes run to the first ">"
# outside a quoted value; a comment and the text of a script or style element hold no tags.
# One pass of findall: (script or style, its attributes, any other tag, its attributes);
# all four empty for a comment.
_BODY = r"""(?:"[^"]*"|'[^']*'|[^"'>])*"""
_TOKENS = re.compile(
    rf"<!--.*?--\s*>"
    rf"|<(script|style)(?=[\s/>])({_BODY}?)(?<!/)>.*?(?:</\s*\1\s*>|\Z)"
    rf"|<([a-z][^\t\n\r\f />\x00]*)({_BODY})>",
    re.S | re.I,
)
_READ = re.compile(r"id|name|href|src", re.I)  # a tag without these has nothing to read
_ATTR = re.compile(r"""([^\s/>=][^\s/=>]*)(?:\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")


@dataclass
class Page:
    ids: set[str]  # every id, and every <a name>
    links: list[tuple[str, str]]  # (tag, url) of each POINTING attribute, in page order


def _attrs(text: str) -> dict[str, str | None]:
    attrs: dict[str, str | None] = {}
    for m in _ATTR.finditer(text):
        value = m.group(2)
        if value is not None:
            if value[:1] in ("'", '"') and value[-1] == value[0]:
                value = value[1:-1]
            value = unescape(value)
        attrs[m.group(1).lower()] = value
    return attrs


def read(text: str) -> Page:
    """The ids and links of one page's HTML."""
    page = Page(set(), [])
    for raw_tag, raw_body, tag, body in _TOKENS.findall(text):
        tag, body = (tag or raw_tag).lower(), body or raw_body
        if not _READ.search(body):
            continue  # a comment, or a tag with nothing read here
        attrs = _attrs(body)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                page.ids.add(attrs[name])
        value = attrs.get(POINTING[tag]) if tag in POINTING else None
        if value is not None:
            page.links.append((tag, value.strip()))
    return page


@cache
def _parse(path: Path, mtime: float) -> Page:
    return read(path.read_text("utf-8", errors="replace"))


def parse(path: Path) -> Page:
    return _parse(path, path.stat().st_mtime)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def links(site: Path, print_pages: bool = True) -> list[Link]:
    """Every link of every built page, in page order (print_pages=False: not the print pages
    the PDFs are made from, which repeat every page's links)."""
    found = []
    for html in pages(site):
        rel = html.relative_to(site).as_posix()
        if not print_pages and printpdf.is_print_page(rel):
            continue
        found += [Link(rel, tag, url) for tag, url in parse(html).links]
    return found


def is_external(url: str) -> bool:
    return bool(EXTERNAL.match(url))


def _target(site: Path, page: str, url: str) -> tuple[Path, str]:
    """The file a relative or root-relative url of page points at, and its #fragment."""
    parts = urlsplit(urljoin("/" + page, url))
    path = unquote(parts.path)
    file = site / path.lstrip("/")
    if path.endswith("/") or file.is_dir():
        file = file / "index.html"
    return file, unquote(parts.fragment)


def problems(site: Path, print_pages: bool = False) -> list[str]:
    """Each broken internal link or anchor: 'page: <tag> url: what is wrong'.

    The print pages the PDFs are made from (scripts/hpcdocs/printpdf.py) repeat
    every page's links: a broken one there is the page's, reported once, at the
    page; print_pages=True checks them too (tests/site/test_pdf.py)."""
    site = Path(site)
    found = []
    # Every page links to the same few hundred files (the navigation): each url resolved,
    # and each file looked for, once per folder of pages. Per call: the site changes
    # between two builds (mkdocs serve).
    targets: dict[tuple[str, str], tuple[Path, str]] = {}
    present: dict[Path, bool] = {}
    for link in links(site, print_pages):
        url = link.url
        if not url or is_external(url) or url.lower().startswith(NOT_CHECKED):
            continue
        # a url resolves against its page's folder; "#x" and "?q" against the page itself
        base = link.page if url[0] in "#?" else link.page[: link.page.rfind("/") + 1]
        if (base, url) not in targets:
            targets[base, url] = _target(site, base, url)
        file, fragment = targets[base, url]
        if file not in present:
            present[file] = file.is_file() or printpdf.pending_pdf(file)
        where = f"{link.page}: <{link.tag}> {url!r}"
        # a language's PDF is printed after the build, from its print page (build-pdf)
        if not present[file]:
            found.append(f"{where}: no such file in the site ({file.relative_to(site)})")
        elif fragment and file.suffix == ".html" and fragment not in parse(file).ids:
            found.append(f"{where}: {file.relative_to(site)} has no id {fragment!r}")
    return found


def site_url() -> str:
    """The site's own address (mkdocs.yml site_url): its canonical links are not external."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8")).get("site_url") or ""


def external(site: Path, own: str | None = None) -> dict[str, list[str]]:
    """Each external URL of the site and the built pages that link to it (sorted)."""
    own = site_url() if own is None else own
    by_url: dict[str, set[str]] = {}
    for link in links(Path(site), print_pages=False):
        if is_external(link.url) and not (own and link.url.startswith(own)):
            by_url.setdefault(link.url, set()).add(link.page)
    return {url: sorted(by_url[url]) for url in sorted(by_url)}


def check_online(url: str, timeout: float) -> str:
    """'ok 200', or what went wrong: HEAD first, GET where a server refuses HEAD."""
    if url.startswith("//"):
        url = "https:" + url
    last = ""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": "hpc-python-guide check-links"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return f"ok {response.status}"
        except urllib.error.HTTPError as err:
            last = f"HTTP {err.code}"
            if err.code not in (403, 405, 501):  # refusals of HEAD; anything else is the answer
                return last
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            return f"unreachable: {getattr(err, 'reason', err)}"
    return last


def _one_report_link(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every page's "report a problem" link (scripts/hooks/report_problem.py) as one entry:
    the issues page itself, with every page that links to a new issue there."""
    from hpcdocs import facts

    issues = facts.get("site.issues_url").rstrip("/")
    pages_with = sorted({p for u, w in found.items() if u.startswith(issues + "/new?") for p in w})
    kept = {u: w for u, w in found.items() if not u.startswith(issues + "/new?")}
    if pages_with:
        kept[issues] = sorted(set(kept.get(issues, [])) | set(pages_with))
    return dict(sorted(kept.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="check-links",
        description="List every external link of the built site and the pages that have it. "
        "Internal links need no command: the strict build checks them (scripts/hooks/links.py).",
    )
    builtsite.add_option(parser, "links-site")
    parser.add_argument(
        "--online",
        action="store_true",
        help="also fetch each URL (HEAD, then GET) and exit 1 if one fails; needs the network, "
        "so a maintainer runs it by hand, never CI",
    )
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    args = parser.parse_args(argv)
    site = builtsite.site(args.site, "links-site")
    found = _one_report_link(external(site))
    results = {}
    if args.online:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = pool.map(lambda u: check_online(u, args.timeout), found)
            results = dict(zip(found, answers, strict=True))
    bad = 0
    for url, where in found.items():
        status = results.get(url)
        if status is not None and not status.startswith("ok"):
            bad += 1
        print(url if status is None else f"{status:<12} {url}")
        for page in where:
            print(f"    {page}")
    summary = f"{len(found)} external URLs on {len({p for w in found.values() for p in w})} pages"
    if args.online:
        summary += f", {bad} failed"
    print(summary, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

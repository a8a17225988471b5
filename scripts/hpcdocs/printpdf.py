"""One PDF per language: every page of the guide, in navigation order, printed by chromium.

scripts/hooks/pdf.py collects each page's rendered content while MkDocs builds
and, after the last language, writes one print page per language
(``print.html`` beside the language's home page) with ``assemble``: a cover
with the table of contents, then each page on new sheets. Links between pages
become links inside the document; ids get the page's prefix, so no two pages'
ids meet; scripts are left out (nothing runs, nothing is fetched). Then
``build-pdf`` (``main``, a step of ``make build`` after the strict
build) has Debian's chromium, headless, print each one to
``hpc-python-guide.pdf`` in the same folder (the fonts are the system's:
fonts-noto-cjk for Chinese). tests/site/test_pdf.py reads the PDFs back.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
PDF_NAME = "hpc-python-guide.pdf"
PRINT_NAME = "print.html"
TEXT = {
    "zh": {
        "contents": "目录",
        "built": "构建于 {date}，网页版：{url}",
        "link": "下载整本指南的 PDF",
        "hint": "离线阅读？",
    },
    "en": {
        "contents": "Contents",
        "built": "Built on {date}; on the web: {url}",
        "link": "Download the whole guide as a PDF",
        "hint": "Reading offline?",
    },
}
# Paragraphs the hooks add to every page that mean nothing on paper.
WEB_ONLY = re.compile(r'<p class="(?:hpc-report-problem|hpc-pdf)">.*?</p>', re.DOTALL)
DETAILS = re.compile(r"<details(?![^>]*\bopen\b)(\b[^>]*)>")
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
TAG = re.compile(
    r"<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)(\s*/?)>"
)
ATTR = re.compile(r"""(\s+)([^\s=>/]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""")
ID_ATTRS = ("id", "for", "aria-controls", "aria-labelledby", "aria-describedby")
URL_ATTRS = ("href", "src")
EXTERNAL = re.compile(r"^(?:[a-zA-Z][\w+.-]*:|//)")


@dataclass
class Page:
    url: str  # as MkDocs has it: "slurm/", "en/slurm/", "" for the home page
    title: str
    content: str


@dataclass
class Section:
    title: str
    children: list = field(default_factory=list)  # of Section and str (page urls)


def slug(url: str) -> str:
    """The id of a page's part of the print page: "p-slurm", "p-en-notebooks-01-environment"."""
    return "p-" + (url.strip("/").replace("/", "-") or "home")


def pages_in_order(nav: list) -> list[str]:
    order = []
    for item in nav:
        order += pages_in_order(item.children) if isinstance(item, Section) else [item]
    return order


class _Rewriter:
    def __init__(self, page: Page, in_print: set[str], print_url: str, site_url: str):
        self.page, self.in_print = page, in_print
        self.print_url, self.site_url = print_url, site_url.rstrip("/")
        self.prefix = slug(page.url)

    def own_id(self, value: str) -> str:
        return f"{self.prefix}--{value}"

    def url(self, tag: str, value: str) -> str:
        raw = html.unescape(value)
        if raw.startswith("#"):
            return "#" + (self.own_id(raw[1:]) if raw[1:] else self.prefix)
        if EXTERNAL.match(raw):
            return raw
        target = urlsplit(urljoin("/" + self.page.url, raw))
        path = target.path.lstrip("/")
        if path in self.in_print or path + "/" in self.in_print:
            key = path if path in self.in_print else path + "/"
            return "#" + (f"{slug(key)}--{target.fragment}" if target.fragment else slug(key))
        if tag == "a":  # a file of the site (a download): the PDF links to it on the web
            return f"{self.site_url}/{path}" + (f"#{target.fragment}" if target.fragment else "")
        return _relative(path, self.print_url)  # an image, a stylesheet: loaded for printing

    def tag(self, match: re.Match) -> str:
        name = match.group(1).lower()

        def attr(m: re.Match) -> str:
            key, value = m.group(2).lower(), m.group(4)
            quoted = value[0] in "\"'"
            inner = value[1:-1] if quoted else value
            if key in ID_ATTRS:
                inner = " ".join(self.own_id(v) for v in inner.split())
            elif key == "name" and name in ("input", "a"):
                inner = self.own_id(inner)
            elif key in URL_ATTRS:
                inner = html.escape(self.url(name, inner), quote=True)
            else:
                return m.group(0)
            return f'{m.group(1)}{m.group(2)}{m.group(3)}"{inner}"'

        return f"<{match.group(1)}{ATTR.sub(attr, match.group(2))}{match.group(3)}>"


def _relative(path: str, from_url: str) -> str:
    depth = from_url.count("/")
    return "../" * depth + path


def page_body(page: Page, in_print: set[str], print_url: str, site_url: str) -> str:
    """A page's content as a part of the print page at print_url."""
    content = SCRIPT.sub("", WEB_ONLY.sub("", page.content))
    content = TAG.sub(_Rewriter(page, in_print, print_url, site_url).tag, content)
    content = DETAILS.sub(r"<details open\1>", content)  # collapsed blocks, opened on paper
    if not re.search(r"<h1\b", content):
        content = f"<h1>{html.escape(page.title)}</h1>\n{content}"
    return f'<section class="hpc-print-page" id="{slug(page.url)}">\n{content}\n</section>\n'


def _toc(nav: list, pages: dict[str, Page]) -> str:
    items = []
    for item in nav:
        if isinstance(item, Section):
            items.append(f"<li>{html.escape(item.title)}{_toc(item.children, pages)}</li>")
        elif item in pages:
            title = html.escape(pages[item].title)
            items.append(f'<li><a href="#{slug(item)}">{title}</a></li>')
    return f"<ul>{''.join(items)}</ul>"


def assemble(
    lang: str,
    nav: list,
    pages: dict[str, Page],
    stylesheets: list[str],
    print_url: str,
    site_name: str,
    site_description: str,
    site_url: str,
    date: str,
) -> str:
    """The print page of one language. stylesheets: site paths ("assets/extra.css")."""
    words = TEXT.get(lang, TEXT["en"])
    order = [url for url in pages_in_order(nav) if url in pages]
    in_print = set(order)
    home = site_url.rstrip("/") + "/" + print_url[: print_url.rfind("/") + 1]
    links = "\n".join(
        f'<link rel="stylesheet" href="{html.escape(_relative(s, print_url))}">'
        for s in stylesheets
    )
    body = "".join(page_body(pages[url], in_print, print_url, site_url) for url in order)
    built = words["built"].format(date=html.escape(date), url=html.escape(home))
    return f"""<!doctype html>
<html lang="{lang}" class="hpc-print">
<head>
<meta charset="utf-8">
<title>{html.escape(site_name)}</title>
{links}
</head>
<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo" data-md-color-accent="indigo">
<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">
<div class="md-content"><article class="md-content__inner md-typeset">
<section class="hpc-print-cover">
<h1>{html.escape(site_name)}</h1>
<p class="hpc-print-description">{html.escape(site_description)}</p>
<p class="hpc-print-built">{built}</p>
<nav class="hpc-print-toc"><h2>{words["contents"]}</h2>
{_toc(nav, pages)}
</nav>
</section>
{body}</article></div></div></main></div>
</body>
</html>
"""


def chromium_command(html_file: Path, pdf: Path, profile: Path) -> list[str]:
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",
        f"--print-to-pdf={pdf}",
        html_file.resolve().as_uri(),
    ]


class PrintError(RuntimeError):
    pass


def print_pdf(html_file: Path, pdf: Path, timeout: float = 300) -> float:
    """Print html_file to pdf with Debian's chromium; the seconds it took."""
    if not CHROMIUM.exists():
        raise PrintError(f"{CHROMIUM} is missing: scripts/setup-system installs Debian's chromium")
    start = time.monotonic()
    partial = pdf.with_suffix(".pdf.part")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="hpcdocs-pdf-") as profile:
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(
            chromium_command(html_file, partial, Path(profile)),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    if proc.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise PrintError(f"chromium could not print {html_file} (exit {proc.returncode}):\n{tail}")
    shutil.move(partial, pdf)
    return time.monotonic() - start


def print_pages(site: Path) -> list[Path]:
    """The print pages of a built site: print.html beside each language's home page."""
    found = [site / PRINT_NAME, *site.glob(f"*/{PRINT_NAME}")]
    return sorted(p for p in found if p.is_file())


def is_print_page(rel: str) -> bool:
    """Whether rel, a built file's path in the site ("en/print.html"), is a print page."""
    parts = rel.split("/")
    return parts[-1] == PRINT_NAME and len(parts) <= 2


def pending_pdf(file: Path) -> bool:
    """Whether file is a language's PDF that build-pdf prints (its print page is
    there): the strict build's link check counts it as present."""
    return file.name == PDF_NAME and (file.parent / PRINT_NAME).is_file()


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from hpcdocs import ROOT

    parser = argparse.ArgumentParser(
        prog="build-pdf",
        description="Print each language's print page of a built site (mkdocs build) to its "
        f"PDF, {PDF_NAME} beside it, with Debian's chromium.",
    )
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="default: site/")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per language")
    args = parser.parse_args(argv)
    pages = print_pages(args.site)
    if not pages:
        print(
            f"build-pdf: no {PRINT_NAME} in {args.site} or its language folders: "
            "build the site first (mkdocs build; scripts/hooks/pdf.py writes them)",
            file=sys.stderr,
        )
        return 2
    for page in pages:
        pdf = page.with_name(PDF_NAME)
        try:
            seconds = print_pdf(page, pdf, timeout=args.timeout)
        except (PrintError, subprocess.TimeoutExpired) as err:
            print(f"build-pdf: {err}", file=sys.stderr)
            return 1
        size = pdf.stat().st_size / 1e6
        print(f"{pdf.relative_to(args.site)}: {size:.1f} MB, printed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

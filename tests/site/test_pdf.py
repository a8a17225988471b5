"""One PDF per language (build-pdf, make build), read back with pdftotext.

The PDFs are printed from the tests' strict build (build/site-test) by Debian's
chromium, as `make build` does for site/. What the PDF must hold is taken from
elsewhere than the hook that made it: the order from mkdocs.yml's nav, each
title from the page's own built HTML, the Chinese sentences from the sources.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from hpcdocs import ROOT, command, i18n, links, printpdf, sitebench

pytestmark = pytest.mark.slow

# Sentences as the sources have them: a Markdown page, a notebook's Markdown
# cell, a page deep in the guide.
SENTENCES = [
    ("docs/zh/index.md", "你不需要先懂 Linux 或 Slurm，我们从登录开始讲起。"),
    (
        "notebooks/zh/02-digits-cnn.ipynb",
        "这个 notebook 在 CPU 上训练一个很小的卷积网络，识别 scikit-learn 自带的手写数字",
    ),
    (
        "docs/zh/slurm.md",
        "本页按使用顺序介绍最常用的命令：查看集群、提交作业、交互式使用、取消和修改作业、"
        "查看历史记录，以及作业数组、依赖、时间限制和 GPU 申请。",
    ),
]
# Actions by which a PDF reader would fetch or run something.
ACTIONS = (b"/JavaScript", b"/JS ", b"/Launch", b"/SubmitForm", b"/ImportData", b"/GoToR")
KANGXI_AND_RADICALS = re.compile(r"[\u2e80-\u2fdf\ufffd]")


def _root(site: Path, lang: str) -> Path:
    return site if lang == i18n.SOURCE else site / lang


@pytest.fixture(scope="module")
def printed(built_site):
    if built_site["proc"].returncode != 0:
        pytest.fail("the site did not build: see test_strict_build_has_no_warning")
    if not printpdf.CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup-system installs it)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (scripts/setup-system installs poppler-utils)")
    site = built_site["dir"]
    proc = subprocess.run(
        [command("build-pdf"), "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    print(proc.stdout)
    return site


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _squeeze_title(text: str) -> str:
    """Without spaces and hyphens: pdftotext drops the hyphen where a long title broke at
    one ("conda-pack" over two lines comes back as "condapack")."""
    return re.sub(r"[\s-]+", "", text)


def _nav_files(items) -> list[str]:
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found += [value] if isinstance(value, str) else _nav_files(value)
    return found


def _built_page(root: Path, name: str) -> Path:
    stem = name.rsplit(".", 1)[0]
    return root / "index.html" if stem == "index" else root / stem / "index.html"


def _title(page: Path) -> str:
    """The page's first heading as its built HTML shows it (without the ¶ anchor)."""
    h1 = re.search(r"<h1\b[^>]*>(.*?)</h1>", page.read_text("utf-8"), re.DOTALL)
    assert h1, f"{page}: no <h1>"
    inner = re.sub(r'<a class="(?:headerlink|anchor-link)".*?</a>', "", h1.group(1))
    return htmllib.unescape(re.sub(r"<[^>]+>", "", inner)).strip()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_pdf_has_every_page_in_navigation_order(printed, lang):
    """Every page starts a sheet of its own with its title, in mkdocs.yml's nav order."""
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))["nav"]
    root = _root(printed, lang)
    titles = [_title(_built_page(root, name)) for name in _nav_files(nav)]
    assert len(titles) > 25
    sheets = _text(root / printpdf.PDF_NAME).split("\f")
    tops = [_squeeze_title(" ".join(sheet.strip().splitlines()[:3])) for sheet in sheets]
    at = 0
    for title in titles:
        want = _squeeze_title(title)
        found = next((i for i in range(at, len(tops)) if tops[i].startswith(want)), None)
        assert found is not None, (
            f"{lang}: no sheet after sheet {at + 1} starts with the title {title!r} "
            f"(pages in nav order: {titles})"
        )
        at = found + 1
    print(f"{lang}: {len(titles)} pages on {len(sheets)} sheets")


@pytest.mark.parametrize(("source", "sentence"), SENTENCES, ids=[s for s, _ in SENTENCES])
def test_chinese_text_is_intact(printed, source, sentence):
    """The sentence comes back character for character (pdftotext only breaks lines)."""
    text = (ROOT / source).read_text("utf-8")
    assert sentence in text, f"{source} no longer has the sentence: update the test"
    pdf_text = _squeeze(_text(printed / printpdf.PDF_NAME))
    assert _squeeze(sentence) in pdf_text, f"{sentence!r} (from {source}) is not in the PDF"


def test_chinese_pdf_has_no_broken_characters(printed):
    """No replacement characters and no CJK radicals where ideographs were (the symptom of
    a font whose glyphs map back to the wrong code points)."""
    text = _text(printed / printpdf.PDF_NAME)
    bad = sorted(set(KANGXI_AND_RADICALS.findall(text)))
    assert not bad, f"characters that mean broken text extraction: {bad}"
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 20_000


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_pdf_fetches_and_runs_nothing(printed, lang):
    """Every font is embedded; no action fetches or runs anything."""
    pdf = _root(printed, lang) / printpdf.PDF_NAME
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert [a for a in ACTIONS if a in data] == []
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    # columns: name type [encoding...] emb sub uni object ID; "emb" is 5th from the end
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "\n".join(not_embedded)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_links_its_languages_pdf(printed, lang):
    root = _root(printed, lang)
    pdf = root / printpdf.PDF_NAME
    for path in sitebench.page_paths(printed):
        if (lang == i18n.TARGET) != path.startswith(f"/{i18n.TARGET}/"):
            continue
        page = printed / path.lstrip("/") / "index.html"
        found = re.findall(r'<p class="hpc-pdf">.*?<a href="([^"]+)"', page.read_text("utf-8"))
        assert len(found) == 1, f"{path}: {len(found)} PDF links"
        target = printed / urlparse(urljoin(path, found[0])).path.lstrip("/")
        assert target == pdf, f"{path}: links {found[0]}, not {pdf.relative_to(printed)}"
    # the PDFs exist now, and every link resolves, the print pages' included
    assert links.problems(printed, print_pages=True) == []


def test_print_page_loads_nothing_from_another_host(printed):
    """chromium printed the print page from a file; opened from a server, every request it
    makes stays there, and each one succeeds."""
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    with sitebench.serve(printed) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(sitebench.CHROMIUM), args=sitebench.ARGS, headless=True
        )
        for lang in i18n.LANGS:
            page = browser.new_page()
            requests, failed = [], []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.on("response", lambda r, bad=failed: r.status >= 400 and bad.append(r.url))
            prefix = "" if lang == i18n.SOURCE else f"{lang}/"
            page.goto(f"{base}/{prefix}{printpdf.PRINT_NAME}", wait_until="networkidle")
            foreign = [u for u in requests if not u.startswith(base) and not u.startswith("data:")]
            assert foreign == [], foreign
            assert failed == [], failed
            assert any(u.endswith(".css") for u in requests), requests
            page.close()
        browser.close()

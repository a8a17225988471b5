"""The print page the PDFs are printed from (scripts/hpcdocs/printpdf.py), on pages of our own."""

from __future__ import annotations

import re

from hpcdocs import links, printpdf
from hpcdocs.printpdf import Page, Section

SITE_URL = "https://guide.example.edu/"

SLURM = """<h1 id="slurm">Slurm<a class="headerlink" href="#slurm">&para;</a></h1>
<p>See <a href="../conda/#envs">environments</a>, <a href="#arrays">arrays</a>,
<a href="../">home</a> and <a href="../downloads/job.sh">job.sh</a>
or <a href="https://slurm.schedmd.com/">Slurm's site</a>.</p>
<img alt="" src="../../assets/images/queue.png">
<div class="tabbed-set" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1"
 name="__tabbed_1" type="radio"><label for="__tabbed_1_1">Slurm</label></div>
<details class="note"><summary>More</summary><p>Hidden on screen.</p></details>
<h2 id="arrays">Arrays</h2>
<script>document.write("<b>run</b>")</script>
<p class="hpc-report-problem">Found a mistake? <a href="https://x/new?title=a">Report</a></p>
<p class="hpc-pdf">Reading offline? <a href="../hpc-python-guide.pdf">PDF</a></p>
"""
CONDA = '<p>No heading of its own.</p><h2 id="envs">Environments</h2>'
HOME = '<h1 id="home">Home</h1><div class="tabbed-set"><input id="__tabbed_1_1" name="__tabbed_1">'


def _assemble(lang="en", root="en/"):
    pages = {
        f"{root}": Page(f"{root}", "Home", HOME),
        f"{root}slurm/": Page(f"{root}slurm/", "Slurm", SLURM),
        f"{root}conda/": Page(f"{root}conda/", "conda", CONDA),
    }
    nav = [f"{root}", Section("Basics", [f"{root}conda/", f"{root}slurm/"])]
    return printpdf.assemble(
        lang,
        nav,
        pages,
        ["assets/stylesheets/main.css", "assets/print.css"],
        f"{root}{printpdf.PRINT_NAME}",
        "Guide",
        "A guide",
        SITE_URL,
        "2026-01-01",
    )


def test_pages_come_in_navigation_order_each_on_its_own_part():
    out = _assemble()
    order = re.findall(r'<section class="hpc-print-page" id="([^"]+)"', out)
    assert order == ["p-en", "p-en-conda", "p-en-slurm"]
    assert "<h1>conda</h1>" in out  # a page without a heading gets its title as one
    toc = out[out.index('class="hpc-print-toc"') : out.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"', toc) == ["p-en", "p-en-conda", "p-en-slurm"]
    assert "<li>Basics<ul>" in toc


def test_links_between_pages_stay_inside_the_document():
    out = _assemble()
    assert 'href="#p-en-conda--envs"' in out  # another page's anchor
    assert 'href="#p-en-slurm--arrays"' in out  # the page's own anchor
    assert 'href="#p-en"' in out  # the home page
    assert 'href="https://guide.example.edu/en/downloads/job.sh"' in out  # a file: on the web
    assert 'href="https://slurm.schedmd.com/"' in out
    assert 'src="../assets/images/queue.png"' in out  # relative to en/print.html
    assert 'href="../assets/stylesheets/main.css"' in out


def test_ids_are_unique_and_every_anchor_has_its_target(tmp_path):
    out = _assemble()
    ids = re.findall(r'\bid="([^"]+)"', out)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="p-en-slurm--__tabbed_1_1"' in out
    assert 'name="p-en-slurm--__tabbed_1"' in out and 'name="p-en--__tabbed_1"' in out
    # the site's own link checker agrees: every #anchor of the print page resolves
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / printpdf.PRINT_NAME).write_text(out, "utf-8")
    for css in ("assets/stylesheets/main.css", "assets/print.css", "assets/images/queue.png"):
        (tmp_path / css).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / css).write_text("", "utf-8")
    assert links.problems(tmp_path, print_pages=True) == []


def test_what_only_works_on_screen_is_left_out():
    out = _assemble()
    assert "<script" not in out
    assert "hpc-report-problem" not in out and "hpc-pdf" not in out
    assert '<details open class="note">' in out


def test_cover_names_the_site_the_date_and_the_language_home():
    zh = _assemble("zh", "")
    assert '<html lang="zh"' in zh and "<title>Guide</title>" in zh
    assert "构建于 2026-01-01，网页版：https://guide.example.edu/<" in zh
    assert 'href="assets/stylesheets/main.css"' in zh  # print.html at the site's root
    en = _assemble()
    assert "Built on 2026-01-01; on the web: https://guide.example.edu/en/<" in en


def test_the_build_reports_a_broken_link_at_its_page_not_again_in_the_print_page(tmp_path):
    (tmp_path / "index.html").write_text('<a href="#nowhere">x</a>', "utf-8")
    (tmp_path / printpdf.PRINT_NAME).write_text('<a href="#p-home--nowhere">x</a>', "utf-8")
    assert len(links.problems(tmp_path)) == 1
    assert len(links.problems(tmp_path, print_pages=True)) == 2


def test_a_pdf_link_counts_as_present_only_where_its_print_page_is(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="hpc-python-guide.pdf">PDF</a><a href="en/hpc-python-guide.pdf">en</a>', "utf-8"
    )
    (tmp_path / "en").mkdir()
    problems = links.problems(tmp_path)
    assert len(problems) == 2, problems
    (tmp_path / printpdf.PRINT_NAME).write_text("<p>print</p>", "utf-8")
    problems = links.problems(tmp_path)
    assert len(problems) == 1 and "en/hpc-python-guide.pdf" in problems[0], problems

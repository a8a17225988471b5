"""Links: a broken internal link or anchor fails the strict build; external ones are listed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hpcdocs import ROOT, command, links

PAGE = """# {title}

## Section {{#real}}

Text.
"""


def test_built_site_has_no_broken_internal_link(built_site):
    assert built_site["proc"].returncode == 0
    assert links.problems(built_site["dir"]) == []
    # the check really read the pages: the site is full of internal links
    internal = [link for link in links.links(built_site["dir"]) if not links.is_external(link.url)]
    assert len(internal) > 500


class _Reference(HTMLParser):
    """What links.read finds, by html.parser: the slower way the check read pages before."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(name):
                self.ids.add(attrs[name])
        value = attrs.get(links.POINTING[tag]) if tag in links.POINTING else None
        if value is not None:
            self.links.append((tag, value.strip()))


TRICKY = """<!DOCTYPE html><html><head><script src="a.js"></script>
<script>var s = '<a href="in-script.html">'; </script><style>p > a { }</style>
<link rel="stylesheet" href='b.css'></head><body><!-- <a href="in-comment.html"> -->
<h2 id="x" class="y">T</h2><a name=top href=c.html#x>c</a><a href>none</a><a href="">empty</a>
<a title="1 > 0" href="d.html?a=1&amp;b=2" ID="Caps">d</a><img src=e.png/><b data-id="no">
<p id="">no id</p><script src="f.js"/><a href=" g.html ">g</a><SCRIPT>'<img src=h.png>'</SCRIPT>
</body></html>"""


def test_tricky_html_is_read_as_html_parser_reads_it():
    text = TRICKY
    reference = _Reference()
    reference.feed(text)
    reference.close()
    got = links.read(text)
    assert (got.ids, got.links) == (reference.ids, reference.links)
    assert ("a", "in-script.html") not in got.links and "Caps" in got.ids


def test_every_built_page_is_read_as_html_parser_reads_it(built_site):
    pages = links.pages(built_site["dir"])
    assert len(pages) > 50
    for page in pages:
        text = page.read_text("utf-8", errors="replace")
        reference = _Reference()
        reference.feed(text)
        reference.close()
        got = links.read(text)
        assert (got.ids, got.links) == (reference.ids, reference.links), page


def _temp_project(tmp: Path, pages: dict[str, str], nav: list, snippets: dict[str, str]) -> Path:
    """A config from mkdocs.yml (its hooks, plugins, validation) over a few pages of our own."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    docs = tmp / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for name, text in pages.items():
        for lang in ("zh", "en"):
            (docs / lang / name).parent.mkdir(parents=True, exist_ok=True)
            (docs / lang / name).write_text(text, "utf-8")
    for name, text in snippets.items():
        (tmp / "snippets" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "snippets" / name).write_text(text, "utf-8")
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(tmp / "site")
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    config["watch"] = []
    if "custom_dir" in config["theme"]:
        config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["nav"] = nav
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(tmp / "snippets")]
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return path


GOOD = {"index.md": PAGE.format(title="Home"), "a.md": PAGE.format(title="A")}


def test_a_broken_markdown_link_or_anchor_fails_the_strict_build(tmp_path, mkdocs_build):
    broken = dict(GOOD)
    broken["index.md"] += "\n".join(
        ["", "[no such anchor](a.md#nowhere)", "", "[no such page](missing.md)", ""]
        + ['--8<-- "part.md"', ""]
    )
    snippets = {"part.md": "[from a snippet](a.md#snippet-nowhere)\n"}
    nav = ["index.md", "a.md", "nav-missing.md"]
    proc = mkdocs_build("-f", str(_temp_project(tmp_path, broken, nav, snippets)), timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log
    assert "Aborted with" in log and "in strict mode" in log, log
    warnings = "\n".join(line for line in log.splitlines() if line.startswith("WARNING"))
    for needle in (
        "'#nowhere'",  # MkDocs validation.anchors
        "'missing.md'",  # validation.links.not_found
        "'nav-missing.md'",  # validation.nav.not_found
        "'#snippet-nowhere'",  # a link a snippet brings in
    ):
        assert needle in warnings, f"{needle} not a warning:\n{log}"


def test_a_broken_link_in_raw_html_fails_the_strict_build(tmp_path, mkdocs_build):
    """MkDocs does not see raw HTML (nor notebooks): scripts/hooks/links.py does."""
    broken = dict(GOOD)
    broken["index.md"] += '\n<a href="a/#raw-nowhere">raw</a> <a href="a/#real">fine</a>\n'
    config = _temp_project(tmp_path, broken, ["index.md", "a.md"], {})
    proc = mkdocs_build("-f", str(config), timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    # once per language, and nothing else: the pages are otherwise fine
    assert len(warnings) == 2, log
    assert all("broken link" in w and "'a/#raw-nowhere'" in w for w in warnings), log
    assert any(w.startswith("WARNING -  broken link: en/index.html:") for w in warnings), log


def test_external_links_are_listed_per_page(built_site):
    found = links.external(built_site["dir"])
    pytorch = "https://pytorch.org/get-started/locally/"
    assert pytorch in found
    assert found[pytorch] == ["en/pytorch/index.html", "pytorch/index.html"]
    # the site's own address (canonical links) is not an external link
    assert not [u for u in found if u.startswith("https://hpc-python-guide.example.edu/")]


def test_check_links_lists_them_offline(built_site):
    proc = subprocess.run(
        [command("check-links"), "--site", str(built_site["dir"])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "https://pytorch.org/get-started/locally/" in proc.stdout
    assert "pytorch/index.html" in proc.stdout


def test_the_online_check_reads_answers_from_a_real_server():
    """--online's request, against a local HTTP server (CI has no network)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            if self.path == "/no-head":
                self.send_response(405)
            else:
                self.send_response(200 if self.path == "/here" else 404)
            self.end_headers()

        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        assert links.check_online(base + "/here", 5) == "ok 200"
        assert links.check_online(base + "/gone", 5) == "HTTP 404"
        assert links.check_online(base + "/no-head", 5) == "ok 200"  # GET after a refused HEAD
    finally:
        httpd.shutdown()
    assert links.check_online("http://127.0.0.1:9/", 5).startswith("unreachable")

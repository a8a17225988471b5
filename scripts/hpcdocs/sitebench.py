"""Page weight of the built site, as a reader's browser loads it (bench-site).

Each page is opened in Debian's chromium (Playwright, never a downloaded
browser) with an empty cache, served from 127.0.0.1, and every request it
makes until the network is idle is counted: the bytes of the files as they
are (raw) and gzipped at level 6, which is what a real web server (GitHub
Pages, nginx) sends for text. A URL the page asks for twice (chromium sometimes
asks for the icon again) counts once: the second time comes from the cache.
The budget is issue 19's, for the home pages; tests/site/test_browser.py holds
the home pages to it, and the last lines name the other pages above it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from hpcdocs import ROOT, builtsite

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own background traffic is turned off by these flags; anything
# left that leaves 127.0.0.1 comes from the page.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BUDGET = {"raw": 400_000, "gzip": 120_000, "requests": 10}
HOME_PAGES = ("/", "/en/")
METRICS = ROOT / "build" / "metrics.json"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # chromium drops a connection it no longer needs when a page's context closes
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site: Path):
    """The built site on http://127.0.0.1:<free port>, as files are (no compression)."""
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def _file(site: Path, url: str) -> Path:
    file = site / urlparse(url).path.lstrip("/")
    return file / "index.html" if file.is_dir() else file


def weigh(site: Path, urls: list[str]) -> dict:
    """Raw and gzipped bytes of the files behind urls, and how many requests they were."""
    raw = gzipped = 0
    files = []
    for url in urls:
        file = _file(site, url)
        data = file.read_bytes() if file.is_file() else b""
        size, packed = len(data), len(gzip.compress(data, 6)) if data else 0
        raw, gzipped = raw + size, gzipped + packed
        files.append({"path": urlparse(url).path, "raw": size, "gzip": packed})
    return {"raw": raw, "gzip": gzipped, "requests": len(urls), "files": files}


def load(browser, base: str, path: str) -> tuple[list[str], object]:
    """Open path in a fresh context (empty cache); the URLs it requested, and the context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base + path, wait_until="networkidle")
    # Chromium asks for the icon when it gets round to it, sometimes after the
    # network went idle: counted always, as a reader's browser fetches it.
    icon = page.evaluate("() => document.querySelector('link[rel~=icon]')?.href")
    if icon and icon not in urls:
        urls.append(icon)
    return list(dict.fromkeys(urls)), context


def measure(browser, base: str, site: Path, path: str) -> dict:
    urls, context = load(browser, base, path)
    context.close()
    return dict(weigh(site, urls), page=path, foreign=[u for u in urls if not u.startswith(base)])


def page_paths(site: Path) -> list[str]:
    """Every built page of both languages, as a path: "/", "/slurm/", "/en/", ..."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.split("/", 1)[0] in ("assets", "search", "downloads"):
            continue
        paths.append("/" if rel == "." else f"/{rel}/")
    return sorted(paths, key=lambda p: (p.startswith("/en/"), p))


def over_budget(row: dict) -> list[str]:
    return [f"{k} {row[k]} > {v}" for k, v in BUDGET.items() if row[k] > v]


def save(rows: list[dict]) -> None:
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(METRICS.read_text()) if METRICS.exists() else {}
    for row in rows:
        data.setdefault("pages", {})[row["page"]] = {k: row[k] for k in ("raw", "gzip", "requests")}
    METRICS.write_text(json.dumps(data, indent=1, sort_keys=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-site", description=__doc__.split("\n")[0])
    builtsite.add_option(parser, "bench-site")
    parser.add_argument("--files", action="store_true", help="also list each page's requests")
    parser.add_argument("pages", nargs="*", help="only these paths (default: every page)")
    args = parser.parse_args(argv)
    site = builtsite.site(args.site, "bench-site")
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (scripts/setup-system installs Debian's chromium)")
    rows = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        print(f"{'page':<36} {'raw KB':>8} {'gzip KB':>8} {'requests':>8}")
        for path in args.pages or page_paths(site):
            row = measure(browser, base, site, path)
            rows.append(row)
            over = over_budget(row) if path in HOME_PAGES else []
            mark = "  over budget: " + ", ".join(over) if over else ""
            print(
                f"{path:<36} {row['raw'] / 1000:>8.1f} {row['gzip'] / 1000:>8.1f} "
                f"{row['requests']:>8}{mark}"
            )
            for f in row["files"] if args.files else ():
                print(f"    {f['path']:<60} {f['raw']:>8} {f['gzip']:>8}")
        browser.close()
    others = [r for r in rows if r["page"] not in HOME_PAGES and over_budget(r)]
    for row in others:
        print(f"above the home pages' budget: {row['page']}: {', '.join(over_budget(row))}")
    print(
        f"budget for {', '.join(HOME_PAGES)}: {BUDGET['raw'] // 1000} KB raw, "
        f"{BUDGET['gzip'] // 1000} KB gzipped, {BUDGET['requests']} requests"
    )
    save(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

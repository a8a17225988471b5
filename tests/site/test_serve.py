"""`make serve`, one of the two commands (README.md, adopt/03-serve.console): it sets
up what is missing, builds the site, serves it on 127.0.0.1:8000 until Ctrl+C, and
leaves nothing listening after it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import urllib.request

from hpcdocs import ROOT, poll
from hpcdocs.snippettests import Catalog, console

SNIPPET = "adopt/03-serve.console"


def _busy(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_serve_serves_the_site_until_ctrl_c():
    text = Catalog.load()[SNIPPET].rendered()
    ((_, command),) = console.commands(text)
    # mkdocs' line, with the time it started serving
    shown = re.search(
        r"^INFO +- +\[\d\d:\d\d:\d\d\] Serving on (http://127\.0\.0\.1:(\d+)/)$", text, re.M
    )
    assert command == "make serve" and shown, text
    url, port = shown.group(1), int(shown.group(2))
    argv = command.split()
    if _busy(port):  # a maintainer's own `make serve` holds the page's port
        port = _free_port()
        argv.append(f"PORT={port}")
        url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as at a terminal
        # Ctrl+C as at a terminal: a run started in the background (nohup make test &)
        # hands on SIGINT ignored, and make and mkdocs would keep it so
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        serving = re.compile(rf"^INFO +- +\[\d\d:\d\d:\d\d\] Serving on {re.escape(url)}$")
        poll.until(
            lambda: any(serving.match(ln.rstrip()) for ln in lines) or proc.poll() is not None,
            timeout=300,
            what=lambda: (
                f"`{' '.join(argv)}` to print the page's line; it printed:\n" + "".join(lines[-30:])
            ),
        )
        assert proc.poll() is None, "".join(lines)
        for path, needle in (("", "<html"), ("en/", "HPC Python Guide")):
            with urllib.request.urlopen(url + path, timeout=30) as page:
                body = page.read().decode()
                assert page.status == 200 and needle in body, (path, body[:300])
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C: the terminal signals the whole group
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            left = subprocess.run(
                ["ps", "-o", "pid,stat,etime,args", "-g", str(proc.pid)],
                capture_output=True,
                text=True,
            ).stdout
            raise AssertionError(
                f"`{' '.join(argv)}` still running 120 s after Ctrl+C; its processes:\n{left}"
                "its last lines:\n" + "".join(lines[-40:])
            ) from None
        poll.until(lambda: not _busy(port), timeout=30, what=f"port {port} to be free")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        reader.join(timeout=10)

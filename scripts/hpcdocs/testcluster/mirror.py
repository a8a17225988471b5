"""The test cluster's pip mirror: a PEP 503 "simple" index served over HTTP on loopback.

A real site's mirror (cluster.yml's python.pip_mirror) cannot be reached from
the test machine, so `up` serves one of its own: the wheels in PACKAGES, taken
once (`pip download`) from the package index this machine's pip uses, under
$STATE/pypi/, served by Python's http.server on the cluster's third address
(127.0.77.3:3141). In the test world `{{ cluster.python.pip_mirror }}` is this
index's URL (overrides(), applied by the snippet runner); pages show the real one.
Every request is logged to $STATE/log/pip-mirror.stderr.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import re
import subprocess
import sys
from pathlib import Path

from hpcdocs.testcluster import procs, render
from hpcdocs.testcluster.plan import Plan

PORT = 3141
PACKAGES = ("tqdm==4.67.1",)  # what the mirror snippets install (snippets/conda/08-pip-mirror)
SERVER = "/usr/bin/python3"


class MirrorError(RuntimeError):
    """The mirror cannot be built or started."""


def address(plan: Plan) -> str:
    return str(ipaddress.ip_address(plan.ctl_addr) + 2)


def url(plan: Plan) -> str:
    return f"http://{address(plan)}:{PORT}/simple/"


def directory(plan: Plan) -> Path:
    return plan.state / "pypi"


def log_file(plan: Plan) -> Path:
    return plan.log / "pip-mirror.stderr"


def overrides(plan: Plan) -> dict[str, str]:
    """Facts whose test-world value differs from the page's."""
    return {"python.pip_mirror": url(plan)}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def build(plan: Plan) -> None:
    """Download the wheels (once) and write the simple index for them."""
    files = directory(plan) / "packages"
    files.mkdir(parents=True, exist_ok=True)
    stamp = files / ".downloaded"
    if not stamp.exists() or stamp.read_text() != "\n".join(PACKAGES):
        r = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--disable-pip-version-check", "-q", "-d", str(files), *PACKAGES],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if r.returncode:
            raise MirrorError(
                f"pip mirror: `pip download {' '.join(PACKAGES)}` failed:\n{r.stderr.strip()[-1500:]}"
            )
        stamp.write_text("\n".join(PACKAGES))
    by_project: dict[str, list[Path]] = {}
    for wheel in sorted(files.glob("*.whl")):
        by_project.setdefault(normalize(wheel.name.split("-")[0]), []).append(wheel)
    simple = directory(plan) / "simple"
    links = []
    for project, wheels in sorted(by_project.items()):
        rows = []
        for w in wheels:
            digest = hashlib.sha256(w.read_bytes()).hexdigest()
            href = html.escape(f"../../packages/{w.name}#sha256={digest}")
            rows.append(f'<a href="{href}">{html.escape(w.name)}</a><br>')
        render.write(simple / project / "index.html", _page(project, rows))
        links.append(f'<a href="{project}/">{project}</a><br>')
    render.write(simple / "index.html", _page("Simple index", links))


def _page(title: str, rows: list[str]) -> str:
    body = "\n".join(rows)
    return f"<!DOCTYPE html>\n<html><head><title>{title}</title></head><body>\n{body}\n</body></html>\n"


def running(plan: Plan) -> procs.Proc | None:
    where = str(directory(plan))
    for p in procs.ours(plan.state):
        if where in p.argv and "http.server" in p.argv:
            return p
    return None


def start(plan: Plan, starter) -> None:
    """Build the index and serve it unless served already; wait until it answers."""
    build(plan)
    if running(plan):
        return
    addr = address(plan)
    if not procs.port_free(addr, PORT):
        raise MirrorError(f"pip mirror: {addr}:{PORT} is already in use by another process")
    argv = [SERVER, "-m", "http.server", str(PORT), "--bind", addr,
            "--directory", str(directory(plan))]  # fmt: skip
    d = starter.start("pip-mirror", argv, plan.log / "pip-mirror.log")
    starter.wait(d, lambda: procs.port_open(addr, PORT), f"serving on {addr}:{PORT}", timeout=15)


def status_line(plan: Plan) -> tuple[bool, str]:
    p = running(plan)
    shown = f"running, pid {p.pid}, {url(plan)}" if p else "NOT RUNNING"
    return p is not None, f"  {'pip mirror':14} {shown}"

"""/etc/hosts entries for the test cluster's node names.

Each line ends with a marker comment naming the state directory, so `down`
removes exactly the lines its `up` added. The file is rewritten in place (it
may be a bind mount, which a rename would break).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

HOSTS = Path(os.environ.get("TESTCLUSTER_HOSTS_FILE", "/etc/hosts"))


@contextmanager
def _locked():
    """One writer at a time: several test clusters may start together."""
    with open("/tmp/testcluster-hosts.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _marker(state: Path) -> str:
    return f"# testcluster {state}"


def _without(lines: list[str], state: Path) -> list[str]:
    mark = _marker(state)
    return [line for line in lines if not line.rstrip().endswith(mark)]


def add(state: Path, entries: list[tuple[str, str]]) -> None:
    """Make (address, name) entries present, replacing earlier ones of this state dir."""
    with _locked():
        lines = HOSTS.read_text(encoding="utf-8").splitlines()
        kept = _without(lines, state)
        wanted = kept + [f"{addr}\t{name}\t{_marker(state)}" for addr, name in entries]
        if wanted != lines:
            HOSTS.write_text("\n".join(wanted) + "\n", encoding="utf-8")


def remove(state: Path) -> None:
    with _locked():
        lines = HOSTS.read_text(encoding="utf-8").splitlines()
        kept = _without(lines, state)
        if kept != lines:
            HOSTS.write_text("\n".join(kept) + "\n", encoding="utf-8")


def present(state: Path) -> list[str]:
    mark = _marker(state)
    return [ln for ln in HOSTS.read_text(encoding="utf-8").splitlines() if ln.endswith(mark)]

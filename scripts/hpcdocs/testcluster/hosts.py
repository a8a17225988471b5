"""/etc/hosts entries for the test cluster's node names.

Each line ends with a marker comment naming the state directory, so `down`
removes exactly the lines its `up` added. The new file replaces the old by a
rename, so a program resolving a name meanwhile never reads a half-written file;
where /etc/hosts is a bind mount (a container), which a rename cannot replace, it
is rewritten in place.
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


def _write(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    new = HOSTS.with_name(f".{HOSTS.name}.testcluster-new")
    try:
        new.write_text(text, encoding="utf-8")
        os.chmod(new, HOSTS.stat().st_mode & 0o7777)
        os.replace(new, HOSTS)
    except OSError:  # a bind mount (EBUSY), or a folder we may not write in
        new.unlink(missing_ok=True)
        HOSTS.write_text(text, encoding="utf-8")


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
            _write(wanted)


def remove(state: Path) -> None:
    with _locked():
        lines = HOSTS.read_text(encoding="utf-8").splitlines()
        kept = _without(lines, state)
        if kept != lines:
            _write(kept)


def present(state: Path) -> list[str]:
    mark = _marker(state)
    return [ln for ln in HOSTS.read_text(encoding="utf-8").splitlines() if ln.endswith(mark)]

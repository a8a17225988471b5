"""The options the installed sbatch accepts, asked of sbatch itself.

``sbatch --help`` and ``sbatch --usage`` list most options with their short
forms and whether they take a value. Slurm 22.05's help omits a few that
sbatch still accepts (``--hint``, ``--open-mode``, ``--test-only`` ...), so
the option names in sbatch's man page are offered to sbatch one by one
(``sbatch --NAME --help``) and kept when sbatch does not answer
"unrecognized option". Whether an option needs a value is asked the same way.

sbatch refuses to print even its help without a slurm.conf, so every call
gets a throwaway one whose controller cannot be reached: nothing is ever
submitted. The result is cached per sbatch binary; when no sbatch is
installed, the bundled copy (sbatch_options.json, written by ``--write``)
is used, and ``Options.source`` says so.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hpcdocs import ROOT

BUNDLED = Path(__file__).with_name("sbatch_options.json")
CACHE_DIR = Path(os.environ.get("HPCDOCS_LINT_CACHE", ROOT / ".cache" / "lint"))
MAN_PAGE = Path("/usr/share/man/man1/sbatch.1.gz")
# A controller on the discard port of loopback: refused at once, if ever asked.
FAKE_CONF = "ClusterName=lint\nSlurmctldHost=lint(127.0.0.1)\nSlurmctldPort=9\n"

REQUIRED, OPTIONAL, FLAG = "required", "optional", "flag"


@dataclass
class Options:
    """Long option name -> REQUIRED/OPTIONAL/FLAG, short letter -> long name."""

    long: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)
    version: str = ""
    source: str = ""

    def kind(self, name: str) -> str:
        return self.long[name]


# --- asking sbatch ---------------------------------------------------------------


def _run(sbatch: str, args: list[str], conf: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SLURM_CONF=conf)
    for var in [v for v in env if v.startswith("SBATCH_")]:
        del env[var]  # SBATCH_* variables would be read as options too
    return subprocess.run(
        [sbatch, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


HELP_LINE = re.compile(r"^\s+(?:-(\w),?\s+)?--([\w-]+)(\[?=)?", re.MULTILINE)
USAGE_ITEM = re.compile(r"\[(?:-(\w)\s+\w+|--([\w-]+)(\[?=)?[^\]]*)\]")


def _parse_help(text: str, opts: Options) -> None:
    for short, name, _eq in HELP_LINE.findall(text):
        opts.long.setdefault(name, REQUIRED)
        if short:
            opts.short[short] = name


def _man_candidates() -> set[str]:
    """Option names on the heading lines of sbatch's man page."""
    if not MAN_PAGE.exists():
        return set()
    text = gzip.decompress(MAN_PAGE.read_bytes()).decode("utf-8", "replace")
    names = set()
    lines = text.splitlines()
    for prev, line in zip(lines, lines[1:], strict=False):
        if prev.startswith(".TP") and line.startswith(r"\fB\-"):
            names.update(re.findall(r"\\fB\\-\\-([a-z][\w\\-]*)\\fR", line))
    return {n.replace("\\-", "-") for n in names}


def _probe_kind(sbatch: str, name: str, conf: str) -> str | None:
    """None when sbatch does not know --name, else how it takes a value."""
    out = _run(sbatch, [f"--{name}=x", "--help"], conf).stderr
    if "unrecognized option" in out or "is ambiguous" in out:
        return None
    if "doesn't allow an argument" in out:
        return FLAG
    # Alone, a required value is missing; anything else reads the (empty) script.
    out = _run(sbatch, [f"--{name}"], conf).stderr
    return REQUIRED if "requires an argument" in out else OPTIONAL


def derive(sbatch: str) -> Options:
    """Ask the sbatch at this path for its options."""
    with tempfile.TemporaryDirectory(prefix="lint-sbatch-") as tmp:
        conf = os.path.join(tmp, "slurm.conf")
        Path(conf).write_text(FAKE_CONF, encoding="utf-8")
        opts = Options(source=f"{sbatch} --help/--usage and its man page")
        help_run = _run(sbatch, ["--help"], conf)
        if help_run.returncode != 0 or "--partition" not in help_run.stdout:
            raise RuntimeError(f"{sbatch} --help failed: {help_run.stderr.strip()}")
        _parse_help(help_run.stdout, opts)
        for _short, name, _eq in USAGE_ITEM.findall(_run(sbatch, ["--usage"], conf).stdout):
            if name:
                opts.long.setdefault(name, REQUIRED)
        # The help text's "=" is not always right (--container, --get-user-env):
        # every name, listed or from the man page, is confirmed by sbatch itself.
        for name in sorted(_man_candidates() | set(opts.long)):
            kind = _probe_kind(sbatch, name, conf)
            if kind:
                opts.long[name] = kind
            else:
                opts.long.pop(name, None)
        opts.version = _run(sbatch, ["--version"], conf).stdout.strip()
    opts.long.pop("help", None), opts.long.pop("usage", None), opts.long.pop("version", None)
    opts.short = {k: v for k, v in opts.short.items() if v in opts.long}
    return opts


# --- cache and bundled copy ------------------------------------------------------


def _to_json(opts: Options) -> str:
    data = {
        "version": opts.version,
        "source": opts.source,
        "long": dict(sorted(opts.long.items())),
        "short": dict(sorted(opts.short.items())),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def _from_json(text: str, source: str | None = None) -> Options:
    data = json.loads(text)
    return Options(
        long=data["long"],
        short=data["short"],
        version=data["version"],
        source=source or data["source"],
    )


def _cache_key(sbatch: str) -> str:
    """Changes with the sbatch binary, its man page and this module's own code."""
    st = os.stat(sbatch)
    code = Path(__file__).read_bytes()
    raw = f"{os.path.realpath(sbatch)}:{st.st_size}:{st.st_mtime_ns}:{MAN_PAGE.exists()}"
    return hashlib.sha256(raw.encode() + code).hexdigest()[:16]


def _bundled(why: str) -> Options:
    bundled = _from_json(BUNDLED.read_text(encoding="utf-8"))
    bundled.source = f"bundled list {BUNDLED.name} ({bundled.version}): {why}"
    return bundled


@cache
def load(sbatch: str | None = None) -> Options:
    """The installed sbatch's options (cached), or the bundled copy without one."""
    sbatch = sbatch or shutil.which("sbatch")
    if not sbatch:
        return _bundled("no sbatch installed here")
    cached = CACHE_DIR / f"sbatch-options-{_cache_key(sbatch)}.json"
    if cached.exists():
        return _from_json(cached.read_text(encoding="utf-8"))
    try:
        opts = derive(sbatch)
    except (OSError, RuntimeError, subprocess.SubprocessError) as err:
        return _bundled(f"asking {sbatch} failed ({err})")
    try:  # written whole, then renamed: parallel test workers never see half a file
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(_to_json(opts), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only checkout still works, only slower
    return opts


DESCRIPTION = (
    "Print the option table derived from the installed sbatch, "
    "or write it to the bundled copy used where sbatch is absent."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sbatch-options", description=DESCRIPTION)
    parser.add_argument(
        "--write", action="store_true", help=f"(re)write {BUNDLED.relative_to(ROOT)}"
    )
    args = parser.parse_args(argv)
    sbatch = shutil.which("sbatch")
    if not sbatch:
        print("no sbatch on PATH", file=sys.stderr)
        return 1
    text = _to_json(derive(sbatch))
    if args.write:
        BUNDLED.write_text(text, encoding="utf-8")
        print(f"wrote {BUNDLED}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

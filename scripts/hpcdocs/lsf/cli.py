"""What every command of the layer shares: help, -V, errors, the user."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Callable

from hpcdocs.lsf import BANNER, LsfError


def version() -> str:
    try:
        slurm = subprocess.run(
            ["sinfo", "-V"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except FileNotFoundError:
        slurm = "Slurm not found on PATH"
    return f"{BANNER}\n{slurm}\n"


def user() -> str:
    return os.environ.get("USER") or getpass.getuser()


def wants(argv: list[str], help_text: str) -> int | None:
    """Handle -h/--help and -V before anything else; None to go on."""
    if any(arg in ("-h", "--help") for arg in argv[:1]) or argv[:1] == ["-help"]:
        sys.stdout.write(f"{BANNER}\n\n{help_text.strip()}\n")
        return 0
    if argv[:1] == ["-V"]:
        sys.stderr.write(version())
        return 0
    return None


def main_wrapper(name: str, body: Callable[[list[str]], int], help_text: str) -> Callable:
    """A command's main: -h/-V, then body; LsfError becomes a message and status."""

    def main(argv: list[str] | None = None) -> int:
        argv = sys.argv[1:] if argv is None else argv
        early = wants(argv, help_text)
        if early is not None:
            return early
        try:
            return body(argv)
        except LsfError as err:
            sys.stdout.flush()
            sys.stderr.write(f"{err}\n")
            return err.status
        except KeyboardInterrupt:
            return 130

    main.__name__ = f"{name}_main"
    return main


def split_flags(
    argv: list[str], flags: set[str], valued: set[str], command: str
) -> tuple[dict, list[str]]:
    """LSF-style options (-a, -u user) anywhere before the operands.

    Returns ({option: value or True}, operands). An option the command does
    not support is refused by name.
    """
    options: dict = {}
    operands: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("-") and len(arg) > 1 and not arg[1:].isdigit():
            name = arg[1:]
            if name in flags:
                options[name] = True
            elif name in valued:
                if i + 1 >= len(argv):
                    raise LsfError(f"{command}: option {arg} requires an argument")
                i += 1
                options[name] = argv[i]
            else:
                raise LsfError(
                    f"{command}: {arg}: option not supported by this LSF "
                    "compatibility layer over Slurm (see {command} -h)".replace(
                        "{command}", command
                    )
                )
        else:
            operands.append(arg)
        i += 1
    return options, operands


COMMANDS = ("bsub", "bjobs", "bkill", "bpeek", "bqueues", "bhosts", "bhist", "blaunch")

DISPATCH_HELP = f"""\
usage: hpcdocs-lsf COMMAND [ARGS...]     (COMMAND: {", ".join(COMMANDS)})
       COMMAND [ARGS...]                 (through a link named COMMAND)

The one entry point of the LSF compatibility layer. Called through a link
whose name is one of the commands (scripts/lsf/bin/bsub and the others link to
.venv/bin/hpcdocs-lsf), it is that command; otherwise the first argument names
it. `hpcdocs-lsf bsub -h` shows one command's help.
"""


def dispatch(argv: list[str] | None = None) -> int:
    """Run the LSF command named by how this was called, or by the first argument."""
    import importlib
    from pathlib import Path

    argv = sys.argv[:] if argv is None else argv
    name = Path(argv[0]).name if argv else ""
    args = argv[1:]
    if name not in COMMANDS:
        if not args or args[0] in ("-h", "--help", "-help"):
            sys.stdout.write(f"{BANNER}\n\n{DISPATCH_HELP}")
            return 0 if args else 2
        name, args = args[0], args[1:]
        if name not in COMMANDS:
            sys.stderr.write(f"hpcdocs-lsf: {name}: not a command of the layer (see --help)\n")
            return 2
    return importlib.import_module(f"hpcdocs.lsf.{name}").main(args)

"""bsub's command line and a job script's ``#BSUB`` lines, parsed into options.

``parse_command_line`` splits ``bsub [options] [command [args]]``;
``parse_script`` reads the ``#BSUB`` lines at the top of a script given on
stdin; ``merge`` lets the command line win, option by option, as LSF does.

Every option of LSF 10.1's bsub is known by name, so that one this layer
does not support is refused by name instead of being mistaken for the
command or silently dropped.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from hpcdocs.lsf import LsfError

# bsub's options in LSF 10.1, flags and those taking a value: one table, shared
# with the job-script checker (hpcdocs.lint.lsf), in bsub_options.json.
_TABLE = json.loads((Path(__file__).with_name("bsub_options.json")).read_text(encoding="utf-8"))
FLAGS = frozenset(_TABLE["flags"])
WITH_VALUE = frozenset(_TABLE["with_value"])
ALL = FLAGS | WITH_VALUE
# What this layer maps onto Slurm (see translate.py).
SUPPORTED = {
    "J",
    "q",
    "m",
    "n",
    "o",
    "oo",
    "e",
    "eo",
    "W",
    "R",
    "gpu",
    "Is",
    "I",
    "K",
    "w",
    "cwd",
    "x",
    "M",
    "B",
    "N",
    "u",
    "h",
    "V",
}
# Options that set the same thing: the later one (or the command line) wins.
SLOT = {"o": "out", "oo": "out", "e": "err", "eo": "err", "I": "interactive", "Is": "interactive"}


def slot(name: str) -> str:
    return SLOT.get(name, name)


def parse_options(tokens: list[str], where: str, allow_command: bool) -> tuple[dict, list[str]]:
    """Options from tokens, up to the first token that is not an option.

    Returns ({slot: (option, value)}, command). ``-R`` may repeat and gives a
    list; any other repeated option keeps its last value, as in LSF.
    """
    options: dict = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("-") or token == "-":
            break
        name = token[1:]
        if name in FLAGS:
            value = True
        elif name in WITH_VALUE:
            if i + 1 >= len(tokens):
                raise LsfError(f"{where}{token}: option requires an argument. Job not submitted.")
            i += 1
            value = tokens[i]
        else:
            raise LsfError(f"{where}{token}: Illegal option. Job not submitted.")
        if name not in SUPPORTED:
            raise LsfError(
                f"{where}{token}: option not supported by this LSF compatibility layer "
                "over Slurm. Job not submitted."
            )
        if name == "R":
            options.setdefault("R", ("R", []))[1].append(value)
        else:
            options[slot(name)] = (name, value)
        i += 1
    command = tokens[i:]
    if command and not allow_command:
        raise LsfError(
            f"{where}{command[0]}: not an option; #BSUB lines take options only. Job not submitted."
        )
    return options, command


def parse_command_line(argv: list[str]) -> tuple[dict, list[str]]:
    """bsub's own arguments: options, then the command and its arguments."""
    return parse_options(argv, "", allow_command=True)


def script_directives(text: str) -> list[tuple[int, str]]:
    """(line number, text after ``#BSUB``) for the script's leading #BSUB lines.

    Like LSF, reading stops at the first line that is neither blank nor a
    comment (the shebang is a comment).
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        if stripped.startswith("#BSUB") and (len(stripped) == 5 or stripped[5].isspace()):
            found.append((number, stripped[5:].strip()))
    return found


def parse_script(text: str, source: str = "job script") -> dict:
    """The options of a script's #BSUB lines (later lines win; -R adds up)."""
    options: dict = {}
    for number, directive in script_directives(text):
        where = f"{source}, line {number}: "
        try:
            tokens = shlex.split(directive, comments=True)
        except ValueError as err:
            raise LsfError(f"{where}#BSUB {directive}: {err}. Job not submitted.") from None
        found, _ = parse_options(tokens, where, allow_command=False)
        for key, value in found.items():
            if key == "R":
                options.setdefault("R", ("R", []))[1].extend(value[1])
            else:
                options[key] = value
    return options


def merge(script: dict, command_line: dict) -> dict:
    """Script options overridden, slot by slot, by the command line's."""
    merged = dict(script)
    merged.update(command_line)
    return merged

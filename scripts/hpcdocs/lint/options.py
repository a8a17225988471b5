"""Reading scheduler options the way the schedulers do.

``directive_words`` splits the rest of an #SBATCH/#BSUB line as sbatch's
_get_argument does (quotes group, backslash escapes, an unquoted ``#``
starts a comment). ``parse_getopt`` walks words as getopt_long would for
sbatch: long options with ``=`` or a following word, unique abbreviations,
short options with the value attached or following.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass

from hpcdocs.lint.model import ERROR, WARNING, Script
from hpcdocs.lint.sbatch_options import FLAG, OPTIONAL, Options
from hpcdocs.lint.scan import code_text, shell_parts


@dataclass
class Opt:
    name: str  # canonical long name (sbatch) or option without "-" (bsub)
    value: str | None
    given: str  # as written, e.g. "-t" or "--time"


@dataclass
class Problem:
    severity: str
    message: str
    code: str


def written(given: str, value: str | None) -> str:
    """An option as the script wrote it: --time=10, -t 10, --exclusive."""
    if value is None:
        return given
    return f"{given}={value}" if given.startswith("--") else f"{given} {value}"


def directive_words(rest: str) -> tuple[list[str], str | None]:
    """Words of an #SBATCH/#BSUB line after the magic word, and an error."""
    words, word, quote, escape, started = [], [], "", False, False
    for ch in rest:
        if escape:
            word.append(ch)
            escape = False
        elif ch == "\\":
            escape, started = True, True
        elif quote:
            if ch == quote:
                quote = ""
            else:
                word.append(ch)
        elif ch in "'\"":
            quote, started = ch, True
        elif ch == "#":
            break
        elif ch.isspace():
            if started:
                words.append("".join(word))
            word, started = [], False
        else:
            word.append(ch)
            started = True
    if quote:
        return words, f"unmatched {quote} (sbatch stops with an error)"
    if started:
        words.append("".join(word))
    return words, None


def command_words(text: str) -> list[str]:
    """Shell words up to the first ; | & < > (shlex; [] when it cannot split)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    try:
        for word in lexer:
            if word and set(word) <= set("();<>|&"):
                break
            words.append(word)
    except ValueError:
        return []
    return words


def submissions(script: Script, command: re.Pattern) -> list[tuple[int, list[str]]]:
    """(line, the words after it) of each command line that runs the submit command
    (command's group ``args``: sbatch, bsub); none in a Python file."""
    if script.kind == "python":
        return []
    found = []
    for number, text in script.command_lines():
        if m := command.search(code_text(text, shell_parts(text))):
            found.append((number, command_words(m["args"])))
    return found


# Options that older sbatch had and current ones refuse, and what replaced them.
REMOVED = {
    "workdir": "renamed --chdir (-D) in Slurm 17.11 and removed later; write --chdir",
    "checkpoint": "checkpointing was removed in Slurm 19.05",
    "checkpoint-dir": "checkpointing was removed in Slurm 19.05",
    "cpu_bind": "written --cpu-bind since Slurm 17.11 (an srun option)",
    "mem_bind": "written --mem-bind since Slurm 17.11",
}
# Options that SPANK plugins add to sbatch on the sites that install them.
_PLUGINS = {
    "Shifter (NERSC)": "image module volume",
    "pyxis (NVIDIA enroot)": "container-image container-mounts container-workdir "
    "container-name container-save container-mount-home no-container-mount-home "
    "container-remap-root no-container-remap-root container-writable container-readonly "
    "container-env",
}
PLUGIN_OPTIONS = {opt: plugin for plugin, opts in _PLUGINS.items() for opt in opts.split()}


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""


def parse_getopt(
    words: list[str], table: Options, stop_at_operand: bool = False
) -> tuple[list[Opt], list[Problem], list[str]]:
    """Options, problems and the operands left over."""
    opts: list[Opt] = []
    problems: list[Problem] = []
    operands: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word == "--":
            operands += words[i + 1 :]
            break
        if word.startswith("--"):
            used = _long(word, nxt, table, opts, problems)
        elif word.startswith("-") and len(word) > 1:
            used = _short(word, nxt, table, opts, problems)
        else:
            operands.append(word)
            if stop_at_operand:
                operands += words[i + 1 :]
                break
            used = 0
        i += 1 + used
    return opts, problems, operands


def _long(word, nxt, table, opts, problems) -> int:
    name, eq, value = word[2:].partition("=")
    if name not in table.long:
        matches = [n for n in table.long if n.startswith(name)] if name else []
        if len(matches) == 1:
            problems.append(
                Problem(
                    WARNING,
                    f"--{name} is an abbreviation of --{matches[0]}: write it in full",
                    "slurm-abbreviation",
                )
            )
            name = matches[0]
        elif len(matches) > 1:
            problems.append(
                Problem(
                    ERROR,
                    f"--{name} is ambiguous: " + ", ".join("--" + m for m in matches),
                    "slurm-unknown-option",
                )
            )
            return 0
        elif name in REMOVED:
            problems.append(Problem(ERROR, f"--{name}: {REMOVED[name]}", "slurm-removed-option"))
            return _its_value(eq, nxt)
        elif name in PLUGIN_OPTIONS:
            problems.append(
                Problem(
                    WARNING,
                    f"--{name} is not an sbatch option but the {PLUGIN_OPTIONS[name]} plugin's, "
                    "which only some sites install: where it is missing, sbatch "
                    "refuses the job",
                    "slurm-plugin-option",
                )
            )
            return _its_value(eq, nxt)
        else:
            problems.append(
                Problem(
                    ERROR,
                    f"sbatch has no option --{name}{suggest(name, table.long)}",
                    "slurm-unknown-option",
                )
            )
            return 0
    kind = table.long[name]
    if kind == FLAG:
        if eq:
            problems.append(Problem(ERROR, f"--{name} takes no value", "slurm-value"))
        opts.append(Opt(name, None, "--" + name))
        return 0
    if eq or kind == OPTIONAL:
        opts.append(Opt(name, value if eq else None, "--" + name))
        if eq and value == "":
            problems.append(Problem(ERROR, f"--{name}= has an empty value", "slurm-value"))
        return 0
    return _next_word_value(name, "--" + name, nxt, opts, problems)


def _next_word_value(name: str, given: str, nxt: str | None, opts, problems) -> int:
    """An option whose value is the next word: 1 (that word taken), or 0 and a problem
    when there is no next word."""
    if nxt is None:
        problems.append(Problem(ERROR, f"{given} needs a value", "slurm-value"))
        return 0
    opts.append(Opt(name, nxt, given))
    return 1


def _its_value(eq: str, nxt: str | None) -> int:
    """1 when the word after an option not in sbatch's table looks like its value."""
    return 0 if eq or nxt is None or nxt.startswith("-") else 1


def _short(word, nxt, table, opts, problems) -> int:
    letters = word[1:]
    for j, letter in enumerate(letters):
        name = table.short.get(letter)
        if name is None:
            problems.append(
                Problem(ERROR, f"sbatch has no option -{letter}", "slurm-unknown-option")
            )
            return 0
        if table.long[name] == FLAG:
            opts.append(Opt(name, None, "-" + letter))
            continue
        rest = letters[j + 1 :]
        if rest.startswith("="):
            problems.append(
                Problem(
                    ERROR,
                    f"-{letter}{rest}: a short option takes its value without '=' "
                    f"(-{letter} {rest[1:]} or --{name}={rest[1:]})",
                    "slurm-value",
                )
            )
            return 0
        if rest:
            opts.append(Opt(name, rest, "-" + letter))
            return 0
        return _next_word_value(name, "-" + letter, nxt, opts, problems)
    return 0


def osa_distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit."""
    d = [[max(i, j) if min(i, j) == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


MAGIC_LIKE = re.compile(r"^(\s*)#(\s*)([A-Za-z]{3,8})(\s+-.*)?$")


def near_magic(line: str, magic: str) -> str | None:
    """Why a line that looks like ``#MAGIC -opt`` is not read as one, or None."""
    if line.startswith("#" + magic):
        return None
    m = MAGIC_LIKE.match(line)
    if not m or not m.group(4):
        return None
    indent, gap, word = m.group(1), m.group(2), m.group(3)
    if word == magic:
        if indent:
            return f"#{magic} must start at column 1: an indented one is a plain comment"
        return f"'# {magic}' (space after #) is a plain comment: write #{magic}"
    if word.upper() == magic or osa_distance(word.upper(), magic) <= (2 if len(magic) > 4 else 1):
        return f"#{gap}{word} is not #{magic}: the line is a plain comment"
    return None

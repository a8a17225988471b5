"""`console` snippets: terminal transcripts whose `$ ` lines are commands.

The same rule as the site's copy button (docs/assets/console-copy.js): a line
starting with `$ ` is a command, a trailing backslash continues it onto the
next line, every other line is sample output.
"""

from __future__ import annotations

PROMPT = "$ "


def command_lines(
    numbered: list[tuple[int, str]], keep_columns: bool = False
) -> list[tuple[int, str]]:
    """(line number, text) of each line that is part of a command: a `$ ` line
    without its prompt (two spaces in its place with keep_columns, so columns
    stay those of the file), then its continuation lines as they are.

    The one transcript parser: the snippet runner, the job-script checker
    (hpcdocs.lint) and conda's grammar check (hpcdocs.condagrammar) read
    transcripts with it.
    """
    out: list[tuple[int, str]] = []
    continuing = False
    for number, line in numbered:
        if continuing:
            out.append((number, line))
        elif line.startswith(PROMPT):
            line = line[len(PROMPT) :]
            out.append((number, " " * len(PROMPT) + line if keep_columns else line))
        else:
            continue
        continuing = line.endswith("\\")
    return out


def commands(text: str) -> list[tuple[int, str]]:
    """(first line number, command text with its continuation lines)."""
    found: list[tuple[int, str]] = []
    continued = False
    for number, line in command_lines(list(enumerate(text.splitlines(), start=1))):
        if continued:
            found[-1] = (found[-1][0], f"{found[-1][1]}\n{line}")
        else:
            found.append((number, line))
        continued = line.endswith("\\")
    return found


def script(text: str) -> str:
    """The commands as a bash script whose line numbers are the transcript's.

    Sample output lines become blank lines, so `bash`, shellcheck and the
    job-script checker report the line of the snippet file.
    """
    lines = [""] * len(text.splitlines())
    for number, command in commands(text):
        for offset, part in enumerate(command.split("\n")):
            lines[number - 1 + offset] = part
    return "\n".join(lines) + "\n"

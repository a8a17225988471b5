"""`console` snippets: terminal transcripts whose `$ ` lines are commands.

The same rule as the site's copy button (docs/assets/console-copy.js): a line
starting with `$ ` is a command, a trailing backslash continues it onto the
next line, every other line is sample output.
"""

from __future__ import annotations

PROMPT = "$ "


def commands(text: str) -> list[tuple[int, str]]:
    """(first line number, command text with its continuation lines)."""
    found: list[tuple[int, str]] = []
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if current is not None:
            current.append(line)
        elif line.startswith(PROMPT):
            found.append((number, ""))
            current = [line[len(PROMPT) :]]
        else:
            continue
        if line.endswith("\\"):
            continue
        found[-1] = (found[-1][0], "\n".join(current))
        current = None
    if current is not None:
        found[-1] = (found[-1][0], "\n".join(current))
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

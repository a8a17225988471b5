"""What a check sees (a Script) and what it reports (a Finding)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from hpcdocs.snippettests import console

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    severity: str  # "error" or "warning"
    message: str
    code: str  # a short stable name for the check, e.g. "slurm-unknown-option"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return asdict(self)


def reporter(out: list[Finding], file: str, line: int):
    """add(severity, message, code): appends to out a Finding at file:line."""

    def add(severity: str, message: str, code: str) -> None:
        out.append(Finding(file, line, severity, message, code))

    return add


@dataclass
class Script:
    """A file to check: its name, its lines (without line ends) and its kind.

    kind is "python" for .py files, "console" for terminal transcripts
    (.console: only lines after a ``$ `` prompt are commands) and "shell"
    for everything else (job scripts, .sh).
    """

    name: str
    text: str
    kind: str

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.lines = [line.removesuffix("\r") for line in self.lines]

    @classmethod
    def guess_kind(cls, name: str) -> str:
        suffix = Path(name).suffix
        return {".py": "python", ".console": "console"}.get(suffix, "shell")

    def command_lines(self) -> list[tuple[int, str]]:
        """(line number, text) of the lines a shell would run.

        For a console transcript, the commands after ``$ `` and their
        backslash continuations; for others, every line.
        """
        if self.kind != "console":
            return list(enumerate(self.lines, 1))
        return console.command_lines(list(enumerate(self.lines, 1)), keep_columns=True)

"""What the importer could not convert, and what it warns about, each with ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_CONVERTED = "not converted"
WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True)
class Entry:
    where: str  # file:line, the file relative to the source folder
    kind: str  # NOT_CONVERTED, WARNING or ERROR
    what: str

    def line(self) -> str:
        return f"{self.where}: {self.kind}: {self.what}"


@dataclass
class Report:
    entries: list[Entry] = field(default_factory=list)

    def add(self, where: str, kind: str, what: str) -> None:
        entry = Entry(where, kind, " ".join(what.split()))
        if entry not in self.entries:
            self.entries.append(entry)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def text(self) -> str:
        """The report file: errors, then what was not converted, then warnings."""
        lines = []
        for kind in (ERROR, NOT_CONVERTED, WARNING):
            lines += [e.line() for e in self.entries if e.kind == kind]
        counts = (
            f"{len(self.of_kind(NOT_CONVERTED))} not converted, "
            f"{len(self.of_kind(WARNING))} warning(s)"
        )
        return "\n".join([*lines, f"import-rst: {counts}"]) + "\n"

"""The snippet tests' machinery: every file under snippets/ (the content), its
`# test:` header, the pages that include it, and its test tier. The command is
`snippets` (report | list | run).

    from hpcdocs import snippettests
    catalog = snippettests.Catalog.load()
    for snip in catalog.snippets: print(snip.path, snip.tier, snip.pages)

A snippet whose header is broken is still listed (``snip.error`` says why), so
one half-written file fails its own tests and no one else's.

Modules: ``header`` (the `# test:` header), ``pages`` (docs/: fences, includes,
waivers), ``console`` (transcripts), ``static`` (checks without running),
``runner`` (running a snippet on the login side or the test cluster).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from hpcdocs import ROOT, facts
from hpcdocs.snippettests import console
from hpcdocs.snippettests.header import Header, HeaderError, parse, working_name
from hpcdocs.snippettests.pages import DOCS, Page, pages

SNIPPETS = ROOT / "snippets"
SKIP_NAMES = {"README.md", "__pycache__", ".DS_Store"}
# Tiers, from least to most demanding. `none`: not even checked (run=none).
TIERS = ("none", "static", "login", "cluster", "gpu")
KINDS = {".sh": "shell", ".bash": "shell", ".console": "console", ".py": "python",
         ".yml": "yaml", ".yaml": "yaml", ".def": "apptainer-def"}  # fmt: skip
# Commands whose work happens on the cluster's compute nodes.
CLUSTER_COMMAND = re.compile(r"(?<![\w./-])(srun|salloc|sbatch|bsub)(?![\w.-])")

__all__ = ["Catalog", "Header", "HeaderError", "Snippet", "TIERS", "parse"]


# GPUs asked of the scheduler (--gres=gpu..., --gpus..., -G N; LSF's -gpu), or nvidia-smi.
ASKS_GPUS = re.compile(r"(?:--gres[= ]\S*gpu|--gpus(?:-per-\w+)?[= ]|(?<![\w-])-G\s*\d"
                       r"|^#BSUB\s+-gpu\s|\bnvidia-smi\b)", re.M)  # fmt: skip


@dataclass
class Snippet:
    path: str  # relative to snippets/, e.g. "index/01-first-job.sh"
    file: Path
    header: Header | None = None
    error: str | None = None  # a broken header (file:line: message)
    pages: list[str] = field(default_factory=list)  # docs/zh/x.md, docs/en/x.md
    users: list[str] = field(default_factory=list)  # snippets naming this one in with=/home=
    tier: str = "static"
    # Commands it cannot run without (requires=; a with= program: those of all its users).
    requires: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The path as messages name it."""
        return f"snippets/{self.path}"

    @property
    def name(self) -> str:
        """Its file name in a working directory: without the `NN-` step prefix."""
        return working_name(self.path)[1]

    @property
    def kind(self) -> str:
        return KINDS.get(self.file.suffix, "other")

    @cached_property
    def text(self) -> str:
        return self.file.read_text(encoding="utf-8")

    def rendered(self) -> str:
        """The text with `{{ cluster.KEY }}` replaced (FactsError names file:line)."""
        return facts.render(self.text, source=self.source)

    @property
    def run_mode(self) -> str | None:
        """How the snippet runs: its header's run= (sbatch, console, static, ...); None
        without a header or for one that runs only through a user's with=."""
        return self.header.run if self.header else None

    @property
    def executed(self) -> bool:
        """Run by every test run: its own run=, or a running snippet's with=. A snippet with
        requires= runs only where its commands are on PATH (skipped, with the reason, where
        not), so it does not count: its header says why= instead."""
        return self.tier in ("login", "cluster", "gpu") and not self.requires

    @property
    def tested_by(self) -> str | None:
        """The test that runs this static snippet instead (tested-by=), e.g. one that
        must fill in a job id or type at a terminal; tests/snippets/test_coverage.py checks
        the test exists and reads this file."""
        return self.header.tested_by if self.header else None

    @property
    def asks_gpus(self) -> bool:
        """A job script (#SBATCH/#BSUB) or command line that asks Slurm or LSF for GPUs, or
        runs nvidia-smi: mock GPUs on the test cluster, real ones on a real cluster (the
        `gpujob` marker, make test-gpu)."""
        return bool(self.run_mode) and self.run_mode not in ("static", "none") and bool(
            ASKS_GPUS.search(self.text))  # fmt: skip

    def code(self) -> str:
        """The lines a reader would run (commands of a transcript)."""
        return console.script(self.text) if self.kind == "console" else self.text


class Catalog:
    def __init__(self, snippets: list[Snippet], pages: list[Page]):
        self.snippets = snippets
        self.pages = pages
        self.by_path = {s.path: s for s in snippets}
        self._link()

    @classmethod
    def load(cls, root: Path = SNIPPETS, docs: Path = DOCS) -> Catalog:
        found = []
        for file in sorted(root.rglob("*")):
            rel = file.relative_to(root)
            if not file.is_file() or any(p in SKIP_NAMES or p.startswith(".") for p in rel.parts):
                continue
            found.append(Snippet(rel.as_posix(), file))
        return cls(found, pages(docs, root=docs.parent))

    def __getitem__(self, path: str) -> Snippet:
        return self.by_path[path]

    def _link(self) -> None:
        for page in self.pages:
            for inc in page.includes:
                snip = self.by_path.get(inc.path)
                if snip is not None and page.name not in snip.pages:
                    snip.pages.append(page.name)
        for snip in self.snippets:
            try:
                snip.header = parse(snip.text, snip.source)
            except HeaderError as exc:
                snip.error = str(exc)
            except UnicodeDecodeError:
                snip.error = f"{snip.source}:1: not UTF-8 text"
        for snip in self.snippets:
            if snip.header is None:
                continue
            with_paths = [working_name(entry)[0] for entry in snip.header.with_]
            home_paths = [path for path, _ in snip.header.home]
            for key, paths in (
                ("with", with_paths),
                ("needs", snip.header.needs),
                ("home", home_paths),
            ):
                for path in paths:
                    other = self.by_path.get(path)
                    if other is None:
                        line = snip.header.lines.get(key, 1)
                        snip.error = (
                            f"{snip.source}:{line}: {key}={path} does not exist in snippets/"
                        )
                    elif key in ("with", "home") and snip.path not in other.users:
                        other.users.append(snip.path)
        for snip in self.snippets:
            self._check_run(snip)
        for snip in self.snippets:
            snip.tier = self._tier(snip, set())
            snip.requires = self._requires(snip, set())
        self._check_needs_cycles()

    def _check_run(self, snip: Snippet) -> None:
        if snip.error or snip.header is None or snip.header.run is not None:
            return
        if not snip.header.present and not snip.users:
            snip.error = (
                f"{snip.source}:1: no `# test:` header; say how it is tested, "
                "e.g. `# test: run=bash` (snippets/README.md)"
            )
        elif not snip.users:
            line = min(snip.header.lines.values(), default=1)
            snip.error = (
                f"{snip.source}:{line}: no run=; only a file that another snippet "
                "names in with= may leave it out"
            )

    def _tier(self, snip: Snippet, seen: set[str]) -> str:
        if snip.header is None or snip.path in seen:
            return "static"
        run = snip.header.run
        if run is None:  # a program another snippet runs: the highest tier of its users
            seen = seen | {snip.path}
            tiers = [self._tier(self.by_path[u], seen) for u in snip.users]
            tiers = [t for t in tiers if t != "none"] or ["static"]
            return max(tiers, key=TIERS.index)
        if run in ("static", "none"):
            return run
        if snip.header.gpu:
            return "gpu"
        if run in ("sbatch", "bsub") or CLUSTER_COMMAND.search(_without_comments(snip.code())):
            return "cluster"
        return "login"

    def _requires(self, snip: Snippet, seen: set[str]) -> list[str]:
        """requires= of the snippet; for a with= program, what every one of its users needs
        (it runs only through them)."""
        if snip.header is None or snip.path in seen:
            return []
        if snip.header.run is not None or not snip.users:
            return list(snip.header.requires)
        needed = [self._requires(self.by_path[u], seen | {snip.path}) for u in snip.users]
        if not all(needed):
            return []  # some user runs everywhere
        return list(dict.fromkeys(cmd for cmds in needed for cmd in cmds))

    def _check_needs_cycles(self) -> None:
        def visit(path: str, trail: list[str]) -> None:
            if path in trail:
                snip = self.by_path[trail[0]]
                if snip.error is None:
                    line = snip.header.lines.get("needs", 1)
                    snip.error = (
                        f"{snip.source}:{line}: needs= cycle: {' -> '.join(trail + [path])}"
                    )
                return
            snip = self.by_path.get(path)
            if snip is not None and snip.header is not None:
                for need in snip.header.needs:
                    visit(need, trail + [path])

        for snip in self.snippets:
            visit(snip.path, [])

    def pages_of(self, path: str) -> list[str]:
        return self.by_path[path].pages if path in self.by_path else []


def _without_comments(code: str) -> str:
    """Code with shell comments dropped (roughly: a # at a word start ends the line)."""
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in code.splitlines())

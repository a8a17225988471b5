"""No import circle among the modules of scripts/hpcdocs (issue 13).

Every ``import`` and ``from ... import`` in every module is read with ``ast``
(those under ``if TYPE_CHECKING:`` too: a circle a reader has to follow is a
circle, even if Python never runs it), resolved to the module of scripts/hpcdocs
it names, and the graph is searched for cycles.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from hpcdocs import ROOT

PACKAGE_ROOT = ROOT / "scripts"


def module_files(root: Path, package: str = "hpcdocs") -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``package`` under ``root``."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ``modules`` that ``name`` (the module in ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..a import b
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                named.add(submodule if submodule in modules else base)
    found = set()
    for target in named:
        while target and target not in modules:  # hpcdocs.lint.cli.main -> hpcdocs.lint.cli
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_files(root)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The modules of each import circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle_in_hpcdocs() -> None:
    graph = import_graph(PACKAGE_ROOT)
    assert len(graph) > 50  # the walk found the package
    found = cycles(graph)
    assert found == [], "modules that import each other:\n" + "\n".join(", ".join(c) for c in found)


def test_the_check_finds_a_cycle(tmp_path: Path) -> None:
    """A circle through a type-only import, a relative import and a package."""
    files = {
        "hpcdocs/__init__.py": "",
        "hpcdocs/a.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from hpcdocs.b import thing
            """,
        "hpcdocs/b.py": "from .sub import helper\n",
        "hpcdocs/sub/__init__.py": "from hpcdocs import a\n",
        "hpcdocs/c.py": "import hpcdocs.b\nimport os\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["hpcdocs.c"] == {"hpcdocs.b"}
    assert cycles(graph) == [["hpcdocs.a", "hpcdocs.b", "hpcdocs.sub"]]

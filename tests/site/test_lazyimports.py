"""hpcdocs.lazyimports: what mkdocs-jupyter imports is loaded when first used, and works then."""

from __future__ import annotations

import subprocess
import sys

import yaml
from hpcdocs import ROOT


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_it_comes_before_the_plugins_are_loaded():
    """MkDocs imports the Markdown extensions before the plugins: it must be listed there."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    assert config["markdown_extensions"][0] == "hpcdocs.lazyimports"


def test_loading_the_plugin_imports_none_of_it():
    out = _run(
        "import sys, hpcdocs.lazyimports, mkdocs_jupyter.plugin\n"
        "print(sorted(m for m in ('jupytext.formats', 'nbformat', 'nbconvert', 'jsonschema', "
        "'lark') if m in sys.modules))"
    )
    assert out == "[]"


def test_each_works_when_first_used():
    out = _run(
        "import sys, hpcdocs.lazyimports, mkdocs_jupyter.plugin as p\n"
        "nb = p.jupytext.read('docs/en/notebooks/01-environment.ipynb')\n"
        "print(len(nb.cells) > 0, 'nbformat' in sys.modules)\n"
        "print(p.convert.nb2md('docs/en/notebooks/01-environment.ipynb').startswith('#'))\n"
        "import jsonschema\n"
        "check = jsonschema.FormatChecker()\n"
        "print(check.conforms('https://example.org/ä', 'iri'), check.conforms('no iri', 'iri'))\n"
        "print('lark' in sys.modules, type(sys.modules['rfc3987_syntax']).__name__)"
    )
    assert out.splitlines() == ["True True", "True", "True False", "True module"]

"""The imports a site build pays for but seldom uses, made on first use instead.

Listed first in mkdocs.yml's ``markdown_extensions``: MkDocs imports the
Markdown extensions (checking its config) before it loads the plugins, so this
module runs before mkdocs-jupyter is imported. It adds nothing to Markdown.

mkdocs-jupyter's plugin module imports jupytext and its converter (nbconvert)
at the top; jupytext imports nbformat, nbformat jsonschema, and jsonschema's
format checkers import rfc3987_syntax, which compiles 38 lark grammars as it is
imported. That was about 3 s of CPU before the first page (and on Python 3.11
the grammar compiler ran at a frame-stack chunk boundary: half a million
mmap/munmap pairs, seconds of system time). A build with a warm notebook cache
(.cache/mkdocs-jupyter, scripts/hooks/notebooks.py) uses none of it: the plugin
calls jupytext only for Markdown pages (mkdocs.yml ignores them) and the
converter only for a notebook that is not in the cache. A notebook that is not
cached loads them then; nothing a build writes changes.

- ``jupytext`` and ``mkdocs_jupyter.convert``: stand-ins in sys.modules that
  import the real module when a name is first read from them (``import
  jupytext`` binds the stand-in; ``jupytext.read`` loads jupytext). Not
  importlib.util.LazyLoader: its modules load on any attribute read, and the
  import statement itself reads ``__spec__``;
- ``rfc3987_syntax``: a stand-in whose ``is_valid_syntax`` imports the real
  module on its first call, since jsonschema takes that function out of the
  module as it is imported (``from rfc3987_syntax import is_valid_syntax``),
  and nbformat never checks an "iri" format.

A module that is imported already is left as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

from markdown.extensions import Extension

DEFERRED = ("jupytext", "mkdocs_jupyter.convert")
RFC3987 = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    """Stands in for a module until a name is read from it (then: the real module's)."""

    def __getattr__(self, attr):
        return getattr(_load(self.__name__), attr)


def _load(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), _Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def defer(name: str) -> types.ModuleType | None:
    """Put a stand-in for module ``name`` in sys.modules (and on its package), unless the
    module is imported already or is not installed; return the stand-in."""
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None:
        return None
    stand_in = _Deferred(name, f"stand-in until first use (hpcdocs.lazyimports) for {name}")
    stand_in.__spec__ = spec  # the import statement reads it (is the module initializing?)
    sys.modules[name] = stand_in
    package, _, child = name.rpartition(".")
    if package:
        setattr(sys.modules[package], child, stand_in)
    return stand_in


def _is_valid_syntax(*args, **kwargs):
    return _load(RFC3987).is_valid_syntax(*args, **kwargs)


def install() -> None:
    stand_in = defer(RFC3987)
    if stand_in is not None:
        stand_in.is_valid_syntax = _is_valid_syntax
    for name in DEFERRED:
        defer(name)


install()


class _Nothing(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        pass


def makeExtension(**kwargs):  # noqa: N802 (the name Python-Markdown looks for)
    return _Nothing(**kwargs)

"""conda's command-line grammar and a checker for the site's conda commands.

    from hpcdocs.condagrammar import check_file, check_text, parse, matchspec

grammar.py says where the grammar comes from (grammar.json, written from real
conda's parser by generate.py, and a hand-made overlay). The names below are
imported on first use, so that `python -m hpcdocs.condagrammar.generate` runs
in conda's own Python, which has conda but not the project's dependencies.
"""

from importlib import import_module

_WHERE = {
    "Finding": "checker",
    "check_file": "checker",
    "check_text": "checker",
    "Parsed": "parser",
    "parse": "parser",
    "matchspec": None,
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f".{_WHERE[name] or name}", __name__)
    return module if _WHERE[name] is None else getattr(module, name)

"""conda-grammar: write (or check) conda's command-line grammar, read from real conda.

usage: conda-grammar [--out FILE] [--check FILE] [--source TEXT]

Imports the conda that this Python can import, builds conda's own parser
(conda.cli.conda_argparse.generate_parser(), the one `conda` runs), and walks
every subcommand and sub-subcommand (`conda env config vars set`, the plugin
subcommands conda ships itself, such as `conda doctor`), writing each one's
options (spellings, how many values, choices, deprecation), positionals,
aliases and sub-subcommands as JSON; with them the shells `conda shell.NAME`
knows (conda.activate.activator_map) and the settings `conda config` knows
(context.list_parameters()).

Subcommands of plugins from other packages (conda-libmamba-solver's
`repoquery`, conda-build's `build`, ...) are left out, as `conda --no-plugins`
leaves them out, and so are the programs named conda-NAME on PATH that conda
offers as `conda NAME` (the project's own conda-real and conda-standin, for
one): which of them a conda has depends on what else is installed, and the
checker does not check their options (grammar.py lists the plugins).

--check FILE compares a fresh generation with FILE and exits 1, naming the
difference (format, conda version, then each command or option that differs),
when they differ; 2 when conda cannot be imported. It needs only the standard
library and conda, so any Python where `import conda` works runs it by its path,
without the project installed:

    /path/to/conda/bin/python scripts/hpcdocs/condagrammar/generate.py \\
        --check scripts/hpcdocs/condagrammar/grammar.json

(or as `python -m hpcdocs.condagrammar.generate`, or `conda-grammar` in .venv when
that Python imports conda).

grammar.py reads the file and adds what argparse cannot say (grammar.py's overlay).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if not __package__ and sys.path and Path(sys.path[0]).resolve() == Path(__file__).parent.resolve():
    # Run by its path: its folder's modules (parser.py, ...) must not hide conda's imports.
    del sys.path[0]

#: The layout of the file; grammar.py refuses a file of another format.
FORMAT = 1
DEFAULT_FILE = Path(__file__).with_name("grammar.json")
#: Keys of the file that a check compares (provenance says only where it came from).
COMPARED = ("format", "conda_version", "global_options", "commands", "shells", "config_keys")

_ACTIONS = {
    "_StoreAction": "store",
    "_StoreTrueAction": "store_true",
    "_StoreFalseAction": "store_false",
    "_StoreConstAction": "store_const",
    "_AppendAction": "append",
    "_AppendConstAction": "append_const",
    "_ExtendAction": "extend",
    "_CountAction": "count",
    "_HelpAction": "help",
    "_VersionAction": "version",
    "BooleanOptionalAction": "boolean_optional",
    "NullCountAction": "count",
    "ExtendConstAction": "extend_const",
}


def _action_kind(action: argparse.Action) -> str:
    for cls in type(action).__mro__:
        if cls.__name__ in _ACTIONS:
            return _ACTIONS[cls.__name__]
    return type(action).__name__


def _nargs(action: argparse.Action) -> int | str:
    """0 (a switch), 1 (one value), N, or argparse's '?', '*', '+', '...'."""
    nargs = action.nargs
    if nargs is None:
        return 1
    if nargs == argparse.REMAINDER:
        return "..."
    return nargs


def _deprecation(action: argparse.Action) -> str | None:
    """conda's deprecated.action() gives the action a Warning category and its message as help."""
    category = getattr(action, "category", None)
    if isinstance(category, type) and issubclass(category, Warning):
        return str(action.help)
    return None


def _argument(action: argparse.Action) -> dict:
    entry: dict = {}
    if action.option_strings:
        entry["flags"] = list(action.option_strings)
    entry["dest"] = action.dest
    entry["action"] = _action_kind(action)
    entry["nargs"] = _nargs(action)
    if action.choices is not None:
        entry["choices"] = [str(c) for c in action.choices]
    if action.required and action.option_strings:
        entry["required"] = True
    if action.help == argparse.SUPPRESS:
        entry["hidden"] = True
    deprecated = _deprecation(action)
    if deprecated:
        entry["deprecated"] = deprecated
    return entry


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _command(parser: argparse.ArgumentParser) -> dict:
    entry: dict = {
        "options": [_argument(a) for a in parser._actions if a.option_strings],
        "positionals": [
            _argument(a)
            for a in parser._actions
            if not a.option_strings and not isinstance(a, argparse._SubParsersAction)
        ],
    }
    if getattr(parser, "greedy", False):
        entry["greedy"] = True  # a plugin that parses its own arguments
    sub = _subparsers(parser)
    if sub is not None:
        entry["subcommands"] = _walk(sub, {})
        entry["subcommand_required"] = bool(sub.required)
    return entry


def _walk(sub: argparse._SubParsersAction, plugins: dict[str, str]) -> dict:
    """Each subparser once, under its name; its other names (aliases) listed with it.

    In conda's order (the order of argparse's "invalid choice" message)."""
    names: dict[int, list[str]] = {}
    parsers: dict[int, argparse.ArgumentParser] = {}
    for name, parser in sub.choices.items():
        names.setdefault(id(parser), []).append(name)
        parsers[id(parser)] = parser
    commands = {}
    for key, (first, *aliases) in names.items():
        if parsers[key]._defaults.get("_executable"):
            continue  # a conda-NAME program on PATH (conda's legacy subcommands): not conda's
        entry = _command(parsers[key])
        if aliases:
            entry["aliases"] = sorted(aliases)
        if first in plugins:
            entry["plugin"] = plugins[first]
        commands[first] = entry
    return commands


def generate(source: str | None = None) -> dict:
    """conda's grammar, read from the conda this Python imports."""
    import conda
    from conda.base.context import context
    from conda.cli import conda_argparse

    manager = context.plugin_manager
    every = set(manager.get_subcommands())
    manager.disable_external_plugins()  # what `conda --no-plugins` does (conda/cli/main.py)
    plugins = {
        name: getattr(sub.action, "__module__", "?")
        for name, sub in manager.get_subcommands().items()
    }
    external = sorted(every - set(plugins))
    parser = conda_argparse.generate_parser()
    top = _command(parser)
    sub = _subparsers(parser)
    commands = _walk(sub, plugins) if sub is not None else {}
    try:
        from conda.activate import activator_map

        shells = sorted(activator_map)
    except ImportError:  # older conda: no activator_map
        shells = []
    data = {
        "format": FORMAT,
        "conda_version": conda.__version__,
        "provenance": {
            "generator": "hpcdocs.condagrammar.generate (conda-grammar)",
            "source": source
            or f"conda {conda.__version__} imported from {Path(conda.__file__).parent}",
            "python": sys.version.split()[0],
            "platform": sys.platform,  # conda init's shells differ on Windows (cmd.exe)
            "left_out": "subcommands of plugins from other packages (as conda --no-plugins) "
            "and conda-NAME programs on PATH"
            + (f"; here: {', '.join(external)}" if external else ""),
        },
        "global_options": top["options"],
        "commands": commands,
        "shells": shells,
        "config_keys": sorted(context.list_parameters()),
    }
    return data


def _nested(value) -> bool:
    """A dict or list holding a dict, or a list of lists or dicts."""
    children = value.values() if isinstance(value, dict) else value
    return any(
        isinstance(v, dict) or (isinstance(v, list) and any(isinstance(e, dict | list) for e in v))
        for v in children
    )


def _encode(value, indent: str) -> str:
    """JSON with each option (a dict of scalars and flat lists) on one line, for short diffs."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or not _nested(value) and len(flat) < 200:
        return flat
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {_encode(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [f"{inner}{_encode(v, inner)}" for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def dump(data: dict) -> str:
    return _encode(data, "") + "\n"


def _flag_key(entry: dict) -> str:
    return "/".join(entry.get("flags") or [entry.get("dest", "?")])


def differences(old: dict, new: dict, path: str = "") -> list[str]:
    """What differs between two grammars, one line each, format and version first."""
    out: list[str] = []
    if not path:
        for key in ("format", "conda_version"):
            if old.get(key) != new.get(key):
                out.append(f"{key}: the file has {old.get(key)!r}, conda gives {new.get(key)!r}")
        if old.get("format") != new.get("format"):
            return out  # another layout: the rest is not comparable
        for key in ("global_options", "shells", "config_keys"):
            out += _list_diff(key, old.get(key, []), new.get(key, []))
        out += differences(old.get("commands", {}), new.get("commands", {}), "conda")
        return out
    for name in sorted(set(old) | set(new)):
        where = f"{path} {name}"
        if name not in new:
            out.append(f"{where}: in the file, not in conda")
            continue
        if name not in old:
            out.append(f"{where}: in conda, not in the file")
            continue
        a, b = old[name], new[name]
        for key in sorted((set(a) | set(b)) - {"options", "positionals", "subcommands"}):
            if a.get(key) != b.get(key):
                out.append(
                    f"{where}: {key}: the file has {a.get(key)!r}, conda gives {b.get(key)!r}"
                )
        for key in ("options", "positionals"):
            out += _list_diff(f"{where} {key}", a.get(key, []), b.get(key, []))
        out += differences(a.get("subcommands", {}), b.get("subcommands", {}), where)
    return out


def _list_diff(where: str, old: list, new: list) -> list[str]:
    if old == new:
        return []
    if not all(isinstance(x, dict) for x in old + new):
        gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        lines = [f"{where}: in the file, not in conda: {', '.join(map(str, gone))}"] if gone else []
        lines += (
            [f"{where}: in conda, not in the file: {', '.join(map(str, added))}"] if added else []
        )
        return lines or [f"{where}: the same entries in another order"]
    a = {_flag_key(e): e for e in old}
    b = {_flag_key(e): e for e in new}
    lines = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            lines.append(f"{where}: {key}: in the file, not in conda")
        elif key not in a:
            lines.append(f"{where}: {key}: in conda, not in the file")
        elif a[key] != b[key]:
            lines.append(f"{where}: {key}: the file has {a[key]}, conda gives {b[key]}")
    return lines or [f"{where}: the same entries in another order"]


def check(path: Path, fresh: dict) -> list[str]:
    try:
        committed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{path}: cannot read: {err}"]
    return differences({k: committed.get(k) for k in COMPARED}, {k: fresh.get(k) for k in COMPARED})


DESCRIPTION = (
    "Write conda's command-line grammar (every subcommand's options and positionals, read "
    "from the parser of the conda this Python imports) as JSON, or check a written file "
    "against a fresh generation. grammar.py (check-conda, the conda stand-in) reads the file."
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="conda-grammar", description=DESCRIPTION)
    ap.add_argument(
        "--out",
        type=Path,
        help=f"write the grammar here ('-' for standard output; default {DEFAULT_FILE.name} "
        "beside this module when neither --out nor --check is given)",
    )
    ap.add_argument(
        "--check",
        type=Path,
        metavar="FILE",
        help="compare FILE with a fresh generation; exit 1 and name the differences if they "
        "differ in format, conda version or content",
    )
    ap.add_argument(
        "--source",
        help="where this conda came from, recorded in the file's provenance "
        "(e.g. 'git archive of tag 24.11.3, commit ...')",
    )
    args = ap.parse_args(argv)
    try:  # conda itself, not a folder named conda (scripts/conda holds the stand-in's link)
        from conda.cli import conda_argparse  # noqa: F401
    except ImportError as err:
        print(f"conda-grammar: this Python cannot import conda ({err})", file=sys.stderr)
        return 2
    fresh = generate(args.source)
    if args.check:
        diffs = check(args.check, fresh)
        if diffs:
            print(
                f"conda-grammar: {args.check} differs from conda {fresh['conda_version']}'s "
                f"parser ({len(diffs)} differences):",
                file=sys.stderr,
            )
            for line in diffs:
                print(f"  {line}", file=sys.stderr)
            print(
                "regenerate it with that conda: PYTHON scripts/hpcdocs/condagrammar/generate.py --out FILE",
                file=sys.stderr,
            )
            return 1
        print(f"conda-grammar: {args.check} matches conda {fresh['conda_version']}'s parser")
        if not args.out:
            return 0
    out = args.out or DEFAULT_FILE
    if str(out) == "-":
        sys.stdout.write(dump(fresh))
    else:
        out.write_text(dump(fresh), encoding="utf-8")
        print(f"conda-grammar: wrote {out} (conda {fresh['conda_version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

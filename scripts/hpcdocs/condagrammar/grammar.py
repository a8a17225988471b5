"""conda's command-line grammar: subcommands and their options, for the checker and the stand-in.

Two parts, kept apart:

1. grammar.json, written by generate.py (`conda-grammar`) from real conda's own
   parser (conda.cli.conda_argparse.generate_parser()) of the version the
   cluster's module provides (cluster.yml: modules.conda): every subcommand,
   option spelling, number of values, choice and deprecation, the shells
   `conda shell.NAME` knows and the settings `conda config` knows. It is never
   edited by hand; tests/conda/test_grammar_generated.py checks it against
   conda where conda can be imported (the GitHub workflow's conda-real job).

2. The overlay below: what one conda version's argparse cannot say, each entry
   with its reason: options of newer conda (``since``, so the checker warns that
   the cluster's conda lacks them), options and commands conda removed
   (``removed``, so the checker says what replaced them), what conda's shell
   function parses (`conda activate`), what plugins from other packages add,
   and what a positional argument means. The ``since`` versions were checked
   against the parsers of conda's tags 25.1.0 to 26.7.1 (generate.py run on each).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .generate import DEFAULT_FILE, FORMAT


def _target_version() -> tuple[int, int]:
    """The conda the cluster's module provides (cluster.yml: modules.conda, e.g. miniforge3/24.11.3)."""
    try:
        from hpcdocs import facts

        found = re.search(r"(\d+)\.(\d+)", str(facts.get("modules.conda")))
    except Exception:  # no facts file: the checker still works on its own
        found = None
    return (int(found.group(1)), int(found.group(2))) if found else (24, 11)


TARGET_VERSION = _target_version()


@dataclass(frozen=True)
class Opt:
    """One option: its spellings, how many values it takes, and its history."""

    flags: tuple[str, ...]
    nargs: int | str = 0  # 0 a switch, N values, or argparse's "?", "*", "+"
    choices: tuple[str, ...] = ()
    since: tuple[int, int] | None = None
    removed: str | None = None  # why it is gone and what to use instead
    deprecated: str | None = None

    @property
    def dest(self) -> str:
        longs = [f for f in self.flags if f.startswith("--")]
        return (longs or list(self.flags))[0]


@dataclass
class Command:
    """One subcommand (or sub-subcommand)."""

    name: str
    options: list[Opt] = field(default_factory=list)
    positional: str = "none"  # see POSITIONAL_KINDS
    choices: tuple[str, ...] = ()
    subcommands: dict[str, Command] = field(default_factory=dict)
    plugin: str | None = None  # provided by a package that is not conda itself
    removed: str | None = None
    since: tuple[int, int] | None = None

    def find(self, flag: str) -> Opt | None:
        for opt in self.options:
            if flag in opt.flags:
                return opt
        return None


POSITIONAL_KINDS = {
    "none": "no positional arguments",
    "specs": "package match specs",
    "spec?": "at most one match spec",
    "regex?": "at most one regular expression",
    "env?": "at most one environment name or path",
    "one": "exactly one argument",
    "remainder": "a command to run, with its arguments",
    "choices": "names from a fixed list",
    "keyvalue+": "one or more KEY=VALUE",
    "names+": "one or more names",
    "any": "anything (not checked)",
}


# ============================================================ the generated part


def load(path: Path = DEFAULT_FILE) -> dict:
    """grammar.json, refused if it has another layout than generate.py writes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(
            f"{path}: format {data.get('format')!r}, this code reads format {FORMAT}: "
            "regenerate it (scripts/hpcdocs/condagrammar/generate.py, run by conda's Python)"
        )
    return data


DATA = load()
CONDA_VERSION: str = DATA["conda_version"]


def _opts(entry: dict) -> list[Opt]:
    """The checker's options for one argparse option: a BooleanOptionalAction
    (--repodata-use-zst / --no-repodata-use-zst) is two, each its own name."""
    flags = tuple(entry["flags"])
    if entry["action"] == "boolean_optional":
        no = tuple(f for f in flags if f.startswith("--no-"))
        return [_opts({**entry, "flags": f, "action": "store"})[0] for f in (flags[: -len(no)], no)]
    return [
        Opt(
            flags,
            entry["nargs"],
            tuple(entry.get("choices", ())),
            deprecated=entry.get("deprecated"),
        )
    ]


# ============================================================ the overlay
# Everything below is by hand, because conda 24.11.3's argparse cannot say it.

#: What a positional argument means, by its argparse dest (argparse knows only how
#: many words it takes; the checker reads package specs as match specs, and so on).
POSITIONAL_MEANING = {
    ("packages", "*"): "specs",  # create, install, update
    ("package_names", "*"): "specs",  # remove
    ("match_spec", "?"): "spec?",  # search
    ("regex", "?"): "regex?",  # list
    ("file", 1): "one",  # compare
    ("destination", 1): "one",  # rename
    ("executable_call", "..."): "remainder",  # run
    ("shells", "*"): "choices",  # init
    # env create's bare argument was an anaconda.org environment name (deprecated
    # in 24.11, removed in 25.9); the parser names it as an error (parser.py).
    ("remote_definition", "?"): "none",
}

#: Positionals by command, where the dest alone does not say it.
POSITIONAL_BY_COMMAND = {
    # The mock parser takes `args *`; conda's shell function passes one env name
    # or path to `conda shell.bash activate` (conda/activate.py _parse_and_set_args).
    ("activate",): "env?",
    # argparse takes `vars *`; conda env config vars set refuses a word without '='
    # and both do nothing without one (conda/cli/main_env_vars.py execute_set/unset).
    ("env", "config", "vars", "set"): "keyvalue+",
    ("env", "config", "vars", "unset"): "names+",
    # conda doctor's plugin parser has no positionals in 24.11; 26.x's takes check
    # names (`checks *`, 26.7.1), which the checker leaves alone.
    ("doctor",): "any",
}

#: Options conda's shell function parses, not argparse: `conda activate` runs in
#: the shell (etc/profile.d/conda.sh), which calls `conda shell.posix activate`;
#: conda/activate.py _parse_and_set_args reads --stack and --no-stack.
SHELL_FUNCTION_OPTIONS = {
    ("activate",): [Opt(("--stack",)), Opt(("--no-stack",))],
}

#: `conda shell.<shell> <verb>`: the verbs conda/activate.py's _Activator
#: answers (its help table: activate, deactivate, hook, commands, reactivate).
SHELL_VERBS = ("hook", "activate", "deactivate", "reactivate", "commands")

_CHANGE_COMMANDS = [("create",), ("install",), ("update",), ("remove",)]
_ENV_COMMANDS = [("env", "create"), ("env", "update")]

#: Options of newer conda than the cluster's, each with the commands that have it:
#: first release whose parser has it (generate.py on each tag), and the reason.
NEWER: list[tuple[list[tuple[str, ...]], Opt, str]] = [
    (
        [("config",)],
        Opt(("-n", "--name"), 1, since=(25, 3)),
        "conda config -n/-p (a prefix's .condarc) since 25.3.0",
    ),
    (
        [("config",)],
        Opt(("-p", "--prefix"), 1, since=(25, 3)),
        "conda config -n/-p (a prefix's .condarc) since 25.3.0",
    ),
    (
        [("config",)],
        Opt(("--clear",), 1, since=(26, 9)),
        "on conda's main branch (0f64223, 2026-08), in no release up to 26.7.1",
    ),
    (
        [*_CHANGE_COMMANDS, ("search",)],
        Opt(("--repodata-use-shards", "--no-repodata-use-shards"), since=(26, 5)),
        "sharded repodata, since 26.5.0",
    ),
    (
        [("create",), ("install",), ("update",)],
        Opt(("--exclude-newer",), 1, since=(26, 9)),
        "on conda's main branch (0f64223, 2026-08), in no release up to 26.7.1",
    ),
    ([("create",)], Opt(("--clobber",), since=(26, 5)), "conda create --clobber since 26.5.0"),
    (
        [("install",), ("update",), ("remove",), ("env", "remove"), ("env", "update")],
        Opt(("--override-frozen",), since=(25, 5)),
        "frozen environments (CEP 22) since 25.5.0",
    ),
    (
        [("create",), ("install",), ("update",)],
        Opt(("--environment-specifier", "--env-spec"), 1, since=(26, 3)),
        "environment-spec plugins on create/install/update since 26.3.0",
    ),
    (
        _ENV_COMMANDS,
        Opt(("--environment-specifier", "--env-spec"), 1, since=(25, 7)),
        "environment-spec plugins on conda env since 25.7.0",
    ),
    (
        [("create",), ("install",), ("update",), *_ENV_COMMANDS],
        Opt(("--format",), 1, since=(26, 5)),
        "the environment file's format, since 26.5.0",
    ),
    (
        [("export",), ("env", "export")],
        Opt(("--format",), 1, since=(25, 7)),
        "conda export --format since 25.7.0",
    ),
    (
        [("export",), ("env", "export")],
        Opt(("--platform", "--subdir"), 1, since=(25, 9)),
        "exporting for other platforms since 25.9.0",
    ),
    (
        [("export",), ("env", "export")],
        Opt(("--override-platforms",), since=(25, 9)),
        "exporting for other platforms since 25.9.0",
    ),
    (
        [("doctor",)],
        Opt(("--list",), since=(26, 1)),
        "conda doctor's health-check options since 26.1.0",
    ),
    (
        [("doctor",)],
        Opt(("--fix", "--heal"), since=(26, 1)),
        "conda doctor's health-check options since 26.1.0",
    ),
    (
        [("doctor",)],
        Opt(("-d", "--dry-run"), since=(26, 1)),
        "conda doctor's health-check options since 26.1.0",
    ),
    (
        [("doctor",)],
        Opt(("-y", "--yes"), since=(26, 1)),
        "conda doctor's health-check options since 26.1.0",
    ),
    (
        [("doctor",)],
        Opt(("--json",), since=(26, 1)),
        "conda doctor's health-check options since 26.1.0",
    ),
    ([("info",)], Opt(("--size",), since=(26, 1)), "conda info --size since 26.1.0"),
    ([("list",)], Opt(("--size",), since=(26, 1)), "conda list --size since 26.1.0"),
    ([("list",)], Opt(("--fields",), 1, since=(25, 5)), "conda list --fields since 25.5.0"),
    ([("init",)], Opt(("--condabin",), since=(25, 5)), "conda init --condabin since 25.5.0"),
]

#: New spellings of options the cluster's conda has: (commands, new spelling, the
#: option's spelling in grammar.json, since, reason). The checker warns about the new
#: spelling only, and reads it as the same option.
NEWER_SPELLINGS: list[tuple[list[tuple[str, ...]], str, str, tuple[int, int], str]] = [
    (
        [*_CHANGE_COMMANDS, ("search",), ("notices",), ("export",), ("env", "export")],
        "-O",
        "--override-channels",
        (26, 1),
        "-O, the short spelling of --override-channels, since 26.1.0 (helpers.py)",
    ),
    (
        [("run",)],
        "-s",
        "--no-capture-output",
        (26, 1),
        "-s, the short spelling of --no-capture-output, since 26.1.0",
    ),
]

#: Spellings that newer conda gives to another option: (commands, spelling, the
#: option it names there, since, reason). The checker reads the spelling as newer
#: conda does and warns that the cluster's conda reads it otherwise.
NEWER_MEANINGS: list[tuple[list[tuple[str, ...]], str, str, tuple[int, int], str]] = [
    (
        [("create",), ("install",), ("update",)],
        "-f",
        "--file",
        (26, 3),
        "-f is --file since 26.3.0; before, a hidden spelling of --force (a switch), "
        "so `-f FILE` reads FILE as a package",
    ),
]

#: Options conda removed: the checker names them as errors, with what replaced them.
REMOVED: list[tuple[list[tuple[str, ...]], Opt, str]] = [
    (
        [*_CHANGE_COMMANDS, *_ENV_COMMANDS, ("env", "remove")],
        Opt(("--experimental-solver",), 1, removed="removed in conda 24.3; use --solver"),
        "the old spelling of --solver, gone in 24.3.0",
    ),
    (
        [("env", "create")],
        Opt(("--force",), removed="removed in conda 24.3; use --yes to replace an existing env"),
        "conda env create --force, gone in 24.3.0",
    ),
]

#: Commands conda removed.
REMOVED_COMMANDS = {
    ("help",): "removed in conda 24.x; use conda --help or conda COMMAND --help",
    ("env", "upload"): "removed in conda 24.x (anaconda.org upload)",
    ("env", "attach"): "removed in conda 24.x",
}

#: Solvers come from plugins: conda itself brings only `classic`; Miniforge's conda
#: brings conda-libmamba-solver's `libmamba` (the default since 23.10), which the
#: generator leaves out with the other packages' plugins.
PLUGIN_CHOICES = {"--solver": ("libmamba",)}

#: Subcommands that come from other packages; their options are not checked.
PLUGIN_COMMANDS = {
    "build": "conda-build",
    "convert": "conda-build",
    "debug": "conda-build",
    "develop": "conda-build",
    "index": "conda-build / conda-index",
    "inspect": "conda-build",
    "metapackage": "conda-build",
    "render": "conda-build",
    "skeleton": "conda-build",
    "repoquery": "conda-libmamba-solver",
    "content-trust": "conda-content-trust",
    "pack": "conda-pack",
    "tree": "conda-tree",
    "token": "anaconda-auth",
    "auth": "anaconda-auth",
    "repo": "anaconda-client",
}

#: Settings `conda config` accepts that context.list_parameters() does not list.
NEWER_CONFIG_KEYS = {
    # The `plugins:` section, read by settings plugins (context.plugins, 24.x).
    "plugins": "settings plugins' section (context.plugins), not a list_parameters() entry",
    # Newer conda's settings (list_parameters() of the tags named).
    "auto_activate": "since 25.5.0 (the new name of auto_activate_base)",
    "default_activation_env": "since 25.5.0",
    "list_fields": "since 25.5.0",
    "prefix_data_interoperability": "since 25.5.0",
    "protect_frozen_envs": "since 25.5.0",
    "environment_specifier": "since 25.7.0",
    "export_platforms": "since 25.9.0",
    "override_virtual_packages": "since 25.11.0",
    "repodata_use_shards": "since 26.5.0",
    "preview": "since 26.5.0",
    "exclude_newer": "on conda's main branch (0f64223, 2026-08), in no release up to 26.7.1",
}


# ============================================================ putting them together


def _positional(path: tuple[str, ...], entry: dict) -> tuple[str, tuple[str, ...]]:
    if path in POSITIONAL_BY_COMMAND:
        return POSITIONAL_BY_COMMAND[path], ()
    positionals = entry["positionals"]
    if not positionals:
        return "none", ()
    if entry.get("greedy"):
        return "any", ()
    if len(positionals) > 1:
        raise ValueError(f"conda {' '.join(path)}: more than one positional: add it to the overlay")
    (pos,) = positionals
    key = (pos["dest"], pos["nargs"])
    if key not in POSITIONAL_MEANING:
        raise ValueError(
            f"conda {' '.join(path)}: positional {key} has no meaning in grammar.py's overlay"
        )
    return POSITIONAL_MEANING[key], tuple(pos.get("choices", ()))


def _with_plugin_choices(opt: Opt) -> Opt:
    extra = PLUGIN_CHOICES.get(opt.dest, ())
    if opt.choices and extra:
        return replace(opt, choices=opt.choices + tuple(c for c in extra if c not in opt.choices))
    return opt


def _command(path: tuple[str, ...], entry: dict) -> Command:
    kind, choices = _positional(path, entry)
    return Command(
        name=path[-1],
        options=[_with_plugin_choices(opt) for o in entry["options"] for opt in _opts(o)],
        positional=kind,
        choices=choices,
        subcommands={
            name: _command((*path, name), sub) for name, sub in entry.get("subcommands", {}).items()
        },
    )


def _at(commands: dict[str, Command], path: tuple[str, ...]) -> Command:
    cmd = commands[path[0]]
    for name in path[1:]:
        cmd = cmd.subcommands[name]
    return cmd


def _build(data: dict) -> dict[str, Command]:
    commands: dict[str, Command] = {}
    for name, entry in data["commands"].items():
        commands[name] = _command((name,), entry)
        for alias in entry.get("aliases", ()):
            commands[alias] = commands[name]
    for path, opts in SHELL_FUNCTION_OPTIONS.items():
        _at(commands, path).options.extend(opts)
    for paths, opt, _reason in NEWER + REMOVED:
        for path in paths:
            _at(commands, path).options.append(opt)
    for paths, spelling, existing, since, _reason in NEWER_SPELLINGS:
        for path in paths:
            cmd = _at(commands, path)
            opt = cmd.find(existing)
            cmd.options.append(replace(opt, flags=(spelling, *opt.flags), since=since))
    for paths, spelling, meaning, since, _reason in NEWER_MEANINGS:
        for path in paths:
            cmd = _at(commands, path)
            old, opt = cmd.find(spelling), cmd.find(meaning)
            cmd.options[cmd.options.index(old)] = replace(
                old, flags=tuple(f for f in old.flags if f != spelling)
            )
            cmd.options.append(replace(opt, flags=(spelling, *opt.flags), since=since))
    for path, why in REMOVED_COMMANDS.items():
        parent = _at(commands, path[:-1]).subcommands if len(path) > 1 else commands
        parent[path[-1]] = Command(name=path[-1], positional="any", removed=why)
    for name, plugin in PLUGIN_COMMANDS.items():
        commands.setdefault(name, Command(name=name, positional="any", plugin=plugin))
    return commands


COMMANDS = _build(DATA)
SHELLS = tuple(DATA["shells"])
GLOBAL_OPTIONS = [opt for o in DATA["global_options"] for opt in _opts(o)]
# Settings conda config knows: conda's context.list_parameters(), and the overlay's.
CONFIG_KEYS = set(DATA["config_keys"]) | set(NEWER_CONFIG_KEYS)

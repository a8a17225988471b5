"""Parse the words after `conda` the way conda's argparse parser would.

parse(["create", "-n", "ml", "python=3.11"]) gives a Parsed with the
subcommand path ("create",), the options by their long name
({"--name": "ml"}), the positionals, and conda's complaints as errors
(conda would stop) and warnings (conda would go on, or the form is outdated).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from . import matchspec
from .grammar import COMMANDS, GLOBAL_OPTIONS, SHELL_VERBS, SHELLS, TARGET_VERSION, Command, Opt


@dataclass
class Parsed:
    path: tuple[str, ...] = ()
    options: dict[str, object] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)
    specs: list[matchspec.MatchSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    command: Command | None = None

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def get(self, flag: str, default=None):
        return self.options.get(flag, default)


def _version(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


def _negative_number(word: str) -> bool:
    return re.fullmatch(r"-\d+(\.\d+)?", word) is not None


def _lookup_long(cmd: Command, word: str, out: Parsed) -> Opt | None:
    """Find a long option, allowing argparse's unique-prefix abbreviations."""
    exact = cmd.find(word)
    if exact:
        return exact
    hits = {
        opt.dest: opt
        for opt in cmd.options
        for f in opt.flags
        if f.startswith("--") and f.startswith(word)
    }
    if len(hits) == 1:
        opt = next(iter(hits.values()))
        out.warnings.append(f"'{word}' is an abbreviation of '{opt.dest}': write it out")
        return opt
    if len(hits) > 1:
        out.errors.append(
            f"conda {out.name}: ambiguous option: {word} could match " + ", ".join(sorted(hits))
        )
        return None
    return None


def _store(out: Parsed, opt: Opt, value) -> None:
    if opt.removed:
        out.errors.append(f"conda {out.name}: option {opt.flags[0]} was {opt.removed}")
    if opt.deprecated:
        out.warnings.append(
            f"conda {out.name}: option {opt.flags[0]} is deprecated: {opt.deprecated}"
        )
    if opt.since and opt.since > TARGET_VERSION:
        out.warnings.append(
            f"conda {out.name}: option {opt.flags[0]} needs conda >= {_version(opt.since)}; "
            f"the cluster's conda is {_version(TARGET_VERSION)}"
        )
    if opt.choices and value is not True:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v not in opt.choices:
                out.errors.append(
                    f"conda {out.name}: argument {'/'.join(opt.flags)}: invalid choice: "
                    f"'{v}' (choose from {', '.join(opt.choices)})"
                )
    dest = opt.dest
    if (
        opt.nargs == 1
        and dest in ("--channel", "--file", "--repodata-fn", "--shortcuts-only")
        or opt.nargs == 2
        and dest in ("--prepend", "--append", "--set", "--remove")
    ):
        out.options.setdefault(dest, []).append(value)
    else:
        out.options[dest] = value


def _take_values(words: list[str], i: int, opt: Opt, inline: str | None, out: Parsed):
    """Consume the values an option takes; return (value, next index)."""
    flag = "/".join(opt.flags)
    if opt.nargs == 0:
        if inline is not None:
            out.errors.append(
                f"conda {out.name}: argument {flag}: ignored explicit argument '{inline}'"
            )
        return True, i
    if opt.nargs == 1:
        if inline is not None:
            return inline, i
        if i < len(words) and (not words[i].startswith("-") or _negative_number(words[i])):
            return words[i], i + 1
        out.errors.append(f"conda {out.name}: argument {flag}: expected one argument")
        return None, i
    if opt.nargs == 2:
        values = [] if inline is None else [inline]
        while len(values) < 2 and i < len(words) and not words[i].startswith("-"):
            values.append(words[i])
            i += 1
        if len(values) < 2:
            out.errors.append(f"conda {out.name}: argument {flag}: expected 2 arguments")
        return values, i
    if opt.nargs == "?":  # one value if the next word is not an option, else none
        if inline is not None:
            return inline, i
        if i < len(words) and not words[i].startswith("-"):
            return words[i], i + 1
        return True, i
    values = [] if inline is None else [inline]
    while i < len(words) and not words[i].startswith("-"):
        values.append(words[i])
        i += 1
    if opt.nargs == "+" and not values:
        out.errors.append(f"conda {out.name}: argument {flag}: expected at least one argument")
    return values, i


def _parse_options(cmd: Command, words: list[str], out: Parsed) -> None:
    i = 0
    chunks = 0  # separate runs of positionals (argparse takes only the first)
    in_positionals = False
    while i < len(words):
        word = words[i]
        i += 1
        if word == "--":
            out.positionals.extend(words[i:])
            break
        if word.startswith("-") and word != "-" and not _negative_number(word):
            in_positionals = False
            if cmd.positional == "remainder" and out.positionals:
                out.positionals.append(word)
                continue
            if word.startswith("--"):
                name, _, inline = word.partition("=")
                opt = _lookup_long(cmd, name, out)
                if opt is None:
                    if not any(e.endswith(f"could match {name}") for e in out.errors):
                        out.errors.append(f"conda {out.name}: unrecognized argument: {name}")
                    continue
                value, i = _take_values(words, i, opt, inline if _ else None, out)
                _store(out, opt, value)
                continue
            # short options, possibly clustered: -yq, -nmyenv
            letters = word[1:]
            while letters:
                flag = "-" + letters[0]
                opt = cmd.find(flag)
                if opt is None:
                    out.errors.append(
                        f"conda {out.name}: unrecognized argument: {flag}"
                        + (f" (in '{word}')" if len(word) > 2 else "")
                    )
                    break
                rest = letters[1:]
                if opt.nargs == 0:
                    _store(out, opt, True)
                    letters = rest
                    continue
                value, i = _take_values(words, i, opt, rest.lstrip("=") or None, out)
                _store(out, opt, value)
                break
            continue
        if cmd.positional == "remainder" and out.positionals:
            out.positionals.append(word)
            continue
        if not in_positionals:
            chunks += 1
            in_positionals = True
        if chunks > 1 and cmd.positional == "specs":
            out.errors.append(
                f"conda {out.name}: unrecognized arguments: {word} (argparse takes the package "
                "list in one run: put all packages together, before or after the options)"
            )
            continue
        out.positionals.append(word)


def _check_positionals(cmd: Command, out: Parsed, shell_words: bool) -> None:
    kind, pos = cmd.positional, out.positionals
    if out.name == "env create" and pos:
        out.errors.append(
            f"conda env create: unrecognized arguments: {' '.join(pos)} (the file "
            "goes after -f; a bare argument was an anaconda.org name, removed)"
        )
        return
    too_many = {
        "none": 0,
        "spec?": 1,
        "regex?": 1,
        "env?": 1,
        "one": 1,
    }
    if kind in too_many and len(pos) > too_many[kind]:
        extra = pos[too_many[kind] :]
        out.errors.append(f"conda {out.name}: unrecognized arguments: {' '.join(extra)}")
    if kind == "one" and not pos and "--help" not in out.options:
        out.errors.append(f"conda {out.name}: the following arguments are required: one argument")
    if kind in ("specs", "spec?"):
        for word in pos[: None if kind == "specs" else 1]:
            if not shell_words and ("$" in word or "`" in word):
                continue  # a shell variable: its value is not known here
            try:
                spec = matchspec.parse(word)
            except matchspec.MatchSpecError as err:
                out.errors.append(f"conda {out.name}: {err}")
                continue
            out.specs.append(spec)
            out.warnings.extend(f"conda {out.name}: {w}" for w in spec.warnings)
    if kind == "choices":
        for word in pos:
            if word not in cmd.choices:
                out.errors.append(
                    f"conda {out.name}: argument SHELLS: invalid choice: '{word}' "
                    f"(choose from {', '.join(cmd.choices)})"
                )
    if kind == "keyvalue+":
        if not pos:
            out.errors.append(f"conda {out.name}: needs one or more KEY=VALUE")
        for word in pos:
            if "=" not in word:
                out.errors.append(f"conda {out.name}: '{word}' is not KEY=VALUE")
    if kind == "names+" and not pos:
        out.errors.append(f"conda {out.name}: needs one or more names")
    if kind == "remainder" and not pos and "--help" not in out.options:
        out.errors.append(
            f"conda {out.name}: the following arguments are required: executable_call"
        )


# The actions of conda config: it needs one of them.
CONFIG_ACTIONS = frozenset(
    {
        "--show",
        "--show-sources",
        "--validate",
        "--describe",
        "--write-default",
        "--get",
        "--append",
        "--prepend",
        "--set",
        "--remove",
        "--remove-key",
        "--stdin",
        "--clear",
    }
)


def _check_rules(out: Parsed) -> None:
    """The checks conda makes after argparse (conda/cli/main_*.py execute())."""
    o, name = out.options, out.name
    if "--help" in o:
        return
    if "--name" in o and "--prefix" in o:
        out.errors.append(
            f"conda {name}: argument -p/--prefix: not allowed with argument -n/--name"
        )
    if name == "create":
        if not ({"--name", "--prefix", "--file", "-f"} & o.keys()) and not (
            {"--dry-run", "--download-only"} & o.keys()
        ):
            out.errors.append(
                f"conda {name}: one of the arguments -n/--name -p/--prefix is required"
            )
        if "--clone" in o and (out.positionals or "--file" in o):
            out.errors.append(f"conda {name}: --clone takes no packages and no --file")
    if (
        name == "install"
        and not out.positionals
        and not ({"--file", "-f", "--revision", "--update-all"} & o.keys())
    ):
        out.errors.append(
            f"conda {name}: too few arguments, must supply command line package specs or --file"
        )
    if (
        name in ("update", "upgrade")
        and not out.positionals
        and not ({"--file", "-f", "--update-all"} & o.keys())
    ):
        out.errors.append(f"conda {name}: no package names supplied (or use --all)")
    if name in ("remove", "uninstall"):
        if not out.positionals and "--all" not in o and "--features" not in o:
            out.errors.append(
                f'conda {name}: no package names supplied, try "conda remove -h" for more details'
            )
        if "--keep-env" in o and "--all" not in o:
            out.errors.append(f"conda {name}: --keep-env only works with --all")
    if name == "env remove" and not ({"--name", "--prefix"} & o.keys()):
        out.warnings.append("conda env remove: without -n/-p it removes the active environment")
    if name == "config" and not CONFIG_ACTIONS & o.keys():
        out.errors.append(
            "conda config: give an action such as --show, --set KEY VALUE or --add channels NAME"
        )


def _check_config_keys(out: Parsed) -> None:
    from .grammar import CONFIG_KEYS

    keys = []
    for flag in ("--append", "--prepend", "--set", "--remove"):
        keys += [pair[0] for pair in out.options.get(flag, []) if pair]
    for flag in ("--show", "--get", "--describe"):
        keys += list(out.options.get(flag) or [])
    if isinstance(out.options.get("--remove-key"), str):
        keys.append(out.options["--remove-key"])
    for key in keys:
        base = key.split(".")[0]
        if base not in CONFIG_KEYS:
            out.errors.append(f"conda config: unknown parameter '{key}'")


def parse(words: list[str], shell_words: bool = False) -> Parsed:
    """Parse the words after `conda`.

    shell_words: True when the words are literal (already expanded), as the
    stand-in sees them; False when they come from a script, where a word with
    a `$` is a variable whose value is unknown.
    """
    out = Parsed()
    i = 0
    while i < len(words) and words[i].startswith("-"):
        word = words[i]
        if not any(word in opt.flags for opt in GLOBAL_OPTIONS):
            out.errors.append(f"conda: unrecognized argument: {word} (before the subcommand)")
        out.options[word] = True
        i += 1
        if word in ("-h", "--help", "-V", "--version"):
            return out
    if i == len(words):
        if not out.options:
            out.warnings.append("conda without a subcommand only prints its help")
        return out
    first = words[i]
    i += 1
    shell = re.fullmatch(r"shell\.(.+)", first)
    if shell:
        out.path = (first,)
        if shell.group(1) not in SHELLS:
            out.errors.append(
                f"conda {first}: unknown shell '{shell.group(1)}' (choose from {', '.join(SHELLS)})"
            )
        if i == len(words) or words[i] not in SHELL_VERBS:
            out.errors.append(f"conda {first}: needs one of {', '.join(SHELL_VERBS)}")
        else:
            out.path = (first, words[i])
            out.positionals = words[i + 1 :]
        return out
    cmd = COMMANDS.get(first)
    if cmd is None:
        close = difflib.get_close_matches(first, list(COMMANDS), n=2, cutoff=0.6)
        out.path = (first,)
        out.errors.append(
            f"conda: invalid choice: '{first}' is not a conda command"
            + (f" (did you mean {' or '.join(close)}?)" if close else "")
        )
        return out
    path = [first]
    while cmd.subcommands:
        if i < len(words) and words[i] in cmd.subcommands:
            cmd = cmd.subcommands[words[i]]
            path.append(words[i])
            i += 1
            continue
        if i < len(words) and words[i] in ("-h", "--help"):
            break
        out.path = tuple(path)
        word = words[i] if i < len(words) else None
        out.errors.append(
            f"conda {' '.join(path)}: "
            + (f"invalid choice: '{word}'" if word else "needs a subcommand")
            + f" (choose from {', '.join(cmd.subcommands)})"
        )
        return out
    out.path = tuple(path)
    out.command = cmd
    if cmd.removed:
        out.errors.append(f"conda {out.name} was {cmd.removed}")
        return out
    if cmd.since and cmd.since > TARGET_VERSION:
        out.warnings.append(
            f"conda {out.name} needs conda >= {_version(cmd.since)}; "
            f"the cluster's conda is {_version(TARGET_VERSION)}"
        )
    if cmd.plugin:
        out.warnings.append(
            f"conda {out.name} comes from {cmd.plugin}, not conda itself: "
            "its options are not checked"
        )
        out.positionals = words[i:]
        return out
    _parse_options(cmd, words[i:], out)
    _check_positionals(cmd, out, shell_words)
    _check_rules(out)
    if out.name == "config":
        _check_config_keys(out)
    return out

"""conda's command-line grammar (conda 24.x and 25.x): subcommands and their options.

Where this comes from: conda's own argparse definitions, conda/cli/helpers.py
(the shared option groups: add_parser_prefix, add_parser_channels,
add_parser_solver_mode, add_parser_package_install_options,
add_parser_networking, add_parser_json, add_output_and_prompt_options,
add_parser_update_modifiers, add_parser_platform, ...) and conda/cli/main_*.py
and conda/cli/env/*/_parser.py (each subcommand's configure_parser), checked
against the "usage:" blocks of the command reference at
docs.conda.io/projects/conda/en/{24.1.x,24.5.x,24.11.x,25.7.x}/commands/.
Options that only newer conda (26.x) has are kept but marked ``since`` so the
checker warns that the cluster's conda may lack them; options conda removed
are kept with ``removed`` so the checker can say what replaced them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
    nargs: int | str = 0  # 0 flag, 1 value, 2 KEY VALUE, "*" zero or more
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

# ---------------------------------------------------------------- shared groups

HELP = [Opt(("-h", "--help"))]
JSON = [
    Opt(("--json",)),
    Opt(("--console",), 1),
    Opt(("-v", "--verbose")),
    Opt(("-q", "--quiet")),
    Opt(("--debug",)),
    Opt(("--trace",)),
]
OUTPUT = JSON + [Opt(("-d", "--dry-run")), Opt(("-y", "--yes"))]
PREFIX = [Opt(("-n", "--name"), 1), Opt(("-p", "--prefix"), 1)]
CHANNELS = [
    Opt(("-c", "--channel"), 1),
    Opt(("--use-local",)),
    Opt(("-O", "--override-channels")),
    Opt(("--repodata-fn",), 1),
    Opt(("--experimental",), 1, choices=("jlap", "lock")),
    Opt(("--no-lock",)),
    Opt(("--repodata-use-zst",)),
    Opt(("--no-repodata-use-zst",)),
    Opt(("--repodata-use-shards",), since=(26, 1)),
    Opt(("--no-repodata-use-shards",), since=(26, 1)),
]
SOLVER_MODE = [
    Opt(("--strict-channel-priority",)),
    Opt(("--channel-priority",)),
    Opt(("--no-channel-priority",)),
    Opt(("--no-deps",)),
    Opt(("--only-deps",)),
    Opt(("--no-pin",)),
    Opt(("--exclude-newer",), 1, since=(26, 5)),
]
SOLVER = [
    Opt(("--solver",), 1, choices=("classic", "libmamba")),
    Opt(("--experimental-solver",), 1, removed="removed in conda 24.3; use --solver"),
]
PACKAGE_INSTALL = [
    Opt(("--force",)),
    Opt(("--copy",)),
    Opt(("--shortcuts",)),
    Opt(("--no-shortcuts",)),
    Opt(("--shortcuts-only",), 1),
    Opt(("--clobber",)),
]
NETWORK = [
    Opt(("-C", "--use-index-cache")),
    Opt(("-k", "--insecure")),
    Opt(("--offline",)),
]
PLATFORM = [Opt(("--subdir", "--platform"), 1)]
ENV_SPECIFIER = [
    Opt(("--environment-specifier", "--env-spec"), 1, since=(25, 3)),
    Opt(("--format",), 1, since=(26, 1)),
]
UPDATE_MODIFIERS = [
    Opt(("--freeze-installed", "--no-update-deps")),
    Opt(("--update-deps",)),
    Opt(("-S", "--satisfied-skip-solve")),
    Opt(("--update-all", "--all")),
    Opt(("--update-specs",)),
]
CREATE_INSTALL_UPDATE = (
    HELP
    + PREFIX
    + CHANNELS
    + SOLVER_MODE
    + SOLVER
    + PACKAGE_INSTALL
    + NETWORK
    + OUTPUT
    + [
        Opt(("--download-only",)),
        Opt(("--show-channel-urls",)),
        Opt(("--no-show-channel-urls",)),
        Opt(("--force-pscheck",)),
        Opt(("--unknown",)),
        Opt(("--file",), 1),
        Opt(("-f",), 1, since=(26, 1)),
        Opt(("--dev",)),
        Opt(("--override-frozen",), since=(25, 5)),
    ]
    + ENV_SPECIFIER
)
EXPORT = (
    HELP
    + PREFIX
    + JSON
    + [
        Opt(("-c", "--channel"), 1),
        Opt(("-O", "--override-channels")),
        Opt(("--platform", "--subdir"), 1, since=(25, 7)),
        Opt(("--override-platforms",), since=(25, 7)),
        Opt(("-f", "--file"), 1),
        Opt(("--format",), 1, since=(25, 7)),
        Opt(("--no-builds",)),
        Opt(("--ignore-channels",)),
        Opt(("--from-history",)),
    ]
)


def _cmd(name: str, options: list[Opt], positional: str = "none", **kw) -> Command:
    return Command(name=name, options=options, positional=positional, **kw)


def _build() -> dict[str, Command]:
    create = _cmd(
        "create",
        CREATE_INSTALL_UPDATE
        + PLATFORM
        + [
            Opt(("--clone",), 1),
            Opt(("--no-default-packages",)),
        ],
        "specs",
    )
    install = _cmd(
        "install",
        CREATE_INSTALL_UPDATE
        + UPDATE_MODIFIERS
        + [
            Opt(("--revision",), 1),
            Opt(("--force-reinstall",)),
            Opt(("--prune",)),
        ],
        "specs",
    )
    update = _cmd(
        "update",
        CREATE_INSTALL_UPDATE
        + UPDATE_MODIFIERS
        + [
            Opt(("--force-reinstall",)),
            Opt(("--prune",)),
        ],
        "specs",
    )
    remove = _cmd(
        "remove",
        HELP
        + PREFIX
        + CHANNELS
        + SOLVER
        + NETWORK
        + OUTPUT
        + [
            Opt(("--features",)),
            Opt(("--force-remove", "--force")),
            Opt(("--no-pin",)),
            Opt(("--all",)),
            Opt(("--keep-env",)),
            Opt(("--dev",)),
            Opt(("--override-frozen",), since=(25, 5)),
        ],
        "specs",
    )
    listing = _cmd(
        "list",
        HELP
        + PREFIX
        + JSON
        + [
            Opt(("--show-channel-urls",)),
            Opt(("--fields",), 1, since=(25, 3)),
            Opt(("--reverse",)),
            Opt(("-c", "--canonical")),
            Opt(("-f", "--full-name")),
            Opt(("--explicit",)),
            Opt(("--md5",)),
            Opt(("--sha256",)),
            Opt(("-e", "--export")),
            Opt(("-r", "--revisions")),
            Opt(("--size",), since=(26, 1)),
            Opt(("--no-pip",)),
            Opt(("--auth",)),
        ],
        "regex?",
    )
    search = _cmd(
        "search",
        HELP
        + CHANNELS
        + NETWORK
        + JSON
        + PLATFORM
        + [
            Opt(("--envs",)),
            Opt(("-i", "--info")),
            Opt(("--skip-flexible-search",)),
        ],
        "spec?",
    )
    info = _cmd(
        "info",
        HELP
        + JSON
        + [
            Opt(("-a", "--all")),
            Opt(("--base",)),
            Opt(("-e", "--envs")),
            Opt(("-s", "--system")),
            Opt(("--unsafe-channels",)),
            Opt(("--size",), since=(26, 1)),
            Opt(("--offline",)),
        ],
    )
    config = _cmd(
        "config",
        HELP
        + JSON
        + PREFIX
        + [
            Opt(("--system",)),
            Opt(("--env",)),
            Opt(("--file",), 1),
            Opt(("--show",), "*"),
            Opt(("--show-sources",)),
            Opt(("--validate",)),
            Opt(("--describe",), "*"),
            Opt(("--write-default",)),
            Opt(("--get",), "*"),
            Opt(("--append",), 2),
            Opt(("--prepend", "--add"), 2),
            Opt(("--set",), 2),
            Opt(("--remove",), 2),
            Opt(("--remove-key",), 1),
            Opt(("--clear",), 1, since=(26, 1)),
            Opt(("--stdin",)),
        ],
    )
    clean = _cmd(
        "clean",
        HELP
        + OUTPUT
        + [
            Opt(("-a", "--all")),
            Opt(("-i", "--index-cache")),
            Opt(("-p", "--packages")),
            Opt(("-t", "--tarballs")),
            Opt(("-f", "--force-pkgs-dirs")),
            Opt(("-c", "--tempfiles"), "*"),
            Opt(("-l", "--logfiles")),
        ],
    )
    init = _cmd(
        "init",
        HELP
        + JSON
        + [
            Opt(("--all",)),
            Opt(("--condabin",), since=(25, 1)),
            Opt(("--user",)),
            Opt(("--no-user",)),
            Opt(("--system",)),
            Opt(("--reverse",)),
            Opt(("-d", "--dry-run")),
            Opt(("--install",)),
            Opt(("--dev",)),
        ],
        "choices",
        choices=("bash", "fish", "tcsh", "xonsh", "zsh", "powershell", "cmd.exe"),
    )
    env_create = _cmd(
        "create",
        HELP
        + PREFIX
        + NETWORK
        + OUTPUT
        + SOLVER
        + PLATFORM
        + ENV_SPECIFIER
        + [
            Opt(("-f", "--file"), 1),
            Opt(("--no-default-packages",)),
            Opt(
                ("--force",), removed="removed in conda 24.3; use --yes to replace an existing env"
            ),
            Opt(("-c", "--channel"), 1, since=(26, 1)),
            Opt(("--use-local",), since=(26, 1)),
            Opt(("-O", "--override-channels"), since=(26, 1)),
        ],
        "none",
    )
    env_update = _cmd(
        "update",
        HELP
        + PREFIX
        + JSON
        + SOLVER
        + ENV_SPECIFIER
        + [
            Opt(("-f", "--file"), 1),
            Opt(("--prune",)),
            Opt(("--override-frozen",), since=(25, 5)),
        ],
    )
    env_config_vars = _cmd(
        "vars",
        HELP,
        subcommands={
            "list": _cmd("list", HELP + PREFIX + JSON),
            "set": _cmd("set", HELP + PREFIX + JSON, "keyvalue+"),
            "unset": _cmd("unset", HELP + PREFIX + JSON, "names+"),
        },
    )
    env = _cmd(
        "env",
        HELP,
        subcommands={
            "create": env_create,
            "export": _cmd("export", EXPORT),
            "list": _cmd("list", HELP + JSON),
            "remove": _cmd(
                "remove",
                HELP + PREFIX + OUTPUT + SOLVER + [Opt(("--override-frozen",), since=(25, 5))],
            ),
            "update": env_update,
            "config": _cmd("config", HELP, subcommands={"vars": env_config_vars}),
            "upload": _cmd(
                "upload", [], "any", removed="removed in conda 24.x (anaconda.org upload)"
            ),
            "attach": _cmd("attach", [], "any", removed="removed in conda 24.x"),
        },
    )
    commands = {
        "activate": _cmd("activate", HELP + [Opt(("--stack",)), Opt(("--no-stack",))], "env?"),
        "deactivate": _cmd("deactivate", HELP),
        "clean": clean,
        "compare": _cmd("compare", HELP + PREFIX + JSON, "one"),
        "config": config,
        "create": create,
        "doctor": _cmd(
            "doctor",
            HELP
            + PREFIX
            + [
                Opt(("-v", "--verbose")),
                Opt(("--list",), since=(25, 5)),
                Opt(("--fix",), since=(25, 5)),
                Opt(("-d", "--dry-run"), since=(25, 5)),
                Opt(("-y", "--yes"), since=(25, 5)),
                Opt(("--json",), since=(25, 5)),
            ],
            "any",
        ),
        "env": env,
        "export": _cmd("export", EXPORT, since=(25, 7)),
        "info": info,
        "init": init,
        "install": install,
        "list": listing,
        "notices": _cmd(
            "notices",
            HELP + JSON + [Opt(("-c", "--channel"), 1), Opt(("-O", "--override-channels"))],
        ),
        "package": _cmd(
            "package",
            HELP
            + PREFIX
            + [
                Opt(("-w", "--which"), "*"),
                Opt(("-r", "--reset")),
                Opt(("-u", "--untracked")),
                Opt(("--pkg-name",), 1),
                Opt(("--pkg-version",), 1),
                Opt(("--pkg-build",), 1),
            ],
        ),
        "remove": remove,
        "rename": _cmd(
            "rename",
            HELP
            + PREFIX
            + JSON
            + [Opt(("--force",)), Opt(("-d", "--dry-run")), Opt(("-y", "--yes"))],
            "one",
        ),
        "run": _cmd(
            "run",
            HELP
            + PREFIX
            + [
                Opt(("-v", "--verbose")),
                Opt(("--dev",)),
                Opt(("--debug-wrapper-scripts",)),
                Opt(("--cwd",), 1),
                Opt(("-s", "--no-capture-output", "--live-stream")),
            ],
            "remainder",
        ),
        "search": search,
        "update": update,
    }
    commands["uninstall"] = remove
    commands["upgrade"] = update
    commands["help"] = _cmd(
        "help", [], "any", removed="removed in conda 24.x; use conda --help or conda COMMAND --help"
    )
    for name, plugin in PLUGIN_COMMANDS.items():
        commands.setdefault(name, _cmd(name, [], "any", plugin=plugin))
    return commands


# Subcommands that come from other packages; their options are not checked.
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

# `conda shell.<shell> <verb>`: what conda.sh and `eval "$(conda shell.bash hook)"` call.
SHELLS = (
    "bash",
    "posix",
    "zsh",
    "ash",
    "dash",
    "fish",
    "tcsh",
    "csh",
    "xonsh",
    "powershell",
    "cmd.exe",
)
SHELL_VERBS = ("hook", "activate", "deactivate", "reactivate", "commands")

GLOBAL_OPTIONS = [
    Opt(("-h", "--help")),
    Opt(("-V", "--version")),
    Opt(("-v", "--verbose")),
    Opt(("--no-plugins",)),
]

COMMANDS = _build()

# Settings conda config knows (conda.base.context.Context.list_parameters(), 24.x/25.x).
CONFIG_KEYS = {
    "add_anaconda_token",
    "add_pip_as_python_dependency",
    "aggressive_update_packages",
    "allow_conda_downgrades",
    "allow_cycles",
    "allow_non_channel_urls",
    "allow_softlinks",
    "allowlist_channels",
    "always_copy",
    "always_softlink",
    "always_yes",
    "anaconda_upload",
    "auto_activate",
    "auto_activate_base",
    "auto_stack",
    "auto_update_conda",
    "bld_path",
    "changeps1",
    "channel_alias",
    "channel_priority",
    "channel_settings",
    "channels",
    "client_ssl_cert",
    "client_ssl_cert_key",
    "clobber",
    "conda_build",
    "console",
    "create_default_packages",
    "croot",
    "custom_channels",
    "custom_multichannels",
    "debug",
    "default_channels",
    "default_python",
    "default_threads",
    "denylist_channels",
    "deps_modifier",
    "dev",
    "disallowed_packages",
    "download_only",
    "dry_run",
    "enable_private_envs",
    "env_prompt",
    "envs_dirs",
    "envvars_force_uppercase",
    "error_upload_url",
    "execute_threads",
    "experimental",
    "extra_safety_checks",
    "fetch_threads",
    "force",
    "force_32bit",
    "force_reinstall",
    "force_remove",
    "ignore_pinned",
    "json",
    "local_repodata_ttl",
    "migrated_channel_aliases",
    "migrated_custom_channels",
    "no_lock",
    "no_plugins",
    "non_admin_enabled",
    "notify_outdated_conda",
    "number_channel_notices",
    "offline",
    "override_channels_enabled",
    "path_conflict",
    "pinned_packages",
    "pip_interop_enabled",
    "pkgs_dirs",
    "proxy_servers",
    "quiet",
    "register_envs",
    "remote_backoff_factor",
    "remote_connect_timeout_secs",
    "remote_max_retries",
    "remote_read_timeout_secs",
    "repodata_fns",
    "repodata_threads",
    "repodata_use_zst",
    "report_errors",
    "restore_free_channel",
    "rollback_enabled",
    "root_prefix",
    "safety_checks",
    "sat_solver",
    "separate_format_cache",
    "shortcuts",
    "shortcuts_only",
    "show_channel_urls",
    "signing_metadata_url_base",
    "solver",
    "solver_ignore_timestamps",
    "ssl_verify",
    "subdir",
    "subdirs",
    "target_prefix_override",
    "trace",
    "track_features",
    "unsatisfiable_hints",
    "unsatisfiable_hints_check_depth",
    "update_modifier",
    "use_index_cache",
    "use_local",
    "use_only_tar_bz2",
    "verbosity",
    "verify_threads",
    "plugins",
    "reporters",
    "environment_specifier",
    "frozen_envs",
    "exclude_newer",
}
